//! `add_stake`, `remove_stake` and `withdraw_unbonded`.

use crate::{mock::*, pallet::*, types::UnbondingChunk};
use polkadot_sdk::frame_support::{assert_noop, assert_ok};

fn chunk(amount: u128, unlocks_at: u64) -> UnbondingChunk<Test> {
	UnbondingChunk { amount, unlocks_at }
}

#[test]
fn add_stake_holds_the_amount_and_claims_an_unowned_hotkey() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, 100));

		assert_eq!(staked(1), 100);
		assert_eq!(free(1), INITIAL_BALANCE - 100);
		assert_eq!(HotkeyOwner::<Test>::get(11), Some(1));
		assert_eq!(Takes::<Test>::get(11), DefaultTake::get());
		assert_eq!(Ledgers::<Test>::get(11, 1).unwrap().active, 100);
		assert_eq!(Stakers::<Test>::get(11), 1);
		assert_eq!(TotalHotkeyStake::<Test>::get(11), 100);
		assert_eq!(TotalStake::<Test>::get(), 100);
		assert_eq!(
			stake_events(),
			vec![
				Event::HotkeyClaimed { coldkey: 1, hotkey: 11 },
				Event::StakeAdded { coldkey: 1, hotkey: 11, amount: 100 },
			]
		);
	});
}

#[test]
fn add_stake_on_an_owned_hotkey_delegates_without_changing_the_owner() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, 100));
		System::reset_events();

		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(2), 11, 50));

		assert_eq!(HotkeyOwner::<Test>::get(11), Some(1));
		assert_eq!(Stakers::<Test>::get(11), 2);
		assert_eq!(TotalHotkeyStake::<Test>::get(11), 150);
		assert_eq!(staked(2), 50);
		assert_eq!(stake_events(), vec![Event::StakeAdded { coldkey: 2, hotkey: 11, amount: 50 }]);
	});
}

#[test]
fn add_stake_tops_up_an_existing_stake_by_less_than_the_minimum() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, MIN_STAKE));
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, 1));

		assert_eq!(Ledgers::<Test>::get(11, 1).unwrap().active, MIN_STAKE + 1);
		assert_eq!(Stakers::<Test>::get(11), 1);
		assert_eq!(staked(1), MIN_STAKE + 1);
	});
}

#[test]
fn add_stake_can_use_all_but_the_existential_deposit() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, INITIAL_BALANCE - 1));
		assert_eq!(free(1), 1);
	});
}

#[test]
fn add_stake_fails_when_the_amount_is_zero() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(Stake::add_stake(RuntimeOrigin::signed(1), 11, 0), Error::<Test>::ZeroAmount);
	});
}

#[test]
fn add_stake_fails_when_the_stake_would_be_below_the_minimum() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Stake::add_stake(RuntimeOrigin::signed(1), 11, MIN_STAKE - 1),
			Error::<Test>::StakeBelowMinimum
		);
	});
}

#[test]
fn add_stake_fails_when_the_balance_cannot_cover_it_and_keep_the_account_alive() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Stake::add_stake(RuntimeOrigin::signed(1), 11, INITIAL_BALANCE),
			Error::<Test>::InsufficientBalance
		);
		assert_noop!(
			Stake::add_stake(RuntimeOrigin::signed(99), 11, 100),
			Error::<Test>::InsufficientBalance
		);
	});
}

#[test]
fn add_stake_fails_when_the_hotkey_has_the_most_stakers() {
	ExtBuilder::default().build_and_execute(|| {
		for coldkey in 1..=u64::from(MAX_STAKERS) {
			assert_ok!(Stake::add_stake(RuntimeOrigin::signed(coldkey), 11, 10));
		}
		assert_noop!(
			Stake::add_stake(RuntimeOrigin::signed(9), 11, 10),
			Error::<Test>::TooManyStakers
		);
		// A staker already there can still top up.
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, 10));
	});
}

#[test]
fn add_stake_fails_when_the_coldkey_stakes_on_the_most_hotkeys() {
	ExtBuilder::default().build_and_execute(|| {
		for hotkey in 11..11 + u64::from(MAX_HOTKEYS) {
			assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), hotkey, 10));
		}
		assert_noop!(
			Stake::add_stake(RuntimeOrigin::signed(1), 19, 10),
			Error::<Test>::TooManyHotkeys
		);
	});
}

#[test]
fn remove_stake_moves_active_stake_into_an_unbonding_chunk() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, 100));
		System::reset_events();

		assert_ok!(Stake::remove_stake(RuntimeOrigin::signed(1), 11, 40));

		let ledger = Ledgers::<Test>::get(11, 1).unwrap();
		assert_eq!(ledger.active, 60);
		assert_eq!(ledger.unbonding.to_vec(), vec![chunk(40, 1 + UNBONDING)]);
		assert_eq!(TotalHotkeyStake::<Test>::get(11), 60);
		assert_eq!(TotalStake::<Test>::get(), 100);
		assert_eq!(staked(1), 100);
		assert_eq!(
			stake_events(),
			vec![Event::StakeUnbonding { coldkey: 1, hotkey: 11, amount: 40, unlocks_at: 21 }]
		);
	});
}

#[test]
fn remove_stake_merges_chunks_unlocking_in_the_same_block() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, 100));
		assert_ok!(Stake::remove_stake(RuntimeOrigin::signed(1), 11, 20));
		assert_ok!(Stake::remove_stake(RuntimeOrigin::signed(1), 11, 30));
		run_to_block(2);
		assert_ok!(Stake::remove_stake(RuntimeOrigin::signed(1), 11, 10));

		let ledger = Ledgers::<Test>::get(11, 1).unwrap();
		assert_eq!(ledger.unbonding.to_vec(), vec![chunk(50, 21), chunk(10, 22)]);
		assert_eq!(ledger.active, 40);
	});
}

