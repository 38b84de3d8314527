//! # Network parameters
//!
//! Every parameter of the network that governance sets lives here, in one place: the other
//! pallets read them through [`NetworkParametersInterface`] and keep no copy.
//!
//! | parameter | read by | checked |
//! |---|---|---|
//! | [`AuthorityCount`] | stake: seats of the next elected authority set | in `MinAuthorities..=MaxAuthorities` |
//! | [`UnbondingPeriod`] | stake: blocks unbonding stake stays held and slashable | at least `MinUnbondingPeriod` |
//! | [`Split`] | emissions: owner / miners / validators parts of a subnet's emission | adds up to exactly 100% |
//! | [`MaxSubnetShare`] | emissions: the cap on one subnet's share of block rewards | not zero |
//! | [`SubnetCreation`] | subnets: subnet limit, minimum lock, lock decay interval | limit in `1..=MaxSubnetsLimit`, no zeros |
//! | [`Bounds`], [`DefaultHyperparameters`] | subnets: bounds of owners' hyperparameters, new subnets' values | ordered, no stalling zeros, hard limits; defaults inside and consistent |
//!
//! Each has its own call, allowed to [`Config::ParametersOrigin`] only: in the Verity runtime,
//! root or a passed referendum of the network-parameters track. A value is checked before it is
//! written, with one error per way it can be wrong; a new value applies from the next time the
//! reading pallet uses it (the next election, the next unbonding, the next epoch, the next
//! subnet creation or hyperparameter change).
//!
//! ## Invariants (`do_try_state`)
//! Every stored value passes its own check.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod checks;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use pallet::*;
pub use weights::WeightInfo;

use polkadot_sdk::{frame_support, frame_system, sp_runtime};

