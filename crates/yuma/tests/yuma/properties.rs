//! Properties of every epoch: sums, clipping, dissent, bond convergence, determinism.

use proptest::prelude::*;
use verity_yuma::ONE;

use crate::subnet::{normalised_weights, subnet, sum, sums_to_one_or_zero, Pairs, Subnet};

proptest! {
	#![proptest_config(ProptestConfig::with_cases(1000))]

	#[test]
	fn stake_incentive_and_dividends_sum_to_one_or_zero(subnet in subnet(64, 16)) {
		let out = subnet.run();
		prop_assert!(sums_to_one_or_zero(&out.stake), "stake sums to {}", sum(&out.stake));
		prop_assert!(
			sums_to_one_or_zero(&out.incentive),
			"incentive sums to {}",
			sum(&out.incentive)
		);
		prop_assert!(
			sums_to_one_or_zero(&out.dividends),
			"dividends sum to {}",
			sum(&out.dividends)
		);
		// Incentive is zero exactly when nothing survived clipping.
		prop_assert_eq!(sum(&out.incentive) == 0, out.rank.iter().all(|&r| r == 0));
	}

	#[test]
	fn clipping_never_raises_a_weight(subnet in subnet(64, 16)) {
		let out = subnet.run();
		let w = normalised_weights(&subnet);
		let n = subnet.stake.len();
		for j in 0..n {
			let pre_rank: u128 =
				(0..n).map(|i| u128::from(out.stake[i]) * u128::from(w[i][j])).sum::<u128>() >> 32;
			prop_assert!(u128::from(out.rank[j]) <= pre_rank, "rank[{}] above pre-rank", j);
			prop_assert!(out.trust[j] <= ONE);
			prop_assert!(out.incentive[j] <= ONE);
			// Consensus is one of the weights in its column (or zero).
			prop_assert!(out.consensus[j] == 0 || (0..n).any(|i| w[i][j] == out.consensus[j]));
		}
		for i in 0..n {
			let row_sum: u64 = w[i].iter().sum();
			prop_assert!(out.validator_trust[i] <= row_sum && row_sum <= ONE);
		}
	}

	#[test]
	fn bond_columns_sum_to_one_or_zero(subnet in subnet(64, 16)) {
		let out = subnet.run();
		let n = subnet.stake.len();
		let mut column_sums = vec![0i64; n];
		let mut column_counts = vec![0i64; n];
		for row in &out.bonds {
			for &(j, b) in row {
				column_sums[usize::from(j)] += i64::from(b);
				column_counts[usize::from(j)] += 1;
			}
		}
		for j in 0..n {
			if column_counts[j] > 0 {
				// Each cell rounds by at most 1/2 unit, plus its floor below 2^-32.
				prop_assert!(
					(column_sums[j] - 65535).abs() <= column_counts[j],
					"column {} sums to {}", j, column_sums[j]
				);
			}
		}
	}

	#[test]
	fn same_input_gives_identical_output(subnet in subnet(64, 16)) {
		let first = subnet.run();
		let second = subnet.clone().run();
		prop_assert_eq!(first, second);
	}

	/// Three validators share one row and hold the majority; `agreeing` also shares it and
	/// `dissenting`, with the same stake, sets any other row.
	#[test]
	fn a_dissenting_validator_earns_no_more_than_an_agreeing_one(
		miners in 2usize..12,
		majority_row in proptest::collection::vec(any::<u16>(), 12),
		dissenting_row in proptest::collection::vec(any::<u16>(), 12),
		majority_stakes in proptest::collection::vec(1_000u128..1_000_000, 3),
		minority_stake in 1u128..100,
		kappa in 0u16..=u16::MAX,
	) {
		let row = |values: &[u16]| -> Vec<(u16, u16)> {
			(0..miners).map(|m| (5 + m as u16, values[m])).collect()
		};
		let mut subnet = Subnet::empty(5 + miners);
		for (uid, &s) in majority_stakes.iter().enumerate() {
			subnet = subnet.validator(uid, s, &row(&majority_row));
		}
		subnet = subnet
			.validator(3, minority_stake, &row(&majority_row))
			.validator(4, minority_stake, &row(&dissenting_row));
		subnet.kappa = kappa;
		let out = subnet.run();
		prop_assert!(out.validator_trust[4] <= out.validator_trust[3]);
		prop_assert!(out.dividends[4] <= out.dividends[3]);
	}
}

