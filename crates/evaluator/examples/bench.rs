//! Throughput benchmark of every backend on one deterministic random model, and the export of
//! that model for `bench/onnxruntime_bench.py` (the same model on onnxruntime).
//!
//! ```text
//! cargo run --release --example bench --features gpu -- \
//!     [--widths 1024,1024,1024,1024] [--batch 1024] [--iters 10] [--warmup 2] \
//!     [--ref-iters 1] [--ref-samples N] [--threads N] [--seed N] [--kernels avx2,portable] \
//!     [--no-gpu] [--export-model DIR --export-inputs DIR] [--json]
//! ```
//!
//! # What it does
//!
//! 1. Builds a model of dense ReLU layers with the given widths from a seeded SplitMix64
//!    stream: uniform i8 weights, and per layer a calibrated requantization: the accumulators
//!    of up to 64 samples of the layer's real inputs give their mean `μ` and standard deviation
//!    `σ`; the biases are `-μ` plus a uniform offset in `±σ/4`, and the scale (`multiplier /
//!    2^(31 + shift)`, multiplier in `[2^30, 2^31)`) maps `σ` to 64. So about half of every
//!    layer's outputs are zero (the ReLU) and almost none saturate at 255; the output line
//!    reports the shares.
//! 2. Draws `batch` uniform u8 samples.
//! 3. Runs the reference backend on the first `--ref-samples` samples (default: all),
//!    `--ref-iters` times (default 1: it is slow), one thread.
//! 4. For every CPU kernel this machine has (or those `--kernels` names): packs the weights
//!    once (`CpuBackend::prepare`, timed separately), runs the whole batch once and checks it
//!    **bit for bit** against the reference (and against the other backends on the samples the
//!    reference did not run), then `--warmup` untimed and `--iters` timed runs. The best kernel
//!    is measured once more through `Backend::infer_batch`, which packs on every call.
//! 5. With the `gpu` feature and an adapter: the same for `GpuBackend::infer_batch`, which
//!    uploads the weights on every call (as `evaluate` uses it).
//!
//! Rates are per timed run's median (the best is reported too): samples/s = batch / time,
//! GMAC/s = batch × Σ in·out / time / 10^9 (one MAC = one int8 × uint8 product added to an
//! int32). The table goes to stdout, or with `--json` to stderr and a JSON document to stdout.
//!
//! # Export
//!
//! `--export-model DIR` writes `model.json` (widths, per-layer multiplier, shift and real scale,
//! file names), `model.vrtm` (format v1) and per layer `layer<l>_weights.npy` (i8, `out × in`,
//! row-major as in the model) and `layer<l>_biases.npy` (i32). `--export-inputs DIR` writes
//! `inputs.npy` (u8, `batch × in`) and, for the reference's samples, `check.json`,
//! `layer0_accumulators.npy` (i32: bias + Σ weight·input of the first layer, for checking
//! onnxruntime's `MatMulInteger`), `layer0_outputs.npy` and `outputs.npy` (u8: the first
//! layer's and the model's outputs). Both may be the same directory.

use std::{
	error::Error,
	fmt::Write as _,
	fs,
	path::{Path, PathBuf},
	time::Instant,
};

use verity_evaluator::{
	cpu::{Kernel, PreparedModel},
	model::{MAX_ABS_BIAS, MAX_LAYERS, MAX_SHIFT, MAX_WIDTH},
	reference, Activation, Backend, CpuBackend, Layer, Model, ReferenceBackend, Requantization,
};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// Samples whose accumulators calibrate each layer's bias and scale.
const CALIBRATION_SAMPLES: usize = 64;
/// The requantized value one standard deviation of the accumulators maps to.
const TARGET_SIGMA: f64 = 64.0;

const USAGE: &str = "usage: bench [--widths 1024,1024,1024,1024] [--batch 1024] [--iters 10] \
[--warmup 2] [--ref-iters 1] [--ref-samples N] [--threads N] [--seed N] [--kernels K,K] \
[--no-gpu] [--export-model DIR] [--export-inputs DIR] [--json]";

