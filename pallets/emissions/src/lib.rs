//! # Emissions pallet
//!
//! The issuance schedule of VRT: a block reward that halves as issuance approaches its cap,
//! shared among subnets by the stake behind their permitted validators, and paid out at each
//! subnet's epoch to its owner, its miners and its validators.
//!
//! ## Terms
//!
//! - **Issued** ([`Issued`]) is everything this pallet has minted. It never exceeds
//!   [`Config::IssuanceCap`].
//! - The **block reward** starts at [`Config::BlockReward`] and halves each time [`Issued`]
//!   reaches one of the thresholds `cap · (1 − 2^-k)`, `k ≥ 1` (1/2, 3/4, 7/8, … of the cap): with
//!   `k` thresholds reached it is `BlockReward >> k`, and zero once the cap is reached (see
//!   [`Pallet::block_reward`]).
//! - A block's reward **accrues** to the subnets in proportion to their **permitted stake** (the
//!   stake behind their permitted validators, as `pallet-scoring` reported it at their last
//!   epoch). Accrual is O(1) per block: it advances two global accumulators,
//!   [`RewardPerStake`] (reward per planck of permitted stake, scaled by
//!   [`types::REWARD_PER_STAKE_SCALE`]) and [`TotalAccrued`]; each subnet keeps a snapshot of both
//!   in [`SubnetEmission`]. With no permitted stake anywhere, a block accrues nothing.
//! - A subnet's **pending** emission is `permitted_stake × (RewardPerStake − snapshot) / SCALE`,
//!   at most the `max_subnet_share` network parameter of everything accrued since its snapshot, and at most what is
//!   left under the cap.
//! - At the end of a subnet's epoch ([`EmissionPayout::pay_epoch`]) its pending emission is
//!   **minted** and split by the `emission_split` network parameter: the owner's part to the subnet owner's coldkey, the
//!   miners' part by incentive to each miner's coldkey, the validators' part by dividends as new
//!   stake on each validator's hotkey (shared with its delegators by `pallet-stake`). Only what
//!   is actually paid is minted: rounding dust and payments that fail (a hotkey without owner,
//!   an amount below the existential deposit) are never minted. A subnet's first epoch pays
//!   nothing and opens its entry; a dissolved subnet forfeits what it had pending.
//! - **Burned** ([`Burned`]) counts every VRT destroyed outside the balances pallet's own
//!   bookkeeping: registration burns and slashes (through [`BurnLedger`]), transaction fees and
//!   dust (through this pallet's `OnUnbalanced` implementation).
//!
//! ## Invariants
//!
//! Checked by [`Pallet::do_try_state`] after every test and by `try-runtime`:
//! - total issuance equals [`GenesisIssuance`] + [`Issued`] − [`Burned`], to the unit;
//! - [`Issued`] is at most [`Config::IssuanceCap`];
//! - [`TotalPermittedStake`] is the sum of the entries' permitted stake;
//! - the entries' `paid` sum to at most [`Issued`];

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod interface;
#[cfg(any(feature = "try-runtime", test))]
mod invariants;
#[cfg(test)]
mod mock;
mod payout;
mod schedule;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use pallet::*;
pub use types::{SubnetEmissionInfo, REWARD_PER_STAKE_SCALE};
pub use verity_primitives::traits::{BurnLedger, EmissionPayout, SubnetLifecycle};
pub use weights::WeightInfo;

use polkadot_sdk::{frame_support, frame_system};

