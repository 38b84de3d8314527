//! The records this pallet stores.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use verity_primitives::{
	subnets::{Endpoint, Hyperparameters, ModelCommitment},
	Balance,
};

/// A subnet: who owns it, what it locked, and its hyperparameters.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, PartialEq, Eq, Debug,
)]
pub struct SubnetInfo<AccountId, BlockNumber> {
	/// The coldkey that created the subnet; the lock is held from it.
	pub owner: AccountId,
	/// The amount held from the owner (`HoldReason::SubnetLock`) until the subnet is dissolved.
	pub locked: Balance,
	/// The block the subnet was created in.
	pub created_at: BlockNumber,
	/// The subnet's hyperparameters, set by its owner inside the governance bounds.
	pub hyperparameters: Hyperparameters,
}

/// A neuron: a hotkey holding a UID on a subnet.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, PartialEq, Eq, Debug,
)]
pub struct NeuronInfo<AccountId, BlockNumber> {
	/// The neuron's hotkey.
	pub hotkey: AccountId,
	/// The block it registered in; it is immune from replacement until
	/// `registered_at + immunity_period`.
	pub registered_at: BlockNumber,
	/// Where it serves, once it has called `serve`.
	pub endpoint: Option<Endpoint>,
	/// The block of its last `serve`; meaningful only once `endpoint` is set.
	pub last_served: BlockNumber,
	/// The model it committed to, once it has called `commit_model`.
	pub model: Option<ModelCommitment>,
}
