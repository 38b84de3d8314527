//! The traits through which Verity's pallets use each other, instead of reaching into each
//! other's storage.

use crate::{
	stake::SlashOutcome,
	subnets::{Hyperparameters, ModelCommitment, NetUid, Uid},
	Balance,
};
use alloc::vec::Vec;
use polkadot_sdk::sp_runtime::{DispatchError, DispatchResult, Perbill};

/// Stake, hotkey ownership and slashing, implemented by `pallet-stake`.
pub trait StakeInterface<AccountId> {
	/// The coldkey that owns `hotkey`, if any.
	fn hotkey_owner(hotkey: &AccountId) -> Option<AccountId>;

	/// Makes `coldkey` the owner of `hotkey`. Succeeds when it already is; fails when another
	/// coldkey owns it: a hotkey belongs to one coldkey.
	fn bind_hotkey(coldkey: &AccountId, hotkey: &AccountId) -> DispatchResult;

	/// The active stake on `hotkey` from all coldkeys.
	fn total_stake(hotkey: &AccountId) -> Balance;

	/// Takes `fraction` of every stake behind `hotkey` — the owner's, its delegators' and their
	/// unbonding chunks — and moves `beneficiary.1` of it to `beneficiary.0`, burning the
	/// rest. Every unit is accounted for in the outcome.
	fn slash(
		hotkey: &AccountId,
		fraction: Perbill,
		beneficiary: Option<(AccountId, Perbill)>,
	) -> SlashOutcome;

	/// Mints `amount` as new stake on `hotkey`: its owner's take first, the rest pro rata to
	/// every coldkey staking on it. Returns what was minted.
	fn distribute_reward(hotkey: &AccountId, amount: Balance) -> Result<Balance, DispatchError>;
}

/// Subnets and their neurons, implemented by `pallet-subnets`.
pub trait SubnetsInterface<AccountId> {
	/// The identifiers of all subnets, ascending.
	fn netuids() -> Vec<NetUid>;

	/// The coldkey that owns the subnet, if it exists.
	fn subnet_owner(netuid: NetUid) -> Option<AccountId>;

	/// The subnet's hyperparameters, if it exists.
	fn hyperparameters(netuid: NetUid) -> Option<Hyperparameters>;

	/// How many neurons the subnet holds (UIDs are `0..neuron_count`).
	fn neuron_count(netuid: NetUid) -> u16;

	/// The UID of `hotkey` on the subnet.
	fn uid_of(netuid: NetUid, hotkey: &AccountId) -> Option<Uid>;

	/// The hotkey at `uid` on the subnet.
	fn hotkey_of(netuid: NetUid, uid: Uid) -> Option<AccountId>;

	/// The model the neuron at `uid` committed to.
	fn model_commitment(netuid: NetUid, uid: Uid) -> Option<ModelCommitment>;

	/// Records the scores that decide which neuron a full subnet replaces; `scores[uid]` for
	/// each UID, extra entries ignored.
	fn set_pruning_scores(netuid: NetUid, scores: &[u16]);
}
