//! What an epoch concludes, computed by hand: two validators, three miners.

use super::*;
use crate::{Bonds, Scores};
use polkadot_sdk::{frame_support::assert_ok, sp_runtime::Perquintill};
use verity_primitives::traits::SubnetsInterface;

/// `x` (a fraction) as the pallet stores it: `u16::MAX` is one, rounded to nearest.
fn u16_fraction(numerator: u64, denominator: u64) -> u16 {
	((numerator * 65_535 * 2 + denominator) / (2 * denominator)) as u16
}

/// V0 (stake 0.6) weights miners 2 and 3 equally, V1 (stake 0.4) miners 3 and 4; κ ≈ ½.
///
/// - Consensus: column 2 has weight ½ from 0.6 of the stake (≥ κ): C₂ = ½; column 3 has ½ from
///   all of it: C₃ = ½; column 4 has ½ from only 0.4: C₄ = 0.
/// - Clipped weights: V0 (½, ½, 0), V1 (0, ½, 0).
/// - Rank: R₂ = 0.6·½ = 0.3, R₃ = 0.6·½ + 0.4·½ = 0.5, R₄ = 0; incentive = R / 0.8 =
///   (3/8, 5/8, 0).
/// - Trust (rank after clipping over before): T₂ = 1, T₃ = 1, T₄ = 0/0.2 = 0.
/// - Validator trust (sum of the clipped row): V0 1, V1 ½.
/// - Bonds (first epoch, column-normalised stake × clipped weight): column 2: V0 1; column 3:
///   V0 0.6, V1 0.4. Dividends ∝ Σ_j B_ij·I_j: V0 1·3/8 + 0.6·5/8 = 3/4, V1 0.4·5/8 = 1/4.
fn run_the_example() -> NetUid {
	let netuid = subnet_with_permits();
	assert_ok!(set_weights(V0, netuid, &[2, 3], &[100, 100]));
	assert_ok!(set_weights(V1, netuid, &[3, 4], &[7, 7]));
	run_to_next_epoch(netuid);
	netuid
}

#[test]
fn incentive_follows_stake_weighted_consensus() {
	ExtBuilder.build_and_execute(|| {
		let netuid = run_the_example();
		let scores = Scores::<Test>::get(netuid);
		let incentive: Vec<u16> = scores.iter().map(|s| s.incentive).collect();
		assert_eq!(incentive, vec![0, 0, u16_fraction(3, 8), u16_fraction(5, 8), 0]);
		let consensus: Vec<u16> = scores.iter().map(|s| s.consensus).collect();
		assert_eq!(consensus, vec![0, 0, u16_fraction(1, 2), u16_fraction(1, 2), 0]);
		// 0.3·65535 and 0.5·65535 lie half-way between integers: fixed point may round either way.
		let rank: Vec<u16> = scores.iter().map(|s| s.rank).collect();
		for (actual, expected) in
			rank.iter().zip([0, 0, u16_fraction(3, 10), u16_fraction(5, 10), 0])
		{
			assert!(actual.abs_diff(expected) <= 1, "{rank:?}");
		}
		let trust: Vec<u16> = scores.iter().map(|s| s.trust).collect();
		assert_eq!(trust, vec![0, 0, u16::MAX, u16::MAX, 0]);
		let stake: Vec<u16> = scores.iter().map(|s| s.stake_share).collect();
		assert_eq!(stake, vec![u16_fraction(6, 10), u16_fraction(4, 10), 0, 0, 0]);
		let validator_trust: Vec<u16> = scores.iter().map(|s| s.validator_trust).collect();
		assert_eq!(validator_trust, vec![u16::MAX, u16_fraction(1, 2), 0, 0, 0]);
	});
}

