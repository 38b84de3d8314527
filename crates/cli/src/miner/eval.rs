//! `verity miner eval`: an evaluation of a model artifact exactly as a validator runs it:
//! the evaluator's [`evaluate`] on the dataset's held-out split with a 32-byte seed, on the
//! reference, CPU or GPU backend. Every backend gives the same result root.
//!
//! Without `--seed` the seed is [`default_seed`], BLAKE2b-256 of
//! `"verity/cli/miner/eval/v1"` (`c6da9c9a…`, printed with the result), so two runs are
//! comparable. Without `--samples` every held-out sample is evaluated.

use std::{fmt, fs, path::PathBuf, time::Instant};

use anyhow::Context;
use clap::{Args, ValueEnum};
use verity_evaluator::{evaluate, merkle, merkle::Hash, Backend, Model, ReferenceBackend};

use super::{parse_hash, percent, SplitDataset};

/// The text whose BLAKE2b-256 hash is the default evaluation seed.
pub const DEFAULT_SEED_TEXT: &str = "verity/cli/miner/eval/v1";

/// The default evaluation seed: BLAKE2b-256 of [`DEFAULT_SEED_TEXT`].
pub fn default_seed() -> Hash {
	merkle::hash(DEFAULT_SEED_TEXT.as_bytes())
}

/// `verity miner eval`
#[derive(Debug, Args)]
pub struct EvalArgs {
	/// The model artifact (format v1).
	#[arg(long)]
	pub model: PathBuf,
	/// Dataset file (format v1); the bundled 8×8 digits when absent.
	#[arg(long)]
	pub dataset: Option<PathBuf>,
	/// Inference backend. `auto`: the GPU if built in and one is found, else the CPU.
	#[arg(long, value_enum, default_value_t = BackendChoice::Auto)]
	pub backend: BackendChoice,
	/// Selection seed, 64 hex digits (optionally 0x-prefixed); default: BLAKE2b-256 of
	/// "verity/cli/miner/eval/v1".
	#[arg(long, value_parser = parse_seed)]
	pub seed: Option<Hash>,
	/// Samples to evaluate, drawn from the held-out split; default: all of it.
	#[arg(long)]
	pub samples: Option<u32>,
}

fn parse_seed(text: &str) -> Result<Hash, String> {
	parse_hash(text).ok_or_else(|| "expected 64 hex digits (32 bytes)".to_string())
}

/// Which backend to evaluate on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BackendChoice {
	/// The `no_std` reference: the definition, slow and obviously right.
	Reference,
	/// The optimised CPU backend (SIMD kernel chosen at run time, all cores).
	Cpu,
	/// The wgpu backend (built with `--features gpu`).
	Gpu,
	/// The GPU if built in and present, else the CPU.
	Auto,
}

impl fmt::Display for BackendChoice {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		let name = match self {
			Self::Reference => "reference",
			Self::Cpu => "cpu",
			Self::Gpu => "gpu",
			Self::Auto => "auto",
		};
		f.write_str(name)
	}
}

/// A backend ready to run, with a line describing it (for the GPU: the adapter).
pub struct SelectedBackend {
	/// The backend.
	pub backend: Box<dyn Backend + Send + Sync>,
	/// Its name and, where there is one, its device.
	pub description: String,
}

/// Whether this binary has the GPU backend (cargo feature `gpu`).
pub const GPU_BUILT: bool = cfg!(feature = "gpu");

/// Opens the backend `choice` names. `gpu` fails with a clear error when the binary was
/// built without the `gpu` feature or no adapter is found; `auto` then falls back to the CPU
/// and says why on stderr.
pub fn select_backend(choice: BackendChoice) -> anyhow::Result<SelectedBackend> {
	match choice {
		BackendChoice::Reference => Ok(describe(Box::new(ReferenceBackend))),
		BackendChoice::Cpu => Ok(describe(Box::new(verity_evaluator::CpuBackend::new()))),
		BackendChoice::Gpu => open_gpu(),
		BackendChoice::Auto => match open_gpu() {
			Ok(selected) => Ok(selected),
			Err(error) => {
				if GPU_BUILT {
					eprintln!("note: no GPU backend ({error:#}); using the CPU");
				}
				select_backend(BackendChoice::Cpu)
			}
		},
	}
}

