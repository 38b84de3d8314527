//! `set_hyperparameter`.

use crate::{mock::*, Error, Event, RegistrationBurn};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok},
	sp_core::H256,
	sp_runtime::Perbill,
};
use verity_primitives::subnets::{EvaluationMode, Hyperparameter as P};

fn hyperparameters(netuid: u16) -> verity_primitives::subnets::Hyperparameters {
	crate::Subnets::<Test>::get(netuid).unwrap().hyperparameters
}

fn set(netuid: u16, param: P) -> polkadot_sdk::sp_runtime::DispatchResult {
	Subnets::set_hyperparameter(RuntimeOrigin::signed(ALICE), netuid, param)
}

#[test]
fn set_hyperparameter_sets_every_hyperparameter_inside_its_bounds() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		let root = H256::repeat_byte(9);
		let params = [
			P::Tempo(1_000),
			P::MaxUids(16),
			P::MaxValidators(8),
			P::ImmunityPeriod(0),
			P::MaxBurn(10_000),
			P::MinBurn(1),
			P::TargetRegistrationsPerInterval(10),
			P::AdjustmentInterval(1),
			P::WeightsRateLimit(100),
			P::CommitRevealPeriod(10),
			P::Kappa(0),
			P::BondsMovingAverage(999_999),
			P::MinValidatorStake(1_000),
			P::EvaluationMode(EvaluationMode::Verified),
			P::ModelFamily(verity_primitives::subnets::DENSE_MLP_FAMILY),
			P::DatasetRoot(root),
			P::SamplesPerEvaluation(100),
			P::AuditProbability(Perbill::from_percent(50)),
		];
		subnet_events();
		for param in params {
			assert_ok!(set(netuid, param));
		}

		let h = hyperparameters(netuid);
		assert_eq!((h.tempo, h.max_uids, h.max_validators, h.immunity_period), (1_000, 16, 8, 0));
		assert_eq!((h.min_burn, h.max_burn), (1, 10_000));
		assert_eq!((h.target_registrations_per_interval, h.adjustment_interval), (10, 1));
		assert_eq!((h.weights_rate_limit, h.commit_reveal_period, h.kappa), (100, 10, 0));
		assert_eq!((h.bonds_moving_average, h.min_validator_stake), (999_999, 1_000));
		assert_eq!(h.evaluation.mode, EvaluationMode::Verified);
		assert_eq!(h.evaluation.dataset_root, root);
		assert_eq!(h.evaluation.samples_per_evaluation, 100);
		assert_eq!(h.evaluation.audit_probability, Perbill::from_percent(50));
		let events = subnet_events();
		assert_eq!(events.len(), params.len());
		assert_eq!(events[0], Event::HyperparameterSet { netuid, param: P::Tempo(1_000) });
	});
}

#[test]
fn set_hyperparameter_moves_the_burn_up_to_a_new_min_burn() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		assert_eq!(RegistrationBurn::<Test>::get(netuid), 10);
		assert_ok!(set(netuid, P::MinBurn(50)));
		assert_eq!(RegistrationBurn::<Test>::get(netuid), 50);
	});
}

#[test]
fn set_hyperparameter_moves_the_burn_down_to_a_new_max_burn() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		assert_ok!(set(netuid, P::MinBurn(500)));
		assert_ok!(set(netuid, P::MaxBurn(500)));
		assert_ok!(set(netuid, P::MinBurn(5)));
		assert_ok!(set(netuid, P::MaxBurn(20)));
		assert_eq!(RegistrationBurn::<Test>::get(netuid), 20);
	});
}

#[test]
fn set_hyperparameter_fails_for_another_coldkey() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		assert_noop!(
			Subnets::set_hyperparameter(RuntimeOrigin::signed(BOB), netuid, P::Tempo(20)),
			Error::<Test>::NotSubnetOwner
		);
	});
}

#[test]
fn set_hyperparameter_fails_for_an_unknown_subnet() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(set(3, P::Tempo(20)), Error::<Test>::SubnetNotFound);
	});
}

