//! # Scoring pallet
//!
//! Validators' weights on the neurons of their subnet, and every subnet's **epoch**: Yuma-style
//! consensus (`verity-yuma`) over those weights, whose results decide each neuron's share of
//! the subnet's emission.
//!
//! ## Terms
//!
//! - A **weights row** is what one validator thinks of the subnet's neurons: `(uid, weight)`
//!   pairs, ascending by UID, without zeros ([`WeightsRow`]). Only a neuron that holds a
//!   **validator permit** (from the last epoch, see below) and at least `min_validator_stake`
//!   may set one, at most once per `weights_rate_limit` blocks.
//! - With **commit–reveal** (`commit_reveal_period > 0`) a validator first commits to the hash
//!   of its weights ([`Pallet::weights_commit_hash`]) and reveals them in epoch
//!   `commit epoch + commit_reveal_period`, exactly: others cannot copy weights they cannot
//!   see. Without it, validators call `set_weights`.
//! - The **epoch** of a subnet runs every `tempo` blocks in `on_initialize`. It reads the
//!   neurons, their stake and the permitted validators' weights and bonds, runs
//!   `verity_yuma::run_epoch`, has [`Config::Emissions`] pay the subnet's accrued emission by
//!   incentive (miners) and dividends (validators), and stores the results ([`Scores`]), the
//!   new [`Bonds`] and the permits of the next epoch (the top `max_validators` stakes of at
//!   least `min_validator_stake`). A validator whose weights are older than
//!   [`Config::ActivityCutoff`] blocks is inactive: its stake counts for nothing.
//! - **Stale entries**: a UID is reused when its neuron is replaced. The replaced neuron's row,
//!   bonds and commitment are removed at once; other validators' entries on the UID are
//!   ignored by the epoch while they predate the new neuron (weights set before it registered,
//!   bonds formed before it registered).
//! - Epochs are **scheduled** by block ([`EpochSchedule`]); due epochs run while
//!   [`Config::MaxEpochWeight`] allows and the rest wait in [`DueEpochs`] for the next block,
//!   in order. At least one due epoch runs in every block, so none waits forever.
//!
//! ## Invariants (checked by `do_try_state`)
//!
//! - Every subnet has a [`NextEpochAt`]; a future one is listed in [`EpochSchedule`] at that
//!   block, a past one in [`DueEpochs`]. Schedule lists and [`DueEpochs`] have no duplicates
//!   and name only existing subnets; no schedule entry lies in the past.
//! - Nothing is stored for a netuid without a subnet, nor for a UID at or above the subnet's
//!   neuron count. [`Scores`] holds at most one entry per neuron.
//! - Every weights and bonds row is strictly ascending by UID, with UIDs below the neuron
//!   count; weights rows are non-empty and have no zero weight.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod epoch;
#[cfg(any(feature = "try-runtime", test))]
mod invariants;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod types;
mod weight_setting;
pub mod weights;

use polkadot_sdk::{frame_support, frame_system};

/// A weights row as this pallet stores it.
pub type WeightsRowOf<T> = WeightsRow<frame_system::pallet_prelude::BlockNumberFor<T>>;

/// A weight commitment as this pallet stores it.
pub type WeightCommitOf<T> = WeightCommit<frame_system::pallet_prelude::BlockNumberFor<T>>;

