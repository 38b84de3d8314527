//! The stake-weighted upper quantile that consensus takes of each column.
//!
//! Given the column's `(weight, stake)` pairs and a stake threshold `need ≥ 1`, it finds the
//! largest weight `x` such that the validators weighting at least `x` hold at least `need` stake
//! (or `0` if no weight qualifies). Sorting would cost `O(V log V)` per column; instead
//! [`weighted_upper_quantile_bucketed`] sums the stake per bucket of weights in one pass and
//! searches only the bucket that holds the answer, with [`weighted_upper_quantile_with_scratch`]:
//! a weighted quickselect whose rounds are branch-free partitioning passes. Should its pivots
//! fall badly, it hands over to [`weighted_upper_quantile`], which halves the window each round
//! with `core`'s `select_nth_unstable_by` (linear in the worst case), so one column costs `O(V)`
//! however the weights were chosen.

use crate::Fixed;
use alloc::{vec, vec::Vec};

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

/// The same answer as [`weighted_upper_quantile`], faster: each round is one branch-free pass
/// that partitions the window into `scratch` around a pivot (median of three), heavier pairs
/// to the front and lighter ones to the back, summing their stake as it goes; equal pairs are
/// dropped, since the round decides whether the pivot is the answer. A large window's first
/// round instead brackets the answer between two weights read off a sorted sample, and keeps
/// only the pairs between them when the answer is there (as it usually is).
/// `total` must be the pairs' total stake, `scratch` at least as long as `pairs` (else the
/// answer comes from [`weighted_upper_quantile`]). `scratch` is overwritten, `pairs` reordered.
///
/// Expected `O(V)`; should the pivots keep falling badly (the rounds have read `4·V` pairs), the
/// rest goes to [`weighted_upper_quantile`], which is linear in the worst case, so this is too.
pub fn weighted_upper_quantile_with_scratch(
	pairs: &mut [(Fixed, u64)],
	scratch: &mut [(Fixed, u64)],
	need: u64,
	total: u64,
) -> Fixed {
	if scratch.len() < pairs.len() {
		return weighted_upper_quantile(pairs, need);
	}
	// Every partial sum below is at most the total, so it is summed without overflow checks.
	let mut window_stake = total;
	let mut need = need;
	let mut budget = pairs.len().saturating_mul(4);
	let (mut source, mut target) = (pairs, scratch);
	// The window is `source[start..end]`, holding `window_stake`.
	let (mut start, mut end) = (0usize, source.len());

	if let Some((high, low)) = bracket(source, need, window_stake) {
		budget = budget.saturating_sub(end);
		// Front: weight > high. Back: low ≤ weight ≤ high.
		let (front, back, stake_above, stake_between) =
			partition(source, target, |w| w > high, |w| w >= low && w <= high);
		if stake_above >= need {
			(end, window_stake) = (front, stake_above);
			core::mem::swap(&mut source, &mut target);
		} else if stake_above.wrapping_add(stake_between) >= need {
			// The answer is between `low` and `high`, and every heavier pair counts towards it.
			need = need.wrapping_sub(stake_above);
			(start, window_stake) = (back, stake_between);
			core::mem::swap(&mut source, &mut target);
		}
		// Otherwise the answer is lighter than `low`: the usual rounds on the whole window.
	}

	loop {
		let Some(window) = source.get_mut(start..end) else { return 0 };
		let len = window.len();
		if len <= SMALL_WINDOW {
			return finish_by_sorting(window, need);
		}
		if budget < len {
			return weighted_upper_quantile(window, need);
		}
		budget = budget.saturating_sub(len);
		let pivot = median_of_three(window);
		let Some(out) = target.get_mut(..len) else { return 0 };
		let (front, back, stake_above, stake_below) =
			partition(window, out, |w| w > pivot, |w| w < pivot);
		let stake_at = window_stake.wrapping_sub(stake_above).wrapping_sub(stake_below);
		let stake_through_pivot = stake_above.saturating_add(stake_at);
		if stake_above >= need {
			// The answer is heavier than the pivot, and only heavier pairs count towards it.
			(start, end, window_stake) = (0, front, stake_above);
		} else if stake_through_pivot >= need {
			// The pivot qualifies and nothing heavier does.
			return pivot;
		} else {
			// Nothing at or above the pivot qualifies, and all of it counts below.
			need = need.saturating_sub(stake_through_pivot);
			(start, end, window_stake) = (back, len, stake_below);
		}
		core::mem::swap(&mut source, &mut target);
	}
}