// FRAME's macros expand to `expect` calls on values they build themselves.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::boxed::Box;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use sp_runtime::Perbill;
	use verity_primitives::{
		emissions::{EmissionSplit, DEFAULT_SPLIT},
		evaluations::EvaluationParameters,
		subnets::{
			default_hyperparameter_bounds, default_hyperparameters, HyperparameterBounds,
			Hyperparameters, SubnetCreationParameters,
		},
	};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Who may change a parameter: root, or a passed network-parameters referendum.
		type ParametersOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// The fewest authorities [`AuthorityCount`] may ask for (at least 1).
		#[pallet::constant]
		type MinAuthorities: Get<u32>;
		/// The most authorities [`AuthorityCount`] may ask for (the consensus pallets' bound).
		#[pallet::constant]
		type MaxAuthorities: Get<u32>;
		/// The shortest [`UnbondingPeriod`].
		#[pallet::constant]
		type MinUnbondingPeriod: Get<BlockNumberFor<Self>>;
		/// The highest subnet limit [`SubnetCreation`] may set (the subnets pallet's bound).
		#[pallet::constant]
		type MaxSubnetsLimit: Get<u16>;
		/// The weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// Seats in the authority set the next session elections fill.
	#[pallet::storage]
	pub type AuthorityCount<T: Config> = StorageValue<_, u32, ValueQuery, T::MinAuthorities>;

	/// Blocks unbonding stake stays held and slashable.
	#[pallet::storage]
	pub type UnbondingPeriod<T: Config> =
		StorageValue<_, BlockNumberFor<T>, ValueQuery, T::MinUnbondingPeriod>;

	/// The split of a subnet's emission [`DEFAULT_SPLIT`] until governance changes it.
	#[pallet::type_value]
	pub fn DefaultSplit() -> EmissionSplit {
		DEFAULT_SPLIT
	}

	/// How each subnet's emission is divided among owner, miners and validators.
	#[pallet::storage]
	pub type Split<T: Config> = StorageValue<_, EmissionSplit, ValueQuery, DefaultSplit>;

	/// No cap on a subnet's share until governance sets one.
	#[pallet::type_value]
	pub fn DefaultMaxSubnetShare() -> Perbill {
		Perbill::one()
	}

	/// The largest share of the block rewards accrued between two of its epochs that one subnet
	/// is paid (100%: no cap).
	#[pallet::storage]
	pub type MaxSubnetShare<T: Config> =
		StorageValue<_, Perbill, ValueQuery, DefaultMaxSubnetShare>;

	/// [`SubnetCreationParameters::default`], its limit at most `MaxSubnetsLimit`.
	#[pallet::type_value]
	pub fn DefaultSubnetCreation<T: Config>() -> SubnetCreationParameters {
		let defaults = SubnetCreationParameters::default();
		SubnetCreationParameters {
			max_subnets: defaults.max_subnets.min(T::MaxSubnetsLimit::get()),
			..defaults
		}
	}

	/// The subnet limit and the lock cost of creating a subnet.
	#[pallet::storage]
	pub type SubnetCreation<T: Config> =
		StorageValue<_, SubnetCreationParameters, ValueQuery, DefaultSubnetCreation<T>>;

	/// The production chain's hyperparameter bounds.
	#[pallet::type_value]
	pub fn DefaultBounds() -> HyperparameterBounds {
		default_hyperparameter_bounds()
	}

	/// The bounds every subnet owner's hyperparameter must lie within.
	#[pallet::storage]
	pub type Bounds<T: Config> = StorageValue<_, HyperparameterBounds, ValueQuery, DefaultBounds>;

	/// The production chain's hyperparameters for new subnets.
	#[pallet::type_value]
	pub fn DefaultDefaultHyperparameters() -> Hyperparameters {
		default_hyperparameters()
	}

	/// The hyperparameters new subnets start from.
	#[pallet::storage]
	pub type DefaultHyperparameters<T: Config> =
		StorageValue<_, Hyperparameters, ValueQuery, DefaultDefaultHyperparameters>;

	/// Stakes, rewards, slashes and windows of evaluations, audits and disputes.
	#[pallet::storage]
	pub type Evaluation<T: Config> = StorageValue<_, EvaluationParameters, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// The next elections fill `count` seats.
		AuthorityCountSet { count: u32 },
		/// Stake unbonded from now on stays held this many blocks.
		UnbondingPeriodSet { blocks: BlockNumberFor<T> },
		/// Subnets' emissions are divided this way from their next epochs on.
		SplitSet { split: EmissionSplit },
		/// One subnet is paid at most this share of the accrued block rewards.
		MaxSubnetShareSet { share: Perbill },
		/// New subnet creations follow these parameters.
		SubnetCreationSet { params: SubnetCreationParameters },
		/// Owners' hyperparameters must lie in new bounds; new subnets start from new defaults.
		HyperparameterBoundsSet,
		/// Evaluations, audits and disputes follow these parameters from now on.
		EvaluationParametersSet { params: EvaluationParameters },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The authority count is outside `MinAuthorities..=MaxAuthorities`.
		AuthorityCountOutOfBounds,
		/// The unbonding period is shorter than `MinUnbondingPeriod`.
		UnbondingPeriodTooShort,
		/// The owner's, miners' and validators' parts do not add up to exactly 100%.
		SplitNotWhole,
		/// A subnet share cap of zero would pay no subnet anything.
		ZeroSubnetShare,
		/// `max_subnets` is 0 or above `MaxSubnetsLimit`.
		MaxSubnetsOutOfRange,
		/// The minimum lock is 0.
		ZeroMinLock,
		/// The lock reduction interval is 0.
		ZeroLockReductionInterval,
		/// A bound has its minimum above its maximum.
		BoundsInverted,
		/// A lower bound is 0 where 0 would stall a subnet (tempo, max UIDs, target
		/// registrations, adjustment interval).
		ZeroLowerBound,
		/// The upper bound of `max_uids` is above the hard limit of 4,096.
		MaxUidsBoundTooHigh,
		/// The upper bound of `max_validators` is above the hard limit of 256.
		MaxValidatorsBoundTooHigh,
		/// A default hyperparameter lies outside its bound.
		DefaultsOutOfBounds,
		/// The default minimum burn is above the default maximum burn.
		MinBurnAboveMaxBurn,
		/// The default `max_validators` is above the default `max_uids`.
		MaxValidatorsAboveMaxUids,
		/// The default model family is not one the evaluator knows.
		ModelFamilyUnknown,
		/// The upper bound of `samples_per_evaluation` is above the limit of 4,096 a dispute
		/// can reveal.
		SamplesBoundTooHigh,
		/// The evaluators' minimum stake is 0: a wrong evaluation would risk nothing.
		ZeroEvaluatorStake,
		/// The slash fraction is 0: a wrong evaluation would cost nothing.
		ZeroSlashFraction,
		/// An audit delay or a window is 0 blocks.
		ZeroEvaluationWindow,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MinAuthorities::get() > 0, "MinAuthorities must be at least 1");
			assert!(
				T::MinAuthorities::get() <= T::MaxAuthorities::get(),
				"MinAuthorities exceeds MaxAuthorities"
			);
			assert!(T::MaxSubnetsLimit::get() > 0, "MaxSubnetsLimit must be at least 1");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Sets how many authorities the next session elections pick.
		///
		/// - Origin: [`Config::ParametersOrigin`].
		/// - `count`: in [`Config::MinAuthorities`]..=[`Config::MaxAuthorities`].
		///
		/// Errors: [`Error::AuthorityCountOutOfBounds`].
		///
		/// Events: [`Event::AuthorityCountSet`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_authority_count())]
		pub fn set_authority_count(origin: OriginFor<T>, count: u32) -> DispatchResult {
			T::ParametersOrigin::ensure_origin(origin)?;
			checks::authority_count::<T>(count)?;
			AuthorityCount::<T>::put(count);
			Self::deposit_event(Event::AuthorityCountSet { count });
			Ok(())
		}

		/// Sets the unbonding period of stake unbonded from now on; chunks already unbonding
		/// keep their unlock block.
		///
		/// - Origin: [`Config::ParametersOrigin`].
		/// - `blocks`: at least [`Config::MinUnbondingPeriod`].
		///
		/// Errors: [`Error::UnbondingPeriodTooShort`].
		///
		/// Events: [`Event::UnbondingPeriodSet`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_unbonding_period())]
		pub fn set_unbonding_period(
			origin: OriginFor<T>,
			blocks: BlockNumberFor<T>,
		) -> DispatchResult {
			T::ParametersOrigin::ensure_origin(origin)?;
			checks::unbonding_period::<T>(blocks)?;
			UnbondingPeriod::<T>::put(blocks);
			Self::deposit_event(Event::UnbondingPeriodSet { blocks });
			Ok(())
		}

		/// Sets how every subnet's emission is divided from its next epoch on.
		///
		/// - Origin: [`Config::ParametersOrigin`].
		/// - `split`: the owner's, the miners' and the validators' parts; they must add up to
		///   exactly 100%.
		///
		/// Errors: [`Error::SplitNotWhole`].
		///
		/// Events: [`Event::SplitSet`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_emission_split())]
		pub fn set_emission_split(origin: OriginFor<T>, split: EmissionSplit) -> DispatchResult {
			T::ParametersOrigin::ensure_origin(origin)?;
			checks::emission_split::<T>(&split)?;
			Split::<T>::put(split);
			Self::deposit_event(Event::SplitSet { split });
			Ok(())
		}

		/// Sets the largest share of the block rewards accrued between two of its epochs that
		/// one subnet is paid. It applies to every pending accrual, at each subnet's next epoch;
		/// what it cuts off is never minted.
		///
		/// - Origin: [`Config::ParametersOrigin`].
		/// - `share`: the cap, not zero (100% means no cap).
		///
		/// Errors: [`Error::ZeroSubnetShare`].
		///
		/// Events: [`Event::MaxSubnetShareSet`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_max_subnet_share())]
		pub fn set_max_subnet_share(origin: OriginFor<T>, share: Perbill) -> DispatchResult {
			T::ParametersOrigin::ensure_origin(origin)?;
			checks::max_subnet_share::<T>(share)?;
			MaxSubnetShare::<T>::put(share);
			Self::deposit_event(Event::MaxSubnetShareSet { share });
			Ok(())
		}

		/// Sets the subnet limit and the lock cost of creating a subnet.
		///
		/// - Origin: [`Config::ParametersOrigin`].
		/// - `params`: `max_subnets` in `1..=MaxSubnetsLimit` (it may be set below the current
		///   number of subnets: that only stops creation until subnets are dissolved),
		///   `min_lock` and `lock_reduction_interval` not zero.
		///
		/// Errors: [`Error::MaxSubnetsOutOfRange`], [`Error::ZeroMinLock`],
		/// [`Error::ZeroLockReductionInterval`].
		///
		/// Events: [`Event::SubnetCreationSet`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::set_subnet_creation())]
		pub fn set_subnet_creation(
			origin: OriginFor<T>,
			params: SubnetCreationParameters,
		) -> DispatchResult {
			T::ParametersOrigin::ensure_origin(origin)?;
			checks::subnet_creation::<T>(&params)?;
			SubnetCreation::<T>::put(params);
			Self::deposit_event(Event::SubnetCreationSet { params });
			Ok(())
		}

		/// Sets the hyperparameter bounds and the hyperparameters new subnets start from.
		/// Existing subnets keep their values, even outside the new bounds.
		///
		/// - Origin: [`Config::ParametersOrigin`].
		/// - `bounds`: each `(min, max)` with `min ≤ max`, `max_uids` at most 4,096,
		///   `max_validators` at most 256; `defaults`: inside `bounds` and consistent.
		///
		/// Errors: [`Error::BoundsInverted`], [`Error::ZeroLowerBound`],
		/// [`Error::MaxUidsBoundTooHigh`], [`Error::MaxValidatorsBoundTooHigh`],
		/// [`Error::DefaultsOutOfBounds`], [`Error::MinBurnAboveMaxBurn`],
		/// [`Error::MaxValidatorsAboveMaxUids`], [`Error::ModelFamilyUnknown`].
		///
		/// Events: [`Event::HyperparameterBoundsSet`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::set_hyperparameter_bounds())]
		pub fn set_hyperparameter_bounds(
			origin: OriginFor<T>,
			bounds: Box<HyperparameterBounds>,
			defaults: Box<Hyperparameters>,
		) -> DispatchResult {
			T::ParametersOrigin::ensure_origin(origin)?;
			checks::hyperparameter_bounds::<T>(&bounds)?;
			checks::default_hyperparameters::<T>(&defaults, &bounds)?;
			Bounds::<T>::put(*bounds);
			DefaultHyperparameters::<T>::put(*defaults);
			Self::deposit_event(Event::HyperparameterBoundsSet);
			Ok(())
		}

		/// Sets the parameters of evaluations, audits and disputes.
		///
		/// Origin: root or the network-parameters track.
		///
		/// Errors: [`Error::ZeroEvaluatorStake`], [`Error::ZeroSlashFraction`],
		/// [`Error::ZeroEvaluationWindow`].
		///
		/// Events: [`Event::EvaluationParametersSet`].
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::set_evaluation_parameters())]
		pub fn set_evaluation_parameters(
			origin: OriginFor<T>,
			params: EvaluationParameters,
		) -> DispatchResult {
			T::ParametersOrigin::ensure_origin(origin)?;
			checks::evaluation_parameters::<T>(&params)?;
			Evaluation::<T>::put(params);
			Self::deposit_event(Event::EvaluationParametersSet { params });
			Ok(())
		}
	}

	#[pallet::genesis_config]
	pub struct GenesisConfig<T: Config> {
		/// Seats in the first elections' authority set.
		pub authority_count: u32,
		/// The unbonding period.
		pub unbonding_period: BlockNumberFor<T>,
		/// The split of subnets' emissions.
		pub split: EmissionSplit,
		/// The cap on one subnet's share (100%: none).
		pub max_subnet_share: Perbill,
		/// The subnet limit and lock cost.
		pub subnet_creation: SubnetCreationParameters,
		/// The hyperparameter bounds.
		pub bounds: HyperparameterBounds,
		/// The hyperparameters new subnets start from.
		pub default_hyperparameters: Hyperparameters,
		/// The parameters of evaluations, audits and disputes.
		pub evaluation: EvaluationParameters,
	}

	impl<T: Config> Default for GenesisConfig<T> {
		fn default() -> Self {
			Self {
				authority_count: T::MinAuthorities::get(),
				unbonding_period: T::MinUnbondingPeriod::get(),
				split: DEFAULT_SPLIT,
				max_subnet_share: Perbill::one(),
				subnet_creation: DefaultSubnetCreation::<T>::get(),
				bounds: default_hyperparameter_bounds(),
				default_hyperparameters: default_hyperparameters(),
				evaluation: EvaluationParameters::default(),
			}
		}
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let checked = checks::authority_count::<T>(self.authority_count)
				.and(checks::unbonding_period::<T>(self.unbonding_period))
				.and(checks::emission_split::<T>(&self.split))
				.and(checks::max_subnet_share::<T>(self.max_subnet_share))
				.and(checks::subnet_creation::<T>(&self.subnet_creation))
				.and(checks::hyperparameter_bounds::<T>(&self.bounds))
				.and(checks::default_hyperparameters::<T>(
					&self.default_hyperparameters,
					&self.bounds,
				))
				.and(checks::evaluation_parameters::<T>(&self.evaluation));
			if let Err(error) = checked {
				panic!("invalid network-parameters genesis: {error:?}");
			}
			AuthorityCount::<T>::put(self.authority_count);
			UnbondingPeriod::<T>::put(self.unbonding_period);
			Split::<T>::put(self.split);
			MaxSubnetShare::<T>::put(self.max_subnet_share);
			SubnetCreation::<T>::put(self.subnet_creation);
			Bounds::<T>::put(self.bounds);
			DefaultHyperparameters::<T>::put(self.default_hyperparameters);
			Evaluation::<T>::put(self.evaluation);
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Checks that every stored value passes its own check.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let as_state_error = |error: Error<T>| -> sp_runtime::TryRuntimeError {
			let error: sp_runtime::DispatchError = error.into();
			match error {
				sp_runtime::DispatchError::Module(module) => {
					module.message.unwrap_or("a stored network parameter is invalid").into()
				}
				_ => "a stored network parameter is invalid".into(),
			}
		};
		checks::authority_count::<T>(AuthorityCount::<T>::get()).map_err(as_state_error)?;
		checks::unbonding_period::<T>(UnbondingPeriod::<T>::get()).map_err(as_state_error)?;
		checks::emission_split::<T>(&Split::<T>::get()).map_err(as_state_error)?;
		checks::max_subnet_share::<T>(MaxSubnetShare::<T>::get()).map_err(as_state_error)?;
		checks::subnet_creation::<T>(&SubnetCreation::<T>::get()).map_err(as_state_error)?;
		let bounds = Bounds::<T>::get();
		checks::hyperparameter_bounds::<T>(&bounds).map_err(as_state_error)?;
		checks::default_hyperparameters::<T>(&DefaultHyperparameters::<T>::get(), &bounds)
			.map_err(as_state_error)?;
		checks::evaluation_parameters::<T>(&Evaluation::<T>::get()).map_err(as_state_error)?;
		Ok(())
	}
}