// FRAME's macros generate `expect` calls (the pallet's name in `PalletInfo`, which
// `construct_runtime!` guarantees); this module's own code has none.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use polkadot_sdk::sp_core::H256;
	#[cfg(feature = "runtime-benchmarks")]
	use verity_primitives::traits::NetworkBenchmarkHelper;
	use verity_primitives::{
		scoring::NeuronScore,
		subnets::{NetUid, Uid, MAX_UIDS_LIMIT, MAX_VALIDATORS_LIMIT},
		traits::{EmissionPayout, EpochObserver, StakeInterface, SubnetsInterface},
		Balance,
	};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Subnets, their hyperparameters and neurons (`pallet-subnets`).
		type Subnets: SubnetsInterface<Self::AccountId>;

		/// The stake behind each hotkey (`pallet-stake`).
		type Stake: StakeInterface<Self::AccountId>;

		/// Pays each epoch's emission (`pallet-emissions`).
		type Emissions: EmissionPayout<Self::AccountId>;

		/// Learns of every epoch that ran (`pallet-evaluations` fixes the next epoch's seed).
		type OnEpoch: EpochObserver;

		/// Blocks without new weights after which a validator counts as inactive (runtime:
		/// 5000).
		#[pallet::constant]
		type ActivityCutoff: Get<BlockNumberFor<Self>>;

		/// The most weight epochs may take in one block (runtime: 50% of the block).
		/// `integrity_test` checks that it fits the worst single epoch (`MAX_UIDS_LIMIT` UIDs,
		/// `MAX_VALIDATORS_LIMIT` validators).
		#[pallet::constant]
		type MaxEpochWeight: Get<Weight>;

		/// Bound on the number of subnets (runtime: `pallet-subnets`' `MaxSubnetsLimit`).
		#[pallet::constant]
		type MaxSubnets: Get<u32>;

		/// Weights of this pallet's calls, epochs and lifecycle hooks.
		type WeightInfo: WeightInfo;

		/// Builds the subnets the benchmarks need.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: NetworkBenchmarkHelper<Self::AccountId>;
	}

	/// Each validator's weights, by subnet and UID.
	#[pallet::storage]
	pub type Weights<T: Config> =
		StorageDoubleMap<_, Twox64Concat, NetUid, Twox64Concat, Uid, WeightsRowOf<T>, OptionQuery>;

	/// Each validator's bonds (column-normalised, `u16::MAX` is one) from the last epoch, by
	/// subnet and UID; only validators permitted in that epoch have a row, never empty.
	#[pallet::storage]
	pub type Bonds<T: Config> =
		StorageDoubleMap<_, Twox64Concat, NetUid, Twox64Concat, Uid, UidRow, ValueQuery>;

	/// What each subnet's last epoch concluded about each neuron, by UID.
	#[pallet::storage]
	pub type Scores<T: Config> = StorageMap<
		_,
		Twox64Concat,
		NetUid,
		BoundedVec<NeuronScore, ConstU32<{ MAX_UIDS_LIMIT as u32 }>>,
		ValueQuery,
	>;

	/// Each validator's pending weight commitment, by subnet and UID (a replaced neuron's
	/// commitment goes with it).
	#[pallet::storage]
	pub type WeightCommits<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		NetUid,
		Twox64Concat,
		Uid,
		WeightCommitOf<T>,
		OptionQuery,
	>;

	/// How many epochs each subnet has run.
	#[pallet::storage]
	pub type EpochIndex<T: Config> = StorageMap<_, Twox64Concat, NetUid, u64, ValueQuery>;

	/// The block each subnet's last epoch ran in (0: none yet).
	#[pallet::storage]
	pub type LastEpochBlock<T: Config> =
		StorageMap<_, Twox64Concat, NetUid, BlockNumberFor<T>, ValueQuery>;

	/// The block each subnet's next epoch is due in.
	#[pallet::storage]
	pub type NextEpochAt<T: Config> =
		StorageMap<_, Twox64Concat, NetUid, BlockNumberFor<T>, OptionQuery>;

	/// The subnets whose epoch is due in each block, in scheduling order.
	#[pallet::storage]
	pub type EpochSchedule<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<NetUid, T::MaxSubnets>,
		ValueQuery,
	>;

	/// Subnets whose epoch is due but has not run yet for lack of block weight, oldest first.
	#[pallet::storage]
	pub type DueEpochs<T: Config> = StorageValue<_, BoundedVec<NetUid, T::MaxSubnets>, ValueQuery>;

	/// The least `version_key` each subnet's weights calls must carry (set by the subnet
	/// owner to retire old validator software).
	#[pallet::storage]
	pub type WeightsVersionKey<T: Config> = StorageMap<_, Twox64Concat, NetUid, u64, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A validator set its weights: `entries` non-zero weights.
		WeightsSet { netuid: NetUid, uid: Uid, hotkey: T::AccountId, entries: u32 },
		/// A validator committed to weights it will reveal in a later epoch.
		WeightsCommitted { netuid: NetUid, uid: Uid, hotkey: T::AccountId, hash: H256 },
		/// A validator revealed the weights it committed to: `entries` non-zero weights.
		WeightsRevealed { netuid: NetUid, uid: Uid, hotkey: T::AccountId, entries: u32 },
		/// A subnet owner set the least version key of weights calls.
		WeightsVersionKeySet { netuid: NetUid, key: u64 },
		/// A subnet's epoch ran: `epoch` is its index (the first is 0), `validators` the
		/// permits it granted, `emitted` what its neurons were paid.
		EpochRun { netuid: NetUid, epoch: u64, neurons: u16, validators: u16, emitted: Balance },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No subnet has this netuid.
		SubnetNotFound,
		/// The subnet uses commit–reveal: commit the weights, then reveal them.
		CommitRevealEnabled,
		/// The subnet does not use commit–reveal: set the weights directly.
		CommitRevealDisabled,
		/// The hotkey holds no UID on this subnet.
		NotRegistered,
		/// The neuron did not get a validator permit in the subnet's last epoch.
		NoValidatorPermit,
		/// The hotkey's stake is below the subnet's `min_validator_stake`.
		StakeBelowMinimum,
		/// `uids` and `weights` differ in length.
		LengthMismatch,
		/// More weights than the subnet has neurons.
		TooManyWeights,
		/// A UID at or above the subnet's neuron count.
		UnknownUid,
		/// A UID appears twice.
		DuplicateUid,
		/// No weights, or all of them zero.
		NoWeights,
		/// The version key is below the subnet's [`WeightsVersionKey`].
		OutdatedVersionKey,
		/// The validator set or committed weights less than `weights_rate_limit` blocks ago.
		RateLimited,
		/// An earlier commitment can still be revealed.
		CommitPending,
		/// The validator has no commitment to reveal.
		NoCommit,
		/// The commitment's reveal epoch has not begun.
		RevealTooEarly,
		/// The commitment's reveal epoch is over.
		RevealTooLate,
		/// The revealed weights do not hash to the commitment.
		CommitMismatch,
		/// Only the subnet's owner may do this.
		NotSubnetOwner,
		/// The subnet is verified: its validators' weights come from their attested
		/// evaluations (`evaluations.submitEvaluations`), not from weights calls.
		WeightsFromEvaluations,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Runs the epochs due by now, as many as [`Config::MaxEpochWeight`] allows.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::run_due_epochs(now)
		}

		fn integrity_test() {
			let worst = Self::epoch_weight(MAX_UIDS_LIMIT, MAX_VALIDATORS_LIMIT);
			assert!(
				worst.all_lte(T::MaxEpochWeight::get()),
				"MaxEpochWeight must fit the worst single epoch: {worst:?}"
			);
			assert!(T::MaxSubnets::get() > 0, "MaxSubnets must allow a subnet");
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
		/// Sets the caller's weights on the subnet's neurons, replacing its previous row.
		///
		/// - Origin: signed by the validator's hotkey.
		/// - Arguments: `netuid`, the subnet; `uids` and `weights`, one weight per UID (any
		///   order; zero weights are dropped, the rest stored ascending by UID; the epoch
		///   normalises the row); `version_key`, at least the subnet's [`WeightsVersionKey`].
		/// - Errors: [`Error::SubnetNotFound`], [`Error::CommitRevealEnabled`],
		///   [`Error::NotRegistered`], [`Error::NoValidatorPermit`],
		///   [`Error::StakeBelowMinimum`], [`Error::LengthMismatch`], [`Error::TooManyWeights`],
		///   [`Error::UnknownUid`], [`Error::DuplicateUid`], [`Error::NoWeights`],
		///   [`Error::OutdatedVersionKey`], [`Error::RateLimited`].
		/// - Events: [`Event::WeightsSet`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_weights(uids.len() as u32))]
		pub fn set_weights(
			origin: OriginFor<T>,
			netuid: NetUid,
			uids: WeightUids,
			weights: WeightValues,
			version_key: u64,
		) -> DispatchResult {
			let hotkey = ensure_signed(origin)?;
			let hyperparameters =
				T::Subnets::hyperparameters(netuid).ok_or(Error::<T>::SubnetNotFound)?;
			Self::set_weights_with(hotkey, netuid, &uids, &weights, version_key, &hyperparameters)
		}

		/// Commits the caller to weights it will reveal in epoch
		/// `current epoch + commit_reveal_period`.
		///
		/// - Origin: signed by the validator's hotkey.
		/// - Arguments: `netuid`, the subnet; `hash`, [`Pallet::weights_commit_hash`] of the
		///   weights to reveal.
		/// - Errors: [`Error::SubnetNotFound`], [`Error::CommitRevealDisabled`],
		///   [`Error::NotRegistered`], [`Error::NoValidatorPermit`],
		///   [`Error::StakeBelowMinimum`], [`Error::RateLimited`], [`Error::CommitPending`].
		/// - Events: [`Event::WeightsCommitted`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::commit_weights())]
		pub fn commit_weights(origin: OriginFor<T>, netuid: NetUid, hash: H256) -> DispatchResult {
			let hotkey = ensure_signed(origin)?;
			let hyperparameters =
				T::Subnets::hyperparameters(netuid).ok_or(Error::<T>::SubnetNotFound)?;
			Self::commit_weights_with(hotkey, netuid, hash, &hyperparameters)
		}

		/// Reveals the weights the caller committed to, and sets them.
		///
		/// - Origin: signed by the validator's hotkey.
		/// - Arguments: `netuid`, the subnet; `uids`, `weights`, `salt` and `version_key`,
		///   exactly as hashed by [`Pallet::weights_commit_hash`]. Allowed only while the
		///   subnet's epoch index is the commitment's plus `commit_reveal_period`. The weights
		///   are checked as `set_weights` checks them, without the rate limit.
		/// - Errors: [`Error::SubnetNotFound`], [`Error::NotRegistered`], [`Error::NoCommit`],
		///   [`Error::RevealTooEarly`], [`Error::RevealTooLate`], [`Error::CommitMismatch`],
		///   [`Error::NoValidatorPermit`], [`Error::StakeBelowMinimum`],
		///   [`Error::LengthMismatch`], [`Error::TooManyWeights`], [`Error::UnknownUid`],
		///   [`Error::DuplicateUid`], [`Error::NoWeights`], [`Error::OutdatedVersionKey`].
		/// - Events: [`Event::WeightsRevealed`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::reveal_weights(uids.len() as u32))]
		pub fn reveal_weights(
			origin: OriginFor<T>,
			netuid: NetUid,
			uids: WeightUids,
			weights: WeightValues,
			salt: H256,
			version_key: u64,
		) -> DispatchResult {
			let hotkey = ensure_signed(origin)?;
			let hyperparameters =
				T::Subnets::hyperparameters(netuid).ok_or(Error::<T>::SubnetNotFound)?;
			Self::reveal_weights_with(
				hotkey,
				netuid,
				&uids,
				&weights,
				salt,
				version_key,
				&hyperparameters,
			)
		}

		/// Sets the least version key the subnet's weights calls must carry.
		///
		/// - Origin: signed by the subnet's owner.
		/// - Arguments: `netuid`, the subnet; `key`, the new least version key (it may also
		///   go down).
		/// - Errors: [`Error::SubnetNotFound`], [`Error::NotSubnetOwner`].
		/// - Events: [`Event::WeightsVersionKeySet`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_weights_version_key())]
		pub fn set_weights_version_key(
			origin: OriginFor<T>,
			netuid: NetUid,
			key: u64,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let owner = T::Subnets::subnet_owner(netuid).ok_or(Error::<T>::SubnetNotFound)?;
			ensure!(who == owner, Error::<T>::NotSubnetOwner);

			WeightsVersionKey::<T>::insert(netuid, key);
			Self::deposit_event(Event::WeightsVersionKeySet { netuid, key });
			Ok(())
		}
	}
}
