//! The miner toolkit: `verity miner train | eval | serve`.
//!
//! A miner's path to a scored model:
//!
//! 1. [`train`]: fit a small float MLP on a dataset's **training split** (deterministic for a
//!    seed), [`quantize`] it into model format v1, check its held-out accuracy on the
//!    evaluator's reference backend, and write the artifact (`*.vrtm`).
//! 2. [`eval`]: run the artifact through the evaluator's `evaluate` on the **held-out split**
//!    with a seed, exactly as a validator does, on the reference, CPU or GPU backend.
//! 3. [`serve`]: serve artifacts by model root over HTTP (`GET /models/<root hex>`), the
//!    endpoint a validator's off-chain worker fetches from once the root is committed on
//!    chain.
//!
//! # Splits
//!
//! A dataset's **held-out split** is its last `⌊N/5⌋` samples, the **training split** the
//! rest. For the bundled digits (N = 1797) that is exactly the evaluator's
//! `DIGITS_TRAIN = 0..1438` and `DIGITS_HELD_OUT = 1438..1797`.

use std::{fs, ops::Range, path::Path};

use anyhow::{ensure, Context};
use clap::Subcommand;
use verity_evaluator::{dataset, merkle::Hash, Dataset};

pub mod eval;
pub mod quantize;
pub mod serve;
pub mod train;

/// `verity miner …`
#[derive(Debug, Subcommand)]
pub enum MinerCommand {
	/// Train an MLP on a dataset's training split, quantize it to model format v1 and write
	/// the artifact.
	Train(train::TrainArgs),
	/// Evaluate a model artifact on a dataset's held-out split, as a validator does.
	Eval(eval::EvalArgs),
	/// Serve model artifacts by Merkle root over HTTP.
	Serve(serve::ServeArgs),
}

/// Runs one miner command.
pub fn run(command: MinerCommand) -> anyhow::Result<()> {
	match command {
		MinerCommand::Train(args) => train::run(&args),
		MinerCommand::Eval(args) => eval::run(&args),
		MinerCommand::Serve(args) => serve::run(&args),
	}
}

/// A dataset with its training and held-out splits (see the module docs).
#[derive(Clone, Debug)]
pub struct SplitDataset {
	/// The dataset.
	pub dataset: Dataset,
	/// Where it came from, for messages: a path or `bundled digits`.
	pub source: String,
	/// The training samples' indices.
	pub train: Range<u32>,
	/// The held-out samples' indices, the ones evaluations draw from.
	pub held_out: Range<u32>,
}

impl SplitDataset {
	/// Splits `dataset`: the last `⌊N/5⌋` samples are held out. Errors when that leaves no
	/// held-out sample (fewer than 5 samples).
	pub fn new(dataset: Dataset, source: String) -> anyhow::Result<Self> {
		let count = dataset.sample_count();
		let held_out_count = count.checked_div(5).unwrap_or(0);
		ensure!(
			held_out_count > 0,
			"dataset {source} has {count} samples; the split needs at least 5 (a fifth held out)"
		);
		// held_out_count ≤ count / 5 < count: no underflow.
		let boundary = count.saturating_sub(held_out_count);
		Ok(Self { dataset, source, train: 0..boundary, held_out: boundary..count })
	}

	/// The bundled demo dataset (8×8 digits), split as the evaluator defines it.
	pub fn digits() -> anyhow::Result<Self> {
		let dataset = dataset::digits().context("decoding the bundled digits dataset")?;
		Self::new(dataset, "bundled digits".into())
	}

	/// The dataset at `path`, or the bundled digits when `path` is `None`.
	pub fn load(path: Option<&Path>) -> anyhow::Result<Self> {
		let Some(path) = path else { return Self::digits() };
		let bytes =
			fs::read(path).with_context(|| format!("reading dataset {}", path.display()))?;
		let dataset = Dataset::decode(&bytes)
			.with_context(|| format!("{} is not a valid dataset (format v1)", path.display()))?;
		Self::new(dataset, path.display().to_string())
	}

	/// One line describing the dataset: source, counts and splits.
	pub fn describe(&self) -> String {
		format!(
			"{} ({} samples × {} bytes, {} classes; train {}..{}, held-out {}..{})",
			self.source,
			self.dataset.sample_count(),
			self.dataset.sample_size(),
			self.dataset.class_count(),
			self.train.start,
			self.train.end,
			self.held_out.start,
			self.held_out.end,
		)
	}
}

/// Parses a 32-byte hash from 64 hex digits, with or without a `0x` prefix, in either case.
pub fn parse_hash(text: &str) -> Option<Hash> {
	let digits = text.strip_prefix("0x").unwrap_or(text);
	let mut hash = [0u8; 32];
	hex::decode_to_slice(digits, &mut hash).ok()?;
	Some(hash)
}

/// A percentage with two decimals, `part / whole`; 0 for an empty whole.
pub(crate) fn percent(part: u32, whole: u32) -> f64 {
	if whole == 0 {
		return 0.0;
	}
	f64::from(part) * 100.0 / f64::from(whole)
}

#[cfg(test)]
mod tests {
	use super::*;
	use verity_evaluator::dataset::{DIGITS_HELD_OUT, DIGITS_TRAIN};

	#[test]
	fn digits_split_is_the_evaluators() {
		let split = SplitDataset::digits().unwrap();
		assert_eq!(split.train, DIGITS_TRAIN);
		assert_eq!(split.held_out, DIGITS_HELD_OUT);
	}

	#[test]
	fn split_needs_five_samples() {
		let tiny = Dataset::new(1, 2, vec![0, 1, 1, 0], vec![0, 1, 0, 1]).unwrap();
		assert!(SplitDataset::new(tiny, "tiny".into()).is_err());
	}

	#[test]
	fn parse_hash_accepts_prefix_and_case_only() {
		let root = [0xabu8; 32];
		let text = hex::encode(root);
		assert_eq!(parse_hash(&text), Some(root));
		assert_eq!(parse_hash(&format!("0x{}", text.to_uppercase())), Some(root));
		assert_eq!(parse_hash(&text[1..]), None);
		assert_eq!(parse_hash(&format!("{text}00")), None);
		assert_eq!(parse_hash(&text.replace('a', "g")), None);
		assert_eq!(parse_hash(""), None);
	}
}