impl<T: Config> verity_primitives::traits::NetworkParametersInterface<BlockNumberFor<T>>
	for Pallet<T>
{
	fn authority_count() -> u32 {
		AuthorityCount::<T>::get()
	}

	fn unbonding_period() -> BlockNumberFor<T> {
		UnbondingPeriod::<T>::get()
	}

	fn emission_split() -> verity_primitives::emissions::EmissionSplit {
		Split::<T>::get()
	}

	fn max_subnet_share() -> sp_runtime::Perbill {
		MaxSubnetShare::<T>::get()
	}

	fn subnet_creation() -> verity_primitives::subnets::SubnetCreationParameters {
		SubnetCreation::<T>::get()
	}

	fn hyperparameter_bounds() -> verity_primitives::subnets::HyperparameterBounds {
		Bounds::<T>::get()
	}

	fn default_hyperparameters() -> verity_primitives::subnets::Hyperparameters {
		DefaultHyperparameters::<T>::get()
	}

	fn evaluation_parameters() -> verity_primitives::evaluations::EvaluationParameters {
		Evaluation::<T>::get()
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn set_subnet_creation(params: verity_primitives::subnets::SubnetCreationParameters) {
		SubnetCreation::<T>::put(params);
	}
}

use frame_system::pallet_prelude::BlockNumberFor;