#[test]
fn dividends_follow_bonds_times_incentive() {
	ExtBuilder.build_and_execute(|| {
		let netuid = run_the_example();
		let dividends: Vec<u16> = Scores::<Test>::get(netuid).iter().map(|s| s.dividends).collect();
		assert_eq!(dividends, vec![u16_fraction(3, 4), u16_fraction(1, 4), 0, 0, 0]);
		assert_eq!(
			Bonds::<Test>::get(netuid, 0).into_inner(),
			vec![(2, u16::MAX), (3, u16_fraction(6, 10))]
		);
		assert_eq!(Bonds::<Test>::get(netuid, 1).into_inner(), vec![(3, u16_fraction(4, 10))]);
	});
}

#[test]
fn the_epoch_pays_by_incentive_and_dividends() {
	ExtBuilder.build_and_execute(|| {
		let netuid = run_the_example();
		let payout = MockEmissions::payouts().pop().unwrap();
		assert_eq!(payout.netuid, netuid);
		assert_eq!(payout.hotkeys, vec![V0, V1, M2, M3, M4]);
		assert_eq!(payout.permitted_stake, 1_000);
		let close = |actual: Perquintill, parts: u64, of: u64| {
			let expected = Perquintill::from_rational(parts, of);
			// Fixed point has 32 fractional bits: about 2.3e-10.
			assert!(
				actual.deconstruct().abs_diff(expected.deconstruct()) < 1_000_000_000,
				"{actual:?}"
			);
		};
		close(payout.incentive[2], 3, 8);
		close(payout.incentive[3], 5, 8);
		close(payout.dividends[0], 3, 4);
		close(payout.dividends[1], 1, 4);

		let emission: Vec<u128> = Scores::<Test>::get(netuid).iter().map(|s| s.emission).collect();
		let expected =
			[VALIDATOR_POOL * 3 / 4, VALIDATOR_POOL / 4, MINER_POOL * 3 / 8, MINER_POOL * 5 / 8, 0];
		for (actual, expected) in emission.iter().zip(expected) {
			assert!(actual.abs_diff(expected) <= 1, "{emission:?}");
		}
	});
}

#[test]
fn pruning_scores_are_the_larger_of_incentive_and_dividends() {
	ExtBuilder.build_and_execute(|| {
		let netuid = run_the_example();
		let expected: Vec<u16> =
			Scores::<Test>::get(netuid).iter().map(|s| s.incentive.max(s.dividends)).collect();
		assert_eq!(MockSubnets::pruning_scores(netuid), expected);
		assert_eq!(expected[3], u16_fraction(5, 8));
		assert_eq!(MockSubnets::neuron_count(netuid), 5);
	});
}

#[test]
fn last_update_is_the_block_weights_were_set() {
	ExtBuilder.build_and_execute(|| {
		let netuid = run_the_example();
		let last_update: Vec<u32> =
			Scores::<Test>::get(netuid).iter().map(|s| s.last_update).collect();
		assert_eq!(last_update, vec![11, 11, 0, 0, 0]);
		let live: Vec<u32> = Scoring::neuron_scores(netuid).iter().map(|s| s.last_update).collect();
		assert_eq!(live, vec![11, 11, 0, 0, 0]);
	});
}

#[test]
fn an_inactive_validators_stake_counts_for_nothing() {
	ExtBuilder.build_and_execute(|| {
		let netuid = run_the_example();
		// V0's weights grow older than the cutoff (50 blocks); V1 keeps its up to date.
		run_to_block(41);
		assert_ok!(set_weights(V1, netuid, &[3, 4], &[7, 7]));
		run_to_block(71);
		let stake: Vec<u16> = Scores::<Test>::get(netuid).iter().map(|s| s.stake_share).collect();
		assert_eq!(stake, vec![0, u16::MAX, 0, 0, 0]);
	});
}

#[test]
fn neuron_scores_are_padded_to_the_neuron_count() {
	ExtBuilder.build_and_execute(|| {
		let netuid = run_the_example();
		MockSubnets::register(netuid, 40);
		let scores = Scoring::neuron_scores(netuid);
		assert_eq!(scores.len(), 6);
		assert_eq!(scores[5], Default::default());
		assert_eq!(scores[3].incentive, u16_fraction(5, 8));
	});
}
