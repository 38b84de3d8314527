//! `StakeInterface::slash`.

use crate::{mock::*, pallet::*};
use polkadot_sdk::{frame_support::assert_ok, sp_runtime::Perbill};
use verity_primitives::{stake::SlashOutcome, traits::StakeInterface};

/// 1 owns 11 with 100 active; 2 delegates 200 and unbonds 100 of it.
fn setup() {
	assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, 100));
	assert_ok!(Stake::add_stake(RuntimeOrigin::signed(2), 11, 200));
	assert_ok!(Stake::remove_stake(RuntimeOrigin::signed(2), 11, 100));
	System::reset_events();
}

#[test]
fn slash_takes_the_fraction_of_active_and_unbonding_stake_and_rewards_the_beneficiary() {
	ExtBuilder::default().build_and_execute(|| {
		setup();
		let issuance = Balances::total_issuance();

		let outcome =
			Stake::slash(&11, Perbill::from_percent(10), Some((5, Perbill::from_percent(50))));

		assert_eq!(outcome, SlashOutcome { slashed: 30, rewarded: 15, burned: 15 });
		assert_eq!(Ledgers::<Test>::get(11, 1).unwrap().active, 90);
		let ledger = Ledgers::<Test>::get(11, 2).unwrap();
		assert_eq!((ledger.active, ledger.unbonding[0].amount), (90, 90));
		assert_eq!(staked(1), 90);
		assert_eq!(staked(2), 180);
		assert_eq!(free(5), INITIAL_BALANCE + 15);
		assert_eq!(Balances::total_issuance(), issuance - 15);
		assert_eq!(reported_burned(), 15);
		assert_eq!(TotalHotkeyStake::<Test>::get(11), 180);
		assert_eq!(TotalStake::<Test>::get(), 270);
		assert_eq!(
			stake_events(),
			vec![Event::Slashed { hotkey: 11, slashed: 30, rewarded: 15, burned: 15 }]
		);
	});
}

#[test]
fn slash_without_a_beneficiary_burns_everything() {
	ExtBuilder::default().build_and_execute(|| {
		setup();
		let issuance = Balances::total_issuance();

		let outcome = Stake::slash(&11, Perbill::from_percent(50), None);

		assert_eq!(outcome, SlashOutcome { slashed: 150, rewarded: 0, burned: 150 });
		assert_eq!(Balances::total_issuance(), issuance - 150);
	});
}

#[test]
fn slash_burns_a_reward_the_beneficiary_cannot_receive() {
	ExtBuilder::default().build_and_execute(|| {
		setup();
		ExistentialDeposit::set(50);
		let issuance = Balances::total_issuance();

		// Account 99 does not exist and each transfer is below the existential deposit.
		let outcome = Stake::slash(&11, Perbill::from_percent(10), Some((99, Perbill::one())));

		assert_eq!(outcome, SlashOutcome { slashed: 30, rewarded: 0, burned: 30 });
		assert_eq!(free(99), 0);
		assert_eq!(Balances::total_issuance(), issuance - 30);
	});
}

#[test]
fn slash_of_everything_removes_the_ledgers() {
	ExtBuilder::default().build_and_execute(|| {
		setup();

		let outcome = Stake::slash(&11, Perbill::one(), Some((5, Perbill::from_percent(10))));

		assert_eq!(outcome, SlashOutcome { slashed: 300, rewarded: 30, burned: 270 });
		assert_eq!(Ledgers::<Test>::iter_prefix(11).count(), 0);
		assert_eq!(Stakers::<Test>::get(11), 0);
		assert_eq!(staked(1), 0);
		assert_eq!(staked(2), 0);
		assert_eq!(TotalStake::<Test>::get(), 0);
		assert_eq!(HotkeyOwner::<Test>::get(11), Some(1));
	});
}

#[test]
fn slash_rounds_each_amount_down_and_accounts_for_every_unit() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, 33));
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(2), 11, 17));

		let outcome =
			Stake::slash(&11, Perbill::from_percent(15), Some((5, Perbill::from_percent(33))));

		// 15% of 33 is 4 (4.95), of 17 is 2 (2.55); 33% of 4 is 1, of 2 is 0.
		assert_eq!(outcome, SlashOutcome { slashed: 6, rewarded: 1, burned: 5 });
		assert_eq!(outcome.slashed, outcome.rewarded + outcome.burned);
	});
}

#[test]
fn slash_by_zero_or_of_an_unstaked_hotkey_does_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		setup();
		assert_eq!(Stake::slash(&11, Perbill::zero(), None), SlashOutcome::default());
		assert_eq!(Stake::slash(&12, Perbill::one(), None), SlashOutcome::default());
		assert_eq!(TotalStake::<Test>::get(), 300);
		assert!(stake_events().is_empty());
	});
}
