//! The genesis configuration and the configuration's integrity.

use super::*;
use crate::pallet::*;
use polkadot_sdk::frame_support::traits::Hooks;

#[test]
fn genesis_records_the_issuance_of_balances() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(GenesisIssuance::<Test>::get(), 9 * INITIAL_BALANCE);
		assert_eq!(Issued::<Test>::get(), 0);
		assert_eq!(Burned::<Test>::get(), 0);
	});
}

#[test]
fn the_mock_configuration_passes_the_integrity_test() {
	ExtBuilder::default().build_and_execute(|| {
		<Emissions as Hooks<u64>>::integrity_test();
	});
}
