//! `set_take`.

use crate::{mock::*, pallet::*};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok},
	sp_runtime::Perbill,
};

fn setup() {
	assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, 100));
	System::reset_events();
}

#[test]
fn a_claimed_hotkey_has_the_default_take() {
	ExtBuilder::default().build_and_execute(|| {
		setup();
		assert_eq!(Takes::<Test>::get(11), Perbill::from_percent(10));
	});
}

#[test]
fn set_take_lowers_the_take_at_any_time() {
	ExtBuilder::default().build_and_execute(|| {
		setup();
		assert_ok!(Stake::set_take(RuntimeOrigin::signed(1), 11, Perbill::from_percent(5)));
		assert_ok!(Stake::set_take(RuntimeOrigin::signed(1), 11, Perbill::from_percent(1)));

		assert_eq!(Takes::<Test>::get(11), Perbill::from_percent(1));
		assert_eq!(LastTakeIncrease::<Test>::get(11), None);
		assert_eq!(
			stake_events(),
			vec![
				Event::TakeSet { hotkey: 11, take: Perbill::from_percent(5) },
				Event::TakeSet { hotkey: 11, take: Perbill::from_percent(1) },
			]
		);
	});
}

#[test]
fn set_take_raises_the_take_once_per_rate_limit() {
	ExtBuilder::default().build_and_execute(|| {
		setup();
		assert_ok!(Stake::set_take(RuntimeOrigin::signed(1), 11, Perbill::from_percent(15)));
		assert_eq!(LastTakeIncrease::<Test>::get(11), Some(1));

		run_to_block(1 + TAKE_RATE_LIMIT);
		assert_ok!(Stake::set_take(RuntimeOrigin::signed(1), 11, Perbill::from_percent(18)));
		assert_eq!(Takes::<Test>::get(11), Perbill::from_percent(18));
	});
}

#[test]
fn set_take_fails_when_raised_again_within_the_rate_limit() {
	ExtBuilder::default().build_and_execute(|| {
		setup();
		assert_ok!(Stake::set_take(RuntimeOrigin::signed(1), 11, Perbill::from_percent(15)));
		run_to_block(TAKE_RATE_LIMIT);
		assert_noop!(
			Stake::set_take(RuntimeOrigin::signed(1), 11, Perbill::from_percent(16)),
			Error::<Test>::TakeIncreaseRateLimited
		);
		// Lowering is still allowed.
		assert_ok!(Stake::set_take(RuntimeOrigin::signed(1), 11, Perbill::from_percent(14)));
	});
}

#[test]
fn set_take_fails_above_the_maximum() {
	ExtBuilder::default().build_and_execute(|| {
		setup();
		assert_noop!(
			Stake::set_take(RuntimeOrigin::signed(1), 11, Perbill::from_percent(19)),
			Error::<Test>::TakeTooHigh
		);
	});
}

#[test]
fn set_take_fails_for_an_unowned_hotkey() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Stake::set_take(RuntimeOrigin::signed(1), 11, Perbill::from_percent(5)),
			Error::<Test>::HotkeyNotOwned
		);
	});
}

#[test]
fn set_take_fails_for_a_coldkey_that_does_not_own_the_hotkey() {
	ExtBuilder::default().build_and_execute(|| {
		setup();
		assert_noop!(
			Stake::set_take(RuntimeOrigin::signed(2), 11, Perbill::from_percent(5)),
			Error::<Test>::NotHotkeyOwner
		);
	});
}
