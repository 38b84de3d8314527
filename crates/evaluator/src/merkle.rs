//! Binary Merkle trees over BLAKE2b-256, with one-leaf proofs.
//!
//! Every root in the evaluator (model, dataset, evaluation result) is built here, so that the
//! runtime can check any single part of them with [`MerkleProof::verify`].
//!
//! # Hashing
//!
//! `H(x)` is BLAKE2b with a 32-byte digest, no key, no salt, no personalisation: the same
//! function as `sp_crypto_hashing::blake2_256`. Leaves and inner nodes are domain-separated so
//! that no leaf can be passed off as a node or the other way round:
//!
//! ```text
//! leaf hash = H(0x00 ‖ leaf data)
//! node hash = H(0x01 ‖ left hash (32 bytes) ‖ right hash (32 bytes))
//! ```
//!
//! (`0x02` is taken by the result root in [`crate::result`].)
//!
//! # Tree shape
//!
//! The leaf hashes form level 0, in order. Each next level pairs the nodes of the previous one
//! from the left: nodes `2i` and `2i + 1` become `node hash(2i, 2i + 1)`. When a level has an
//! odd number of nodes, its last node has no partner and is **carried up unchanged** (it is not
//! duplicated, so no two different leaf lists share a root through duplication). The root is
//! the single node of the last level; the root of one leaf is its leaf hash. The root of no
//! leaves is [`EMPTY_ROOT`] `= H("")`, which is neither a leaf nor a node hash.
//!
//! A proof for leaf `index` of `leaf_count` lists the partners met on the way up, bottom first,
//! skipping the levels where the node is carried. Its length is therefore fixed by `index` and
//! `leaf_count`, and [`MerkleProof::verify`] rejects any other length. The tree has at most
//! `2^32 - 1` leaves (indices are `u32`), so a proof has at most [`MAX_PROOF_DEPTH`] siblings.

use alloc::vec::Vec;
use core::fmt;

/// A 32-byte BLAKE2b-256 digest.
pub type Hash = [u8; 32];

/// Domain byte that starts every leaf hash preimage.
pub const LEAF_PREFIX: u8 = 0x00;
/// Domain byte that starts every inner-node hash preimage.
pub const NODE_PREFIX: u8 = 0x01;
/// The most siblings a proof can hold: the depth of a tree of `2^32 - 1` leaves.
pub const MAX_PROOF_DEPTH: usize = 32;
/// The root of a tree without leaves: `H("")`.
pub const EMPTY_ROOT: Hash = [
	0x0e, 0x57, 0x51, 0xc0, 0x26, 0xe5, 0x43, 0xb2, 0xe8, 0xab, 0x2e, 0xb0, 0x60, 0x99, 0xda, 0xa1,
	0xd1, 0xe5, 0xdf, 0x47, 0x77, 0x8f, 0x77, 0x87, 0xfa, 0xab, 0x45, 0xcd, 0xf1, 0x2f, 0xe3, 0xa8,
];

/// Why a proof could not be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MerkleError {
	/// The leaf index is not below the number of leaves.
	IndexOutOfRange {
		/// The requested leaf.
		index: u32,
		/// The number of leaves in the tree.
		leaf_count: u64,
	},
	/// The tree has more than `u32::MAX` leaves, so its leaves cannot be addressed by a `u32`.
	TooManyLeaves {
		/// The number of leaves given.
		leaf_count: u64,
	},
}

impl fmt::Display for MerkleError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::IndexOutOfRange { index, leaf_count } => {
				write!(f, "leaf {index} is out of range for a tree of {leaf_count} leaves")
			}
			Self::TooManyLeaves { leaf_count } => {
				write!(f, "{leaf_count} leaves is more than a u32 can index")
			}
		}
	}
}

impl core::error::Error for MerkleError {}

/// BLAKE2b-256 of `data`.
pub fn hash(data: &[u8]) -> Hash {
	hash_parts(&[data])
}

/// BLAKE2b-256 of the concatenation of `parts`, without building the concatenation.
pub fn hash_parts(parts: &[&[u8]]) -> Hash {
	let mut state = blake2b_simd::Params::new().hash_length(32).to_state();
	for part in parts {
		state.update(part);
	}
	let mut out = [0u8; 32];
	out.copy_from_slice(state.finalize().as_bytes());
	out
}

/// The leaf hash of `data`: `H(0x00 ‖ data)`.
pub fn hash_leaf(data: &[u8]) -> Hash {
	hash_parts(&[&[LEAF_PREFIX], data])
}

/// The hash of an inner node: `H(0x01 ‖ left ‖ right)`.
pub fn hash_node(left: &Hash, right: &Hash) -> Hash {
	hash_parts(&[&[NODE_PREFIX], left, right])
}

