//! Choosing which samples an evaluation runs on.
//!
//! From a 32-byte seed (on chain: `H(randomness ‖ netuid ‖ epoch ‖ miner ‖ validator)`),
//! [`select_indices`] picks `k` distinct indices out of `0..n`, each `k`-subset in each order
//! equally likely, and the same ones on every machine.
//!
//! # Random stream
//!
//! Block `c` (`c = 0, 1, 2, …`) of the stream is
//!
//! ```text
//! block(c) = BLAKE2b-256(b"verity/evaluator/selection/v1" ‖ seed (32 bytes) ‖ c as u64 LE)
//! ```
//!
//! and yields four `u64` words, read little-endian from bytes `0..8`, `8..16`, `16..24`,
//! `24..32`, in that order. Words are used one after the other, never skipped.
//!
//! # Uniform draws
//!
//! A number in `0..m` (`1 ≤ m ≤ 2^32`) takes words `w` until one is at least
//! `t = 2^64 mod m` and returns `w mod m`: the accepted words, `2^64 - t` of them, are a whole
//! number of copies of `0..m`, so there is no modulo bias. (A word is rejected with
//! probability below `2^-32`.)
//!
//! # Shuffle
//!
//! A Fisher–Yates shuffle of `[0, 1, …, n-1]` stopped after `k` steps: step `i` (from 0)
//! draws `j = i + uniform(n - i)`, swaps positions `i` and `j`, and outputs position `i`.
//! The output is the first `k` entries of a uniformly random permutation, in that order.
//! Only the displaced positions are stored (in a `BTreeMap`), so memory is `O(k)` whatever
//! `n` is.

use alloc::{collections::BTreeMap, vec::Vec};
use core::fmt;

use crate::merkle::{hash_parts, Hash};

/// The domain that starts every block of the selection stream.
pub const SELECTION_DOMAIN: &[u8] = b"verity/evaluator/selection/v1";

/// Why samples could not be selected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SelectionError {
	/// More samples were requested than there are to choose from.
	TooManySamples {
		/// The number requested (`k`).
		requested: u32,
		/// The number available (`n`).
		available: u32,
	},
}

impl fmt::Display for SelectionError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::TooManySamples { requested, available } => {
				write!(f, "cannot select {requested} distinct samples out of {available}")
			}
		}
	}
}

impl core::error::Error for SelectionError {}

/// The selection's stream of random words (see the module docs).
#[derive(Clone, Debug)]
pub struct RandomStream {
	seed: [u8; 32],
	counter: u64,
	block: Hash,
	/// Words of `block` already used (4 means: compute the next block).
	used: usize,
}

impl RandomStream {
	/// The stream for `seed`, at its start.
	pub fn new(seed: &[u8; 32]) -> Self {
		Self { seed: *seed, counter: 0, block: [0; 32], used: 4 }
	}

	/// The next word.
	pub fn next_word(&mut self) -> u64 {
		if self.used >= 4 {
			self.block = hash_parts(&[SELECTION_DOMAIN, &self.seed, &self.counter.to_le_bytes()]);
			// 2^64 blocks cannot be drawn; wrapping only avoids a panic path.
			self.counter = self.counter.wrapping_add(1);
			self.used = 0;
		}
		let start = self.used.saturating_mul(8);
		let word = self
			.block
			.get(start..start.saturating_add(8))
			.and_then(|bytes| bytes.try_into().ok())
			.map_or(0, u64::from_le_bytes);
		self.used = self.used.saturating_add(1);
		word
	}
}

/// A uniform number in `0..bound` from the words of `next_word`, by rejection (see the module
/// docs). A `bound` of 0 is treated as 1 and gives 0 without drawing.
pub fn uniform_below(mut next_word: impl FnMut() -> u64, bound: u64) -> u64 {
	if bound <= 1 {
		return 0;
	}
	// 2^64 mod bound, computed without 2^64: (2^64 - bound) mod bound.
	let threshold = bound.wrapping_neg().checked_rem(bound).unwrap_or(0);
	loop {
		let word = next_word();
		if word >= threshold {
			return word.checked_rem(bound).unwrap_or(0);
		}
	}
}

