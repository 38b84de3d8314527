//! `StakeInterface::distribute_reward`.

use crate::{mock::*, pallet::*};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok},
	sp_runtime::Perbill,
};
use verity_primitives::traits::StakeInterface;

#[test]
fn distribute_reward_pays_the_take_then_shares_pro_rata() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, 100));
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(2), 11, 300));
		System::reset_events();
		let issuance = Balances::total_issuance();

		assert_eq!(Stake::distribute_reward(&11, 1_000), Ok(1_000));

		// Take 10% = 100; 900 shared: 225 to 1, 675 to 2.
		assert_eq!(Ledgers::<Test>::get(11, 1).unwrap().active, 100 + 325);
		assert_eq!(Ledgers::<Test>::get(11, 2).unwrap().active, 300 + 675);
		assert_eq!(staked(1), 425);
		assert_eq!(staked(2), 975);
		assert_eq!(free(1), INITIAL_BALANCE - 100);
		assert_eq!(TotalHotkeyStake::<Test>::get(11), 1_400);
		assert_eq!(TotalStake::<Test>::get(), 1_400);
		assert_eq!(Balances::total_issuance(), issuance + 1_000);
		assert_eq!(stake_events(), vec![Event::RewardDistributed { hotkey: 11, amount: 1_000 }]);
	});
}

#[test]
fn distribute_reward_gives_the_rounding_remainder_to_the_owner() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::bind_hotkey(&1, &11));
		for coldkey in 2..=4 {
			assert_ok!(Stake::add_stake(RuntimeOrigin::signed(coldkey), 11, 10));
		}

		assert_eq!(Stake::distribute_reward(&11, 11), Ok(11));

		// Take 1 (10% of 11, rounded down); 10 shared: 3 each, 1 left over.
		for coldkey in 2..=4 {
			assert_eq!(Ledgers::<Test>::get(11, coldkey).unwrap().active, 13);
		}
		assert_eq!(Ledgers::<Test>::get(11, 1).unwrap().active, 2);
		assert_eq!(Stakers::<Test>::get(11), 4);
	});
}

#[test]
fn distribute_reward_without_stake_goes_to_the_owner() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::bind_hotkey(&1, &11));

		assert_eq!(Stake::distribute_reward(&11, 50), Ok(50));

		assert_eq!(Ledgers::<Test>::get(11, 1).unwrap().active, 50);
		assert_eq!(staked(1), 50);
		assert_eq!(TotalHotkeyStake::<Test>::get(11), 50);
	});
}

#[test]
fn distribute_reward_with_a_zero_take_shares_everything() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, 100));
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(2), 11, 100));
		assert_ok!(Stake::set_take(RuntimeOrigin::signed(1), 11, Perbill::zero()));

		assert_ok!(Stake::distribute_reward(&11, 100));

		assert_eq!(Ledgers::<Test>::get(11, 1).unwrap().active, 150);
		assert_eq!(Ledgers::<Test>::get(11, 2).unwrap().active, 150);
	});
}

#[test]
fn distribute_reward_leaves_the_owner_part_free_when_the_hotkey_has_no_room() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::bind_hotkey(&1, &11));
		for coldkey in 2..=1 + u64::from(MAX_STAKERS) {
			assert_ok!(Stake::add_stake(RuntimeOrigin::signed(coldkey), 11, 10));
		}
		let issuance = Balances::total_issuance();

		assert_ok!(Stake::distribute_reward(&11, 40));

		assert!(!Ledgers::<Test>::contains_key(11, 1));
		// Take 4, shares of 9 each, nothing left over.
		assert_eq!(free(1), INITIAL_BALANCE + 4);
		assert_eq!(Balances::total_issuance(), issuance + 40);
	});
}

#[test]
fn distribute_reward_fails_for_an_unowned_hotkey() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(Stake::distribute_reward(&11, 100), Error::<Test>::HotkeyNotOwned);
	});
}

#[test]
fn distribute_reward_of_zero_mints_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, 100));
		System::reset_events();
		assert_eq!(Stake::distribute_reward(&11, 0), Ok(0));
		assert!(stake_events().is_empty());
	});
}
