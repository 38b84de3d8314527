//! The genesis configuration and the configuration's integrity.

use super::*;
use crate::{pallet::*, DEFAULT_SPLIT};
use polkadot_sdk::{
	frame_support::traits::Hooks,
	sp_runtime::{BuildStorage, Perbill},
};

#[test]
fn default_genesis_sets_the_default_split_and_no_share_cap() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(Split::<Test>::get(), DEFAULT_SPLIT);
		assert_eq!(DEFAULT_SPLIT.owner, Perbill::from_percent(18));
		assert_eq!(DEFAULT_SPLIT.miners, Perbill::from_percent(41));
		assert_eq!(DEFAULT_SPLIT.validators, Perbill::from_percent(41));
		assert_eq!(MaxSubnetShare::<Test>::get(), Perbill::one());
	});
}

#[test]
fn genesis_records_the_issuance_of_balances() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(GenesisIssuance::<Test>::get(), 9 * INITIAL_BALANCE);
		assert_eq!(Issued::<Test>::get(), 0);
		assert_eq!(Burned::<Test>::get(), 0);
	});
}

#[test]
fn genesis_sets_a_custom_split_and_share_cap() {
	ExtBuilder::default()
		.split(20, 40, 40)
		.max_subnet_share(Perbill::from_percent(25))
		.build_and_execute(|| {
			assert_eq!(Split::<Test>::get().owner, Perbill::from_percent(20));
			assert_eq!(MaxSubnetShare::<Test>::get(), Perbill::from_percent(25));
		});
}

#[test]
#[should_panic(expected = "the split does not sum to 100%")]
fn genesis_rejects_a_split_that_is_not_whole() {
	ExtBuilder::default().split(20, 40, 41).build();
}

#[test]
#[should_panic(expected = "max_subnet_share is zero")]
fn genesis_rejects_a_zero_share_cap() {
	crate::GenesisConfig::<Test> { max_subnet_share: Perbill::zero(), ..Default::default() }
		.build_storage()
		.unwrap();
}

#[test]
fn the_mock_configuration_passes_the_integrity_test() {
	ExtBuilder::default().build_and_execute(|| {
		<Emissions as Hooks<u64>>::integrity_test();
	});
}
