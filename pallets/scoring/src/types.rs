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

/// A [`UidRow`]'s storage bytes seen as little-endian `u32` words, `uid | value << 16`: the
/// same four bytes as the `(uid, value)` pair, so a row encodes and decodes to exactly the
/// bytes of a [`UidRow`] with the same entries. codec copies `u32` words in bulk where it
/// takes `(u16, u16)` pairs one at a time, so the epoch, which reads and writes every
/// validator's rows, goes through this type (see [`crate::Pallet`]'s epoch).
#[derive(Encode, Decode, Default, PartialEq, Eq, Debug)]
pub(crate) struct PackedRow(pub alloc::vec::Vec<u32>);

impl PackedRow {
	/// The words of `(uid, value)` pairs.
	pub(crate) fn from_pairs(pairs: &[(Uid, u16)]) -> Self {
		Self(pairs.iter().map(|&(uid, value)| u32::from(uid) | (u32::from(value) << 16)).collect())
	}

	/// The `(uid, value)` pairs of the words.
	pub(crate) fn into_pairs(self) -> alloc::vec::Vec<(Uid, u16)> {
		let low = |word: u32| u16::try_from(word & 0xFFFF).unwrap_or(u16::MAX);
		self.0.into_iter().map(|word| (low(word), low(word >> 16))).collect()
	}
}

/// A [`WeightsRow`] read with its weights as a [`PackedRow`] (the same bytes).
#[derive(Decode)]
pub(crate) struct PackedWeightsRow<BlockNumber> {
	/// [`WeightsRow::set_at`].
	pub set_at: BlockNumber,
	/// [`WeightsRow::weights`].
	pub weights: PackedRow,
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
