//! The block reward and its halvings.

use super::*;
use crate::pallet::*;

#[test]
fn block_reward_starts_at_the_configured_reward() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(Emissions::block_reward(), BLOCK_REWARD);
		assert_eq!(Emissions::halvings_at(0), 0);
		assert_eq!(Emissions::next_halving_at(0), 8_000);
	});
}

#[test]
fn each_halving_happens_exactly_at_its_threshold() {
	ExtBuilder::default().build_and_execute(|| {
		// cap · (1 − 2^-k), rounded up: 16_000 − (16_000 >> k).
		let thresholds: [(u32, Balance); 10] = [
			(1, 8_000),
			(2, 12_000),
			(3, 14_000),
			(4, 15_000),
			(5, 15_500),
			(6, 15_750),
			(7, 15_875),
			(8, 15_938),
			(9, 15_969),
			(10, 15_985),
		];
		for (k, threshold) in thresholds {
			assert_eq!(Emissions::halvings_at(threshold - 1), k - 1, "below halving {k}");
			assert_eq!(Emissions::halvings_at(threshold), k, "at halving {k}");
			assert_eq!(Emissions::block_reward_at(threshold - 1), BLOCK_REWARD >> (k - 1));
			assert_eq!(Emissions::block_reward_at(threshold), BLOCK_REWARD >> k);
			assert_eq!(Emissions::next_halving_at(threshold - 1), threshold);
		}
		assert_eq!(Emissions::block_reward_at(7_999), 1_000);
		assert_eq!(Emissions::block_reward_at(8_000), 500);
		assert_eq!(Emissions::block_reward_at(12_000), 250);
		assert_eq!(Emissions::block_reward_at(15_969), 1);
		// 1_000 >> 10 is zero: the reward ends before the cap.
		assert_eq!(Emissions::block_reward_at(15_985), 0);
		assert_eq!(Emissions::next_halving_at(15_985), CAP);
	});
}

#[test]
fn block_reward_is_zero_at_the_cap() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(Emissions::block_reward_at(CAP), 0);
		assert_eq!(Emissions::block_reward_at(CAP + 1), 0);
		assert_eq!(Emissions::next_halving_at(CAP), CAP);
		assert_eq!(Emissions::halvings_at(CAP), 127);
	});
}

#[test]
fn halving_follows_minted_issuance() {
	ExtBuilder::default().split(100, 0, 0).build_and_execute(|| {
		open(1, 100);
		run_blocks(8);
		assert_eq!(Emissions::pending(1), 8_000);
		open(1, 100);
		assert_eq!(Issued::<Test>::get(), 8_000);
		assert_eq!(Emissions::block_reward(), 500);

		let before = TotalAccrued::<Test>::get();
		run_blocks(2);
		assert_eq!(TotalAccrued::<Test>::get() - before, 1_000);
		assert_eq!(Emissions::pending(1), 1_000);
	});
}

#[test]
fn issuance_never_exceeds_the_cap() {
	ExtBuilder::default().split(100, 0, 0).build_and_execute(|| {
		open(1, 100);
		// 40 blocks accrue 40_000, far above what the cap leaves.
		run_blocks(40);
		assert_eq!(Emissions::pending(1), CAP);
		open(1, 100);
		assert_eq!(Issued::<Test>::get(), CAP);
		assert_eq!(free(1), INITIAL_BALANCE + CAP);
		assert_eq!(Emissions::block_reward(), 0);

		// Nothing accrues or is paid any more.
		let accrued = TotalAccrued::<Test>::get();
		run_blocks(10);
		assert_eq!(TotalAccrued::<Test>::get(), accrued);
		assert_eq!(Emissions::pending(1), 0);
		open(1, 100);
		assert_eq!(Issued::<Test>::get(), CAP);
	});
}

#[test]
fn pending_is_capped_by_what_is_left_under_the_cap() {
	ExtBuilder::default().split(100, 0, 0).build_and_execute(|| {
		open(1, 100);
		run_blocks(15);
		open(1, 100);
		assert_eq!(Issued::<Test>::get(), 15_000);
		// Past the fourth halving the reward is 62.
		assert_eq!(Emissions::block_reward(), 62);
		run_blocks(20);
		assert_eq!(Emissions::pending(1), 1_000);
		open(1, 100);
		assert_eq!(Issued::<Test>::get(), CAP);
	});
}