/// The next level up: pairs from the left, an odd last node carried unchanged.
fn parent_level(level: &[Hash]) -> Vec<Hash> {
	level
		.chunks(2)
		.map(|pair| match pair {
			[left, right] => hash_node(left, right),
			[single] => *single,
			// `chunks(2)` yields one or two items.
			_ => EMPTY_ROOT,
		})
		.collect()
}

/// The Merkle root of `leaves` (leaf hashes, in order). See the module docs for the shape.
pub fn root(leaves: &[Hash]) -> Hash {
	match leaves {
		[] => EMPTY_ROOT,
		[single] => *single,
		_ => {
			let mut level = parent_level(leaves);
			while level.len() > 1 {
				level = parent_level(&level);
			}
			level.first().copied().unwrap_or(EMPTY_ROOT)
		}
	}
}

/// A proof that one leaf is at a given position of a tree with a given root.
///
/// The verifier must take `leaf_count` from what the root commits to (a model header, a
/// dataset header, an evaluation's sample count), not from the prover: counts that give the
/// leaf the same path (11 and 12 for leaf 6, say) lead to the same root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MerkleProof {
	/// The position of the proven leaf, from 0.
	pub index: u32,
	/// The number of leaves in the tree.
	pub leaf_count: u32,
	/// The partners on the way from the leaf to the root, bottom first.
	pub siblings: Vec<Hash>,
}

/// The number of siblings a proof of leaf `index` in a tree of `leaf_count` leaves has, or
/// `None` when the index is out of range.
pub fn proof_length(index: u32, leaf_count: u32) -> Option<usize> {
	if index >= leaf_count {
		return None;
	}
	let (mut position, mut width, mut length) = (index, leaf_count, 0usize);
	while width > 1 {
		// A node has a partner unless it is the last of an odd level.
		if position % 2 == 1 || position.checked_add(1)? < width {
			length = length.checked_add(1)?;
		}
		position /= 2;
		width = width.div_ceil(2);
	}
	Some(length)
}

/// A proof for leaf `index` of `leaves` (leaf hashes, in order).
pub fn prove(leaves: &[Hash], index: u32) -> Result<MerkleProof, MerkleError> {
	let leaf_count = u32::try_from(leaves.len())
		.map_err(|_| MerkleError::TooManyLeaves { leaf_count: leaves.len() as u64 })?;
	if index >= leaf_count {
		return Err(MerkleError::IndexOutOfRange { index, leaf_count: u64::from(leaf_count) });
	}
	let mut siblings = Vec::new();
	let mut position = index as usize;
	let mut level: Vec<Hash> = leaves.to_vec();
	while level.len() > 1 {
		let partner =
			if position % 2 == 1 { position.checked_sub(1) } else { position.checked_add(1) };
		if let Some(sibling) = partner.and_then(|p| level.get(p)) {
			siblings.push(*sibling);
		}
		position /= 2;
		level = parent_level(&level);
	}
	Ok(MerkleProof { index, leaf_count, siblings })
}

impl MerkleProof {
	/// The root that this proof leads to from `leaf` (a leaf hash), or `None` when the proof
	/// is malformed: index out of range or the wrong number of siblings.
	pub fn compute_root(&self, leaf: &Hash) -> Option<Hash> {
		if proof_length(self.index, self.leaf_count)? != self.siblings.len() {
			return None;
		}
		let mut siblings = self.siblings.iter();
		let (mut position, mut width, mut node) = (self.index, self.leaf_count, *leaf);
		while width > 1 {
			if position % 2 == 1 {
				node = hash_node(siblings.next()?, &node);
			} else if position.checked_add(1)? < width {
				node = hash_node(&node, siblings.next()?);
			}
			position /= 2;
			width = width.div_ceil(2);
		}
		Some(node)
	}

	/// Whether `leaf` (a leaf hash) is at `self.index` of a tree of `self.leaf_count` leaves
	/// whose root is `root`.
	pub fn verify(&self, root: &Hash, leaf: &Hash) -> bool {
		self.compute_root(leaf).is_some_and(|computed| computed == *root)
	}
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
	use super::*;

	fn leaves(n: u32) -> Vec<Hash> {
		(0..n).map(|i| hash_leaf(&i.to_le_bytes())).collect()
	}

	#[test]
	fn empty_root_is_hash_of_nothing() {
		assert_eq!(EMPTY_ROOT, hash(&[]));
		assert_eq!(root(&[]), EMPTY_ROOT);
	}

	#[test]
	fn hash_is_blake2b_256() {
		// BLAKE2b-256("abc"), from the reference implementation.
		let expected = "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319";
		let got: alloc::string::String =
			hash(b"abc").iter().map(|b| alloc::format!("{b:02x}")).collect();
		assert_eq!(got, expected);
	}

