//! Each call: what it stores and announces, that only the parameters origin may call it, and
//! one test per way its value can be wrong; genesis; a random sequence of calls.

use crate::{mock::*, pallet::*};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok},
	sp_runtime::{BuildStorage, DispatchError, Perbill},
};
use verity_primitives::{
	currency::{MILLI_VRT, VRT},
	emissions::{EmissionSplit, DEFAULT_SPLIT},
	evaluations::{EvaluationParameters, MAX_SAMPLES_LIMIT},
	subnets::{
		default_hyperparameter_bounds, default_hyperparameters, HyperparameterBounds,
		Hyperparameters, SubnetCreationParameters, MAX_UIDS_LIMIT, MAX_VALIDATORS_LIMIT,
	},
	traits::NetworkParametersInterface,
};

fn root() -> RuntimeOrigin {
	RuntimeOrigin::root()
}

fn signed() -> RuntimeOrigin {
	RuntimeOrigin::signed(1)
}

fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::NetworkParameters(event) => Some(event),
			_ => None,
		})
		.collect()
}

fn split(owner: u32, miners: u32, validators: u32) -> EmissionSplit {
	EmissionSplit {
		owner: Perbill::from_percent(owner),
		miners: Perbill::from_percent(miners),
		validators: Perbill::from_percent(validators),
	}
}

fn creation() -> SubnetCreationParameters {
	SubnetCreationParameters { max_subnets: 8, min_lock: 7, lock_reduction_interval: 9 }
}

fn set_bounds(
	bounds: HyperparameterBounds,
	defaults: Hyperparameters,
) -> polkadot_sdk::sp_runtime::DispatchResult {
	NetworkParameters::set_hyperparameter_bounds(root(), Box::new(bounds), Box::new(defaults))
}

#[test]
fn defaults_are_the_production_values() {
	build_and_execute(|| {
		assert_eq!(NetworkParameters::authority_count(), MIN_AUTHORITIES);
		assert_eq!(NetworkParameters::unbonding_period(), MIN_UNBONDING);
		assert_eq!(NetworkParameters::emission_split(), DEFAULT_SPLIT);
		assert_eq!(NetworkParameters::max_subnet_share(), Perbill::one());
		assert_eq!(NetworkParameters::subnet_creation(), SubnetCreationParameters::default());
		assert_eq!(NetworkParameters::hyperparameter_bounds(), default_hyperparameter_bounds());
		assert_eq!(NetworkParameters::default_hyperparameters(), default_hyperparameters());
		assert_eq!(NetworkParameters::evaluation_parameters(), EvaluationParameters::default());
	});
}

#[test]
fn genesis_stores_every_value() {
	let config = RuntimeGenesisConfig {
		system: Default::default(),
		network_parameters: GenesisConfig {
			authority_count: 7,
			unbonding_period: 20,
			split: split(10, 45, 45),
			max_subnet_share: Perbill::from_percent(30),
			subnet_creation: creation(),
			bounds: default_hyperparameter_bounds(),
			default_hyperparameters: Hyperparameters { tempo: 99, ..default_hyperparameters() },
			evaluation: EvaluationParameters { reveal_window: 3, ..Default::default() },
		},
	};
	polkadot_sdk::sp_io::TestExternalities::new(config.build_storage().unwrap()).execute_with(
		|| {
			assert_eq!(AuthorityCount::<Test>::get(), 7);
			assert_eq!(UnbondingPeriod::<Test>::get(), 20);
			assert_eq!(Split::<Test>::get(), split(10, 45, 45));
			assert_eq!(MaxSubnetShare::<Test>::get(), Perbill::from_percent(30));
			assert_eq!(SubnetCreation::<Test>::get(), creation());
			assert_eq!(DefaultHyperparameters::<Test>::get().tempo, 99);
			assert_eq!(NetworkParameters::evaluation_parameters().reveal_window, 3);
			NetworkParameters::do_try_state().unwrap();
		},
	);
}

#[test]
#[should_panic(expected = "AuthorityCountOutOfBounds")]
fn genesis_refuses_an_invalid_value() {
	let config = RuntimeGenesisConfig {
		system: Default::default(),
		network_parameters: GenesisConfig { authority_count: 0, ..Default::default() },
	};
	let _ = config.build_storage();
}