/// Validators 0–2 agree on miners 4–7; validator 3 (stake equal to validator 2's) puts its
/// weight elsewhere.
fn subnet_with_a_dissenter() -> Subnet {
	let agreed = [(4, 100), (5, 300), (6, 500), (7, 100)];
	let mut subnet = Subnet::empty(8)
		.validator(0, 400, &agreed)
		.validator(1, 300, &agreed)
		.validator(2, 150, &agreed)
		.validator(3, 150, &[(4, 500), (5, 100), (6, 100), (7, 300)]);
	subnet.bonds_moving_average = 900_000;
	subnet
}

#[test]
fn a_dissenting_validator_loses_validator_trust_and_dividends() {
	let mut subnet = subnet_with_a_dissenter();
	for epoch in 0..20 {
		let out = subnet.run();
		assert!(out.validator_trust[2] > ONE - 4);
		// Min(W, C) of the dissenter: 1/10 + 1/10 + 1/10 + 1/10.
		assert!(out.validator_trust[3].abs_diff(2 * ONE / 5) <= 4);
		assert!(
			out.dividends[3] < out.dividends[2] * 3 / 4,
			"epoch {epoch}: dissenter {} agreeing {}",
			out.dividends[3],
			out.dividends[2]
		);
		subnet.bonds = out.bonds;
	}
}

#[test]
fn a_validator_that_joins_consensus_regains_validator_trust() {
	let mut subnet = subnet_with_a_dissenter();
	subnet.weights[3] = subnet.weights[2].clone();
	let out = subnet.run();
	assert_eq!(out.validator_trust[3], out.validator_trust[2]);
	assert_eq!(out.dividends[3], out.dividends[2]);
}

/// The largest change of any bond between two bond matrices, in `u16` units.
fn largest_change(a: &[Pairs], b: &[Pairs], n: usize) -> u16 {
	let dense = |rows: &[Pairs]| {
		let mut m = vec![vec![0u16; n]; n];
		for (i, row) in rows.iter().enumerate() {
			for &(j, x) in row.iter().filter(|e| usize::from(e.0) < n) {
				m[i][usize::from(j)] = x;
			}
		}
		m
	};
	let (a, b) = (dense(a), dense(b));
	(0..n)
		.flat_map(|i| (0..n).map(move |j| (i, j)))
		.map(|(i, j)| a[i][j].abs_diff(b[i][j]))
		.max()
		.unwrap_or(0)
}

/// Feeds each epoch's bonds into the next under constant weights; returns the largest bond
/// change of each epoch and the final bonds.
fn repeat_epochs(mut subnet: Subnet, epochs: usize) -> (Vec<u16>, Vec<Pairs>) {
	let n = subnet.stake.len();
	let mut changes = Vec::with_capacity(epochs);
	for _ in 0..epochs {
		let out = subnet.run();
		changes.push(largest_change(&subnet.bonds, &out.bonds, n));
		subnet.bonds = out.bonds;
	}
	(changes, subnet.bonds)
}

#[test]
fn bonds_converge_to_the_clipped_stake_shares_under_constant_weights() {
	let mut subnet = subnet_with_a_dissenter();
	// Start far from the fixed point: all bond on the dissenter.
	subnet.bonds[3] = (4..8).map(|j| (j, u16::MAX)).collect();
	let (changes, bonds) = repeat_epochs(subnet.clone(), 300);
	// The change shrinks geometrically (factor 0.9 per epoch) until rounding stops it.
	assert!(changes[0] > 1000);
	assert!(changes[10] < changes[0] / 2);
	assert!(changes[40] < changes[10] / 2);
	assert!(changes[250..].iter().all(|&c| c == 0), "{:?}", &changes[250..]);
	// The fixed point is ΔB itself, what an epoch without memory gives (within rounding,
	// since an update smaller than half a unit rounds away: |ΔB − b| ≤ 0.5 / α + 1).
	subnet.bonds_moving_average = 0;
	let fresh = subnet.run().bonds;
	assert!(largest_change(&bonds, &fresh, 8) <= 6);
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(64))]

	#[test]
	fn bonds_reach_a_fixed_point_under_constant_weights(
		subnet in subnet(24, 8),
		average in 0u32..=900_000,
	) {
		let mut subnet = subnet;
		subnet.bonds_moving_average = average;
		let (changes, _) = repeat_epochs(subnet, 300);
		// With α ≥ 0.1 a change of 65535 units decays below one in ~100 epochs; rounding can
		// leave at most a one-unit flicker.
		prop_assert!(changes[280..].iter().all(|&c| c <= 1), "{:?}", &changes[280..]);
	}
}
