//! The accrual of block rewards to subnets by permitted stake.

use super::*;
use crate::{pallet::*, SubnetEmissionInfo, REWARD_PER_STAKE_SCALE};
use polkadot_sdk::sp_runtime::Perbill;

#[test]
fn nothing_accrues_without_permitted_stake() {
	ExtBuilder::default().build_and_execute(|| {
		run_blocks(5);
		assert_eq!(RewardPerStake::<Test>::get(), 0);
		assert_eq!(TotalAccrued::<Test>::get(), 0);

		// A subnet reporting no permitted stake does not change that.
		open(1, 0);
		run_blocks(5);
		assert_eq!(TotalAccrued::<Test>::get(), 0);
		assert_eq!(Emissions::pending(1), 0);
	});
}

#[test]
fn blocks_before_a_subnet_opens_do_not_count_for_it() {
	ExtBuilder::default().build_and_execute(|| {
		run_blocks(10);
		open(1, 100);
		run_blocks(3);
		assert_eq!(Emissions::pending(1), 3_000);
	});
}

#[test]
fn first_epoch_of_a_subnet_pays_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		open(2, 50);
		run_blocks(10);
		let paid = pay(1, &[11, 12], &[pct(50), pct(50)], &[pct(100), pct(0)], 100);
		assert_eq!(paid, vec![0, 0]);
		assert_eq!(
			emissions_events().last(),
			Some(&Event::EpochPaid {
				netuid: 1,
				accrued: 0,
				owner: 0,
				miners: 0,
				validators: 0,
				unminted: 0
			})
		);
		assert_eq!(
			SubnetEmission::<Test>::get(1),
			Some(SubnetEmissionInfo {
				permitted_stake: 100,
				reward_per_stake: RewardPerStake::<Test>::get(),
				accrued: 10_000,
				paid: 0,
			})
		);
		assert_eq!(TotalPermittedStake::<Test>::get(), 150);
		assert_eq!(Issued::<Test>::get(), 0);
		assert_eq!(Emissions::pending(1), 0);
	});
}

#[test]
fn accrual_is_proportional_to_permitted_stake() {
	ExtBuilder::default().build_and_execute(|| {
		open(1, 100);
		open(2, 300);
		run_blocks(4);
		assert_eq!(RewardPerStake::<Test>::get(), 4 * 1_000 * REWARD_PER_STAKE_SCALE / 400);
		assert_eq!(TotalAccrued::<Test>::get(), 4_000);
		assert_eq!(Emissions::pending(1), 1_000);
		assert_eq!(Emissions::pending(2), 3_000);
	});
}

#[test]
fn accrual_follows_changing_stakes_across_three_subnets() {
	ExtBuilder::default().split(100, 0, 0).build_and_execute(|| {
		open(1, 100);
		open(2, 300);
		run_blocks(2);
		assert_eq!(Emissions::pending(1), 500);
		assert_eq!(Emissions::pending(2), 1_500);

		// Subnet 1's epoch pays its 500 and doubles its weight; subnet 3 joins with 500.
		open(1, 200);
		assert_eq!(Issued::<Test>::get(), 500);
		open(3, 500);
		assert_eq!(TotalPermittedStake::<Test>::get(), 1_000);
		run_blocks(3);
		assert_eq!(Emissions::pending(1), 600);
		assert_eq!(Emissions::pending(2), 1_500 + 900);
		assert_eq!(Emissions::pending(3), 1_500);
		// Five blocks accrued 5_000: all of it is paid or pending.
		assert_eq!(TotalAccrued::<Test>::get(), 5_000);
		assert_eq!(500 + 600 + 2_400 + 1_500, 5_000);

		// Subnet 2 drops to nothing: the others share every block from now on.
		open(2, 0);
		assert_eq!(Issued::<Test>::get(), 500 + 2_400);
		run_blocks(1);
		assert_eq!(Emissions::pending(1), 600 + 200 * 1_000 / 700);
		assert_eq!(Emissions::pending(2), 0);
		assert_eq!(Emissions::pending(3), 1_500 + 500 * 1_000 / 700);
	});
}

#[test]
fn accrual_rounds_down_and_the_dust_is_never_minted() {
	ExtBuilder::default().split(100, 0, 0).build_and_execute(|| {
		open(1, 1);
		open(2, 2);
		run_blocks(1);
		assert_eq!(RewardPerStake::<Test>::get(), 333_333_333_333_333_333_333);
		assert_eq!(Emissions::pending(1), 333);
		assert_eq!(Emissions::pending(2), 666);
		open(1, 1);
		open(2, 2);
		assert_eq!(Issued::<Test>::get(), 999);
	});
}

#[test]
fn max_subnet_share_caps_what_one_subnet_is_paid() {
	ExtBuilder::default().split(100, 0, 0).build_and_execute(|| {
		open(1, 100);
		open(2, 300);
		MockMaxSubnetShare::set(&Perbill::from_percent(50));
		run_blocks(4);
		// 3_000 by stake, capped at half of the 4_000 accrued since its snapshot.
		assert_eq!(Emissions::pending(2), 2_000);
		assert_eq!(Emissions::pending(1), 1_000);
		emissions_events();
		open(2, 300);
		assert_eq!(
			emissions_events(),
			vec![Event::EpochPaid {
				netuid: 2,
				accrued: 2_000,
				owner: 2_000,
				miners: 0,
				validators: 0,
				unminted: 0
			}]
		);
		assert_eq!(Issued::<Test>::get(), 2_000);
	});
}