#[test]
fn every_call_refuses_a_signed_origin() {
	build_and_execute(|| {
		assert_noop!(NetworkParameters::set_authority_count(signed(), 2), DispatchError::BadOrigin);
		assert_noop!(
			NetworkParameters::set_unbonding_period(signed(), 20),
			DispatchError::BadOrigin
		);
		assert_noop!(
			NetworkParameters::set_emission_split(signed(), split(10, 45, 45)),
			DispatchError::BadOrigin
		);
		assert_noop!(
			NetworkParameters::set_max_subnet_share(signed(), Perbill::from_percent(50)),
			DispatchError::BadOrigin
		);
		assert_noop!(
			NetworkParameters::set_subnet_creation(signed(), creation()),
			DispatchError::BadOrigin
		);
		assert_noop!(
			NetworkParameters::set_hyperparameter_bounds(
				signed(),
				Box::new(default_hyperparameter_bounds()),
				Box::new(default_hyperparameters())
			),
			DispatchError::BadOrigin
		);
		assert_noop!(
			NetworkParameters::set_evaluation_parameters(signed(), Default::default()),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn set_authority_count_stores_it() {
	build_and_execute(|| {
		assert_ok!(NetworkParameters::set_authority_count(root(), MAX_AUTHORITIES));
		assert_eq!(NetworkParameters::authority_count(), MAX_AUTHORITIES);
		assert_eq!(events(), vec![Event::AuthorityCountSet { count: MAX_AUTHORITIES }]);
	});
}

#[test]
fn set_authority_count_fails_out_of_bounds() {
	build_and_execute(|| {
		for count in [MIN_AUTHORITIES - 1, MAX_AUTHORITIES + 1] {
			assert_noop!(
				NetworkParameters::set_authority_count(root(), count),
				Error::<Test>::AuthorityCountOutOfBounds
			);
		}
	});
}

#[test]
fn set_unbonding_period_stores_it() {
	build_and_execute(|| {
		assert_ok!(NetworkParameters::set_unbonding_period(root(), MIN_UNBONDING));
		assert_ok!(NetworkParameters::set_unbonding_period(root(), 500));
		assert_eq!(NetworkParameters::unbonding_period(), 500);
		assert_eq!(events().last(), Some(&Event::UnbondingPeriodSet { blocks: 500 }));
	});
}

#[test]
fn set_unbonding_period_fails_below_the_minimum() {
	build_and_execute(|| {
		assert_noop!(
			NetworkParameters::set_unbonding_period(root(), MIN_UNBONDING - 1),
			Error::<Test>::UnbondingPeriodTooShort
		);
	});
}

#[test]
fn set_emission_split_stores_it() {
	build_and_execute(|| {
		assert_ok!(NetworkParameters::set_emission_split(root(), split(0, 50, 50)));
		assert_eq!(NetworkParameters::emission_split(), split(0, 50, 50));
		assert_eq!(events(), vec![Event::SplitSet { split: split(0, 50, 50) }]);
	});
}

#[test]
fn set_emission_split_fails_unless_it_adds_up_to_one() {
	build_and_execute(|| {
		for parts in [(18, 41, 40), (18, 41, 42), (0, 0, 0)] {
			assert_noop!(
				NetworkParameters::set_emission_split(root(), split(parts.0, parts.1, parts.2)),
				Error::<Test>::SplitNotWhole
			);
		}
	});
}

#[test]
fn set_max_subnet_share_stores_it() {
	build_and_execute(|| {
		assert_ok!(NetworkParameters::set_max_subnet_share(root(), Perbill::from_percent(25)));
		assert_eq!(NetworkParameters::max_subnet_share(), Perbill::from_percent(25));
		assert_eq!(events(), vec![Event::MaxSubnetShareSet { share: Perbill::from_percent(25) }]);
	});
}

#[test]
fn set_max_subnet_share_fails_for_zero() {
	build_and_execute(|| {
		assert_noop!(
			NetworkParameters::set_max_subnet_share(root(), Perbill::zero()),
			Error::<Test>::ZeroSubnetShare
		);
	});
}

#[test]
fn set_subnet_creation_stores_it() {
	build_and_execute(|| {
		let params = SubnetCreationParameters { max_subnets: MAX_SUBNETS_LIMIT, ..creation() };
		assert_ok!(NetworkParameters::set_subnet_creation(root(), params));
		assert_eq!(NetworkParameters::subnet_creation(), params);
		assert_eq!(events(), vec![Event::SubnetCreationSet { params }]);
	});
}

#[test]
fn set_subnet_creation_fails_for_each_invalid_field() {
	build_and_execute(|| {
		for (params, error) in [
			(
				SubnetCreationParameters { max_subnets: 0, ..creation() },
				Error::<Test>::MaxSubnetsOutOfRange,
			),
			(
				SubnetCreationParameters { max_subnets: MAX_SUBNETS_LIMIT + 1, ..creation() },
				Error::MaxSubnetsOutOfRange,
			),
			(SubnetCreationParameters { min_lock: 0, ..creation() }, Error::ZeroMinLock),
			(
				SubnetCreationParameters { lock_reduction_interval: 0, ..creation() },
				Error::ZeroLockReductionInterval,
			),
		] {
			assert_noop!(NetworkParameters::set_subnet_creation(root(), params), error);
		}
	});
}

#[test]
fn set_hyperparameter_bounds_stores_bounds_and_defaults() {
	build_and_execute(|| {
		let mut bounds = default_hyperparameter_bounds();
		bounds.tempo = (5, 50);
		let defaults = Hyperparameters { tempo: 50, ..default_hyperparameters() };
		assert_ok!(set_bounds(bounds, defaults));
		assert_eq!(NetworkParameters::hyperparameter_bounds(), bounds);
		assert_eq!(NetworkParameters::default_hyperparameters(), defaults);
		assert_eq!(events(), vec![Event::HyperparameterBoundsSet]);
	});
}

#[test]
fn set_hyperparameter_bounds_fails_for_invalid_bounds() {
	build_and_execute(|| {
		let defaults = default_hyperparameters();
		let mut inverted = default_hyperparameter_bounds();
		inverted.audit_probability = (inverted.audit_probability.1, inverted.audit_probability.0);
		assert_noop!(set_bounds(inverted, defaults), Error::<Test>::BoundsInverted);

		let mut zero = default_hyperparameter_bounds();
		zero.adjustment_interval.0 = 0;
		assert_noop!(set_bounds(zero, defaults), Error::<Test>::ZeroLowerBound);

		let mut uids = default_hyperparameter_bounds();
		uids.max_uids.1 = MAX_UIDS_LIMIT + 1;
		assert_noop!(set_bounds(uids, defaults), Error::<Test>::MaxUidsBoundTooHigh);

		let mut validators = default_hyperparameter_bounds();
		validators.max_validators.1 = MAX_VALIDATORS_LIMIT + 1;
		assert_noop!(set_bounds(validators, defaults), Error::<Test>::MaxValidatorsBoundTooHigh);

		let mut samples = default_hyperparameter_bounds();
		samples.samples_per_evaluation.1 = MAX_SAMPLES_LIMIT + 1;
		assert_noop!(set_bounds(samples, defaults), Error::<Test>::SamplesBoundTooHigh);
	});
}

#[test]
fn set_hyperparameter_bounds_fails_for_invalid_defaults() {
	build_and_execute(|| {
		let bounds = default_hyperparameter_bounds();
		let outside = Hyperparameters { tempo: bounds.tempo.1 + 1, ..default_hyperparameters() };
		assert_noop!(set_bounds(bounds, outside), Error::<Test>::DefaultsOutOfBounds);

		let d = default_hyperparameters();
		let burns = Hyperparameters { min_burn: d.max_burn, max_burn: d.min_burn, ..d };
		assert_noop!(set_bounds(bounds, burns), Error::<Test>::MinBurnAboveMaxBurn);

		let validators = Hyperparameters { max_uids: 16, max_validators: 32, ..d };
		assert_noop!(set_bounds(bounds, validators), Error::<Test>::MaxValidatorsAboveMaxUids);

		let mut family = d;
		family.evaluation.model_family = 999;
		assert_noop!(set_bounds(bounds, family), Error::<Test>::ModelFamilyUnknown);
	});
}

#[test]
fn set_evaluation_parameters_stores_them() {
	build_and_execute(|| {
		let params = EvaluationParameters {
			audit_reward: 5,
			slash_fraction: Perbill::from_percent(30),
			audit_window: 3,
			..Default::default()
		};
		assert_ok!(NetworkParameters::set_evaluation_parameters(root(), params));
		assert_eq!(NetworkParameters::evaluation_parameters(), params);
		assert_eq!(events(), vec![Event::EvaluationParametersSet { params }]);
	});
}

#[test]
fn set_evaluation_parameters_fails_for_invalid_values() {
	build_and_execute(|| {
		let d = EvaluationParameters::default();
		let set = |params| NetworkParameters::set_evaluation_parameters(root(), params);
		assert_noop!(
			set(EvaluationParameters { min_stake: 0, ..d }),
			Error::<Test>::ZeroEvaluatorStake
		);
		assert_noop!(
			set(EvaluationParameters { slash_fraction: Perbill::zero(), ..d }),
			Error::<Test>::ZeroSlashFraction
		);
		for params in [
			EvaluationParameters { audit_delay: 0, ..d },
			EvaluationParameters { audit_window: 0, ..d },
			EvaluationParameters { reveal_window: 0, ..d },
			EvaluationParameters { referee_window: 0, ..d },
		] {
			assert_noop!(set(params), Error::<Test>::ZeroEvaluationWindow);
		}
	});
}

/// Honesty pays with the defaults: `p · (R + S) > C` for the default audit probability and the
/// least stake an evaluator holds, and it would not without slashing.
#[test]
fn honesty_pays_with_the_default_parameters() {
	let params = EvaluationParameters::default();
	let p = default_hyperparameters().evaluation.audit_probability;
	let least_slash = params.slash_fraction.mul_floor(params.min_stake);
	assert_eq!(least_slash, 10 * VRT);
	// 5% · (0.1 VRT + 10 VRT) = 0.505 VRT against an evaluation costed at 0.01 VRT.
	assert_eq!(p.mul_floor(params.audit_reward + least_slash), 505 * MILLI_VRT);
	assert!(params.honesty_pays(p));
	// Without audits, or with a cost above the expected loss, it does not.
	assert!(!params.honesty_pays(Perbill::zero()));
	assert!(!EvaluationParameters { evaluation_cost: 505 * MILLI_VRT, ..params }.honesty_pays(p));
}

mod properties {
	use super::*;
	use proptest::prelude::*;

	#[derive(Debug, Clone)]
	enum Step {
		AuthorityCount(u32),
		Unbonding(u64),
		Split(u32, u32, u32),
		Share(u32),
		Creation(u16, u128, u32),
		Signed,
	}

	fn step() -> impl Strategy<Value = Step> {
		prop_oneof![
			(0u32..=MAX_AUTHORITIES + 2).prop_map(Step::AuthorityCount),
			(0u64..=30).prop_map(Step::Unbonding),
			(0u32..=60, 0u32..=60, 0u32..=60).prop_map(|(a, b, c)| Step::Split(a, b, c)),
			(0u32..=100).prop_map(Step::Share),
			(0u16..=MAX_SUBNETS_LIMIT + 1, 0u128..=3, 0u32..=3)
				.prop_map(|(a, b, c)| Step::Creation(a, b, c)),
			Just(Step::Signed),
		]
	}

	proptest! {
		#[test]
		fn random_calls_keep_every_value_valid(steps in proptest::collection::vec(step(), 1..40)) {
			build_and_execute(|| {
				for step in steps {
					let _ = match step {
						Step::AuthorityCount(n) => NetworkParameters::set_authority_count(root(), n),
						Step::Unbonding(n) => NetworkParameters::set_unbonding_period(root(), n),
						Step::Split(a, b, c) =>
							NetworkParameters::set_emission_split(root(), split(a, b, c)),
						Step::Share(p) => NetworkParameters::set_max_subnet_share(
							root(),
							Perbill::from_percent(p),
						),
						Step::Creation(max_subnets, min_lock, lock_reduction_interval) =>
							NetworkParameters::set_subnet_creation(
								root(),
								SubnetCreationParameters {
									max_subnets,
									min_lock,
									lock_reduction_interval,
								},
							),
						Step::Signed => NetworkParameters::set_authority_count(signed(), 3),
					};
					NetworkParameters::do_try_state().unwrap();
				}
			});
		}
	}
}
