//! # Subnets pallet
//!
//! Subnets, their hyperparameters, and the neurons registered on them.
//!
//! ## Terms
//!
//! - A **subnet** (`netuid`) is a market for one kind of AI work. A coldkey creates it by
//!   locking (holding, [`HoldReason::SubnetLock`]) the current [lock cost](#lock-cost); the
//!   lock is released when the subnet is dissolved. Netuids are assigned in order and never
//!   reused.
//! - A subnet's **hyperparameters** ([`Hyperparameters`]) are set by its owner, each inside the
//!   [`HyperparameterBounds`] governance sets (network parameters, read through
//!   [`Config::Parameters`]). New subnets start from governance's default hyperparameters;
//!   changing bounds or defaults leaves existing subnets alone.
//! - A **neuron** is a hotkey holding a **UID** on a subnet. A coldkey registers its hotkey by
//!   burning the subnet's registration burn; the hotkey becomes the coldkey's (through
//!   [`Config::Stake`]). UIDs are `0..neuron_count`. When the subnet is full (`max_uids`), a
//!   registration replaces the non-immune neuron with the lowest pruning score (ties: the
//!   earliest registered, then the lowest UID) and takes its UID. A neuron is immune for
//!   `immunity_period` blocks after it registers.
//! - The **registration burn** follows demand: every `adjustment_interval` blocks it becomes
//!   `burn · (registrations + target) / (2 · target)`, clamped to `[min_burn, max_burn]`.
//! - A neuron's hotkey **serves** an endpoint and **commits** to the model it serves (a Merkle
//!   root, see `verity-evaluator`); an operator (coldkey) declares a self-described
//!   **operator profile** for the decentralization report.
//!
//! ## Lock cost
//!
//! ```text
//! lock_cost(now) = max(min_lock, 2·last_lock − last_lock·(now − last_lock_block) / lock_reduction_interval)
//! ```
//!
//! Each creation doubles the cost; the doubling decays linearly over `lock_reduction_interval`
//! blocks, and the cost keeps falling at the same rate down to `min_lock`. Every creation
//! records what it locked as `last_lock` and its block as `last_lock_block`.
//!
//! ## Invariants (checked by `do_try_state`)
//!
//! - At most `MaxSubnetsLimit` subnets exist.
//! - Every owner's held [`HoldReason::SubnetLock`] equals the sum of the locks of the subnets it
//!   owns.
//! - For each subnet: `NeuronCount ≤ max_uids`; the neurons' UIDs are exactly
//!   `0..NeuronCount`; [`Uids`] and [`Neurons`] are inverse maps; [`Roster`] holds exactly
//!   each neuron's `(hotkey, registered_at)` by UID and [`PruningScores`] one score per UID;
//!   the registration burn is inside `[min_burn, max_burn]`; every neuron's hotkey has an
//!   owner in [`Config::Stake`].
//! - No per-subnet entry ([`Neurons`], [`Uids`], [`Roster`], [`PruningScores`],
//!   [`NeuronCount`], [`RegistrationBurn`], [`RegistrationsThisInterval`],
//!   [`LastAdjustment`]) exists for a netuid without a subnet.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod hyperparameters;
mod impls;
#[cfg(test)]
mod mock;
mod neurons;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

use polkadot_sdk::{frame_support, frame_system};

/// A subnet as this pallet stores it.
pub type SubnetOf<T> = SubnetInfo<
	<T as frame_system::Config>::AccountId,
	frame_system::pallet_prelude::BlockNumberFor<T>,
>;

/// A neuron as this pallet stores it.
pub type NeuronOf<T> = NeuronInfo<
	<T as frame_system::Config>::AccountId,
	frame_system::pallet_prelude::BlockNumberFor<T>,
>;

/// The bound of a per-UID list: a subnet's most UIDs.
pub type MaxUids =
	frame_support::traits::ConstU32<{ verity_primitives::subnets::MAX_UIDS_LIMIT as u32 }>;

/// A subnet's neurons as `(hotkey, registered_at)`, by UID ([`Roster`]).
pub type RosterOf<T> = frame_support::BoundedVec<
	(<T as frame_system::Config>::AccountId, frame_system::pallet_prelude::BlockNumberFor<T>),
	MaxUids,
>;

