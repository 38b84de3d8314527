//! Scores, per-sample leaves and the result root of one evaluation.
//!
//! # Score
//!
//! A sample scores 1 when the model's predicted class equals its label, else 0 (a `u32`).
//! The predicted class is the index of the largest logit, the **lowest** such index on a tie
//! ([`argmax`]). The total score is the sum over the evaluated samples.
//!
//! # Leaves
//!
//! Leaf `p` of an evaluation is the `p`-th selected sample, in selection order
//! ([`crate::selection`]). Its data (fixed length for a given model) is
//!
//! ```text
//! index u32 LE ‖ sample hash (32 bytes) ‖ logits u8[model output size] ‖ score u32 LE
//! ```
//!
//! where the sample hash is the sample's leaf hash in the dataset root
//! ([`crate::dataset::sample_hash`]). The leaf hash is `H(0x00 ‖ data)` as for every leaf.
//!
//! # Result root
//!
//! ```text
//! merkle root = Merkle root over the leaf hashes            (crate::merkle)
//! result root = H(0x02 ‖ merkle root ‖ total score u32 LE ‖ sample count u32 LE)
//! ```
//!
//! so the submitted total and count are bound to the leaves. Two honest evaluators of the same
//! model, dataset, seed and sample count produce the same result root, bit for bit.

use alloc::vec::Vec;

use crate::merkle::{self, Hash, MerkleProof};

/// Domain byte that starts the result root's preimage.
pub const RESULT_ROOT_PREFIX: u8 = 0x02;

/// The predicted class: the index of the largest logit, the lowest on a tie. `None` when
/// there are no logits (never for a valid model).
pub fn argmax(logits: &[u8]) -> Option<u32> {
	let mut best: Option<(u32, u8)> = None;
	for (index, &logit) in (0u32..).zip(logits) {
		// Strictly greater: an equal later logit does not replace the earlier one.
		if best.is_none_or(|(_, value)| logit > value) {
			best = Some((index, logit));
		}
	}
	best.map(|(index, _)| index)
}

/// The score of one sample: 1 when the predicted class is `label`, else 0.
pub fn score(logits: &[u8], label: u8) -> u32 {
	u32::from(argmax(logits) == Some(u32::from(label)))
}

/// The data of one result leaf (see the module docs).
pub fn leaf_data(index: u32, sample_hash: &Hash, logits: &[u8], score: u32) -> Vec<u8> {
	let mut data = Vec::with_capacity(logits.len().saturating_add(40));
	data.extend_from_slice(&index.to_le_bytes());
	data.extend_from_slice(sample_hash);
	data.extend_from_slice(logits);
	data.extend_from_slice(&score.to_le_bytes());
	data
}

/// The hash of one result leaf: `H(0x00 ‖ leaf data)`.
pub fn leaf_hash(index: u32, sample_hash: &Hash, logits: &[u8], score: u32) -> Hash {
	merkle::hash_parts(&[
		&[merkle::LEAF_PREFIX],
		&index.to_le_bytes(),
		sample_hash,
		logits,
		&score.to_le_bytes(),
	])
}

/// The result root: `H(0x02 ‖ merkle root ‖ total LE ‖ count LE)`.
pub fn result_root(merkle_root: &Hash, total: u32, count: u32) -> Hash {
	merkle::hash_parts(&[
		&[RESULT_ROOT_PREFIX],
		merkle_root,
		&total.to_le_bytes(),
		&count.to_le_bytes(),
	])
}

/// Everything one evaluation produced, in selection order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvaluationResult {
	/// The evaluated samples' indices in the dataset.
	pub indices: Vec<u32>,
	/// The logits of every sample, back to back, `logit_count` each.
	pub logits: Vec<u8>,
	/// The number of logits per sample (the model's output size).
	pub logit_count: u32,
	/// Every sample's score (0 or 1).
	pub scores: Vec<u32>,
	/// Every sample's leaf hash.
	pub leaves: Vec<Hash>,
	/// The Merkle root over `leaves`.
	pub merkle_root: Hash,
	/// The sum of `scores`.
	pub total: u32,
	/// The result root, binding `merkle_root`, `total` and the sample count.
	pub root: Hash,
}

impl EvaluationResult {
	/// The number of evaluated samples.
	pub fn count(&self) -> u32 {
		u32::try_from(self.indices.len()).unwrap_or(u32::MAX)
	}

	/// The logits of the `position`-th evaluated sample.
	pub fn logits_of(&self, position: u32) -> Option<&[u8]> {
		let width = self.logit_count as usize;
		let start = (position as usize).checked_mul(width)?;
		self.logits.get(start..start.checked_add(width)?)
	}

	/// A proof of the `position`-th leaf against `merkle_root`.
	pub fn prove(&self, position: u32) -> Option<MerkleProof> {
		merkle::prove(&self.leaves, position).ok()
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn argmax_takes_the_lowest_index_on_ties() {
		assert_eq!(argmax(&[1, 5, 5, 0]), Some(1));
		assert_eq!(argmax(&[0, 0, 0]), Some(0));
		assert_eq!(argmax(&[255, 255]), Some(0));
		assert_eq!(argmax(&[3, 4, 255]), Some(2));
		assert_eq!(argmax(&[]), None);
	}

	#[test]
	fn score_is_one_only_for_the_label() {
		assert_eq!(score(&[1, 9, 3], 1), 1);
		assert_eq!(score(&[1, 9, 3], 2), 0);
		assert_eq!(score(&[7, 7, 7], 0), 1);
		assert_eq!(score(&[7, 7, 7], 1), 0);
		assert_eq!(score(&[], 0), 0);
	}

	#[test]
	fn leaf_hash_is_the_leaf_hash_of_the_leaf_data() {
		let sample_hash = [7u8; 32];
		let data = leaf_data(5, &sample_hash, &[1, 2, 3], 1);
		assert_eq!(data.len(), 4 + 32 + 3 + 4);
		assert_eq!(&data[..4], &5u32.to_le_bytes());
		assert_eq!(&data[36..39], &[1, 2, 3]);
		assert_eq!(&data[39..], &1u32.to_le_bytes());
		assert_eq!(leaf_hash(5, &sample_hash, &[1, 2, 3], 1), merkle::hash_leaf(&data));
	}

	#[test]
	fn result_root_binds_total_and_count() {
		let r = [1u8; 32];
		let base = result_root(&r, 3, 10);
		let mut preimage = alloc::vec![RESULT_ROOT_PREFIX];
		preimage.extend_from_slice(&r);
		preimage.extend_from_slice(&3u32.to_le_bytes());
		preimage.extend_from_slice(&10u32.to_le_bytes());
		assert_eq!(base, merkle::hash(&preimage));
		assert_ne!(base, result_root(&r, 4, 10));
		assert_ne!(base, result_root(&r, 3, 11));
	}
}