/// SplitMix64: a small, seedable generator (the one the tests use).
struct Rng(u64);

impl Rng {
	fn next(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
		let mut z = self.0;
		z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
		z ^ (z >> 31)
	}

	/// Uniform in `[0, 1)`.
	fn unit(&mut self) -> f64 {
		(self.next() >> 11) as f64 / (1u64 << 53) as f64
	}

	fn bytes(&mut self, count: usize) -> Vec<u8> {
		(0..count).map(|_| self.next() as u8).collect()
	}
}

struct Options {
	widths: Vec<u32>,
	batch: usize,
	iters: usize,
	warmup: usize,
	ref_iters: usize,
	ref_samples: Option<usize>,
	threads: Option<usize>,
	seed: u64,
	kernels: Option<Vec<String>>,
	gpu: bool,
	export_model: Option<PathBuf>,
	export_inputs: Option<PathBuf>,
	json: bool,
}

fn parse_number<T: std::str::FromStr>(option: &str, value: &str) -> Result<T> {
	value.parse().map_err(|_| format!("{option}: not a number: {value:?}").into())
}

fn parse_options() -> Result<Options> {
	let mut options = Options {
		widths: vec![1024, 1024, 1024, 1024],
		batch: 1024,
		iters: 10,
		warmup: 2,
		ref_iters: 1,
		ref_samples: None,
		threads: None,
		seed: 0x5eed_be4c,
		kernels: None,
		gpu: true,
		export_model: None,
		export_inputs: None,
		json: false,
	};
	let mut args = std::env::args().skip(1);
	while let Some(arg) = args.next() {
		let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value\n{USAGE}"));
		match arg.as_str() {
			"--widths" => {
				options.widths = value()?
					.split(',')
					.map(|w| parse_number("--widths", w.trim()))
					.collect::<Result<_>>()?;
			}
			"--batch" => options.batch = parse_number(&arg, &value()?)?,
			"--iters" => options.iters = parse_number(&arg, &value()?)?,
			"--warmup" => options.warmup = parse_number(&arg, &value()?)?,
			"--ref-iters" => options.ref_iters = parse_number(&arg, &value()?)?,
			"--ref-samples" => options.ref_samples = Some(parse_number(&arg, &value()?)?),
			"--threads" => options.threads = Some(parse_number(&arg, &value()?)?),
			"--seed" => options.seed = parse_number(&arg, &value()?)?,
			"--kernels" => {
				options.kernels = Some(value()?.split(',').map(|k| k.trim().to_string()).collect());
			}
			"--no-gpu" => options.gpu = false,
			"--export-model" => options.export_model = Some(value()?.into()),
			"--export-inputs" => options.export_inputs = Some(value()?.into()),
			"--json" => options.json = true,
			"-h" | "--help" => {
				println!("{USAGE}");
				std::process::exit(0);
			}
			_ => return Err(format!("unknown argument {arg:?}\n{USAGE}").into()),
		}
	}
	if options.widths.len() < 2 || options.widths.len().saturating_sub(1) > MAX_LAYERS as usize {
		return Err(format!(
			"--widths needs 2 to {} widths (the input, then each layer's outputs)",
			MAX_LAYERS.saturating_add(1)
		)
		.into());
	}
	if let Some(width) = options.widths.iter().find(|w| !(1..=MAX_WIDTH).contains(*w)) {
		return Err(format!("--widths: {width} is not in 1..={MAX_WIDTH}").into());
	}
	if options.batch == 0 || options.iters == 0 || options.ref_iters == 0 {
		return Err("--batch, --iters and --ref-iters must be at least 1".into());
	}
	if options.ref_samples == Some(0) {
		return Err("--ref-samples must be at least 1".into());
	}
	Ok(options)
}

