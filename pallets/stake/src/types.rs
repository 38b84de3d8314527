//! The records the pallet stores.

use crate::Config;
use codec::{Decode, Encode, MaxEncodedLen};
use polkadot_sdk::{
	frame_support::{
		BoundedVec, CloneNoBound, DebugNoBound, DefaultNoBound, EqNoBound, PartialEqNoBound,
	},
	frame_system::pallet_prelude::BlockNumberFor,
};
use scale_info::TypeInfo;
use verity_primitives::Balance;

/// Stake leaving a ledger: still held and slashable until `unlocks_at`.
#[derive(
	Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct UnbondingChunk<T: Config> {
	/// How much, in planck.
	pub amount: Balance,
	/// The first block in which `withdraw_unbonded` releases it.
	pub unlocks_at: BlockNumberFor<T>,
}

/// One coldkey's stake on one hotkey.
///
/// A stored ledger is never empty: once its active stake and every chunk are gone it is removed.
#[derive(
	Encode,
	Decode,
	MaxEncodedLen,
	TypeInfo,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	DefaultNoBound,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct StakeLedger<T: Config> {
	/// Active stake: counted for the hotkey, earns rewards, can be slashed.
	pub active: Balance,
	/// Stake on its way out, in the order it was unbonded (so by ascending `unlocks_at`).
	pub unbonding: BoundedVec<UnbondingChunk<T>, T::MaxUnbondingChunks>,
}

impl<T: Config> StakeLedger<T> {
	/// The stake still unbonding.
	pub fn unbonding_total(&self) -> Balance {
		self.unbonding.iter().fold(0, |sum, chunk| sum.saturating_add(chunk.amount))
	}

	/// Everything the ledger holds: active and unbonding.
	pub fn total(&self) -> Balance {
		self.active.saturating_add(self.unbonding_total())
	}

	/// Whether nothing is left in the ledger.
	pub fn is_empty(&self) -> bool {
		self.active == 0 && self.unbonding.iter().all(|chunk| chunk.amount == 0)
	}
}
