//! `StakeInterface` lookups, `bind_hotkey` and the runtime API's view.

use crate::{mock::*, pallet::*};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok},
	sp_runtime::Perbill,
};
use verity_primitives::{
	stake::{HotkeyStakeView, StakePosition, StakeView, UnbondingChunk},
	traits::StakeInterface,
};

#[test]
fn bind_hotkey_claims_an_unowned_hotkey() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::bind_hotkey(&1, &11));
		assert_eq!(Stake::hotkey_owner(&11), Some(1));
		assert_eq!(Takes::<Test>::get(11), DefaultTake::get());
		assert_eq!(stake_events(), vec![Event::HotkeyClaimed { coldkey: 1, hotkey: 11 }]);
	});
}

#[test]
fn bind_hotkey_succeeds_for_the_owner() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::bind_hotkey(&1, &11));
		System::reset_events();
		assert_ok!(Stake::bind_hotkey(&1, &11));
		assert!(stake_events().is_empty());
	});
}

#[test]
fn bind_hotkey_fails_when_another_coldkey_owns_the_hotkey() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::bind_hotkey(&1, &11));
		assert_noop!(Stake::bind_hotkey(&2, &11), Error::<Test>::HotkeyOwnedByAnotherColdkey);
	});
}

#[test]
fn total_stake_counts_active_stake_only() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, 100));
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(2), 11, 50));
		assert_ok!(Stake::remove_stake(RuntimeOrigin::signed(2), 11, 20));
		assert_eq!(<Stake as StakeInterface<_>>::total_stake(&11), 130);
		assert_eq!(Stake::total_stake_of(&11), 130);
		assert_eq!(Stake::total_stake_of(&12), 0);
	});
}

#[test]
fn total_stakes_reads_each_hotkey_as_total_stake_does() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, 100));
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(2), 11, 50));
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(3), 13, 70));
		assert_ok!(Stake::remove_stake(RuntimeOrigin::signed(3), 13, 20));
		// Staked, never staked, repeated, and partly unstaked.
		let hotkeys = [11, 99, 11, 13];
		let expected: Vec<_> = hotkeys.iter().map(Stake::total_stake_of).collect();
		assert_eq!(expected, vec![150, 0, 150, 50]);
		assert_eq!(Stake::total_stakes_of(&hotkeys), expected);
		assert_eq!(<Stake as StakeInterface<_>>::total_stakes(&hotkeys), expected);
		assert!(Stake::total_stakes_of(&[]).is_empty());
	});
}

#[test]
fn total_stakes_treats_a_malformed_value_as_the_typed_read_does() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, 100));
		// Seven bytes under hotkey 12's key: not a balance.
		let key = TotalHotkeyStake::<Test>::hashed_key_for(12);
		polkadot_sdk::frame_support::storage::unhashed::put_raw(&key, &[1, 2, 3, 4, 5, 6, 7]);
		assert_eq!(Stake::total_stake_of(&12), 0);
		assert_eq!(Stake::total_stakes_of(&[11, 12]), vec![100, 0]);
	});
}

#[test]
fn stake_view_reports_both_sides_of_an_account() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 1, 100));
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(2), 1, 40));
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 12, 30));
		assert_ok!(Stake::remove_stake(RuntimeOrigin::signed(1), 12, 10));
		assert_ok!(Stake::offer_authority(RuntimeOrigin::signed(1)));

		let mut view = Stake::stake_view(1);
		view.positions.sort_by_key(|position| position.hotkey);
		assert_eq!(
			view,
			StakeView {
				account: 1,
				positions: vec![
					StakePosition { hotkey: 1, active: 100, unbonding: vec![] },
					StakePosition {
						hotkey: 12,
						active: 20,
						unbonding: vec![UnbondingChunk { amount: 10, unlocks_at: 21 }],
					},
				],
				hotkey: Some(HotkeyStakeView {
					owner: 1,
					total: 140,
					take: Perbill::from_percent(10),
					stakers: 2,
					authority_candidate: true,
				}),
			}
		);
		assert_eq!(Stake::stake_view(3), StakeView { account: 3, positions: vec![], hotkey: None });
	});
}