/// Mean and standard deviation.
fn mean_and_sigma(values: &[i32]) -> (f64, f64) {
	let n = values.len().max(1) as f64;
	let mean = values.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
	let variance = values.iter().map(|&v| (f64::from(v) - mean).powi(2)).sum::<f64>() / n;
	(mean, variance.sqrt())
}

/// `scale ≈ multiplier / 2^(31 + shift)` with the multiplier in `[2^30, 2^31)` where the
/// shift range allows.
fn requantization_for(scale: f64) -> Result<Requantization> {
	let mut shift = 0u32;
	let mut scaled = scale;
	while scaled < 0.5 && shift < MAX_SHIFT {
		scaled *= 2.0;
		shift = shift.saturating_add(1);
	}
	let multiplier = (scaled * 2_147_483_648.0).round().clamp(1.0, f64::from(i32::MAX)) as i32;
	Ok(Requantization::new(multiplier, shift)?)
}

/// The real scale of a requantization: `multiplier / 2^(31 + shift)`.
fn real_scale(requantization: Requantization) -> f64 {
	f64::from(requantization.multiplier())
		/ 2f64.powi(31)
		/ 2f64.powi(i32::try_from(requantization.shift()).unwrap_or(31))
}

/// One calibrated layer, and its outputs for the calibration samples.
fn calibrated_layer(
	rng: &mut Rng,
	inputs: u32,
	outputs: u32,
	calibration: &[u8],
) -> Result<(Layer, Vec<u8>)> {
	let weights: Vec<i8> = (0..u64::from(inputs).saturating_mul(u64::from(outputs)))
		.map(|_| rng.next() as i8)
		.collect();
	let rows: Vec<&[i8]> = weights.chunks_exact(inputs as usize).collect();
	let mut accumulators = Vec::new();
	for sample in calibration.chunks_exact(inputs as usize) {
		for row in &rows {
			accumulators.push(reference::accumulate(row, 0, sample).ok_or("accumulator overflow")?);
		}
	}
	let (mean, sigma) = mean_and_sigma(&accumulators);
	let sigma = sigma.max(1.0);
	let bound = f64::from(MAX_ABS_BIAS);
	let biases = (0..outputs)
		.map(|_| (-mean + (rng.unit() - 0.5) * sigma / 2.0).round().clamp(-bound, bound) as i32)
		.collect();
	let requantization = requantization_for(TARGET_SIGMA / sigma)?;
	let layer = Layer::new(inputs, outputs, weights, biases, requantization, Activation::Relu)?;
	let mut next = Vec::new();
	let mut out = vec![0u8; outputs as usize];
	for sample in calibration.chunks_exact(inputs as usize) {
		reference::infer_layer(&layer, sample, &mut out, 0)?;
		next.extend_from_slice(&out);
	}
	Ok((layer, next))
}

/// The benchmark model and batch.
fn random_model(rng: &mut Rng, widths: &[u32], inputs: &[u8]) -> Result<Model> {
	let input_size = *widths.first().ok_or("no widths")?;
	let calibration_len = CALIBRATION_SAMPLES.saturating_mul(input_size as usize);
	let mut calibration = inputs.get(..calibration_len).unwrap_or(inputs).to_vec();
	let mut layers = Vec::new();
	for pair in widths.windows(2) {
		if let [i, o] = *pair {
			let (layer, next) = calibrated_layer(rng, i, o, &calibration)?;
			layers.push(layer);
			calibration = next;
		}
	}
	Ok(Model::new(0, input_size, layers)?)
}

fn hex(bytes: &[u8]) -> String {
	bytes.iter().fold(String::new(), |mut s, b| {
		let _ = write!(s, "{b:02x}");
		s
	})
}

/// A JSON string literal.
fn json_string(s: &str) -> String {
	let mut out = String::from("\"");
	for c in s.chars() {
		match c {
			'"' => out.push_str("\\\""),
			'\\' => out.push_str("\\\\"),
			c if u32::from(c) < 0x20 => {
				let _ = write!(out, "\\u{:04x}", u32::from(c));
			}
			c => out.push(c),
		}
	}
	out.push('"');
	out
}

