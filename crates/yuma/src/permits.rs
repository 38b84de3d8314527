//! Validator permits: the largest stakes of a subnet, above a minimum.

use alloc::{vec, vec::Vec};
use core::cmp::{Ordering, Reverse};

/// See [`crate::validator_permits`]. `O(n)`: one selection, no sort.
pub fn validator_permits(stake: &[u128], max_validators: u16, min_stake: u128) -> Vec<bool> {
	let mut permits = vec![false; stake.len()];
	let mut candidates: Vec<(u128, usize)> = stake
		.iter()
		.copied()
		.enumerate()
		.filter(|&(_, s)| s > 0 && s >= min_stake)
		.map(|(uid, s)| (s, uid))
		.collect();
	let keep = usize::from(max_validators);
	if keep < candidates.len() {
		// Larger stake first, then lower UID: a total order, so the first `keep` are well defined.
		let order = |a: &(u128, usize), b: &(u128, usize)| -> Ordering {
			(Reverse(a.0), a.1).cmp(&(Reverse(b.0), b.1))
		};
		candidates.select_nth_unstable_by(keep, order);
		candidates.truncate(keep);
	}
	for (_, uid) in candidates {
		if let Some(permit) = permits.get_mut(uid) {
			*permit = true;
		}
	}
	permits
}
