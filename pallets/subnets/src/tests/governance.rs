//! The network parameters as this pallet reads them (`Config::Parameters`): a new subnet
//! limit, lock cost, bounds or defaults apply from the next creation or hyperparameter change.
//! Setting and validating them is `pallet-network-parameters`' job.

use crate::{mock::*, Error};
use polkadot_sdk::frame_support::{assert_noop, assert_ok};
use verity_primitives::subnets::{Hyperparameter, Hyperparameters, SubnetCreationParameters};

#[test]
fn a_new_minimum_lock_sets_the_next_lock_cost() {
	ExtBuilder::default().build_and_execute(|| {
		MockSubnetCreation::set(&SubnetCreationParameters {
			max_subnets: MAX_SUBNETS_LIMIT,
			min_lock: 7,
			lock_reduction_interval: 9,
		});
		assert_eq!(Subnets::lock_cost(1), 7);
	});
}

#[test]
fn a_subnet_limit_below_the_count_only_stops_creation() {
	ExtBuilder::default().build_and_execute(|| {
		create_subnet(ALICE);
		create_subnet(ALICE);
		MockSubnetCreation::set(&SubnetCreationParameters { max_subnets: 1, ..network_params() });
		assert_eq!(crate::Subnets::<Test>::count(), 2);
		assert_noop!(
			Subnets::create_subnet(RuntimeOrigin::signed(BOB)),
			Error::<Test>::TooManySubnets
		);
	});
}

#[test]
fn new_defaults_apply_to_new_subnets_only() {
	ExtBuilder::default().build_and_execute(|| {
		let old = create_subnet(ALICE);
		MockDefaults::set(&Hyperparameters { tempo: 77, ..defaults() });
		let new = create_subnet(ALICE);
		assert_eq!(crate::Subnets::<Test>::get(old).unwrap().hyperparameters.tempo, 10);
		assert_eq!(crate::Subnets::<Test>::get(new).unwrap().hyperparameters.tempo, 77);
	});
}

#[test]
fn new_bounds_apply_to_the_next_hyperparameter_change() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		assert_ok!(Subnets::set_hyperparameter(
			RuntimeOrigin::signed(ALICE),
			netuid,
			Hyperparameter::Tempo(500)
		));
		let mut narrow = bounds();
		narrow.tempo = (1, 100);
		MockBounds::set(&narrow);
		// The subnet keeps its value outside the new bounds, but cannot set a new one there.
		assert_eq!(crate::Subnets::<Test>::get(netuid).unwrap().hyperparameters.tempo, 500);
		assert_noop!(
			Subnets::set_hyperparameter(
				RuntimeOrigin::signed(ALICE),
				netuid,
				Hyperparameter::Tempo(400)
			),
			Error::<Test>::TempoOutOfBounds
		);
	});
}
