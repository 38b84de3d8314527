//! The validation of every network parameter: one precise error per way a value can be wrong.

use crate::{Config, Error};
use polkadot_sdk::{
	frame_support::traits::Get, frame_system::pallet_prelude::BlockNumberFor, sp_runtime::Perbill,
};
use verity_primitives::{
	emissions::EmissionSplit,
	evaluations::{EvaluationParameters, MAX_SAMPLES_LIMIT},
	subnets::{
		HyperparameterBounds, Hyperparameters, SubnetCreationParameters, KNOWN_MODEL_FAMILIES,
		MAX_UIDS_LIMIT, MAX_VALIDATORS_LIMIT,
	},
};

/// Whether `value` lies inside the inclusive `bounds`.
fn within<V: PartialOrd>(value: V, bounds: (V, V)) -> bool {
	bounds.0 <= value && value <= bounds.1
}

/// `Ok` if `ok`, else `error`.
fn check<T>(ok: bool, error: Error<T>) -> Result<(), Error<T>> {
	if ok {
		Ok(())
	} else {
		Err(error)
	}
}

/// The authority count lies in `MinAuthorities..=MaxAuthorities`.
pub fn authority_count<T: Config>(count: u32) -> Result<(), Error<T>> {
	check(
		within(count, (T::MinAuthorities::get(), T::MaxAuthorities::get())),
		Error::AuthorityCountOutOfBounds,
	)
}

/// The unbonding period is at least `MinUnbondingPeriod`.
pub fn unbonding_period<T: Config>(blocks: BlockNumberFor<T>) -> Result<(), Error<T>> {
	check(blocks >= T::MinUnbondingPeriod::get(), Error::UnbondingPeriodTooShort)
}

/// The split's parts add up to exactly 100%.
pub fn emission_split<T: Config>(split: &EmissionSplit) -> Result<(), Error<T>> {
	check(split.is_whole(), Error::SplitNotWhole)
}

/// The subnet share cap is not zero.
pub fn max_subnet_share<T: Config>(share: Perbill) -> Result<(), Error<T>> {
	check(!share.is_zero(), Error::ZeroSubnetShare)
}

/// The subnet limit lies in `1..=MaxSubnetsLimit`; the minimum lock and its decay interval are
/// not zero.
pub fn subnet_creation<T: Config>(params: &SubnetCreationParameters) -> Result<(), Error<T>> {
	check(within(params.max_subnets, (1, T::MaxSubnetsLimit::get())), Error::MaxSubnetsOutOfRange)?;
	check(params.min_lock != 0, Error::ZeroMinLock)?;
	check(params.lock_reduction_interval != 0, Error::ZeroLockReductionInterval)
}

/// Every bound has `min ≤ max`, no lower bound is 0 where 0 stalls a subnet, and `max_uids`,
/// `max_validators` and `samples_per_evaluation` stay under their hard limits.
pub fn hyperparameter_bounds<T: Config>(b: &HyperparameterBounds) -> Result<(), Error<T>> {
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
	check(ordered, Error::BoundsInverted)?;
	let no_stalling_zero = b.tempo.0 != 0
		&& b.max_uids.0 != 0
		&& b.target_registrations_per_interval.0 != 0
		&& b.adjustment_interval.0 != 0;
	check(no_stalling_zero, Error::ZeroLowerBound)?;
	check(b.max_uids.1 <= MAX_UIDS_LIMIT, Error::MaxUidsBoundTooHigh)?;
	check(b.max_validators.1 <= MAX_VALIDATORS_LIMIT, Error::MaxValidatorsBoundTooHigh)?;
	check(b.samples_per_evaluation.1 <= MAX_SAMPLES_LIMIT, Error::SamplesBoundTooHigh)
}

/// Evaluators have stake at risk, a wrong evaluation loses some of it, and every delay and
/// window is at least a block.
pub fn evaluation_parameters<T: Config>(p: &EvaluationParameters) -> Result<(), Error<T>> {
	check(p.min_stake != 0, Error::ZeroEvaluatorStake)?;
	check(!p.slash_fraction.is_zero(), Error::ZeroSlashFraction)?;
	let windows = [p.audit_delay, p.audit_window, p.reveal_window, p.referee_window];
	check(windows.iter().all(|blocks| *blocks != 0), Error::ZeroEvaluationWindow)
}

/// The defaults of new subnets lie inside `b` and agree with each other.
pub fn default_hyperparameters<T: Config>(
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
	check(inside, Error::DefaultsOutOfBounds)?;
	check(d.min_burn <= d.max_burn, Error::MinBurnAboveMaxBurn)?;
	check(d.max_validators <= d.max_uids, Error::MaxValidatorsAboveMaxUids)?;
	check(KNOWN_MODEL_FAMILIES.contains(&d.evaluation.model_family), Error::ModelFamilyUnknown)
}