// FRAME's macros generate `expect` calls (the pallet's name in `PalletInfo`, which
// `construct_runtime!` guarantees); this module's own code has none.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{pallet_prelude::*, traits::fungible};
	use frame_system::pallet_prelude::*;
	use verity_primitives::{
		subnets::NetUid,
		traits::{NetworkParametersInterface, StakeInterface, SubnetsInterface},
		Balance,
	};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The native currency: emissions mint into it; fees and dust burned through
		/// `OnUnbalanced`.
		type Currency: fungible::Mutate<Self::AccountId, Balance = Balance>
			+ fungible::Balanced<Self::AccountId, Balance = Balance>;

		/// Hotkey owners, and minting validators' rewards as stake.
		type Stake: StakeInterface<Self::AccountId>;

		/// Subnet owners.
		type Subnets: SubnetsInterface<Self::AccountId>;

		/// The network parameters governance sets: the split and the share cap are read from
		/// there.
		type Parameters: NetworkParametersInterface<BlockNumberFor<Self>>;

		/// The block reward before any halving, in planck. At most
		/// `u128::MAX / REWARD_PER_STAKE_SCALE`.
		#[pallet::constant]
		type BlockReward: Get<Balance>;

		/// The most this pallet will ever mint, in planck.
		#[pallet::constant]
		type IssuanceCap: Get<Balance>;

		/// Weights of this pallet's calls, hook and the work it does for other pallets.
		type WeightInfo: WeightInfo;

		/// Builds the subnets and neurons the `pay_epoch` benchmark pays.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: verity_primitives::traits::NetworkBenchmarkHelper<Self::AccountId>;
	}

	/// Everything this pallet has minted, in planck. At most [`Config::IssuanceCap`].
	#[pallet::storage]
	pub type Issued<T: Config> = StorageValue<_, Balance, ValueQuery>;

	/// Everything burned since genesis outside the balances pallet's own bookkeeping
	/// (registration burns, slashes, transaction fees, dust), in planck.
	#[pallet::storage]
	pub type Burned<T: Config> = StorageValue<_, Balance, ValueQuery>;

	/// The balances pallet's total issuance when this pallet's genesis was built.
	#[pallet::storage]
	pub type GenesisIssuance<T: Config> = StorageValue<_, Balance, ValueQuery>;

	/// Block reward accrued per planck of permitted stake since genesis, times
	/// [`REWARD_PER_STAKE_SCALE`]. A modular accumulator: it wraps at `2^128` and only
	/// differences from a subnet's snapshot (taken with wrapping subtraction) carry meaning.
	#[pallet::storage]
	pub type RewardPerStake<T: Config> = StorageValue<_, u128, ValueQuery>;

	/// The sum of every block reward accrued since genesis (blocks without permitted stake accrue
	/// nothing), in planck. Modular like [`RewardPerStake`].
	#[pallet::storage]
	pub type TotalAccrued<T: Config> = StorageValue<_, Balance, ValueQuery>;

	/// The sum of the permitted stake of every entry of [`SubnetEmission`].
	#[pallet::storage]
	pub type TotalPermittedStake<T: Config> = StorageValue<_, Balance, ValueQuery>;

	/// Each subnet's weight in the accrual and its snapshots, from its first epoch until it is
	/// dissolved.
	#[pallet::storage]
	pub type SubnetEmission<T: Config> =
		StorageMap<_, Twox64Concat, NetUid, SubnetEmissionInfo, OptionQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A subnet's epoch paid out what it had accrued:
		/// `accrued == owner + miners + validators + unminted`. Only `unminted` was not minted.
		EpochPaid {
			netuid: NetUid,
			accrued: Balance,
			owner: Balance,
			miners: Balance,
			validators: Balance,
			unminted: Balance,
		},
		/// A dissolved subnet forfeited what it had accrued since its last epoch; it is never
		/// minted.
		EmissionForfeited { netuid: NetUid, pending: Balance },
		/// A reward outside the epoch payout (an audit's) was minted as stake on `hotkey`.
		RewardIssued { hotkey: T::AccountId, amount: Balance },
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Accrues this block's reward to the subnets (O(1); no event).
		fn on_initialize(_n: BlockNumberFor<T>) -> Weight {
			Self::accrue_block_reward();
			T::WeightInfo::on_initialize()
		}

		fn integrity_test() {
			assert!(T::BlockReward::get() > 0, "BlockReward must be positive");
			assert!(
				T::BlockReward::get() <= T::IssuanceCap::get(),
				"BlockReward must not exceed IssuanceCap"
			);
			assert!(
				T::BlockReward::get().checked_mul(REWARD_PER_STAKE_SCALE).is_some(),
				"BlockReward times REWARD_PER_STAKE_SCALE must fit in u128"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(
			_n: BlockNumberFor<T>,
		) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			// The balances pallet's genesis has been built already (it comes first in the
			// runtime): every later change of issuance is accounted for from here.
			GenesisIssuance::<T>::put(
				<T::Currency as fungible::Inspect<T::AccountId>>::total_issuance(),
			);
		}
	}
}