/// One test per out-of-bounds error: a value just outside the mock's bounds.
macro_rules! out_of_bounds {
	($($name:ident: $param:expr => $error:ident;)*) => {$(
		#[test]
		fn $name() {
			ExtBuilder::default().build_and_execute(|| {
				let netuid = create_subnet(ALICE);
				assert_noop!(set(netuid, $param), Error::<Test>::$error);
			});
		}
	)*};
}

out_of_bounds! {
	set_hyperparameter_fails_when_tempo_is_out_of_bounds: P::Tempo(0) => TempoOutOfBounds;
	set_hyperparameter_fails_when_max_uids_is_out_of_bounds: P::MaxUids(17) => MaxUidsOutOfBounds;
	set_hyperparameter_fails_when_max_validators_is_out_of_bounds:
		P::MaxValidators(0) => MaxValidatorsOutOfBounds;
	set_hyperparameter_fails_when_immunity_period_is_out_of_bounds:
		P::ImmunityPeriod(101) => ImmunityPeriodOutOfBounds;
	set_hyperparameter_fails_when_min_burn_is_out_of_bounds: P::MinBurn(0) => MinBurnOutOfBounds;
	set_hyperparameter_fails_when_max_burn_is_out_of_bounds:
		P::MaxBurn(10_001) => MaxBurnOutOfBounds;
	set_hyperparameter_fails_when_target_registrations_is_out_of_bounds:
		P::TargetRegistrationsPerInterval(11) => TargetRegistrationsOutOfBounds;
	set_hyperparameter_fails_when_adjustment_interval_is_out_of_bounds:
		P::AdjustmentInterval(101) => AdjustmentIntervalOutOfBounds;
	set_hyperparameter_fails_when_weights_rate_limit_is_out_of_bounds:
		P::WeightsRateLimit(101) => WeightsRateLimitOutOfBounds;
	set_hyperparameter_fails_when_commit_reveal_period_is_out_of_bounds:
		P::CommitRevealPeriod(11) => CommitRevealPeriodOutOfBounds;
	set_hyperparameter_fails_when_bonds_moving_average_is_out_of_bounds:
		P::BondsMovingAverage(1_000_000) => BondsMovingAverageOutOfBounds;
	set_hyperparameter_fails_when_min_validator_stake_is_out_of_bounds:
		P::MinValidatorStake(1_001) => MinValidatorStakeOutOfBounds;
	set_hyperparameter_fails_when_samples_per_evaluation_is_out_of_bounds:
		P::SamplesPerEvaluation(0) => SamplesPerEvaluationOutOfBounds;
	set_hyperparameter_fails_when_audit_probability_is_out_of_bounds:
		P::AuditProbability(Perbill::from_percent(51)) => AuditProbabilityOutOfBounds;
	set_hyperparameter_fails_for_an_unknown_model_family: P::ModelFamily(0) => ModelFamilyUnknown;
	set_hyperparameter_fails_when_min_burn_exceeds_max_burn:
		P::MinBurn(1_001) => MinBurnAboveMaxBurn;
	set_hyperparameter_fails_when_max_burn_falls_below_min_burn:
		P::MaxBurn(9) => MinBurnAboveMaxBurn;
	set_hyperparameter_fails_when_max_validators_exceeds_max_uids:
		P::MaxValidators(5) => MaxValidatorsAboveMaxUids;
	set_hyperparameter_fails_when_max_uids_falls_below_max_validators:
		P::MaxUids(1) => MaxValidatorsAboveMaxUids;
}

#[test]
fn set_hyperparameter_fails_when_kappa_is_out_of_bounds() {
	// The mock's kappa bounds are the whole u16 range: narrow them first.
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		let mut bounds = bounds();
		bounds.kappa = (100, 40_000);
		MockBounds::set(&bounds);
		assert_noop!(set(netuid, P::Kappa(99)), Error::<Test>::KappaOutOfBounds);
		assert_noop!(set(netuid, P::Kappa(40_001)), Error::<Test>::KappaOutOfBounds);
	});
}

#[test]
fn set_hyperparameter_fails_when_max_uids_falls_below_the_neuron_count() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		for hotkey in [100, 101, 102] {
			register(netuid, ALICE, hotkey);
		}
		assert_noop!(set(netuid, P::MaxUids(2)), Error::<Test>::MaxUidsBelowNeuronCount);
		assert_ok!(set(netuid, P::MaxUids(3)));
	});
}
