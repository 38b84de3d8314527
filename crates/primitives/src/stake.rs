//! Stake: the types `pallet-stake` reports through the runtime API and to other pallets.

use crate::{Balance, BlockNumber};
use alloc::vec::Vec;
use codec::{Decode, Encode};
use polkadot_sdk::sp_runtime::Perbill;
use scale_info::TypeInfo;

/// What a slash took, to the unit: `slashed == rewarded + burned`.
#[derive(Clone, Copy, Default, Encode, Decode, TypeInfo, PartialEq, Eq, Debug)]
pub struct SlashOutcome {
	/// Everything taken from the hotkey's stakers (active and unbonding).
	pub slashed: Balance,
	/// The part moved to the beneficiary.
	pub rewarded: Balance,
	/// The part burned.
	pub burned: Balance,
}

/// Stake an account holds or attracts, as the runtime API reports it.
#[derive(Clone, Encode, Decode, TypeInfo, PartialEq, Eq, Debug)]
pub struct StakeView<AccountId> {
	/// The account asked about.
	pub account: AccountId,
	/// As a coldkey: its stake on each hotkey.
	pub positions: Vec<StakePosition<AccountId>>,
	/// As a hotkey, when it has an owner.
	pub hotkey: Option<HotkeyStakeView<AccountId>>,
}

/// One coldkey's stake on one hotkey.
#[derive(Clone, Encode, Decode, TypeInfo, PartialEq, Eq, Debug)]
pub struct StakePosition<AccountId> {
	/// The hotkey staked on.
	pub hotkey: AccountId,
	/// Active stake: counted for the hotkey, earns rewards, can be slashed.
	pub active: Balance,
	/// Stake leaving: still held and slashable until it unlocks.
	pub unbonding: Vec<UnbondingChunk>,
}

/// Stake on its way out.
#[derive(Clone, Copy, Encode, Decode, TypeInfo, PartialEq, Eq, Debug)]
pub struct UnbondingChunk {
	/// How much.
	pub amount: Balance,
	/// The first block `withdraw_unbonded` releases it in.
	pub unlocks_at: BlockNumber,
}

/// A hotkey's side of the stake.
#[derive(Clone, Encode, Decode, TypeInfo, PartialEq, Eq, Debug)]
pub struct HotkeyStakeView<AccountId> {
	/// The coldkey that owns the hotkey.
	pub owner: AccountId,
	/// Active stake on the hotkey from all coldkeys.
	pub total: Balance,
	/// The owner's cut of the hotkey's rewards before delegators share the rest.
	pub take: Perbill,
	/// How many coldkeys stake on it (the owner included, when it does).
	pub stakers: u32,
	/// Whether it offers itself as a block author.
	pub authority_candidate: bool,
}
