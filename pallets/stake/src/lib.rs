//! # Stake pallet
//!
//! Stake on hotkeys: delegation, take, unbonding, slashing, and block authors elected by stake.
//!
//! ## Terms
//!
//! - A **coldkey** owns funds and hotkeys. A **hotkey** is a neuron's (or a block author's)
//!   working key. Each hotkey has at most one owning coldkey, for good: staking on a hotkey that
//!   nobody owns claims it (so does [`StakeInterface::bind_hotkey`], which `pallet-subnets` calls
//!   when a neuron registers).
//! - **Stake** is a hold ([`HoldReason::Staked`]) on a coldkey's balance. One hold covers the
//!   coldkey's active and unbonding stake on all hotkeys. Any coldkey may stake on any hotkey:
//!   stake on a hotkey another coldkey owns is **delegation**.
//! - A **ledger** is one coldkey's stake on one hotkey: an **active** amount, which counts for
//!   the hotkey, earns rewards and can be slashed, and up to
//!   [`Config::MaxUnbondingChunks`] **unbonding chunks**, still held and slashable, that
//!   [`Pallet::withdraw_unbonded`] releases once the unbonding period (a network parameter) has
//!   passed.
//! - The **take** is the owner's cut of a hotkey's rewards before its stakers share the rest pro
//!   rata to their active stake. It is at most [`Config::MaxTake`] and can rise only once per
//!   [`Config::TakeIncreaseRateLimit`] blocks.
//! - **Authority candidates** are hotkeys that offer to author blocks. At each new session
//!   (through [`SessionManager`](polkadot_sdk::pallet_session::SessionManager)) the top
//!   `authority_count` (a network parameter) candidates by active stake that have registered session keys become
//!   the next authority set. With fewer than [`Config::MinAuthorities`] of them the current
//!   set stays.
//!
//! ## Money
//!
//! Stake never leaves its coldkey except by slashing: [`StakeInterface::slash`] moves a share of
//! the slashed amount to a beneficiary's free balance and burns the rest.
//! [`StakeInterface::distribute_reward`] mints new VRT and adds it to the stakers' active stake.
//!
//! ## Invariants
//!
//! Checked by [`Pallet::do_try_state`] after every test and by `try-runtime`:
//! - each coldkey's balance on hold for [`HoldReason::Staked`] equals the sum of its ledgers;
//! - [`TotalHotkeyStake`] is the sum of active stake of the hotkey's ledgers, [`TotalStake`] the
//!   sum of all ledgers (active and unbonding);
//! - [`Stakers`] counts the hotkey's ledgers (at most [`Config::MaxStakersPerHotkey`]) and
//!   [`ColdkeyHotkeys`] indexes exactly the stored ledgers (at most
//!   [`Config::MaxHotkeysPerColdkey`] per coldkey);
//! - no stored ledger is empty and every ledger's hotkey has an owner;
//! - every authority candidate is owned, and there are at most
//!   [`Config::MaxAuthorityCandidates`];

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod election;
mod interface;
#[cfg(any(feature = "try-runtime", test))]
mod invariants;
#[cfg(test)]
mod mock;
mod rewards;
mod slashing;
mod staking;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use pallet::*;
pub use types::{StakeLedger, UnbondingChunk};
pub use verity_primitives::traits::StakeInterface;
pub use weights::WeightInfo;

use polkadot_sdk::{frame_support, frame_system, sp_runtime};