/// A JSON number (`null` when not finite).
fn json_number(x: f64) -> String {
	if x.is_finite() {
		format!("{x}")
	} else {
		"null".into()
	}
}

// ---- .npy export (format version 1.0) ----

trait NpyElement: Copy {
	const DESCR: &'static str;
	fn put(self, out: &mut Vec<u8>);
}

impl NpyElement for u8 {
	const DESCR: &'static str = "|u1";
	fn put(self, out: &mut Vec<u8>) {
		out.push(self);
	}
}

impl NpyElement for i8 {
	const DESCR: &'static str = "|i1";
	fn put(self, out: &mut Vec<u8>) {
		out.extend_from_slice(&self.to_le_bytes());
	}
}

impl NpyElement for i32 {
	const DESCR: &'static str = "<i4";
	fn put(self, out: &mut Vec<u8>) {
		out.extend_from_slice(&self.to_le_bytes());
	}
}

fn write_npy<T: NpyElement>(path: &Path, shape: &[usize], data: &[T]) -> Result<()> {
	let count = shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d)).ok_or("shape overflow")?;
	if count != data.len() {
		return Err(format!("{}: {} values for shape {shape:?}", path.display(), data.len()).into());
	}
	let dims: Vec<String> = shape.iter().map(ToString::to_string).collect();
	let shape = match dims.as_slice() {
		[one] => format!("({one},)"),
		_ => format!("({})", dims.join(", ")),
	};
	let mut header =
		format!("{{'descr': '{}', 'fortran_order': False, 'shape': {shape}, }}", T::DESCR);
	// Magic (6) + version (2) + length (2) + header + '\n', padded to a multiple of 64.
	let unpadded = header.len().saturating_add(11);
	header.push_str(&" ".repeat(unpadded.next_multiple_of(64).saturating_sub(unpadded)));
	header.push('\n');
	let header_len = u16::try_from(header.len())?;
	let mut out = Vec::with_capacity(header.len().saturating_add(data.len().saturating_mul(4)));
	out.extend_from_slice(b"\x93NUMPY\x01\x00");
	out.extend_from_slice(&header_len.to_le_bytes());
	out.extend_from_slice(header.as_bytes());
	for &value in data {
		value.put(&mut out);
	}
	fs::write(path, out).map_err(|e| format!("{}: {e}", path.display()).into())
}

fn write_text(path: &Path, text: &str) -> Result<()> {
	fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()).into())
}

fn export_model(dir: &Path, model: &Model, options: &Options) -> Result<()> {
	fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
	fs::write(dir.join("model.vrtm"), model.encode())?;
	let mut layers = Vec::new();
	for (l, layer) in model.layers().iter().enumerate() {
		let (inputs, outputs) = (layer.input_size() as usize, layer.output_size() as usize);
		let weights = format!("layer{l}_weights.npy");
		let biases = format!("layer{l}_biases.npy");
		write_npy(&dir.join(&weights), &[outputs, inputs], layer.weights())?;
		write_npy(&dir.join(&biases), &[outputs], layer.biases())?;
		let requantization = layer.requantization();
		layers.push(format!(
			"{{\"input_size\": {inputs}, \"output_size\": {outputs}, \"activation\": \"relu\", \
			 \"multiplier\": {}, \"shift\": {}, \"scale\": {}, \"weights\": {}, \"biases\": {}}}",
			requantization.multiplier(),
			requantization.shift(),
			json_number(real_scale(requantization)),
			json_string(&weights),
			json_string(&biases),
		));
	}
	let widths: Vec<String> = options.widths.iter().map(ToString::to_string).collect();
	write_text(
		&dir.join("model.json"),
		&format!(
			"{{\n  \"format\": \"verity-evaluator-bench-model/1\",\n  \"seed\": {},\n  \
			 \"widths\": [{}],\n  \"input_size\": {},\n  \"output_size\": {},\n  \
			 \"model_file\": \"model.vrtm\",\n  \"root\": {},\n  \"layers\": [\n    {}\n  ]\n}}\n",
			options.seed,
			widths.join(", "),
			model.input_size(),
			model.output_size(),
			json_string(&hex(&model.root())),
			layers.join(",\n    "),
		),
	)
}

