//! Empty, degenerate and malformed inputs, and κ at its limits.

use verity_yuma::{EpochOutput, ONE};

use crate::subnet::{sum, Output, Subnet};

/// Every vector has length `n`.
fn assert_shape(out: &Output, n: usize) {
	for v in [
		&out.stake,
		&out.consensus,
		&out.rank,
		&out.trust,
		&out.incentive,
		&out.validator_trust,
		&out.dividends,
	] {
		assert_eq!(v.len(), n);
	}
	assert_eq!(out.bonds.len(), n);
}

fn all_zero(v: &[u64]) -> bool {
	v.iter().all(|&x| x == 0)
}

/// Two validators (UIDs 0 and 1, stakes 3 : 1) and three miners (UIDs 2–4).
fn two_validators_three_miners() -> Subnet {
	Subnet::empty(5).validator(0, 300, &[(2, 10), (3, 20), (4, 30)]).validator(
		1,
		100,
		&[(2, 30), (3, 20), (4, 10)],
	)
}

#[test]
fn empty_subnet_gives_empty_output() {
	let out = Subnet::empty(0).run();
	assert_shape(&out, 0);
}

#[test]
fn no_validators_gives_all_zero() {
	let mut subnet = Subnet::empty(4);
	subnet.stake = vec![10, 20, 30, 40];
	subnet.weights[0] = vec![(1, 5), (2, 5)];
	subnet.bonds[0] = vec![(1, 100)];
	let out = subnet.run();
	assert_shape(&out, 4);
	assert_eq!(out, zeros(4));
}

fn zeros(n: usize) -> Output {
	Output::from(EpochOutput {
		stake: vec![0; n],
		consensus: vec![0; n],
		rank: vec![0; n],
		trust: vec![0; n],
		incentive: vec![0; n],
		validator_trust: vec![0; n],
		dividends: vec![0; n],
		bonds: vec![Vec::new(); n],
	})
}

#[test]
fn no_weights_gives_stake_only() {
	let subnet = Subnet::empty(4).validator(0, 1, &[]).validator(1, 3, &[]);
	let out = subnet.run();
	assert_shape(&out, 4);
	assert_eq!(out.stake, vec![ONE / 4, 3 * (ONE / 4), 0, 0]);
	assert_eq!(Output::from(EpochOutput { stake: vec![0; 4], ..out.epoch }), zeros(4));
}

#[test]
fn one_neuron_weighting_itself_gets_nothing() {
	let subnet = Subnet::empty(1).validator(0, 1_000, &[(0, 65535)]);
	let out = subnet.run();
	assert_eq!(out.stake, vec![ONE]);
	assert_eq!(Output::from(EpochOutput { stake: vec![0], ..out.epoch }), zeros(1));
}

#[test]
fn all_equal_weights_give_full_trust_and_equal_incentive() {
	let row: Vec<(u16, u16)> = (3..7).map(|j| (j, 7)).collect();
	let subnet =
		Subnet::empty(7).validator(0, 5, &row).validator(1, 9, &row).validator(2, 11, &row);
	let out = subnet.run();
	for j in 3..7 {
		assert_eq!(out.consensus[j], ONE / 4);
		assert_eq!(out.trust[j], ONE);
		assert_eq!(out.incentive[j], ONE / 4);
	}
	for i in 0..3 {
		assert_eq!(out.validator_trust[i], ONE);
		// Bonds follow stake: S_i / Σ S in every column.
		let expected = verity_yuma::to_u16_fraction(out.stake[i]);
		for &(_, b) in &out.bonds[i] {
			assert!(b.abs_diff(expected) <= 1);
		}
	}
	// Dividends follow stake too.
	for i in 0..3 {
		assert!(out.dividends[i].abs_diff(out.stake[i]) <= 8);
	}
}

#[test]
fn zero_stake_gives_no_consensus_rank_or_dividends() {
	let mut subnet = two_validators_three_miners();
	subnet.stake[0] = 0;
	subnet.stake[1] = 0;
	subnet.bonds[0] = vec![(2, 40_000)];
	subnet.bonds_moving_average = 500_000;
	let out = subnet.run();
	for v in [&out.stake, &out.consensus, &out.rank, &out.incentive, &out.dividends] {
		assert!(all_zero(v));
	}
	// With no stake the new bonds are the previous ones, renormalised (α · 0 + (1 − α) · b).
	assert_eq!(out.bonds[0], vec![(2, u16::MAX)]);
}

#[test]
fn inactive_validators_stake_counts_for_nothing() {
	let mut subnet = two_validators_three_miners();
	subnet.active[1] = false;
	let out = subnet.run();
	assert_eq!(out.stake[0], ONE);
	assert_eq!(out.stake[1], 0);
	assert_eq!(out.dividends[1], 0);
}

#[test]
fn kappa_zero_takes_the_largest_weight_and_clips_nothing() {
	let mut subnet = two_validators_three_miners();
	subnet.kappa = 0;
	let out = subnet.run();
	// Rows: 0 → (1/6, 2/6, 3/6), 1 → (3/6, 2/6, 1/6); consensus is the largest of each column.
	assert_eq!(out.consensus[2], out.consensus[4]);
	assert!(out.consensus[2] > ONE / 2 - 2 && out.consensus[2] <= ONE / 2);
	for j in 2..5 {
		assert_eq!(out.trust[j], ONE);
	}
	assert!(out.validator_trust[0] > ONE - 4 && out.validator_trust[1] > ONE - 4);
}

