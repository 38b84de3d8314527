//! The interface every inference backend implements, and [`evaluate`], which runs one
//! evaluation on any backend.
//!
//! A backend computes the semantics that [`crate::reference`] defines, bit for bit, in
//! whatever way is fast on its hardware (the reference loops, packed int8 dot products, GPU
//! compute shaders). Because every accumulation is an exact `i32` sum (see
//! [`crate::model`]), the order of summation is free. A new backend must reproduce the golden
//! roots in `tests/golden.rs`.
//!
//! [`evaluate`] hands a backend **all** selected samples in one [`Backend::infer_batch`] call,
//! so a backend's per-model preparation (packing weights, uploading buffers) is paid once per
//! evaluation; the backend splits the batch as it likes.

use alloc::{string::String, vec::Vec};
use core::{fmt, ops::Range};

use crate::{
	dataset::Dataset,
	merkle,
	model::Model,
	result::{self, EvaluationResult},
	selection::{self, SelectionError},
};

/// Why a backend could not run a batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BackendError {
	/// `batch × input size` does not fit in memory's address range.
	BatchTooLarge(usize),
	/// The inputs are not `batch × input size` bytes.
	InputLength {
		/// `batch × input size`.
		expected: usize,
		/// The inputs' length.
		actual: usize,
	},
	/// The output buffer is not `batch × output size` bytes.
	OutputLength {
		/// `batch × output size`.
		expected: usize,
		/// The buffer's length.
		actual: usize,
	},
	/// An accumulator left the `i32` range. Impossible for a model that passed validation
	/// (see the bound in [`crate::model`]); reported rather than wrapped, in case it ever
	/// happens.
	AccumulatorOverflow {
		/// The layer, from 0.
		layer: u32,
		/// The output, from 0.
		row: u32,
	},
	/// The device failed (lost, out of memory, driver error), described by the backend.
	Device(String),
}

impl fmt::Display for BackendError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::BatchTooLarge(batch) => write!(f, "a batch of {batch} samples is too large"),
			Self::InputLength { expected, actual } => {
				write!(f, "inputs are {actual} bytes instead of {expected}")
			}
			Self::OutputLength { expected, actual } => {
				write!(f, "output buffer is {actual} bytes instead of {expected}")
			}
			Self::AccumulatorOverflow { layer, row } => {
				write!(f, "accumulator overflow in layer {layer}, output {row}")
			}
			Self::Device(message) => write!(f, "device error: {message}"),
		}
	}
}

impl core::error::Error for BackendError {}

/// An implementation of the evaluator's inference semantics.
pub trait Backend {
	/// A short, stable name for attestations and logs, e.g. `"reference"`.
	fn name(&self) -> &str;

	/// Runs `batch` samples through `model`. `inputs` holds the samples back to back
	/// (`batch × model.input_size()` bytes); `outputs` receives each sample's logits back to
	/// back (`batch × model.output_size()` bytes). On success every output byte equals what
	/// [`crate::reference::infer`] computes for its sample.
	fn infer_batch(
		&self,
		model: &Model,
		inputs: &[u8],
		batch: usize,
		outputs: &mut [u8],
	) -> Result<(), BackendError>;
}

/// Checks the buffer lengths of an [`Backend::infer_batch`] call: for backends to share.
pub fn check_batch(
	model: &Model,
	inputs: &[u8],
	batch: usize,
	outputs: &[u8],
) -> Result<(), BackendError> {
	let expected_inputs =
		batch.checked_mul(model.input_size() as usize).ok_or(BackendError::BatchTooLarge(batch))?;
	if inputs.len() != expected_inputs {
		return Err(BackendError::InputLength { expected: expected_inputs, actual: inputs.len() });
	}
	let expected_outputs = batch
		.checked_mul(model.output_size() as usize)
		.ok_or(BackendError::BatchTooLarge(batch))?;
	if outputs.len() != expected_outputs {
		return Err(BackendError::OutputLength {
			expected: expected_outputs,
			actual: outputs.len(),
		});
	}
	Ok(())
}

/// Why an evaluation could not run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EvaluationError {
	/// The model's input size is not the dataset's sample size.
	SampleSizeMismatch {
		/// The model's input size.
		model: u32,
		/// The dataset's sample size.
		dataset: u32,
	},
	/// The model's output size is not the dataset's class count.
	ClassCountMismatch {
		/// The model's output size.
		model: u32,
		/// The dataset's class count.
		dataset: u32,
	},
	/// The candidate range runs backwards or past the dataset's last sample.
	CandidatesOutOfRange {
		/// The range's start.
		start: u32,
		/// The range's end.
		end: u32,
		/// The dataset's sample count.
		sample_count: u32,
	},
	/// The samples could not be selected.
	Selection(SelectionError),
	/// The backend failed.
	Backend(BackendError),
}