fn export_inputs(
	dir: &Path,
	model: &Model,
	inputs: &[u8],
	batch: usize,
	reference_outputs: &[u8],
	ref_samples: usize,
) -> Result<()> {
	fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
	let input_size = model.input_size() as usize;
	write_npy(&dir.join("inputs.npy"), &[batch, input_size], inputs)?;
	let first = model.layers().first().ok_or("no layers")?;
	let width = first.output_size() as usize;
	let (mut accumulators, mut outputs) = (Vec::new(), Vec::new());
	for sample in inputs.chunks_exact(input_size).take(ref_samples) {
		for (row, &bias) in first.weights().chunks_exact(input_size).zip(first.biases()) {
			let acc = reference::accumulate(row, bias, sample).ok_or("accumulator overflow")?;
			accumulators.push(acc);
			outputs
				.push(first.activation().apply(reference::requantize(acc, first.requantization())));
		}
	}
	write_npy(&dir.join("layer0_accumulators.npy"), &[ref_samples, width], &accumulators)?;
	write_npy(&dir.join("layer0_outputs.npy"), &[ref_samples, width], &outputs)?;
	write_npy(
		&dir.join("outputs.npy"),
		&[ref_samples, model.output_size() as usize],
		reference_outputs,
	)?;
	write_text(
		&dir.join("check.json"),
		&format!(
			"{{\"batch\": {batch}, \"ref_samples\": {ref_samples}, \"inputs\": \"inputs.npy\", \
			 \"layer0_accumulators\": \"layer0_accumulators.npy\", \
			 \"layer0_outputs\": \"layer0_outputs.npy\", \"outputs\": \"outputs.npy\"}}\n"
		),
	)
}

// ---- measurement ----

/// One backend's figures.
struct Measurement {
	backend: String,
	/// CPU threads, `None` for the GPU.
	threads: Option<usize>,
	detail: String,
	samples: usize,
	/// Seconds of each timed run.
	times: Vec<f64>,
	warmup: usize,
	checked: String,
}

impl Measurement {
	fn median(&self) -> f64 {
		let mut sorted = self.times.clone();
		sorted.sort_by(f64::total_cmp);
		let middle = sorted.len() / 2;
		match (sorted.get(middle.wrapping_sub(1)), sorted.get(middle)) {
			(Some(a), Some(b)) if sorted.len().is_multiple_of(2) => (a + b) / 2.0,
			(_, Some(m)) => *m,
			_ => f64::NAN,
		}
	}

	fn best(&self) -> f64 {
		self.times.iter().copied().fold(f64::INFINITY, f64::min)
	}

	fn samples_per_second(&self, seconds: f64) -> f64 {
		self.samples as f64 / seconds
	}

	fn gmacs(&self, seconds: f64, macs_per_sample: u64) -> f64 {
		self.samples as f64 * macs_per_sample as f64 / seconds / 1e9
	}
}

/// Runs `run` `warmup` times untimed and `iters` times timed.
fn time_runs(warmup: usize, iters: usize, mut run: impl FnMut() -> Result<()>) -> Result<Vec<f64>> {
	for _ in 0..warmup {
		run()?;
	}
	let mut times = Vec::with_capacity(iters);
	for _ in 0..iters {
		let started = Instant::now();
		run()?;
		times.push(started.elapsed().as_secs_f64());
	}
	Ok(times)
}