#[test]
fn kappa_max_takes_the_smallest_staked_weight() {
	let mut subnet = two_validators_three_miners();
	subnet.kappa = u16::MAX;
	let out = subnet.run();
	// All stake must give at least C_j: the minimum of the two rows.
	assert_eq!(out.consensus[2], out.consensus[4]);
	assert!(out.consensus[2].abs_diff(ONE / 6) <= 1);
	assert!(out.consensus[3].abs_diff(ONE / 3) <= 1);
	// A neuron not weighted by every validator has no consensus.
	subnet.weights[1] = vec![(2, 1), (3, 1)];
	let out = subnet.run();
	assert_eq!(out.consensus[4], 0);
	assert_eq!(out.rank[4], 0);
}

#[test]
fn kappa_half_follows_the_stake_majority() {
	// Validator 0 holds 3/4 of the stake: its weights are the consensus.
	let out = two_validators_three_miners().run();
	assert!(out.consensus[2].abs_diff(ONE / 6) <= 1);
	assert!(out.consensus[3].abs_diff(ONE / 3) <= 1);
	assert!(out.consensus[4].abs_diff(ONE / 2) <= 1);
	assert!(out.validator_trust[0] > ONE - 4);
	// Validator 1's weights above consensus are clipped: 1/6 + 2/6 + 1/6.
	assert!(out.validator_trust[1].abs_diff(2 * ONE / 3) <= 3);
}

#[test]
fn mismatched_slice_lengths_count_missing_entries_as_zero() {
	let full = two_validators_three_miners();
	let expected = full.run();

	let mut short = full.clone();
	short.permits.truncate(2);
	short.active.truncate(2);
	short.weights.truncate(2);
	short.bonds.clear();
	assert_eq!(short.run(), expected);

	let mut long = full.clone();
	long.permits.extend([true, true]);
	long.active.extend([true; 9]);
	long.weights.push(vec![(0, 1)]);
	long.bonds.extend(vec![vec![(0, 1)]; 8]);
	assert_eq!(long.run(), expected);

	// A permitted neuron without an `active` entry is inactive.
	let mut inactive = full.clone();
	inactive.active.truncate(1);
	assert_eq!(inactive.run().stake[1], 0);
}

#[test]
fn self_weights_are_ignored() {
	let plain = two_validators_three_miners();
	let mut selfish = plain.clone();
	selfish.weights[0].insert(0, (0, 65535));
	selfish.weights[1] = vec![(1, 1000), (2, 30), (3, 20), (4, 10)];
	assert_eq!(selfish.run(), plain.run());
}

#[test]
fn out_of_range_columns_are_ignored() {
	let plain = two_validators_three_miners();
	let mut wide = plain.clone();
	wide.weights[0].extend([(5, 65535), (u16::MAX, 65535)]);
	wide.bonds[1] = vec![(9, 100)];
	assert_eq!(wide.run(), plain.run());
}

#[test]
fn unpermitted_rows_are_ignored() {
	let plain = two_validators_three_miners();
	let mut noisy = plain.clone();
	noisy.stake[2] = 1_000_000;
	noisy.weights[2] = vec![(3, 65535)];
	noisy.bonds[3] = vec![(2, 65535)];
	let out = noisy.run();
	let expected = plain.run();
	assert_eq!(out, expected);
	assert!(out.bonds[2].is_empty() && out.bonds[3].is_empty());
}

#[test]
fn malformed_rows_are_read_sorted_keeping_the_first_repeat() {
	let mut plain = two_validators_three_miners();
	plain.bonds_moving_average = 500_000;
	let mut shuffled = plain.clone();
	shuffled.weights[0] = vec![(4, 30), (2, 10), (3, 20), (2, 999)];
	shuffled.bonds[1] = vec![(3, 5), (2, 7), (3, 9)];
	let mut sorted = plain.clone();
	sorted.bonds[1] = vec![(2, 7), (3, 5)];
	assert_eq!(shuffled.run(), sorted.run());
}

#[test]
fn huge_stakes_do_not_overflow() {
	let mut subnet = two_validators_three_miners();
	subnet.stake[0] = u128::MAX;
	subnet.stake[1] = u128::MAX;
	let out = subnet.run();
	assert_eq!(out.stake[0], out.stake[1]);
	assert!(u128::from(ONE) - sum(&out.stake) <= 2);
	assert!(out.incentive.iter().any(|&x| x > 0));
}

#[test]
fn bonds_moving_average_above_one_million_keeps_the_previous_bonds() {
	let mut subnet = two_validators_three_miners();
	subnet.bonds[0] = vec![(2, 65535), (3, 65535), (4, 65535)];
	subnet.bonds_moving_average = u32::MAX;
	let out = subnet.run();
	assert_eq!(out.bonds[0], vec![(2, 65535), (3, 65535), (4, 65535)]);
	assert!(out.bonds[1].is_empty());
	assert_eq!(out.dividends[0], ONE);
}
