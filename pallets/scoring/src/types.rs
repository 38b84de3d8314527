//! The types this pallet stores.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{
	sp_core::{ConstU32, H256},
	sp_runtime::BoundedVec,
};
use scale_info::TypeInfo;
use verity_primitives::subnets::{Uid, MAX_UIDS_LIMIT};

/// The most entries a row over a subnet's UIDs holds.
pub type MaxRowLen = ConstU32<{ MAX_UIDS_LIMIT as u32 }>;

/// A sparse row over a subnet's UIDs: `(uid, value)`, strictly ascending by UID.
pub type UidRow = BoundedVec<(Uid, u16), MaxRowLen>;

/// The UIDs of a weights call.
pub type WeightUids = BoundedVec<Uid, MaxRowLen>;

/// The weights of a weights call, one per UID.
pub type WeightValues = BoundedVec<u16, MaxRowLen>;

/// A validator's weights as it last set (or revealed) them.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, PartialEq, Eq, Debug,
)]
pub struct WeightsRow<BlockNumber> {
	/// The block the weights were set in. Entries on neurons registered after it are stale.
	///
	/// The first field, so that [`crate::Pallet`] can read it without decoding the row.
	pub set_at: BlockNumber,
	/// `(uid, weight)`, strictly ascending by UID, without zero weights; never empty. Raw
	/// weights: the epoch normalises the row.
	pub weights: UidRow,
}

/// A validator's commitment to weights it will reveal later.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	PartialEq,
	Eq,
	Debug,
)]
pub struct WeightCommit<BlockNumber> {
	/// `weights_commit_hash` of the weights to reveal.
	pub hash: H256,
	/// The subnet's epoch index when committed: the reveal belongs in epoch
	/// `epoch + commit_reveal_period`.
	pub epoch: u64,
	/// The block of the commitment (for the rate limit).
	pub block: BlockNumber,
}