/// Compares a backend's outputs with the reference's (first samples) and with the first
/// checked backend's (whole batch); returns the description for the table.
fn check_outputs(
	name: &str,
	outputs: &[u8],
	reference: &[u8],
	agreed: &mut Option<Vec<u8>>,
	per_sample: usize,
) -> Result<String> {
	let prefix = outputs.get(..reference.len()).ok_or("outputs shorter than the reference's")?;
	if let Some(first) = prefix.iter().zip(reference).position(|(a, b)| a != b) {
		let at = |v: &[u8]| v.get(first).copied().unwrap_or_default();
		return Err(format!(
			"{name} differs from the reference: sample {} logit {} is {} instead of {}",
			first.checked_div(per_sample).unwrap_or_default(),
			first.checked_rem(per_sample).unwrap_or_default(),
			at(outputs),
			at(reference)
		)
		.into());
	}
	let samples = reference.len().checked_div(per_sample).unwrap_or_default();
	match agreed {
		Some(whole) if whole.len() > reference.len() => {
			if whole != outputs {
				return Err(format!("{name} differs from the other backends on the batch").into());
			}
			Ok(format!("= reference ({samples} samples), = others (all)"))
		}
		_ => {
			*agreed = Some(outputs.to_vec());
			Ok(format!("= reference ({samples} samples)"))
		}
	}
}

/// The GPU backend's measurement and its adapter, or why there is none.
#[cfg(feature = "gpu")]
fn measure_gpu(
	model: &Model,
	inputs: &[u8],
	batch: usize,
	options: &Options,
	reference_outputs: &[u8],
	agreed: &mut Option<Vec<u8>>,
) -> Result<std::result::Result<(String, Measurement), String>> {
	let gpu = match verity_evaluator::GpuBackend::new() {
		Ok(gpu) => gpu,
		Err(e) => return Ok(Err(format!("skipped: {e}"))),
	};
	let per_sample = model.output_size() as usize;
	let mut outputs = vec![0xa5u8; batch.saturating_mul(per_sample)];
	gpu.infer_batch(model, inputs, batch, &mut outputs)?;
	let checked = check_outputs("gpu", &outputs, reference_outputs, agreed, per_sample)?;
	let times = time_runs(options.warmup, options.iters, || {
		Ok(gpu.infer_batch(model, inputs, batch, &mut outputs)?)
	})?;
	let measurement = Measurement {
		backend: "gpu".into(),
		threads: None,
		detail: format!("{}, weights uploaded per call", gpu.describe()),
		samples: batch,
		times,
		warmup: options.warmup,
		checked,
	};
	Ok(Ok((gpu.describe(), measurement)))
}

/// Without the `gpu` feature: why there is no GPU measurement.
#[cfg(not(feature = "gpu"))]
fn measure_gpu(
	_model: &Model,
	_inputs: &[u8],
	_batch: usize,
	_options: &Options,
	_reference_outputs: &[u8],
	_agreed: &mut Option<Vec<u8>>,
) -> Result<std::result::Result<(String, Measurement), String>> {
	Ok(Err("not built (run with --features gpu)".into()))
}

fn cpu_name() -> String {
	fs::read_to_string("/proc/cpuinfo")
		.ok()
		.and_then(|info| {
			info.lines()
				.find(|l| l.starts_with("model name"))
				.and_then(|l| l.split(':').nth(1))
				.map(|name| name.trim().to_string())
		})
		.unwrap_or_else(|| std::env::consts::ARCH.to_string())
}

fn main() -> std::process::ExitCode {
	match run() {
		Ok(()) => std::process::ExitCode::SUCCESS,
		Err(e) => {
			eprintln!("bench: error: {e}");
			std::process::ExitCode::FAILURE
		}
	}
}