	#[test]
	fn leaf_and_node_hashes_are_domain_separated() {
		let (a, b) = (hash_leaf(b"a"), hash_leaf(b"b"));
		let mut node_preimage = Vec::from(a);
		node_preimage.extend_from_slice(&b);
		assert_ne!(hash_node(&a, &b), hash_leaf(&node_preimage));
		assert_ne!(hash_leaf(b"a"), hash(b"a"));
	}

	#[test]
	fn small_trees_have_the_documented_shape() {
		let l = leaves(5);
		assert_eq!(root(&l[..1]), l[0]);
		assert_eq!(root(&l[..2]), hash_node(&l[0], &l[1]));
		// Three leaves: the third is carried up unchanged.
		assert_eq!(root(&l[..3]), hash_node(&hash_node(&l[0], &l[1]), &l[2]));
		let n01 = hash_node(&l[0], &l[1]);
		let n23 = hash_node(&l[2], &l[3]);
		assert_eq!(root(&l[..5]), hash_node(&hash_node(&n01, &n23), &l[4]));
	}

	#[test]
	fn odd_last_leaf_is_not_duplicated() {
		let l = leaves(3);
		let duplicated = [l[0], l[1], l[2], l[2]];
		assert_ne!(root(&l), root(&duplicated));
	}

	#[test]
	fn every_proof_verifies_for_many_sizes() {
		for n in 1..=40u32 {
			let l = leaves(n);
			let r = root(&l);
			for i in 0..n {
				let proof = prove(&l, i).unwrap();
				assert_eq!(Some(proof.siblings.len()), proof_length(i, n));
				assert!(proof.verify(&r, &l[i as usize]), "n={n} i={i}");
			}
		}
	}

	#[test]
	fn proof_of_single_leaf_is_empty() {
		let l = leaves(1);
		let proof = prove(&l, 0).unwrap();
		assert!(proof.siblings.is_empty());
		assert!(proof.verify(&l[0], &l[0]));
	}

	#[test]
	fn prove_fails_for_index_out_of_range() {
		assert_eq!(
			prove(&leaves(3), 3),
			Err(MerkleError::IndexOutOfRange { index: 3, leaf_count: 3 })
		);
		assert_eq!(prove(&[], 0), Err(MerkleError::IndexOutOfRange { index: 0, leaf_count: 0 }));
	}

	#[test]
	fn forged_proofs_are_rejected() {
		let l = leaves(11);
		let r = root(&l);
		let proof = prove(&l, 6).unwrap();
		// Wrong leaf.
		assert!(!proof.verify(&r, &l[5]));
		// Wrong root.
		assert!(!proof.verify(&l[0], &l[6]));
		// A flipped bit in a sibling.
		let mut forged = proof.clone();
		forged.siblings[1][0] ^= 1;
		assert!(!forged.verify(&r, &l[6]));
		// Another index with the same siblings.
		let mut forged = proof.clone();
		forged.index = 7;
		assert!(!forged.verify(&r, &l[6]));
		// Another leaf count that changes the path's shape. (One that keeps it, such as 9, 12
		// or 16, verifies: the verifier takes the count from the commitment, not the prover.)
		for count in [1, 2, 7, 8] {
			let mut forged = proof.clone();
			forged.leaf_count = count;
			assert!(!forged.verify(&r, &l[6]), "count {count}");
		}
		// A sibling too many or too few.
		let mut forged = proof.clone();
		forged.siblings.push(l[0]);
		assert!(!forged.verify(&r, &l[6]));
		let mut forged = proof.clone();
		forged.siblings.pop();
		assert!(!forged.verify(&r, &l[6]));
		// An index beyond the leaves.
		let forged = MerkleProof { index: 11, leaf_count: 11, siblings: proof.siblings.clone() };
		assert!(!forged.verify(&r, &l[6]));
		// An inner node passed off as a leaf, at its own position one level up: the verifier
		// takes the leaf count from the committed tree (11), so the shorter path is rejected.
		let inner = hash_node(&l[6], &l[7]);
		let shortened =
			MerkleProof { index: 3, leaf_count: 11, siblings: proof.siblings[1..].to_vec() };
		assert!(!shortened.verify(&r, &inner));
	}

	#[test]
	fn proof_length_is_bounded_by_max_depth() {
		assert_eq!(proof_length(0, u32::MAX), Some(MAX_PROOF_DEPTH));
		// The last leaf of 2^32 - 1 is carried once, then has a partner on each of 31 levels.
		assert_eq!(proof_length(u32::MAX - 1, u32::MAX), Some(31));
		assert_eq!(proof_length(5, 5), None);
	}
}
