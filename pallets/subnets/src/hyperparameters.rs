//! Hyperparameters: an owner's change checked against governance's bounds.

use crate::{Config, Error, NeuronCount, Pallet};
use verity_primitives::{
	subnets::{Hyperparameter, Hyperparameters, NetUid, KNOWN_MODEL_FAMILIES},
	traits::NetworkParametersInterface,
};

/// Whether `value` lies inside the inclusive `bounds`.
fn within<V: PartialOrd>(value: V, bounds: (V, V)) -> bool {
	bounds.0 <= value && value <= bounds.1
}

impl<T: Config> Pallet<T> {
	/// `hyperparameters` with `param` applied, if the new value lies inside [`Bounds`] and
	/// agrees with the subnet's other hyperparameters and its neuron count.
	pub(crate) fn apply_hyperparameter(
		netuid: NetUid,
		hyperparameters: Hyperparameters,
		param: Hyperparameter,
	) -> Result<Hyperparameters, Error<T>> {
		use Hyperparameter as P;
		let bounds = T::Parameters::hyperparameter_bounds();
		let check = |ok: bool, error: Error<T>| if ok { Ok(()) } else { Err(error) };
		let mut h = hyperparameters;
		match param {
			P::Tempo(v) => {
				check(within(v, bounds.tempo), Error::TempoOutOfBounds)?;
				h.tempo = v;
			}
			P::MaxUids(v) => {
				check(within(v, bounds.max_uids), Error::MaxUidsOutOfBounds)?;
				check(v >= h.max_validators, Error::MaxValidatorsAboveMaxUids)?;
				check(v >= NeuronCount::<T>::get(netuid), Error::MaxUidsBelowNeuronCount)?;
				h.max_uids = v;
			}
			P::MaxValidators(v) => {
				check(within(v, bounds.max_validators), Error::MaxValidatorsOutOfBounds)?;
				check(v <= h.max_uids, Error::MaxValidatorsAboveMaxUids)?;
				h.max_validators = v;
			}
			P::ImmunityPeriod(v) => {
				check(within(v, bounds.immunity_period), Error::ImmunityPeriodOutOfBounds)?;
				h.immunity_period = v;
			}
			P::MinBurn(v) => {
				check(within(v, bounds.burn), Error::MinBurnOutOfBounds)?;
				check(v <= h.max_burn, Error::MinBurnAboveMaxBurn)?;
				h.min_burn = v;
			}
			P::MaxBurn(v) => {
				check(within(v, bounds.burn), Error::MaxBurnOutOfBounds)?;
				check(v >= h.min_burn, Error::MinBurnAboveMaxBurn)?;
				h.max_burn = v;
			}
			P::TargetRegistrationsPerInterval(v) => {
				check(
					within(v, bounds.target_registrations_per_interval),
					Error::TargetRegistrationsOutOfBounds,
				)?;
				h.target_registrations_per_interval = v;
			}
			P::AdjustmentInterval(v) => {
				check(within(v, bounds.adjustment_interval), Error::AdjustmentIntervalOutOfBounds)?;
				h.adjustment_interval = v;
			}
			P::WeightsRateLimit(v) => {
				check(within(v, bounds.weights_rate_limit), Error::WeightsRateLimitOutOfBounds)?;
				h.weights_rate_limit = v;
			}
			P::CommitRevealPeriod(v) => {
				check(
					within(v, bounds.commit_reveal_period),
					Error::CommitRevealPeriodOutOfBounds,
				)?;
				h.commit_reveal_period = v;
			}
			P::Kappa(v) => {
				check(within(v, bounds.kappa), Error::KappaOutOfBounds)?;
				h.kappa = v;
			}
			P::BondsMovingAverage(v) => {
				check(
					within(v, bounds.bonds_moving_average),
					Error::BondsMovingAverageOutOfBounds,
				)?;
				h.bonds_moving_average = v;
			}
			P::MinValidatorStake(v) => {
				check(within(v, bounds.min_validator_stake), Error::MinValidatorStakeOutOfBounds)?;
				h.min_validator_stake = v;
			}
			P::EvaluationMode(v) => h.evaluation.mode = v,
			P::ModelFamily(v) => {
				check(KNOWN_MODEL_FAMILIES.contains(&v), Error::ModelFamilyUnknown)?;
				h.evaluation.model_family = v;
			}
			P::DatasetRoot(v) => h.evaluation.dataset_root = v,
			P::SamplesPerEvaluation(v) => {
				check(
					within(v, bounds.samples_per_evaluation),
					Error::SamplesPerEvaluationOutOfBounds,
				)?;
				h.evaluation.samples_per_evaluation = v;
			}
			P::AuditProbability(v) => {
				check(within(v, bounds.audit_probability), Error::AuditProbabilityOutOfBounds)?;
				h.evaluation.audit_probability = v;
			}
		}
		Ok(h)
	}
}