fn run() -> Result<()> {
	let options = parse_options()?;
	// The kernels, checked before the (slow) reference runs.
	let kernels: Vec<Kernel> = match &options.kernels {
		None => Kernel::available(),
		Some(names) => names
			.iter()
			.map(|name| {
				let kernel = Kernel::ALL
					.into_iter()
					.find(|k| k.name() == name)
					.ok_or_else(|| format!("unknown kernel {name:?}"))?;
				if kernel.is_available() {
					Ok(kernel)
				} else {
					Err(format!("this CPU cannot run the {name} kernel").into())
				}
			})
			.collect::<Result<_>>()?,
	};
	let say = |line: &str| {
		if options.json {
			eprintln!("{line}");
		} else {
			println!("{line}");
		}
	};
	let batch = options.batch;
	let ref_samples = options.ref_samples.unwrap_or(batch).min(batch);
	let mut rng = Rng(options.seed);
	let input_size = *options.widths.first().ok_or("no widths")? as usize;
	let inputs = rng.bytes(batch.checked_mul(input_size).ok_or("batch too large")?);
	let started = Instant::now();
	let model = random_model(&mut rng, &options.widths, &inputs)?;
	let macs_per_sample = model
		.layers()
		.iter()
		.map(|l| u64::from(l.input_size()).saturating_mul(u64::from(l.output_size())))
		.fold(0, u64::saturating_add);
	let per_sample = model.output_size() as usize;
	let widths: Vec<String> = options.widths.iter().map(ToString::to_string).collect();
	say(&format!(
		"model {} (ReLU, seed {:#x}), batch {batch}: {:.3} GMAC per batch; generated in {:.1} s",
		widths.join("→"),
		options.seed,
		batch as f64 * macs_per_sample as f64 / 1e9,
		started.elapsed().as_secs_f64()
	));
	say(&format!("cpu: {}, kernels {:?}", cpu_name(), Kernel::available()));

	let mut measurements = Vec::new();

	// The reference: the definition, and the check of everything else.
	let ref_inputs = inputs.get(..ref_samples.saturating_mul(input_size)).ok_or("ref samples")?;
	let mut reference_outputs = vec![0u8; ref_samples.saturating_mul(per_sample)];
	let times = time_runs(0, options.ref_iters, || {
		Ok(ReferenceBackend.infer_batch(&model, ref_inputs, ref_samples, &mut reference_outputs)?)
	})?;
	let zeros = reference_outputs.iter().filter(|&&v| v == 0).count();
	let full = reference_outputs.iter().filter(|&&v| v == 255).count();
	let share = |n: usize| 100.0 * n as f64 / reference_outputs.len().max(1) as f64;
	say(&format!(
		"reference outputs: {:.1}% are 0, {:.2}% are 255 (of {} logits)",
		share(zeros),
		share(full),
		reference_outputs.len()
	));
	measurements.push(Measurement {
		backend: "reference".into(),
		threads: Some(1),
		detail: "no_std loops".into(),
		samples: ref_samples,
		times,
		warmup: 0,
		checked: "(defines the output)".into(),
	});

	if let Some(dir) = &options.export_model {
		export_model(dir, &model, &options)?;
		say(&format!("exported the model to {}", dir.display()));
	}
	if let Some(dir) = &options.export_inputs {
		export_inputs(dir, &model, &inputs, batch, &reference_outputs, ref_samples)?;
		say(&format!("exported the inputs and check data to {}", dir.display()));
	}

	// CPU kernels.
	let mut agreed: Option<Vec<u8>> = None;
	let mut outputs = vec![0u8; batch.saturating_mul(per_sample)];
	for &kernel in &kernels {
		let mut backend = CpuBackend::with_kernel(kernel)?;
		if let Some(threads) = options.threads {
			backend = backend.with_threads(threads);
		}
		let packing = Instant::now();
		let prepared: PreparedModel = backend.prepare(&model);
		let packing = packing.elapsed().as_secs_f64();
		outputs.fill(0xa5);
		prepared.infer_batch(&inputs, batch, &mut outputs)?;
		let name = format!("cpu {kernel}");
		let checked = check_outputs(&name, &outputs, &reference_outputs, &mut agreed, per_sample)?;
		let times = time_runs(options.warmup, options.iters, || {
			Ok(prepared.infer_batch(&inputs, batch, &mut outputs)?)
		})?;
		measurements.push(Measurement {
			backend: name,
			threads: Some(backend.threads()),
			detail: format!("prepared (packing took {:.1} ms)", packing * 1e3),
			samples: batch,
			times,
			warmup: options.warmup,
			checked,
		});
	}
	if let Some(&kernel) = kernels.first() {
		let mut backend = CpuBackend::with_kernel(kernel)?;
		if let Some(threads) = options.threads {
			backend = backend.with_threads(threads);
		}
		outputs.fill(0xa5);
		backend.infer_batch(&model, &inputs, batch, &mut outputs)?;
		let name = format!("cpu {kernel} unprepared");
		let checked = check_outputs(&name, &outputs, &reference_outputs, &mut agreed, per_sample)?;
		let times = time_runs(options.warmup, options.iters, || {
			Ok(backend.infer_batch(&model, &inputs, batch, &mut outputs)?)
		})?;
		measurements.push(Measurement {
			backend: name,
			threads: Some(backend.threads()),
			detail: "Backend::infer_batch, packs per call".into(),
			samples: batch,
			times,
			warmup: options.warmup,
			checked,
		});
	}

	// GPU.
	let gpu_note = if options.gpu {
		match measure_gpu(&model, &inputs, batch, &options, &reference_outputs, &mut agreed)? {
			Ok((adapter, measurement)) => {
				measurements.push(measurement);
				adapter
			}
			Err(why) => why,
		}
	} else {
		"skipped (--no-gpu)".into()
	};
	say(&format!("gpu: {gpu_note}"));

	// The table.
	let mut table = format!(
		"{:<26} {:>7} {:>11} {:>11} {:>12} {:>9}  {}\n",
		"backend", "threads", "median ms", "best ms", "samples/s", "GMAC/s", "check / notes"
	);
	for m in &measurements {
		let median = m.median();
		let _ = writeln!(
			table,
			"{:<26} {:>7} {:>11.3} {:>11.3} {:>12.0} {:>9.2}  {}; {}",
			m.backend,
			m.threads.map_or_else(|| "-".to_string(), |t| t.to_string()),
			median * 1e3,
			m.best() * 1e3,
			m.samples_per_second(median),
			m.gmacs(median, macs_per_sample),
			m.checked,
			m.detail
		);
	}
	let _ = write!(
		table,
		"(runs: reference {} on {} samples; others {} warm-up + {} timed on {batch})",
		options.ref_iters, ref_samples, options.warmup, options.iters
	);
	say(&table);

	if options.json {
		let rows: Vec<String> = measurements
			.iter()
			.map(|m| {
				let (median, best) = (m.median(), m.best());
				let times: Vec<String> = m.times.iter().map(|&t| json_number(t)).collect();
				format!(
					"{{\"backend\": {}, \"threads\": {}, \"detail\": {}, \"check\": {}, \
					 \"samples\": {}, \"warmup\": {}, \"times_s\": [{}], \"median_s\": {}, \
					 \"best_s\": {}, \"samples_per_s\": {}, \"gmac_per_s\": {}, \
					 \"best_samples_per_s\": {}, \"best_gmac_per_s\": {}}}",
					json_string(&m.backend),
					m.threads.map_or_else(|| "null".to_string(), |t| t.to_string()),
					json_string(&m.detail),
					json_string(&m.checked),
					m.samples,
					m.warmup,
					times.join(", "),
					json_number(median),
					json_number(best),
					json_number(m.samples_per_second(median)),
					json_number(m.gmacs(median, macs_per_sample)),
					json_number(m.samples_per_second(best)),
					json_number(m.gmacs(best, macs_per_sample)),
				)
			})
			.collect();
		println!(
			"{{\n  \"widths\": [{}],\n  \"batch\": {batch},\n  \"seed\": {},\n  \
			 \"macs_per_sample\": {macs_per_sample},\n  \"cpu\": {},\n  \"gpu\": {},\n  \
			 \"model_root\": {},\n  \"results\": [\n    {}\n  ]\n}}",
			widths.join(", "),
			options.seed,
			json_string(&cpu_name()),
			json_string(&gpu_note),
			json_string(&hex(&model.root())),
			rows.join(",\n    ")
		);
	}
	Ok(())
}
