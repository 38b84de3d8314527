//! The stake-weighted upper quantile that consensus takes of each column.
//!
//! Given the column's `(weight, stake)` pairs and a stake threshold `need ≥ 1`, it finds the
//! largest weight `x` such that the validators weighting at least `x` hold at least `need` stake
//! (or `0` if no weight qualifies). Sorting would cost `O(V log V)` per column; instead a weighted
//! quickselect halves the window each round with `core`'s `select_nth_unstable_by` (linear in the
//! worst case), so one column costs `O(V)` however the weights were chosen.

use crate::Fixed;

/// A window this small is finished by insertion sort, which beats another selection round.
const SMALL_WINDOW: usize = 12;

/// The largest `x` among the pairs' weights with `Σ { stake : weight ≥ x } ≥ need`, or `0` if
/// none qualifies. Reorders `pairs`. Pairs are `(weight, stake)`.
pub fn weighted_upper_quantile(pairs: &mut [(Fixed, u64)], need: u64) -> Fixed {
	let mut window = pairs;
	let mut need = need;
	// A lower bound of the answer established by earlier rounds (`0` qualifies always).
	let mut best: Fixed = 0;
	loop {
		if window.len() <= SMALL_WINDOW {
			return best.max(finish_by_sorting(window, need));
		}
		let middle = window.len() / 2;
		// Descending by weight: `before` ≥ pivot ≥ `after`.
		let (before, pivot, after) = window.select_nth_unstable_by(middle, |a, b| b.0.cmp(&a.0));
		let (pivot_weight, pivot_stake) = *pivot;
		let stake_before = before.iter().fold(0u64, |acc, p| acc.saturating_add(p.1));
		let stake_through_pivot = stake_before.saturating_add(pivot_stake);
		if stake_through_pivot >= need {
			// `pivot_weight` qualifies; a larger answer can only be a weight in `before`, which
			// holds every pair weighted above the pivot, so its sums there are complete.
			best = best.max(pivot_weight);
			window = before;
		} else {
			// Everything in `before` and the pivot weighs at least as much as anything in
			// `after`, so it counts towards every candidate there.
			need = need.saturating_sub(stake_through_pivot);
			window = after;
		}
	}
}

/// The answer for a small window: sort descending by weight and accumulate stake.
fn finish_by_sorting(window: &mut [(Fixed, u64)], need: u64) -> Fixed {
	// Insertion sort, descending by weight.
	for end in 1..window.len() {
		let mut k = end;
		while k > 0 {
			let (Some(a), Some(b)) = (window.get(k.wrapping_sub(1)), window.get(k)) else {
				break;
			};
			if a.0 >= b.0 {
				break;
			}
			window.swap(k.wrapping_sub(1), k);
			k = k.wrapping_sub(1);
		}
	}
	let mut cumulative: u64 = 0;
	for &(weight, stake) in window.iter() {
		cumulative = cumulative.saturating_add(stake);
		if cumulative >= need {
			return weight;
		}
	}
	0
}

#[cfg(test)]
mod tests {
	#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
	use super::*;

	fn by_definition(pairs: &[(Fixed, u64)], need: u64) -> Fixed {
		let mut best = 0;
		for &(x, _) in pairs {
			let sum: u64 = pairs.iter().filter(|p| p.0 >= x).map(|p| p.1).sum();
			if sum >= need {
				best = best.max(x);
			}
		}
		best
	}

	#[test]
	fn matches_definition_on_pseudorandom_columns() {
		let mut x: u64 = 0x2545_F491_4F6C_DD1D;
		let mut next = || {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			x
		};
		for round in 0..20_000 {
			let len = (next() % 80) as usize;
			let distinct = 1 + next() % if round % 2 == 0 { 5 } else { 1000 };
			let mut pairs: Vec<(Fixed, u64)> =
				(0..len).map(|_| (1 + next() % distinct, next() % 100)).collect();
			let total: u64 = pairs.iter().map(|p| p.1).sum();
			let need = 1 + next() % (total + 2);
			let expected = by_definition(&pairs, need);
			assert_eq!(weighted_upper_quantile(&mut pairs, need), expected);
		}
	}
}