// FRAME's macros generate `expect` calls (the pallet's name in `PalletInfo`, which
// `construct_runtime!` guarantees); this module's own code has none.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{
		pallet_prelude::*,
		traits::{fungible, Contains},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::Perbill;
	use verity_primitives::{traits::NetworkParametersInterface, Balance};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The native currency: stake is a hold on the coldkey's balance.
		type Currency: fungible::Mutate<Self::AccountId, Balance = Balance>
			+ fungible::MutateHold<
				Self::AccountId,
				Reason = Self::RuntimeHoldReason,
				Balance = Balance,
			>;

		/// The overarching hold reason, which [`HoldReason`] converts into.
		type RuntimeHoldReason: From<HoldReason>;

		/// Told of every slash burn, so that issuance is accounted for to the unit.
		type Burns: verity_primitives::traits::BurnLedger;

		/// The network parameters governance sets: the authority count and the unbonding
		/// period are read from there.
		type Parameters: NetworkParametersInterface<BlockNumberFor<Self>>;

		/// Hotkeys that have registered session keys (the runtime answers from
		/// `pallet-session`). Only they can be elected.
		type SessionKeysRegistered: Contains<Self::AccountId>;

		/// The least amount `add_stake` opens a ledger with, and the least active stake a
		/// ledger may keep after `remove_stake` unless it removes everything.
		#[pallet::constant]
		type MinStake: Get<Balance>;

		/// The most coldkeys with a ledger on one hotkey.
		#[pallet::constant]
		type MaxStakersPerHotkey: Get<u32>;

		/// The most hotkeys one coldkey has a ledger on.
		#[pallet::constant]
		type MaxHotkeysPerColdkey: Get<u32>;

		/// The most unbonding chunks in one ledger.
		#[pallet::constant]
		type MaxUnbondingChunks: Get<u32>;

		/// The highest take a hotkey's owner can set.
		#[pallet::constant]
		type MaxTake: Get<Perbill>;

		/// The take of a newly claimed hotkey. At most [`Config::MaxTake`].
		#[pallet::constant]
		type DefaultTake: Get<Perbill>;

		/// Blocks between two take increases of one hotkey.
		#[pallet::constant]
		type TakeIncreaseRateLimit: Get<BlockNumberFor<Self>>;

		/// The fewest authorities an election may return: with fewer qualified candidates the
		/// current set stays. At least 1.
		#[pallet::constant]
		type MinAuthorities: Get<u32>;

		/// The most authorities an election returns (the consensus pallets' bound).
		#[pallet::constant]
		type MaxAuthorities: Get<u32>;

		/// The most authority candidates at a time.
		#[pallet::constant]
		type MaxAuthorityCandidates: Get<u32>;

		/// Weights of this pallet's calls and of the work it does for other pallets.
		type WeightInfo: WeightInfo;
	}

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// Stake: active and unbonding, on every hotkey of the coldkey.
		#[codec(index = 0)]
		Staked,
	}

	/// The coldkey that owns each hotkey.
	#[pallet::storage]
	pub type HotkeyOwner<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, T::AccountId>;

	/// Stake ledgers by (hotkey, coldkey).
	#[pallet::storage]
	pub type Ledgers<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		T::AccountId,
		StakeLedger<T>,
	>;

	/// The number of ledgers on each hotkey.
	#[pallet::storage]
	pub type Stakers<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// The hotkeys each coldkey has a ledger on, by (coldkey, hotkey): the index of
	/// [`Ledgers`] from the coldkey's side.
	#[pallet::storage]
	pub type ColdkeyHotkeys<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Blake2_128Concat, T::AccountId, ()>;

	/// The number of hotkeys each coldkey has a ledger on.
	#[pallet::storage]
	pub type ColdkeyHotkeyCount<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Active stake on each hotkey from all coldkeys.
	#[pallet::storage]
	pub type TotalHotkeyStake<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, Balance, ValueQuery>;

	/// All stake on hold: active and unbonding, on every hotkey.
	#[pallet::storage]
	pub type TotalStake<T: Config> = StorageValue<_, Balance, ValueQuery>;

	/// The take of each owned hotkey; set to [`Config::DefaultTake`] when it is claimed.
	#[pallet::storage]
	pub type Takes<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, Perbill, ValueQuery>;

	/// The block of each hotkey's last take increase.
	#[pallet::storage]
	pub type LastTakeIncrease<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, BlockNumberFor<T>>;

	/// Hotkeys that offer to author blocks.
	#[pallet::storage]
	pub type AuthorityCandidates<T: Config> =
		CountedStorageMap<_, Blake2_128Concat, T::AccountId, ()>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `coldkey` became the owner of `hotkey`.
		HotkeyClaimed { coldkey: T::AccountId, hotkey: T::AccountId },
		/// `coldkey` put `amount` more active stake on `hotkey`.
		StakeAdded { coldkey: T::AccountId, hotkey: T::AccountId, amount: Balance },
		/// `amount` of `coldkey`'s active stake on `hotkey` started unbonding.
		StakeUnbonding {
			coldkey: T::AccountId,
			hotkey: T::AccountId,
			amount: Balance,
			unlocks_at: BlockNumberFor<T>,
		},
		/// `amount` of unbonded stake went back to `coldkey`'s free balance.
		StakeWithdrawn { coldkey: T::AccountId, hotkey: T::AccountId, amount: Balance },
		/// The owner of `hotkey` set its take.
		TakeSet { hotkey: T::AccountId, take: Perbill },
		/// `hotkey` became an authority candidate.
		AuthorityOffered { hotkey: T::AccountId },
		/// `hotkey` is no longer an authority candidate.
		AuthorityRetired { hotkey: T::AccountId },
		/// Stake behind `hotkey` was slashed: `slashed == rewarded + burned`.
		Slashed { hotkey: T::AccountId, slashed: Balance, rewarded: Balance, burned: Balance },
		/// `amount` was minted as new stake on `hotkey`: its owner's take and its stakers'
		/// shares.
		RewardDistributed { hotkey: T::AccountId, amount: Balance },
		/// The authorities of session `session` were elected.
		AuthoritiesElected { session: u32, authorities: Vec<T::AccountId> },
		/// Only `qualified` candidates qualified for session `session`, fewer than
		/// [`Config::MinAuthorities`]: the current authorities stay.
		AuthoritiesKept { session: u32, qualified: u32 },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The amount is zero.
		ZeroAmount,
		/// The ledger's active stake would be below [`Config::MinStake`].
		StakeBelowMinimum,
		/// The active stake left after unbonding would be neither zero nor at least
		/// [`Config::MinStake`].
		RemainingStakeBelowMinimum,
		/// The coldkey's free balance cannot cover the amount and keep the account alive.
		InsufficientBalance,
		/// The caller is not the coldkey that owns the hotkey.
		NotHotkeyOwner,
		/// The hotkey has no owner.
		HotkeyNotOwned,
		/// Another coldkey owns the hotkey.
		HotkeyOwnedByAnotherColdkey,
		/// The coldkey has no stake on the hotkey.
		NoStake,
		/// The amount is more than the active stake.
		InsufficientStake,
		/// The hotkey already has [`Config::MaxStakersPerHotkey`] stakers.
		TooManyStakers,
		/// The coldkey already stakes on [`Config::MaxHotkeysPerColdkey`] hotkeys.
		TooManyHotkeys,
		/// The ledger already has [`Config::MaxUnbondingChunks`] unbonding chunks.
		TooManyUnbondingChunks,
		/// No unbonding chunk has unlocked yet.
		NothingToWithdraw,
		/// The take is above [`Config::MaxTake`].
		TakeTooHigh,
		/// The take was raised less than [`Config::TakeIncreaseRateLimit`] blocks ago.
		TakeIncreaseRateLimited,
		/// The hotkey has no active stake.
		HotkeyHasNoStake,
		/// The hotkey is already an authority candidate.
		AlreadyCandidate,
		/// The hotkey is not an authority candidate.
		NotCandidate,
		/// There are already [`Config::MaxAuthorityCandidates`] candidates.
		TooManyCandidates,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MinStake::get() > 0, "MinStake must be positive");
			assert!(T::MaxStakersPerHotkey::get() > 0, "MaxStakersPerHotkey must be positive");
			assert!(T::MaxHotkeysPerColdkey::get() > 0, "MaxHotkeysPerColdkey must be positive");
			assert!(T::MaxUnbondingChunks::get() > 0, "MaxUnbondingChunks must be positive");
			assert!(T::DefaultTake::get() <= T::MaxTake::get(), "DefaultTake exceeds MaxTake");
			assert!(T::MinAuthorities::get() > 0, "MinAuthorities must be at least 1");
			assert!(
				T::MinAuthorities::get() <= T::MaxAuthorities::get(),
				"MinAuthorities exceeds MaxAuthorities"
			);
			assert!(
				T::MaxAuthorities::get() <= T::MaxAuthorityCandidates::get(),
				"MaxAuthorities exceeds MaxAuthorityCandidates"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::genesis_config]
	pub struct GenesisConfig<T: Config> {
		/// `(coldkey, hotkey, amount)`: stake held at genesis. The first coldkey to stake on a
		/// hotkey becomes its owner. Balances must already hold the amounts.
		pub stakes: Vec<(T::AccountId, T::AccountId, Balance)>,
		/// Hotkeys that offer to author blocks from genesis; each must have stake.
		pub authority_candidates: Vec<T::AccountId>,
	}

	impl<T: Config> Default for GenesisConfig<T> {
		fn default() -> Self {
			Self { stakes: Vec::new(), authority_candidates: Vec::new() }
		}
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (coldkey, hotkey, amount) in &self.stakes {
				if let Err(e) = Pallet::<T>::do_add_stake(coldkey, hotkey, *amount) {
					panic!("stake genesis: {coldkey:?} cannot stake {amount} on {hotkey:?}: {e:?}");
				}
			}
			for hotkey in &self.authority_candidates {
				if let Err(e) = Pallet::<T>::do_offer_authority(hotkey) {
					panic!("stake genesis: {hotkey:?} cannot be an authority candidate: {e:?}");
				}
			}
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Puts `amount` of the caller's free balance on hold as active stake on `hotkey`.
		///
		/// Staking on a hotkey that nobody owns claims it: the caller becomes its owner.
		///
		/// - Origin: signed by the coldkey.
		/// - `hotkey`: the hotkey to stake on.
		/// - `amount`: planck to stake; the ledger's active stake afterwards must be at least
		///   [`Config::MinStake`] (a top-up of an existing stake can be smaller).
		///
		/// Errors: [`Error::ZeroAmount`], [`Error::StakeBelowMinimum`],
		/// [`Error::TooManyStakers`] and [`Error::TooManyHotkeys`] for a new ledger,
		/// [`Error::InsufficientBalance`] when the free balance cannot cover `amount` and keep
		/// the account alive.
		///
		/// Events: [`Event::HotkeyClaimed`] when the hotkey had no owner, then
		/// [`Event::StakeAdded`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::add_stake())]
		pub fn add_stake(
			origin: OriginFor<T>,
			hotkey: T::AccountId,
			#[pallet::compact] amount: Balance,
		) -> DispatchResult {
			let coldkey = ensure_signed(origin)?;
			Self::do_add_stake(&coldkey, &hotkey, amount)
		}

		/// Moves `amount` of the caller's active stake on `hotkey` into an unbonding chunk that
		/// unlocks the unbonding period (a network parameter) from now. It stays held and slashable until then.
		///
		/// - Origin: signed by the coldkey.
		/// - `hotkey`: the hotkey staked on.
		/// - `amount`: planck to unbond; the active stake left must be zero or at least
		///   [`Config::MinStake`].
		///
		/// Errors: [`Error::ZeroAmount`], [`Error::NoStake`], [`Error::InsufficientStake`],
		/// [`Error::RemainingStakeBelowMinimum`], [`Error::TooManyUnbondingChunks`] (a chunk
		/// unlocking in the same block is merged instead).
		///
		/// Events: [`Event::StakeUnbonding`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::remove_stake())]
		pub fn remove_stake(
			origin: OriginFor<T>,
			hotkey: T::AccountId,
			#[pallet::compact] amount: Balance,
		) -> DispatchResult {
			let coldkey = ensure_signed(origin)?;
			Self::do_remove_stake(&coldkey, &hotkey, amount)
		}

		/// Releases every unbonding chunk of the caller's ledger on `hotkey` that has unlocked.
		/// A ledger left empty is removed.
		///
		/// - Origin: signed by the coldkey.
		/// - `hotkey`: the hotkey staked on.
		///
		/// Errors: [`Error::NoStake`], [`Error::NothingToWithdraw`] when no chunk has unlocked.
		///
		/// Events: [`Event::StakeWithdrawn`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::withdraw_unbonded())]
		pub fn withdraw_unbonded(origin: OriginFor<T>, hotkey: T::AccountId) -> DispatchResult {
			let coldkey = ensure_signed(origin)?;
			Self::do_withdraw_unbonded(&coldkey, &hotkey)
		}

		/// Sets the owner's cut of `hotkey`'s rewards. A decrease takes effect at once; an
		/// increase only once per [`Config::TakeIncreaseRateLimit`] blocks.
		///
		/// - Origin: signed by the coldkey that owns `hotkey`.
		/// - `hotkey`: the owned hotkey.
		/// - `take`: the new take, at most [`Config::MaxTake`].
		///
		/// Errors: [`Error::HotkeyNotOwned`], [`Error::NotHotkeyOwner`], [`Error::TakeTooHigh`],
		/// [`Error::TakeIncreaseRateLimited`].
		///
		/// Events: [`Event::TakeSet`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_take())]
		pub fn set_take(
			origin: OriginFor<T>,
			hotkey: T::AccountId,
			take: Perbill,
		) -> DispatchResult {
			let coldkey = ensure_signed(origin)?;
			Self::do_set_take(&coldkey, &hotkey, take)
		}

		/// Makes the calling hotkey an authority candidate: from the next election on it can be
		/// picked to author blocks, if its stake ranks high enough and it has registered session
		/// keys.
		///
		/// - Origin: signed by the hotkey.
		///
		/// Errors: [`Error::HotkeyNotOwned`], [`Error::HotkeyHasNoStake`],
		/// [`Error::AlreadyCandidate`], [`Error::TooManyCandidates`].
		///
		/// Events: [`Event::AuthorityOffered`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::offer_authority())]
		pub fn offer_authority(origin: OriginFor<T>) -> DispatchResult {
			let hotkey = ensure_signed(origin)?;
			Self::do_offer_authority(&hotkey)
		}

		/// Withdraws the calling hotkey from the authority candidates. An authority already
		/// elected serves until the next session change.
		///
		/// - Origin: signed by the hotkey.
		///
		/// Errors: [`Error::NotCandidate`].
		///
		/// Events: [`Event::AuthorityRetired`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::retire_authority())]
		pub fn retire_authority(origin: OriginFor<T>) -> DispatchResult {
			let hotkey = ensure_signed(origin)?;
			ensure!(AuthorityCandidates::<T>::contains_key(&hotkey), Error::<T>::NotCandidate);
			AuthorityCandidates::<T>::remove(&hotkey);
			Self::deposit_event(Event::AuthorityRetired { hotkey });
			Ok(())
		}
	}
}