/// Buckets of [`bucket_of`]: 8 per octave of weights, so each spans at most 1/8 of its
/// lowest weight.
const BUCKETS: usize = 256;

/// A bucket for `weight`, non-decreasing in it: the weight itself below 8, then its octave
/// (the position of its leading one) and the three bits after the leading one. At most 247 for
/// `weight ≤ 2^32`; larger weights share the last bucket.
#[inline(always)]
fn bucket_of(weight: Fixed) -> usize {
	let key = if weight < 8 {
		weight
	} else {
		// `octave ≥ 3`: `weight` lies in `[2^octave, 2^(octave+1))`.
		let octave = u64::from(63u32.wrapping_sub(weight.leading_zeros()));
		let mantissa = weight.wrapping_shr(u32::try_from(octave.wrapping_sub(3)).unwrap_or(0)) & 7;
		octave.wrapping_sub(2).wrapping_mul(8).wrapping_add(mantissa)
	};
	usize::try_from(key).unwrap_or(BUCKETS).min(BUCKETS.wrapping_sub(1))
}

/// What [`weighted_upper_quantile_bucketed`] works in, kept from one column to the next: two
/// buffers of pairs and the stake per bucket (all zero between calls, so that only the buckets
/// a column used need clearing, not all of them).
pub struct Scratch {
	pairs: Vec<(Fixed, u64)>,
	spare: Vec<(Fixed, u64)>,
	stake_by_bucket: [u64; BUCKETS],
}

impl Scratch {
	/// Room for columns of up to `len` pairs.
	pub fn new(len: usize) -> Self {
		Self { pairs: vec![(0, 0); len], spare: vec![(0, 0); len], stake_by_bucket: [0; BUCKETS] }
	}
}

/// The same answer as [`weighted_upper_quantile`] for the `(weight, stake)` pairs that `pair`
/// reads off `items` (which stay as they are), for long columns: the stake of every bucket of
/// weights ([`bucket_of`], non-decreasing in the weight) is summed in one pass; the answer
/// lies in the first bucket, counting down from the heaviest, where the stake reaches `need`
/// (every heavier weight lacks stake, the bucket's lightest has enough), so only that bucket's
/// pairs are gathered and searched by [`weighted_upper_quantile_with_scratch`], with the stake
/// of heavier buckets already counted. Short columns are copied whole and searched the same
/// way. `total` must be the pairs' total stake. A `scratch` made for fewer pairs than `items`
/// holds gives the answer of [`weighted_upper_quantile`] on a copy. Linear in the worst case
/// (all pairs in one bucket).
pub fn weighted_upper_quantile_bucketed<P>(
	items: &[P],
	pair: impl Fn(&P) -> (Fixed, u64),
	scratch: &mut Scratch,
	need: u64,
	total: u64,
) -> Fixed {
	let Scratch { pairs, spare, stake_by_bucket } = scratch;
	if pairs.len() < items.len() || spare.len() < items.len() {
		let mut pairs: Vec<(Fixed, u64)> = items.iter().map(pair).collect();
		return weighted_upper_quantile(&mut pairs, need);
	}
	if items.len() < SAMPLED_WINDOW {
		for (slot, item) in pairs.iter_mut().zip(items) {
			*slot = pair(item);
		}
		let pairs = pairs.get_mut(..items.len()).unwrap_or_default();
		return weighted_upper_quantile_with_scratch(pairs, spare, need, total);
	}
	let (mut lightest, mut heaviest) = (BUCKETS, 0usize);
	for item in items {
		let (weight, stake) = pair(item);
		let bucket = bucket_of(weight);
		lightest = lightest.min(bucket);
		heaviest = heaviest.max(bucket);
		if let Some(sum) = stake_by_bucket.get_mut(bucket) {
			// At most `total`: no overflow.
			*sum = sum.wrapping_add(stake);
		}
	}
	let mut above: u64 = 0;
	let mut found = None;
	let occupied = stake_by_bucket.get_mut(lightest..=heaviest).unwrap_or_default();
	for (offset, &stake) in occupied.iter().enumerate().rev() {
		let bucket = lightest.wrapping_add(offset);
		let through = above.wrapping_add(stake);
		if through >= need {
			found = Some((bucket, stake));
			break;
		}
		above = through;
	}
	occupied.iter_mut().for_each(|sum| *sum = 0);
	// No bucket reaches `need`: no weight qualifies.
	let Some((bucket, bucket_stake)) = found else { return 0 };
	let scratch = pairs;
	let mut kept = 0usize;
	for item in items {
		let (weight, stake) = pair(item);
		if let Some(slot) = scratch.get_mut(kept) {
			*slot = (weight, stake);
		}
		kept = kept.wrapping_add(usize::from(bucket_of(weight) == bucket));
	}
	let Some(gathered) = scratch.get_mut(..kept) else { return 0 };
	weighted_upper_quantile_with_scratch(gathered, spare, need.wrapping_sub(above), bucket_stake)
}