// FRAME's macros generate `expect` calls (the pallet's name in `PalletInfo`, which
// `construct_runtime!` guarantees); this module's own code has none.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{self, Inspect, MutateHold},
			tokens::{Fortitude, Preservation},
		},
	};
	use frame_system::pallet_prelude::*;
	use polkadot_sdk::{
		sp_core::H256,
		sp_runtime::{traits::Saturating, SaturatedConversion},
	};
	use verity_primitives::{
		subnets::{
			Endpoint, HardwareClass, Hyperparameter, ModelCommitment, NetUid, OperatorProfile, Uid,
			MAX_UIDS_LIMIT,
		},
		traits::{BurnLedger, NetworkParametersInterface, StakeInterface, SubnetLifecycle},
		Balance,
	};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The native currency: subnet locks are holds on it, registrations burn it.
		type Currency: fungible::Mutate<Self::AccountId, Balance = Balance>
			+ fungible::MutateHold<
				Self::AccountId,
				Reason = Self::RuntimeHoldReason,
				Balance = Balance,
			>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// Hotkey ownership and stake (`pallet-stake`).
		type Stake: StakeInterface<Self::AccountId>;

		/// Told when subnets are created or dissolved and when a neuron is replaced, so that
		/// state other pallets keep per subnet or UID never outlives it.
		type Lifecycle: SubnetLifecycle;

		/// Told of every registration burn, so that issuance is accounted for to the unit.
		type Burns: BurnLedger;

		/// Origin for dissolving any subnet (governance).
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The network parameters governance sets: the subnet limit and lock cost, the
		/// hyperparameter bounds and the defaults of new subnets are read from there.
		type Parameters: NetworkParametersInterface<BlockNumberFor<Self>>;

		/// The storage bound on the number of subnets: governance's `max_subnets` is at most
		/// this. The registration-burn hook visits every subnet each block.
		#[pallet::constant]
		type MaxSubnetsLimit: Get<u16>;

		/// Blocks between two `serve` calls of one neuron.
		#[pallet::constant]
		type ServeRateLimit: Get<BlockNumberFor<Self>>;

		/// The largest model a miner may commit to, in bytes.
		#[pallet::constant]
		type MaxModelSize: Get<u64>;

		/// Weights of this pallet's calls and hook.
		type WeightInfo: WeightInfo;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The lock of a subnet, held from its owner until the subnet is dissolved.
		SubnetLock,
	}

	/// The subnets, by netuid.
	#[pallet::storage]
	pub type Subnets<T: Config> =
		CountedStorageMap<_, Twox64Concat, NetUid, SubnetOf<T>, OptionQuery>;

	/// The netuid the next subnet gets. Netuids are never reused.
	#[pallet::storage]
	pub type NextNetUid<T: Config> = StorageValue<_, NetUid, ValueQuery>;

	/// What the last subnet creation locked (the base of the lock cost).
	#[pallet::storage]
	pub type LastLockCost<T: Config> = StorageValue<_, Balance, ValueQuery>;

	/// The block of the last subnet creation (where the lock cost's decay starts).
	#[pallet::storage]
	pub type LastLockBlock<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// The neurons of each subnet, by UID.
	#[pallet::storage]
	pub type Neurons<T: Config> =
		StorageDoubleMap<_, Twox64Concat, NetUid, Twox64Concat, Uid, NeuronOf<T>, OptionQuery>;

	/// The UID of each hotkey registered on a subnet: the inverse of [`Neurons`].
	#[pallet::storage]
	pub type Uids<T: Config> =
		StorageDoubleMap<_, Twox64Concat, NetUid, Blake2_128Concat, T::AccountId, Uid, OptionQuery>;

	/// Each subnet's neurons as `(hotkey, registered_at)`, by UID, in one value: the fields of
	/// [`Neurons`] an epoch reads for every neuron, in one storage read instead of one per
	/// neuron.
	#[pallet::storage]
	pub type Roster<T: Config> = StorageMap<_, Twox64Concat, NetUid, RosterOf<T>, ValueQuery>;

	/// Each subnet's pruning scores, by UID (lowest replaced first): set by the scoring pallet
	/// at each epoch through `SubnetsInterface::set_pruning_scores`, zero for a neuron no epoch
	/// has scored yet.
	#[pallet::storage]
	pub type PruningScores<T: Config> =
		StorageMap<_, Twox64Concat, NetUid, BoundedVec<u16, MaxUids>, ValueQuery>;

	/// How many neurons each subnet holds; its UIDs are `0..NeuronCount`.
	#[pallet::storage]
	pub type NeuronCount<T: Config> = StorageMap<_, Twox64Concat, NetUid, u16, ValueQuery>;

	/// What a registration on each subnet burns now.
	#[pallet::storage]
	pub type RegistrationBurn<T: Config> = StorageMap<_, Twox64Concat, NetUid, Balance, ValueQuery>;

	/// Registrations on each subnet since its burn was last adjusted.
	#[pallet::storage]
	pub type RegistrationsThisInterval<T: Config> =
		StorageMap<_, Twox64Concat, NetUid, u16, ValueQuery>;

	/// The block each subnet's burn was last adjusted in (its creation block at first).
	#[pallet::storage]
	pub type LastAdjustment<T: Config> =
		StorageMap<_, Twox64Concat, NetUid, BlockNumberFor<T>, ValueQuery>;

	/// The self-declared profile of each operator (coldkey).
	#[pallet::storage]
	pub type OperatorProfiles<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, OperatorProfile, OptionQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A subnet was created and its lock held from its owner.
		SubnetCreated { netuid: NetUid, owner: T::AccountId, locked: Balance },
		/// A subnet was dissolved: its neurons removed and its lock released.
		SubnetDissolved { netuid: NetUid },
		/// A subnet owner set one hyperparameter.
		HyperparameterSet { netuid: NetUid, param: Hyperparameter },
		/// A hotkey registered on a subnet and got a UID.
		NeuronRegistered {
			netuid: NetUid,
			uid: Uid,
			hotkey: T::AccountId,
			coldkey: T::AccountId,
			burned: Balance,
		},
		/// A registration on a full subnet replaced the neuron at `uid`.
		NeuronReplaced { netuid: NetUid, uid: Uid, old_hotkey: T::AccountId },
		/// A neuron set where it serves.
		NeuronServing { netuid: NetUid, uid: Uid, hotkey: T::AccountId, endpoint: Endpoint },
		/// A neuron committed to the model it serves.
		ModelCommitted { netuid: NetUid, uid: Uid, hotkey: T::AccountId, model: ModelCommitment },
		/// An operator set its profile.
		OperatorProfileSet { coldkey: T::AccountId, profile: OperatorProfile },
		/// A subnet's registration burn was adjusted to the registrations of the last interval.
		RegistrationBurnAdjusted { netuid: NetUid, registrations: u16, burn: Balance },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No subnet has this netuid.
		SubnetNotFound,
		/// As many subnets exist as governance's `max_subnets` allows.
		TooManySubnets,
		/// Every netuid has been used; netuids are never reused.
		NetUidsExhausted,
		/// The account cannot pay the lock or burn and stay alive.
		InsufficientBalance,
		/// Only the subnet's owner (or governance, where stated) may do this.
		NotSubnetOwner,
		/// `tempo` is outside its bounds.
		TempoOutOfBounds,
		/// `max_uids` is outside its bounds.
		MaxUidsOutOfBounds,
		/// `max_validators` is outside its bounds.
		MaxValidatorsOutOfBounds,
		/// `immunity_period` is outside its bounds.
		ImmunityPeriodOutOfBounds,
		/// `min_burn` is outside the burn bounds.
		MinBurnOutOfBounds,
		/// `max_burn` is outside the burn bounds.
		MaxBurnOutOfBounds,
		/// `target_registrations_per_interval` is outside its bounds.
		TargetRegistrationsOutOfBounds,
		/// `adjustment_interval` is outside its bounds.
		AdjustmentIntervalOutOfBounds,
		/// `weights_rate_limit` is outside its bounds.
		WeightsRateLimitOutOfBounds,
		/// `commit_reveal_period` is outside its bounds.
		CommitRevealPeriodOutOfBounds,
		/// `kappa` is outside its bounds.
		KappaOutOfBounds,
		/// `bonds_moving_average` is outside its bounds.
		BondsMovingAverageOutOfBounds,
		/// `min_validator_stake` is outside its bounds.
		MinValidatorStakeOutOfBounds,
		/// `samples_per_evaluation` is outside its bounds.
		SamplesPerEvaluationOutOfBounds,
		/// `audit_probability` is outside its bounds.
		AuditProbabilityOutOfBounds,
		/// No model family has this number (only 0, the evaluator's dense MLP, exists).
		ModelFamilyUnknown,
		/// `min_burn` would exceed `max_burn`.
		MinBurnAboveMaxBurn,
		/// `max_validators` would exceed `max_uids`.
		MaxValidatorsAboveMaxUids,
		/// `max_uids` would be below the number of neurons the subnet holds.
		MaxUidsBelowNeuronCount,
		/// The hotkey already holds a UID on this subnet.
		AlreadyRegistered,
		/// The hotkey belongs to another coldkey.
		NotHotkeyOwner,
		/// The subnet is full and every neuron is still immune.
		NoReplaceableNeuron,
		/// The hotkey holds no UID on this subnet.
		NotRegistered,
		/// Port 0 cannot be served on.
		InvalidPort,
		/// The unspecified address (0.0.0.0 or ::) cannot be served on.
		InvalidIp,
		/// The neuron served less than `ServeRateLimit` blocks ago.
		ServingRateLimited,
		/// The model size is 0 or above `MaxModelSize`.
		ModelSizeOutOfBounds,
		/// The model format version is not `MODEL_FORMAT_VERSION`.
		UnsupportedModelFormat,
		/// The provider name is longer than `MAX_PROVIDER_LEN` bytes.
		ProviderTooLong,
		/// The region name is longer than `MAX_REGION_LEN` bytes.
		RegionTooLong,
		/// The provider name is empty.
		ProviderEmpty,
		/// The region name is empty.
		RegionEmpty,
		/// The provider or region name is not valid UTF-8.
		InvalidUtf8,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Adjusts the registration burn of every subnet whose adjustment interval has elapsed.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::adjust_registration_burns(now)
		}

		fn integrity_test() {
			assert!(T::MaxSubnetsLimit::get() > 0, "MaxSubnetsLimit must allow a subnet");
			assert!(T::MaxModelSize::get() > 0, "MaxModelSize must allow a model");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(
			_n: BlockNumberFor<T>,
		) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Creates a subnet owned by the caller, holding the current lock cost from it.
		///
		/// - Origin: signed; the coldkey that will own the subnet.
		/// - Arguments: none. The subnet gets the next netuid, the default hyperparameters, and
		///   a registration burn of the default `min_burn`.
		/// - Errors: [`Error::TooManySubnets`], [`Error::NetUidsExhausted`],
		///   [`Error::InsufficientBalance`] (the lock would not leave the account alive).
		/// - Events: [`Event::SubnetCreated`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::create_subnet().saturating_add(T::Lifecycle::subnet_created_weight()))]
		pub fn create_subnet(origin: OriginFor<T>) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			let now = frame_system::Pallet::<T>::block_number();
			let params = T::Parameters::subnet_creation();
			ensure!(
				Subnets::<T>::count() < u32::from(params.max_subnets),
				Error::<T>::TooManySubnets
			);
			let netuid = NextNetUid::<T>::get();
			let next = netuid.checked_add(1).ok_or(Error::<T>::NetUidsExhausted)?;
			let lock = Self::lock_cost(now);
			let spendable =
				T::Currency::reducible_balance(&owner, Preservation::Preserve, Fortitude::Polite);
			ensure!(spendable >= lock, Error::<T>::InsufficientBalance);

			T::Currency::hold(&HoldReason::SubnetLock.into(), &owner, lock)?;
			NextNetUid::<T>::put(next);
			Self::insert_subnet(netuid, owner, lock, now);
			Ok(())
		}

		/// Dissolves a subnet: removes it and all its neurons and releases its lock.
		///
		/// - Origin: signed by the subnet's owner, or [`Config::GovernanceOrigin`].
		/// - Arguments: `netuid`, the subnet.
		/// - Errors: [`Error::SubnetNotFound`], [`Error::NotSubnetOwner`].
		/// - Events: [`Event::SubnetDissolved`].
		///
		/// Charged for `MAX_UIDS_LIMIT` neurons; the weight of the neurons the subnet did not
		/// hold is refunded.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::dissolve_subnet(u32::from(MAX_UIDS_LIMIT)).saturating_add(T::Lifecycle::subnet_dissolved_weight()))]
		pub fn dissolve_subnet(origin: OriginFor<T>, netuid: NetUid) -> DispatchResultWithPostInfo {
			let caller = match T::GovernanceOrigin::try_origin(origin) {
				Ok(_) => None,
				Err(origin) => Some(ensure_signed(origin)?),
			};
			let subnet = Subnets::<T>::get(netuid).ok_or(Error::<T>::SubnetNotFound)?;
			if let Some(caller) = caller {
				ensure!(caller == subnet.owner, Error::<T>::NotSubnetOwner);
			}
			let neurons = Self::remove_subnet(netuid, &subnet)?;
			Ok(Some(
				T::WeightInfo::dissolve_subnet(u32::from(neurons))
					.saturating_add(T::Lifecycle::subnet_dissolved_weight()),
			)
			.into())
		}

		/// Sets one hyperparameter of a subnet.
		///
		/// - Origin: signed by the subnet's owner.
		/// - Arguments: `netuid`, the subnet; `param`, the hyperparameter with its new value,
		///   which must lie inside [`Bounds`]. Setting `min_burn` or `max_burn` moves the
		///   current registration burn into the new range.
		/// - Errors: [`Error::SubnetNotFound`], [`Error::NotSubnetOwner`]; the value's own
		///   out-of-bounds error (e.g. [`Error::TempoOutOfBounds`]), [`Error::ModelFamilyUnknown`],
		///   [`Error::MinBurnAboveMaxBurn`], [`Error::MaxValidatorsAboveMaxUids`],
		///   [`Error::MaxUidsBelowNeuronCount`].
		/// - Events: [`Event::HyperparameterSet`]. A new tempo is passed on through
		///   [`Config::Lifecycle`], which reschedules the subnet's next epoch.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_hyperparameter().saturating_add(T::Lifecycle::tempo_changed_weight()))]
		pub fn set_hyperparameter(
			origin: OriginFor<T>,
			netuid: NetUid,
			param: Hyperparameter,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut subnet = Subnets::<T>::get(netuid).ok_or(Error::<T>::SubnetNotFound)?;
			ensure!(who == subnet.owner, Error::<T>::NotSubnetOwner);
			let updated = Self::apply_hyperparameter(netuid, subnet.hyperparameters, param)?;

			subnet.hyperparameters = updated;
			Subnets::<T>::insert(netuid, subnet);
			if matches!(param, Hyperparameter::MinBurn(_) | Hyperparameter::MaxBurn(_)) {
				RegistrationBurn::<T>::mutate(netuid, |burn| {
					*burn = (*burn).clamp(updated.min_burn, updated.max_burn)
				});
			}
			if let Hyperparameter::Tempo(tempo) = param {
				T::Lifecycle::on_tempo_changed(netuid, tempo);
			}
			Self::deposit_event(Event::HyperparameterSet { netuid, param });
			Ok(())
		}

		/// Registers a hotkey on a subnet, burning the registration burn from the caller.
		///
		/// - Origin: signed; the coldkey that owns (or will own) the hotkey.
		/// - Arguments: `netuid`, the subnet; `hotkey`, the neuron's working key. It becomes the
		///   caller's through [`Config::Stake`]. On a full subnet it takes the UID of the
		///   non-immune neuron with the lowest pruning score (ties: earliest registered, then
		///   lowest UID).
		/// - Errors: [`Error::SubnetNotFound`], [`Error::AlreadyRegistered`],
		///   [`Error::NotHotkeyOwner`], [`Error::InsufficientBalance`],
		///   [`Error::NoReplaceableNeuron`].
		/// - Events: [`Event::NeuronReplaced`] when a neuron is replaced, then
		///   [`Event::NeuronRegistered`].
		///
		/// Charged for a full subnet of `MAX_UIDS_LIMIT` neurons (its roster read, scanned and
		/// written); refunded to the neurons the subnet held.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::register(u32::from(MAX_UIDS_LIMIT)).saturating_add(T::Lifecycle::neuron_replaced_weight()))]
		pub fn register(
			origin: OriginFor<T>,
			netuid: NetUid,
			hotkey: T::AccountId,
		) -> DispatchResultWithPostInfo {
			let coldkey = ensure_signed(origin)?;
			let (neurons, replaced) = Self::register_neuron(netuid, coldkey, hotkey)?;
			let weight = T::WeightInfo::register(u32::from(neurons.max(1)));
			let weight = if replaced {
				weight.saturating_add(T::Lifecycle::neuron_replaced_weight())
			} else {
				weight
			};
			Ok(Some(weight).into())
		}

		/// Sets where a neuron serves.
		///
		/// - Origin: signed by the neuron's hotkey.
		/// - Arguments: `netuid`, the subnet; `endpoint`, its address, port, protocol and
		///   software version.
		/// - Errors: [`Error::SubnetNotFound`], [`Error::NotRegistered`], [`Error::InvalidPort`],
		///   [`Error::InvalidIp`], [`Error::ServingRateLimited`].
		/// - Events: [`Event::NeuronServing`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::serve())]
		pub fn serve(origin: OriginFor<T>, netuid: NetUid, endpoint: Endpoint) -> DispatchResult {
			let hotkey = ensure_signed(origin)?;
			Self::serve_endpoint(netuid, hotkey, endpoint)
		}

		/// Commits a neuron to the model it serves. A later commitment replaces it.
		///
		/// - Origin: signed by the neuron's hotkey.
		/// - Arguments: `netuid`, the subnet; `model_root`, the Merkle root over the model's
		///   parts; `size`, its size in bytes (1 to `MaxModelSize`); `format_version`, which
		///   must be `MODEL_FORMAT_VERSION`. The commitment records the current block.
		/// - Errors: [`Error::SubnetNotFound`], [`Error::NotRegistered`],
		///   [`Error::ModelSizeOutOfBounds`], [`Error::UnsupportedModelFormat`].
		/// - Events: [`Event::ModelCommitted`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::commit_model())]
		pub fn commit_model(
			origin: OriginFor<T>,
			netuid: NetUid,
			model_root: H256,
			size: u64,
			format_version: u16,
		) -> DispatchResult {
			let hotkey = ensure_signed(origin)?;
			Self::commit_neuron_model(netuid, hotkey, model_root, size, format_version)
		}

		/// Sets the caller's operator profile, replacing any earlier one.
		///
		/// - Origin: signed; the operator's coldkey.
		/// - Arguments: `provider`, the hosting provider, and `region`, both non-empty UTF-8 of
		///   at most `MAX_PROVIDER_LEN` and `MAX_REGION_LEN` bytes; `hardware_class`.
		/// - Errors: [`Error::ProviderTooLong`], [`Error::RegionTooLong`],
		///   [`Error::ProviderEmpty`], [`Error::RegionEmpty`], [`Error::InvalidUtf8`].
		/// - Events: [`Event::OperatorProfileSet`].
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::set_operator_profile())]
		pub fn set_operator_profile(
			origin: OriginFor<T>,
			provider: Vec<u8>,
			region: Vec<u8>,
			hardware_class: HardwareClass,
		) -> DispatchResult {
			let coldkey = ensure_signed(origin)?;
			let profile = Self::operator_profile(provider, region, hardware_class)?;

			OperatorProfiles::<T>::insert(&coldkey, profile.clone());
			Self::deposit_event(Event::OperatorProfileSet { coldkey, profile });
			Ok(())
		}
	}

	#[pallet::genesis_config]
	pub struct GenesisConfig<T: Config> {
		/// Subnets to create, in order (netuid 0, 1, …): each owner and the amount held from
		/// it as the lock. The owners must already have the funds (pallet-balances' genesis
		/// runs first).
		pub subnets: Vec<(T::AccountId, Balance)>,
	}

	impl<T: Config> Default for GenesisConfig<T> {
		fn default() -> Self {
			Self { subnets: Vec::new() }
		}
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			// The network parameters' genesis comes first in the runtime.
			assert!(
				self.subnets.len() <= usize::from(T::Parameters::subnet_creation().max_subnets),
				"more genesis subnets than max_subnets"
			);

			let now = frame_system::Pallet::<T>::block_number();
			for (netuid, (owner, lock)) in (0..=NetUid::MAX).zip(self.subnets.iter()) {
				let held = if *lock == 0 {
					Ok(())
				} else {
					T::Currency::hold(&HoldReason::SubnetLock.into(), owner, *lock)
				};
				if let Err(e) = held {
					panic!("genesis subnet {netuid}: cannot hold its lock: {e:?}");
				}
				Pallet::<T>::insert_subnet(netuid, owner.clone(), *lock, now);
				NextNetUid::<T>::put(netuid.saturating_add(1));
			}
		}
	}

	impl<T: Config> Pallet<T> {
		/// The lock a subnet created at `now` holds; see [the module docs](crate#lock-cost).
		pub fn lock_cost(now: BlockNumberFor<T>) -> Balance {
			let params = T::Parameters::subnet_creation();
			let last_lock = LastLockCost::<T>::get();
			let elapsed: u128 = now.saturating_sub(LastLockBlock::<T>::get()).saturated_into();
			let decay =
				polkadot_sdk::sp_runtime::helpers_128bit::multiply_by_rational_with_rounding(
					last_lock,
					elapsed,
					u128::from(params.lock_reduction_interval),
					polkadot_sdk::sp_runtime::Rounding::Down,
				)
				// Only a zero interval (which the network parameters refuse) or an overflow (a
				// decay beyond `u128::MAX`) gets here: either way the doubling has decayed.
				.unwrap_or(Balance::MAX);
			last_lock.saturating_mul(2).saturating_sub(decay).max(params.min_lock)
		}
	}
}
