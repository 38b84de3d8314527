//! `set_network_params` and `set_hyperparameter_bounds`.

use crate::{
	mock::*, Bounds, DefaultHyperparameters, Error, Event, NetworkParameters, NetworkParams,
};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok},
	sp_runtime::{DispatchError, DispatchResult},
};
use verity_primitives::subnets::{
	HyperparameterBounds, Hyperparameters, MAX_UIDS_LIMIT, MAX_VALIDATORS_LIMIT,
};

fn set_params(params: NetworkParameters) -> DispatchResult {
	Subnets::set_network_params(RuntimeOrigin::root(), params)
}

fn set_bounds(bounds: HyperparameterBounds, defaults: Hyperparameters) -> DispatchResult {
	Subnets::set_hyperparameter_bounds(RuntimeOrigin::root(), Box::new(bounds), Box::new(defaults))
}

#[test]
fn set_network_params_stores_them() {
	ExtBuilder::default().build_and_execute(|| {
		let params = NetworkParameters {
			max_subnets: MAX_SUBNETS_LIMIT,
			min_lock: 7,
			lock_reduction_interval: 9,
		};
		assert_ok!(set_params(params));
		assert_eq!(NetworkParams::<Test>::get(), params);
		assert_eq!(subnet_events(), vec![Event::NetworkParametersSet { params }]);
		assert_eq!(Subnets::lock_cost(1), 7);
	});
}

#[test]
fn set_network_params_below_the_count_only_stops_creation() {
	ExtBuilder::default().build_and_execute(|| {
		create_subnet(ALICE);
		create_subnet(ALICE);
		assert_ok!(set_params(NetworkParameters { max_subnets: 1, ..network_params() }));
		assert_eq!(crate::Subnets::<Test>::count(), 2);
		assert_noop!(
			Subnets::create_subnet(RuntimeOrigin::signed(BOB)),
			Error::<Test>::TooManySubnets
		);
	});
}

#[test]
fn set_network_params_fails_for_a_signed_origin() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Subnets::set_network_params(RuntimeOrigin::signed(ALICE), network_params()),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn set_network_params_fails_for_zero_max_subnets() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			set_params(NetworkParameters { max_subnets: 0, ..network_params() }),
			Error::<Test>::MaxSubnetsOutOfRange
		);
	});
}

#[test]
fn set_network_params_fails_above_max_subnets_limit() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			set_params(NetworkParameters {
				max_subnets: MAX_SUBNETS_LIMIT + 1,
				..network_params()
			}),
			Error::<Test>::MaxSubnetsOutOfRange
		);
	});
}

#[test]
fn set_network_params_fails_for_a_zero_min_lock() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			set_params(NetworkParameters { min_lock: 0, ..network_params() }),
			Error::<Test>::ZeroMinLock
		);
	});
}

#[test]
fn set_network_params_fails_for_a_zero_lock_reduction_interval() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			set_params(NetworkParameters { lock_reduction_interval: 0, ..network_params() }),
			Error::<Test>::ZeroLockReductionInterval
		);
	});
}

#[test]
fn set_hyperparameter_bounds_stores_bounds_and_defaults() {
	ExtBuilder::default().build_and_execute(|| {
		let mut bounds = bounds();
		bounds.tempo = (5, 50);
		let defaults = Hyperparameters { tempo: 50, ..defaults() };
		assert_ok!(set_bounds(bounds, defaults));
		assert_eq!(Bounds::<Test>::get(), bounds);
		assert_eq!(DefaultHyperparameters::<Test>::get(), defaults);
		assert_eq!(subnet_events(), vec![Event::HyperparameterBoundsSet]);
	});
}

#[test]
fn set_hyperparameter_bounds_leaves_existing_subnets_alone() {
	ExtBuilder::default().build_and_execute(|| {
		let old = create_subnet(ALICE);
		let defaults = Hyperparameters { tempo: 77, ..defaults() };
		assert_ok!(set_bounds(bounds(), defaults));
		let new = create_subnet(ALICE);
		assert_eq!(crate::Subnets::<Test>::get(old).unwrap().hyperparameters.tempo, 10);
		assert_eq!(crate::Subnets::<Test>::get(new).unwrap().hyperparameters.tempo, 77);
	});
}

#[test]
fn set_hyperparameter_bounds_fails_for_a_signed_origin() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Subnets::set_hyperparameter_bounds(
				RuntimeOrigin::signed(ALICE),
				Box::new(bounds()),
				Box::new(defaults())
			),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn set_hyperparameter_bounds_fails_when_a_bound_is_inverted() {
	ExtBuilder::default().build_and_execute(|| {
		let mut inverted = bounds();
		inverted.audit_probability = (inverted.audit_probability.1, inverted.audit_probability.0);
		assert_noop!(set_bounds(inverted, defaults()), Error::<Test>::BoundsInverted);
	});
}

#[test]
fn set_hyperparameter_bounds_fails_for_a_zero_lower_bound() {
	ExtBuilder::default().build_and_execute(|| {
		let mut zero = bounds();
		zero.adjustment_interval.0 = 0;
		assert_noop!(set_bounds(zero, defaults()), Error::<Test>::ZeroLowerBound);
	});
}

#[test]
fn set_hyperparameter_bounds_fails_above_max_uids_limit() {
	ExtBuilder::default().build_and_execute(|| {
		let mut high = bounds();
		high.max_uids.1 = MAX_UIDS_LIMIT + 1;
		assert_noop!(set_bounds(high, defaults()), Error::<Test>::MaxUidsBoundTooHigh);
	});
}

#[test]
fn set_hyperparameter_bounds_fails_above_max_validators_limit() {
	ExtBuilder::default().build_and_execute(|| {
		let mut high = bounds();
		high.max_validators.1 = MAX_VALIDATORS_LIMIT + 1;
		assert_noop!(set_bounds(high, defaults()), Error::<Test>::MaxValidatorsBoundTooHigh);
	});
}

#[test]
fn set_hyperparameter_bounds_fails_for_defaults_outside_the_bounds() {
	ExtBuilder::default().build_and_execute(|| {
		let outside = Hyperparameters { max_uids: 17, ..defaults() };
		assert_noop!(set_bounds(bounds(), outside), Error::<Test>::DefaultsOutOfBounds);
	});
}

#[test]
fn set_hyperparameter_bounds_fails_for_defaults_with_min_burn_above_max_burn() {
	ExtBuilder::default().build_and_execute(|| {
		let swapped = Hyperparameters { min_burn: 500, max_burn: 100, ..defaults() };
		assert_noop!(set_bounds(bounds(), swapped), Error::<Test>::MinBurnAboveMaxBurn);
	});
}

#[test]
fn set_hyperparameter_bounds_fails_for_defaults_with_more_validators_than_uids() {
	ExtBuilder::default().build_and_execute(|| {
		let crowded = Hyperparameters { max_uids: 2, max_validators: 3, ..defaults() };
		assert_noop!(set_bounds(bounds(), crowded), Error::<Test>::MaxValidatorsAboveMaxUids);
	});
}

#[test]
fn set_hyperparameter_bounds_fails_for_defaults_with_an_unknown_model_family() {
	ExtBuilder::default().build_and_execute(|| {
		let mut unknown = defaults();
		unknown.evaluation.model_family = 3;
		assert_noop!(set_bounds(bounds(), unknown), Error::<Test>::ModelFamilyUnknown);
	});
}