fn describe(backend: Box<dyn Backend + Send + Sync>) -> SelectedBackend {
	let description = backend.name().to_string();
	SelectedBackend { backend, description }
}

#[cfg(feature = "gpu")]
fn open_gpu() -> anyhow::Result<SelectedBackend> {
	let gpu = verity_evaluator::GpuBackend::new().context("opening the GPU backend")?;
	let description = format!("{} on {}", gpu.name(), gpu.describe());
	Ok(SelectedBackend { backend: Box::new(gpu), description })
}

#[cfg(not(feature = "gpu"))]
fn open_gpu() -> anyhow::Result<SelectedBackend> {
	anyhow::bail!(
		"the GPU backend is not built into this binary; rebuild verity-cli with \
		 `cargo build --release --features gpu` (needs a Vulkan, Metal or DX12 driver)"
	)
}

/// Runs `verity miner eval`.
pub fn run(args: &EvalArgs) -> anyhow::Result<()> {
	let bytes =
		fs::read(&args.model).with_context(|| format!("reading {}", args.model.display()))?;
	let model = Model::decode(&bytes)
		.with_context(|| format!("{} is not a valid model (format v1)", args.model.display()))?;
	let data = SplitDataset::load(args.dataset.as_deref())?;
	let seed = args.seed.unwrap_or_else(default_seed);
	let held_out = data.held_out.end.saturating_sub(data.held_out.start);
	let samples = args.samples.unwrap_or(held_out);
	let selected = select_backend(args.backend)?;

	let started = Instant::now();
	let result = evaluate(
		selected.backend.as_ref(),
		&model,
		&data.dataset,
		data.held_out.clone(),
		&seed,
		samples,
	)
	.with_context(|| format!("evaluating {} on {}", args.model.display(), data.source))?;
	let elapsed = started.elapsed().as_secs_f64();

	println!("backend      {}", selected.description);
	println!("model root   {}", hex::encode(model.root()));
	println!("dataset      {}", data.describe());
	println!("dataset root {}", hex::encode(data.dataset.root()));
	println!("seed         {}", hex::encode(seed));
	println!("score        {}/{} ({:.2}%)", result.total, samples, percent(result.total, samples));
	println!("result root  {}", hex::encode(result.root));
	let rate = if elapsed > 0.0 { f64::from(samples) / elapsed } else { f64::INFINITY };
	println!(
		"throughput   {rate:.0} samples/s ({samples} samples in {:.3} ms, selection and hashing \
		 included)",
		elapsed * 1000.0
	);
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn default_seed_is_the_documented_hash() {
		assert_eq!(default_seed(), merkle::hash(b"verity/cli/miner/eval/v1"));
		assert!(hex::encode(default_seed()).starts_with(DEFAULT_SEED_PREFIX));
	}

	/// The first hex digits of the default seed, as the module docs quote them.
	const DEFAULT_SEED_PREFIX: &str = "c6da9c9a";

	#[test]
	fn gpu_without_the_feature_is_a_clear_error() {
		if GPU_BUILT {
			return;
		}
		let error = select_backend(BackendChoice::Gpu).err().unwrap();
		assert!(format!("{error:#}").contains("--features gpu"), "{error:#}");
		// `auto` falls back to the CPU.
		let auto = select_backend(BackendChoice::Auto).unwrap();
		assert!(auto.description.starts_with("cpu-"), "{}", auto.description);
	}

	#[test]
	fn seed_parser_refuses_short_seeds() {
		assert!(parse_seed("00").is_err());
		assert_eq!(parse_seed(&"11".repeat(32)).unwrap(), [0x11; 32]);
	}
}
