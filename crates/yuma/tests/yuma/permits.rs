//! `validator_permits`: the largest stakes above a minimum, ties to the lower UID.

use proptest::prelude::*;
use verity_yuma::validator_permits;

#[test]
fn permits_go_to_the_largest_stakes() {
	let stake = [5, 50, 10, 40, 20, 30];
	assert_eq!(validator_permits(&stake, 3, 0), [false, true, false, true, false, true]);
}

#[test]
fn permits_break_ties_towards_the_lower_uid() {
	let stake = [7, 9, 7, 7, 9];
	assert_eq!(validator_permits(&stake, 3, 0), [true, true, false, false, true]);
	assert_eq!(validator_permits(&stake, 4, 0), [true, true, true, false, true]);
}

#[test]
fn permits_need_the_minimum_stake_and_some_stake() {
	let stake = [0, 99, 100, 1_000, 0];
	assert_eq!(validator_permits(&stake, 10, 100), [false, false, true, true, false]);
	assert_eq!(validator_permits(&stake, 10, 0), [false, true, true, true, false]);
}

#[test]
fn permits_are_fewer_than_slots_when_candidates_are() {
	assert_eq!(validator_permits(&[3, 2, 1], u16::MAX, 0), [true, true, true]);
	assert_eq!(validator_permits(&[3, 2, 1], 0, 0), [false, false, false]);
	assert!(validator_permits(&[], 5, 0).is_empty());
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(2000))]

	#[test]
	fn permits_match_a_sort(
		stake in proptest::collection::vec(prop_oneof![0u128..4, any::<u128>()], 0..200),
		max_validators in 0u16..64,
		min_stake in prop_oneof![Just(0u128), 0u128..4, any::<u128>()],
	) {
		let mut order: Vec<usize> =
			(0..stake.len()).filter(|&i| stake[i] > 0 && stake[i] >= min_stake).collect();
		order.sort_by(|&a, &b| stake[b].cmp(&stake[a]).then(a.cmp(&b)));
		let mut expected = vec![false; stake.len()];
		for &uid in order.iter().take(usize::from(max_validators)) {
			expected[uid] = true;
		}
		prop_assert_eq!(validator_permits(&stake, max_validators, min_stake), expected);
	}
}
