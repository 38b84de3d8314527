//! The referee's evidence for one disputed sample: what `resolve_dispute` takes, built from
//! the dataset and the model the node holds.

use polkadot_sdk::{sp_core::H256, sp_runtime::BoundedVec};
use verity_evaluator::{dataset, merkle, reference, selection, Dataset, Model};
use verity_primitives::{
	evaluations::{RefereeEvidence, MAX_REFEREE_MODEL_BYTES},
	host::{Evidence, JobFailure},
};

fn failure(reason: &str) -> JobFailure {
	JobFailure::Evaluation(reason.as_bytes().to_vec())
}

/// A proof's siblings as the chain takes them.
fn siblings<S: polkadot_sdk::sp_core::Get<u32>>(
	proof: merkle::MerkleProof,
) -> Result<BoundedVec<H256, S>, JobFailure> {
	BoundedVec::try_from(proof.siblings.into_iter().map(H256).collect::<Vec<_>>())
		.map_err(|_| failure("proof deeper than the chain takes"))
}

/// The evidence for the sample at `position` of the selection drawn from `seed` over the whole
/// dataset (the referee draws the same index itself), with the leaf the reference computes
/// for it. `model_bytes` are the model's encoding, `model` its decoding.
///
/// Errors: [`JobFailure::ModelTooLargeForReferee`] above the referee's bound;
/// [`JobFailure::Evaluation`] when `position` is outside `samples` or the model does not take
/// the dataset's samples.
pub fn build(
	model_bytes: &[u8],
	model: &Model,
	dataset: &Dataset,
	seed: &H256,
	samples: u32,
	position: u32,
) -> Result<Evidence, JobFailure> {
	if model_bytes.len() > MAX_REFEREE_MODEL_BYTES as usize {
		return Err(JobFailure::ModelTooLargeForReferee);
	}
	if position >= samples {
		return Err(failure("the position is outside the evaluation's samples"));
	}
	let drawn = position.checked_add(1).ok_or_else(|| failure("position overflows"))?;
	let index = selection::select_indices(&seed.0, dataset.sample_count(), drawn)
		.map_err(|e| failure(&e.to_string()))?
		.last()
		.copied()
		.ok_or_else(|| failure("no sample drawn"))?;
	let label = dataset.label(index).ok_or_else(|| failure("sample out of range"))?;
	let sample = dataset.sample(index).ok_or_else(|| failure("sample out of range"))?;
	// The header is leaf 0 of the dataset root, sample `index` leaf `index + 1`.
	let leaves = dataset.leaf_hashes();
	let header_proof =
		merkle::prove(&leaves, 0).map_err(|_| failure("the dataset has no header leaf"))?;
	let sample_leaf_index = index.checked_add(1).ok_or_else(|| failure("sample out of range"))?;
	let sample_proof =
		merkle::prove(&leaves, sample_leaf_index).map_err(|_| failure("sample out of range"))?;
	let header: [u8; dataset::HEADER_LEN] =
		dataset.header().try_into().map_err(|_| failure("malformed dataset header"))?;

	let sample_hash = dataset::sample_hash(index, label, sample);
	let (leaf_hash, score) = reference::sample_leaf(model, index, &sample_hash, label, sample)
		.map_err(|e| failure(&e.to_string()))?;
	let leaf = (H256(leaf_hash), score);

	let evidence = RefereeEvidence {
		dataset_header: header,
		header_proof: siblings(header_proof)?,
		label,
		sample: BoundedVec::try_from(sample.to_vec())
			.map_err(|_| failure("sample larger than the referee takes"))?,
		sample_proof: siblings(sample_proof)?,
		model: BoundedVec::try_from(model_bytes.to_vec())
			.map_err(|_| JobFailure::ModelTooLargeForReferee)?,
	};
	Ok(Evidence { evidence, leaf })
}