impl fmt::Display for EvaluationError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::SampleSizeMismatch { model, dataset } => {
				write!(f, "model takes {model} inputs, dataset samples have {dataset} bytes")
			}
			Self::ClassCountMismatch { model, dataset } => {
				write!(f, "model has {model} logits, dataset has {dataset} classes")
			}
			Self::CandidatesOutOfRange { start, end, sample_count } => {
				write!(f, "candidates {start}..{end} are not within 0..{sample_count}")
			}
			Self::Selection(e) => write!(f, "{e}"),
			Self::Backend(e) => write!(f, "backend: {e}"),
		}
	}
}

impl core::error::Error for EvaluationError {}

impl From<SelectionError> for EvaluationError {
	fn from(e: SelectionError) -> Self {
		Self::Selection(e)
	}
}

impl From<BackendError> for EvaluationError {
	fn from(e: BackendError) -> Self {
		Self::Backend(e)
	}
}

/// Runs one evaluation: selects `sample_count` samples out of `candidates` (dataset indices)
/// with `seed` ([`crate::selection`]; the `p`-th selected index is `candidates.start` plus the
/// `p`-th output of [`selection::select_indices`] over `candidates.len()`), runs them through
/// `model` on `backend` in one batch, and scores them into leaves and a result root
/// ([`crate::result`]).
///
/// Errors: [`EvaluationError::SampleSizeMismatch`] and [`EvaluationError::ClassCountMismatch`]
/// when model and dataset do not fit, [`EvaluationError::CandidatesOutOfRange`],
/// [`EvaluationError::Selection`] when `sample_count` exceeds the candidates, and
/// [`EvaluationError::Backend`] when the backend fails.
pub fn evaluate<B: Backend + ?Sized>(
	backend: &B,
	model: &Model,
	dataset: &Dataset,
	candidates: Range<u32>,
	seed: &[u8; 32],
	sample_count: u32,
) -> Result<EvaluationResult, EvaluationError> {
	if model.input_size() != dataset.sample_size() {
		return Err(EvaluationError::SampleSizeMismatch {
			model: model.input_size(),
			dataset: dataset.sample_size(),
		});
	}
	if model.output_size() != dataset.class_count() {
		return Err(EvaluationError::ClassCountMismatch {
			model: model.output_size(),
			dataset: dataset.class_count(),
		});
	}
	let out_of_range = EvaluationError::CandidatesOutOfRange {
		start: candidates.start,
		end: candidates.end,
		sample_count: dataset.sample_count(),
	};
	if candidates.end > dataset.sample_count() {
		return Err(out_of_range);
	}
	let available = candidates.end.checked_sub(candidates.start).ok_or(out_of_range.clone())?;
	let indices: Vec<u32> = selection::select_indices(seed, available, sample_count)?
		.into_iter()
		.map(|offset| candidates.start.saturating_add(offset))
		.collect();

	let batch = indices.len();
	let mut inputs = Vec::with_capacity(batch.saturating_mul(dataset.sample_size() as usize));
	for &index in &indices {
		inputs.extend_from_slice(dataset.sample(index).ok_or(out_of_range.clone())?);
	}
	let logit_count = model.output_size();
	let mut logits = alloc::vec![0u8; batch.saturating_mul(logit_count as usize)];
	backend.infer_batch(model, &inputs, batch, &mut logits)?;

	let mut scores = Vec::with_capacity(batch);
	let mut leaves = Vec::with_capacity(batch);
	let mut total = 0u32;
	// A valid model has at least one logit; `max(1)` only keeps `chunks_exact` panic-free.
	let per_sample = (logit_count as usize).max(1);
	for (&index, sample_logits) in indices.iter().zip(logits.chunks_exact(per_sample)) {
		let label = dataset.label(index).ok_or(out_of_range.clone())?;
		let sample_hash = dataset.sample_hash(index).ok_or(out_of_range.clone())?;
		let score = result::score(sample_logits, label);
		// total ≤ sample_count ≤ u32::MAX: never saturates.
		total = total.saturating_add(score);
		scores.push(score);
		leaves.push(result::leaf_hash(index, &sample_hash, sample_logits, score));
	}
	let merkle_root = merkle::root(&leaves);
	let root = result::result_root(&merkle_root, total, sample_count);
	Ok(EvaluationResult { indices, logits, logit_count, scores, leaves, merkle_root, total, root })
}