/// Windows at least this long start with a sampled [`bracket`].
const SAMPLED_WINDOW: usize = 64;

/// Pairs in the sample of [`bracket`].
const SAMPLE: usize = 9;

/// Two weights `(high, low)`, `high ≥ low`, that likely bracket the answer: a sample of the
/// window, sorted by weight, read at the sample's own stake quantile, one place either side.
/// `None` for a small window.
fn bracket(window: &[(Fixed, u64)], need: u64, window_stake: u64) -> Option<(Fixed, Fixed)> {
	if window.len() < SAMPLED_WINDOW || window_stake == 0 {
		return None;
	}
	let step = window.len() / SAMPLE;
	let mut sample = [(0, 0); SAMPLE];
	for (slot, pair) in sample.iter_mut().zip(window.iter().step_by(step.max(1))) {
		*slot = *pair;
	}
	finish_by_sorting(&mut sample, u64::MAX);
	let sample_stake = sample.iter().fold(0u128, |acc, p| acc.saturating_add(u128::from(p.1)));
	// The sample's share of stake that the answer needs: `need / window_stake` of its own.
	let sample_need = u128::from(need)
		.saturating_mul(sample_stake)
		.checked_div(u128::from(window_stake))
		.unwrap_or(0);
	let mut cumulative: u128 = 0;
	let mut at = SAMPLE.saturating_sub(1);
	for (index, pair) in sample.iter().enumerate() {
		cumulative = cumulative.saturating_add(u128::from(pair.1));
		if cumulative >= sample_need {
			at = index;
			break;
		}
	}
	let high = sample.get(at.saturating_sub(1)).map_or(Fixed::MAX, |p| p.0);
	let low = sample.get(at.saturating_add(1).min(SAMPLE.saturating_sub(1))).map_or(0, |p| p.0);
	Some((high, low))
}

/// One branch-free pass over `window`: pairs whose weight passes `to_front` go to the front of
/// `out`, those passing `to_back` (and not `to_front`) to its back, the rest nowhere. Returns
/// `(front, back, front stake, back stake)`: the front pairs are `out[..front]`, the back pairs
/// `out[back..window.len()]`. Stake sums must not overflow (the caller checked the total).
#[inline(always)]
fn partition(
	window: &[(Fixed, u64)],
	out: &mut [(Fixed, u64)],
	to_front: impl Fn(Fixed) -> bool,
	to_back: impl Fn(Fixed) -> bool,
) -> (usize, usize, u64, u64) {
	// Invariant: `front + (len − back)` pairs kept, at most the pairs read so far, so before
	// each read `front < back` and both writes land inside `out[..len]`.
	let mut front = 0usize;
	let mut back = window.len();
	let mut stake_front: u64 = 0;
	let mut stake_back: u64 = 0;
	for &(weight, stake) in window.iter() {
		let is_front = to_front(weight);
		let is_back = !is_front & to_back(weight);
		if let Some(slot) = out.get_mut(front) {
			*slot = (weight, stake);
		}
		if let Some(slot) = out.get_mut(back.wrapping_sub(1)) {
			*slot = (weight, stake);
		}
		front = front.wrapping_add(usize::from(is_front));
		back = back.wrapping_sub(usize::from(is_back));
		// Masks rather than branches: which side a pair falls on is unpredictable.
		stake_front = stake_front.wrapping_add(stake & u64::from(is_front).wrapping_neg());
		stake_back = stake_back.wrapping_add(stake & u64::from(is_back).wrapping_neg());
	}
	(front, back, stake_front, stake_back)
}

