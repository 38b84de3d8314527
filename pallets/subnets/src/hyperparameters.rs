//! Hyperparameters: an owner's change checked against governance's bounds, and governance's
//! bounds, defaults and network parameters checked for consistency.

use crate::{Bounds, Config, Error, NetworkParameters, NeuronCount, Pallet};
use polkadot_sdk::frame_support::traits::Get;
use verity_primitives::subnets::{
	Hyperparameter, HyperparameterBounds, Hyperparameters, NetUid, DENSE_MLP_FAMILY,
	MAX_UIDS_LIMIT, MAX_VALIDATORS_LIMIT,
};

/// The model families the evaluator knows: the dense MLP.
pub const KNOWN_MODEL_FAMILIES: &[u32] = &[DENSE_MLP_FAMILY];

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
		let bounds = Bounds::<T>::get();
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

	/// Checks governance's network parameters.
	pub(crate) fn check_network_params(params: &NetworkParameters) -> Result<(), Error<T>> {
		if params.max_subnets == 0 || params.max_subnets > T::MaxSubnetsLimit::get() {
			return Err(Error::MaxSubnetsOutOfRange);
		}
		if params.min_lock == 0 {
			return Err(Error::ZeroMinLock);
		}
		if params.lock_reduction_interval == 0 {
			return Err(Error::ZeroLockReductionInterval);
		}
		Ok(())
	}

	/// Checks governance's hyperparameter bounds: every `min ≤ max`, no lower bound of 0 where
	/// 0 stalls a subnet, and the hard limits on `max_uids` and `max_validators`.
	pub(crate) fn check_bounds(b: &HyperparameterBounds) -> Result<(), Error<T>> {
		let ordered = b.tempo.0 <= b.tempo.1
			&& b.max_uids.0 <= b.max_uids.1
			&& b.max_validators.0 <= b.max_validators.1
			&& b.immunity_period.0 <= b.immunity_period.1
			&& b.burn.0 <= b.burn.1
			&& b.target_registrations_per_interval.0 <= b.target_registrations_per_interval.1
			&& b.adjustment_interval.0 <= b.adjustment_interval.1
			&& b.weights_rate_limit.0 <= b.weights_rate_limit.1
			&& b.commit_reveal_period.0 <= b.commit_reveal_period.1
			&& b.kappa.0 <= b.kappa.1
			&& b.bonds_moving_average.0 <= b.bonds_moving_average.1
			&& b.min_validator_stake.0 <= b.min_validator_stake.1
			&& b.samples_per_evaluation.0 <= b.samples_per_evaluation.1
			&& b.audit_probability.0 <= b.audit_probability.1;
		if !ordered {
			return Err(Error::BoundsInverted);
		}
		if b.tempo.0 == 0
			|| b.max_uids.0 == 0
			|| b.target_registrations_per_interval.0 == 0
			|| b.adjustment_interval.0 == 0
		{
			return Err(Error::ZeroLowerBound);
		}
		if b.max_uids.1 > MAX_UIDS_LIMIT {
			return Err(Error::MaxUidsBoundTooHigh);
		}
		if b.max_validators.1 > MAX_VALIDATORS_LIMIT {
			return Err(Error::MaxValidatorsBoundTooHigh);
		}
		Ok(())
	}

	/// Checks that the defaults of new subnets lie inside `b` and agree with each other.
	pub(crate) fn check_defaults(
		d: &Hyperparameters,
		b: &HyperparameterBounds,
	) -> Result<(), Error<T>> {
		let inside = within(d.tempo, b.tempo)
			&& within(d.max_uids, b.max_uids)
			&& within(d.max_validators, b.max_validators)
			&& within(d.immunity_period, b.immunity_period)
			&& within(d.min_burn, b.burn)
			&& within(d.max_burn, b.burn)
			&& within(d.target_registrations_per_interval, b.target_registrations_per_interval)
			&& within(d.adjustment_interval, b.adjustment_interval)
			&& within(d.weights_rate_limit, b.weights_rate_limit)
			&& within(d.commit_reveal_period, b.commit_reveal_period)
			&& within(d.kappa, b.kappa)
			&& within(d.bonds_moving_average, b.bonds_moving_average)
			&& within(d.min_validator_stake, b.min_validator_stake)
			&& within(d.evaluation.samples_per_evaluation, b.samples_per_evaluation)
			&& within(d.evaluation.audit_probability, b.audit_probability);
		if !inside {
			return Err(Error::DefaultsOutOfBounds);
		}
		if d.min_burn > d.max_burn {
			return Err(Error::MinBurnAboveMaxBurn);
		}
		if d.max_validators > d.max_uids {
			return Err(Error::MaxValidatorsAboveMaxUids);
		}
		if !KNOWN_MODEL_FAMILIES.contains(&d.evaluation.model_family) {
			return Err(Error::ModelFamilyUnknown);
		}
		Ok(())
	}
}