/// `k` distinct indices out of `0..n`, in the order the shuffle outputs them.
pub fn select_indices(seed: &[u8; 32], n: u32, k: u32) -> Result<Vec<u32>, SelectionError> {
	if k > n {
		return Err(SelectionError::TooManySamples { requested: k, available: n });
	}
	let mut stream = RandomStream::new(seed);
	// Position → value, for positions whose value is no longer their own index.
	let mut displaced: BTreeMap<u32, u32> = BTreeMap::new();
	let mut selected = Vec::with_capacity(k as usize);
	for i in 0..k {
		// i < k ≤ n, so n - i ≥ 1 and i + draw < n.
		let remaining = n.saturating_sub(i);
		let draw = uniform_below(|| stream.next_word(), u64::from(remaining));
		let j = i.saturating_add(u32::try_from(draw).unwrap_or(0));
		let value_j = displaced.get(&j).copied().unwrap_or(j);
		let value_i = displaced.get(&i).copied().unwrap_or(i);
		// Position i is never read again (later steps draw from i + 1 on).
		displaced.remove(&i);
		if j != i {
			displaced.insert(j, value_i);
		}
		selected.push(value_j);
	}
	Ok(selected)
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
	use super::*;
	use alloc::vec;

	fn seed(byte: u8) -> [u8; 32] {
		[byte; 32]
	}

	/// The textbook array version, to check the sparse one against.
	fn select_with_array(seed: &[u8; 32], n: u32, k: u32) -> Vec<u32> {
		let mut stream = RandomStream::new(seed);
		let mut values: Vec<u32> = (0..n).collect();
		for i in 0..k {
			let j = i + uniform_below(|| stream.next_word(), u64::from(n - i)) as u32;
			values.swap(i as usize, j as usize);
		}
		values.truncate(k as usize);
		values
	}

	#[test]
	fn stream_blocks_follow_the_documented_construction() {
		let s = seed(7);
		let mut stream = RandomStream::new(&s);
		let words: Vec<u64> = (0..8).map(|_| stream.next_word()).collect();
		for c in 0..2u64 {
			let block = hash_parts(&[SELECTION_DOMAIN, &s, &c.to_le_bytes()]);
			for w in 0..4 {
				let expected = u64::from_le_bytes(block[w * 8..w * 8 + 8].try_into().unwrap());
				assert_eq!(words[c as usize * 4 + w], expected);
			}
		}
	}

	#[test]
	fn uniform_below_rejects_words_under_the_threshold() {
		// For bound 3, 2^64 mod 3 = 1: the word 0 is rejected, the word 1 accepted.
		let mut words = vec![0u64, 1].into_iter();
		assert_eq!(uniform_below(|| words.next().unwrap(), 3), 1);
		let mut words = vec![0u64, 0, 5].into_iter();
		assert_eq!(uniform_below(|| words.next().unwrap(), 3), 2);
		// A power of two rejects nothing.
		let mut words = vec![0u64].into_iter();
		assert_eq!(uniform_below(|| words.next().unwrap(), 8), 0);
		// The largest bound used, 2^32: the threshold is 0.
		let mut words = vec![u64::MAX].into_iter();
		assert_eq!(uniform_below(|| words.next().unwrap(), 1 << 32), u64::from(u32::MAX));
	}

	#[test]
	fn uniform_below_of_one_draws_nothing() {
		assert_eq!(uniform_below(|| unreachable!(), 1), 0);
		assert_eq!(uniform_below(|| unreachable!(), 0), 0);
	}

	#[test]
	fn selection_matches_its_golden_values() {
		// Fixed forever: a change here changes every evaluation's samples.
		assert_eq!(select_indices(&seed(0x42), 1797, 8).unwrap(), GOLDEN);
	}

	const GOLDEN: [u32; 8] = [1719, 655, 654, 1170, 146, 1707, 388, 468];

	#[test]
	fn selection_is_deterministic() {
		let a = select_indices(&seed(1), 1797, 100).unwrap();
		let b = select_indices(&seed(1), 1797, 100).unwrap();
		assert_eq!(a, b);
		assert_ne!(a, select_indices(&seed(2), 1797, 100).unwrap());
	}

	#[test]
	fn selection_matches_the_array_fisher_yates() {
		for (n, k) in [(1, 1), (2, 2), (10, 3), (100, 100), (1797, 359), (5000, 17)] {
			for s in 0..4u8 {
				assert_eq!(
					select_indices(&seed(s), n, k).unwrap(),
					select_with_array(&seed(s), n, k),
					"n={n} k={k}"
				);
			}
		}
	}

	#[test]
	fn full_selection_is_a_permutation_and_prefixes_agree() {
		let n = 500;
		let mut all = select_indices(&seed(9), n, n).unwrap();
		let prefix = select_indices(&seed(9), n, 37).unwrap();
		assert_eq!(&all[..37], &prefix[..]);
		all.sort_unstable();
		assert_eq!(all, (0..n).collect::<Vec<_>>());
	}

	#[test]
	fn every_index_is_reachable_in_every_position() {
		let n = 8u32;
		let mut seen = [[false; 8]; 3];
		for s in 0..=255u8 {
			let picked = select_indices(&seed(s), n, 3).unwrap();
			for (position, &index) in picked.iter().enumerate() {
				seen[position][index as usize] = true;
			}
		}
		assert!(seen.iter().all(|row| row.iter().all(|&x| x)));
	}

	#[test]
	fn first_pick_is_roughly_uniform() {
		let n = 10u32;
		let mut counts = [0u32; 10];
		for s in 0..2000u32 {
			let mut sd = [0u8; 32];
			sd[..4].copy_from_slice(&s.to_le_bytes());
			counts[select_indices(&sd, n, 1).unwrap()[0] as usize] += 1;
		}
		// Expectation 200 each; 5 standard deviations is about ±67.
		assert!(counts.iter().all(|&c| (133..=267).contains(&c)), "{counts:?}");
	}

	#[test]
	fn large_n_small_k_is_cheap_and_distinct() {
		let picked = select_indices(&seed(3), u32::MAX, 1000).unwrap();
		let mut sorted = picked.clone();
		sorted.sort_unstable();
		sorted.dedup();
		assert_eq!(sorted.len(), 1000);
	}

	#[test]
	fn zero_samples_is_empty() {
		assert_eq!(select_indices(&seed(0), 0, 0).unwrap(), Vec::<u32>::new());
		assert_eq!(select_indices(&seed(0), 5, 0).unwrap(), Vec::<u32>::new());
	}

	#[test]
	fn selecting_more_than_available_fails() {
		assert_eq!(
			select_indices(&seed(0), 5, 6),
			Err(SelectionError::TooManySamples { requested: 6, available: 5 })
		);
	}
}