/// The median weight of the window's first, middle and last pairs (`0` for an empty window).
#[inline(always)]
fn median_of_three(window: &[(Fixed, u64)]) -> Fixed {
	let weight = |index: usize| window.get(index).map_or(0, |p| p.0);
	let (a, b, c) = (weight(0), weight(window.len() / 2), weight(window.len().saturating_sub(1)));
	a.max(b).min(a.min(b).max(c))
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

	/// The definition, by sorting: the heaviest weight whose group of equal weights brings the
	/// stake at or above it to `need`.
	fn by_sorting(pairs: &[(Fixed, u64)], need: u64) -> Fixed {
		let mut sorted = pairs.to_vec();
		sorted.sort_by_key(|p| core::cmp::Reverse(p.0));
		let mut cumulative = 0u64;
		for (k, &(w, s)) in sorted.iter().enumerate() {
			cumulative += s;
			let last_of_group = sorted.get(k + 1).is_none_or(|next| next.0 != w);
			if last_of_group && cumulative >= need {
				return w;
			}
		}
		0
	}

	#[test]
	fn matches_definition_on_long_columns() {
		let mut x: u64 = 0x0DDB_1A5E_5BAD_5EED;
		let mut next = || {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			x
		};
		for round in 0..20_000 {
			let len = 40 + (next() % 700) as usize;
			let distinct = 1 + next() % [3, 50, 1000, 1 << 33, 1 << 12][round % 5];
			let mut pairs: Vec<(Fixed, u64)> = (0..len)
				.map(|_| {
					let weight = 1 + next() % distinct;
					let weight = if round % 7 == 6 { weight << (next() % 20) } else { weight };
					(weight, if next() % 7 == 0 { 1 << 30 } else { next() % 1000 })
				})
				.collect();
			match round % 5 {
				0 => pairs.sort_unstable(),
				1 => pairs.sort_unstable_by(|a, b| b.cmp(a)),
				_ => {}
			}
			let total: u64 = pairs.iter().map(|p| p.1).sum();
			let need = 1 + next() % (total + 2);
			let expected = by_sorting(&pairs, need);
			let mut scratch = vec![(0, 0); len + (round % 3)];
			let copy = pairs.clone();
			let got = weighted_upper_quantile_with_scratch(&mut pairs, &mut scratch, need, total);
			assert_eq!(got, expected);
			let mut scratch = Scratch::new(len + (round % 3));
			let got =
				weighted_upper_quantile_bucketed(&copy, |&pair| pair, &mut scratch, need, total);
			assert_eq!(got, expected);
			assert!(scratch.stake_by_bucket.iter().all(|&sum| sum == 0), "buckets left clear");
			let before = copy.clone();
			let mut short = Scratch::new(len / 2);
			let got =
				weighted_upper_quantile_bucketed(&copy, |&pair| pair, &mut short, need, total);
			assert_eq!(got, expected, "short scratch");
			assert_eq!(copy, before, "the items stay as they are");
		}
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
			let mut copy = pairs.clone();
			let mut scratch = vec![(0, 0); len];
			let got = weighted_upper_quantile_with_scratch(&mut copy, &mut scratch, need, total);
			assert_eq!(got, expected);
			let mut scratch = Scratch::new(len);
			let got =
				weighted_upper_quantile_bucketed(&pairs, |&pair| pair, &mut scratch, need, total);
			assert_eq!(got, expected);
			assert_eq!(weighted_upper_quantile(&mut pairs, need), expected);
		}
	}
}