#[test]
fn remove_stake_of_everything_keeps_the_ledger_until_withdrawn() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, 100));
		assert_ok!(Stake::remove_stake(RuntimeOrigin::signed(1), 11, 100));

		assert_eq!(Ledgers::<Test>::get(11, 1).unwrap().active, 0);
		assert_eq!(TotalHotkeyStake::<Test>::get(11), 0);
		assert!(!TotalHotkeyStake::<Test>::contains_key(11));
		assert_eq!(Stakers::<Test>::get(11), 1);
	});
}

#[test]
fn remove_stake_unlocks_after_the_network_parameters_period() {
	ExtBuilder::default().build_and_execute(|| {
		MockUnbondingPeriod::set(&7);
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, 100));
		assert_ok!(Stake::remove_stake(RuntimeOrigin::signed(1), 11, 50));
		assert_eq!(Ledgers::<Test>::get(11, 1).unwrap().unbonding.to_vec(), vec![chunk(50, 8)]);
	});
}

#[test]
fn remove_stake_fails_when_the_amount_is_zero() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, 100));
		assert_noop!(
			Stake::remove_stake(RuntimeOrigin::signed(1), 11, 0),
			Error::<Test>::ZeroAmount
		);
	});
}

#[test]
fn remove_stake_fails_without_a_ledger() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, 100));
		assert_noop!(Stake::remove_stake(RuntimeOrigin::signed(2), 11, 10), Error::<Test>::NoStake);
	});
}

#[test]
fn remove_stake_fails_when_the_amount_exceeds_the_active_stake() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, 100));
		assert_noop!(
			Stake::remove_stake(RuntimeOrigin::signed(1), 11, 101),
			Error::<Test>::InsufficientStake
		);
	});
}

#[test]
fn remove_stake_fails_when_the_remaining_stake_would_be_below_the_minimum() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, 100));
		assert_noop!(
			Stake::remove_stake(RuntimeOrigin::signed(1), 11, 100 - MIN_STAKE + 1),
			Error::<Test>::RemainingStakeBelowMinimum
		);
		assert_ok!(Stake::remove_stake(RuntimeOrigin::signed(1), 11, 100 - MIN_STAKE));
	});
}

#[test]
fn remove_stake_fails_when_the_ledger_has_the_most_chunks() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, 100));
		for block in 1..=u64::from(MAX_CHUNKS) {
			run_to_block(block);
			assert_ok!(Stake::remove_stake(RuntimeOrigin::signed(1), 11, 10));
		}
		run_to_block(u64::from(MAX_CHUNKS) + 1);
		assert_noop!(
			Stake::remove_stake(RuntimeOrigin::signed(1), 11, 10),
			Error::<Test>::TooManyUnbondingChunks
		);
	});
}

#[test]
fn withdraw_unbonded_releases_only_unlocked_chunks() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, 100));
		assert_ok!(Stake::remove_stake(RuntimeOrigin::signed(1), 11, 30));
		run_to_block(5);
		assert_ok!(Stake::remove_stake(RuntimeOrigin::signed(1), 11, 20));
		run_to_block(1 + UNBONDING);
		System::reset_events();

		assert_ok!(Stake::withdraw_unbonded(RuntimeOrigin::signed(1), 11));

		let ledger = Ledgers::<Test>::get(11, 1).unwrap();
		assert_eq!(ledger.unbonding.to_vec(), vec![chunk(20, 5 + UNBONDING)]);
		assert_eq!(staked(1), 70);
		assert_eq!(free(1), INITIAL_BALANCE - 70);
		assert_eq!(TotalStake::<Test>::get(), 70);
		assert_eq!(
			stake_events(),
			vec![Event::StakeWithdrawn { coldkey: 1, hotkey: 11, amount: 30 }]
		);
	});
}

#[test]
fn withdraw_unbonded_removes_an_emptied_ledger() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, 100));
		assert_ok!(Stake::remove_stake(RuntimeOrigin::signed(1), 11, 100));
		run_to_block(1 + UNBONDING);

		assert_ok!(Stake::withdraw_unbonded(RuntimeOrigin::signed(1), 11));

		assert!(!Ledgers::<Test>::contains_key(11, 1));
		assert!(!ColdkeyHotkeys::<Test>::contains_key(1, 11));
		assert_eq!(Stakers::<Test>::get(11), 0);
		assert_eq!(ColdkeyHotkeyCount::<Test>::get(1), 0);
		assert_eq!(staked(1), 0);
		assert_eq!(free(1), INITIAL_BALANCE);
		assert_eq!(TotalStake::<Test>::get(), 0);
		// Ownership is for good.
		assert_eq!(HotkeyOwner::<Test>::get(11), Some(1));
	});
}

#[test]
fn withdraw_unbonded_fails_before_any_chunk_unlocks() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, 100));
		assert_ok!(Stake::remove_stake(RuntimeOrigin::signed(1), 11, 50));
		run_to_block(UNBONDING);
		assert_noop!(
			Stake::withdraw_unbonded(RuntimeOrigin::signed(1), 11),
			Error::<Test>::NothingToWithdraw
		);
	});
}

#[test]
fn withdraw_unbonded_fails_without_a_ledger() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Stake::withdraw_unbonded(RuntimeOrigin::signed(1), 11),
			Error::<Test>::NoStake
		);
	});
}
