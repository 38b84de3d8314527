//! Burns reported through the burn ledger, fees and dust: all counted in `Burned`.

use super::*;
use crate::pallet::*;
use polkadot_sdk::frame_support::{
	assert_ok,
	traits::{
		fungible::{Balanced, Mutate},
		tokens::{Fortitude, Precision, Preservation},
		OnUnbalanced,
	},
};
use verity_primitives::traits::BurnLedger;

#[test]
fn note_burned_adds_to_burned() {
	ExtBuilder::default().build_and_execute(|| {
		let burned = Balances::burn_from(
			&21,
			300,
			Preservation::Expendable,
			Precision::Exact,
			Fortitude::Polite,
		);
		assert_ok!(burned, 300);
		Emissions::note_burned(300);

		assert_eq!(Burned::<Test>::get(), 300);
		assert_eq!(Balances::total_issuance(), 9_000 - 300);
	});
}

#[test]
fn unbalanced_credit_is_burned_and_counted() {
	ExtBuilder::default().build_and_execute(|| {
		let fee = Balances::withdraw(
			&21,
			100,
			Precision::Exact,
			Preservation::Preserve,
			Fortitude::Polite,
		)
		.unwrap();

		Emissions::on_unbalanced(fee);

		assert_eq!(Burned::<Test>::get(), 100);
		assert_eq!(Balances::total_issuance(), 9_000 - 100);
	});
}

#[test]
fn dust_of_a_reaped_account_is_counted() {
	ExtBuilder::default().build_and_execute(|| {
		// 2 left behind is below the existential deposit of 5: the account is reaped.
		assert_ok!(Balances::transfer_allow_death(RuntimeOrigin::signed(21), 1, 998));

		assert_eq!(free(21), 0);
		assert_eq!(Burned::<Test>::get(), 2);
		assert_eq!(Balances::total_issuance(), 9_000 - 2);
	});
}

#[test]
fn burns_and_mints_keep_issuance_accounted() {
	ExtBuilder::default().split(100, 0, 0).build_and_execute(|| {
		open(1, 100);
		run_blocks(3);
		open(1, 100);
		let fee = Balances::withdraw(
			&1,
			500,
			Precision::Exact,
			Preservation::Preserve,
			Fortitude::Polite,
		)
		.unwrap();
		Emissions::on_unbalanced(fee);

		assert_eq!(Issued::<Test>::get(), 3_000);
		assert_eq!(Burned::<Test>::get(), 500);
		assert_eq!(Balances::total_issuance(), 9_000 + 3_000 - 500);
	});
}
