//! The types this pallet stores.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{
	sp_core::{ConstU32, H256},
	sp_runtime::BoundedVec,
};
use scale_info::TypeInfo;
use verity_primitives::subnets::{Uid, MAX_UIDS_LIMIT};

/// The most entries a row over a subnet's UIDs holds.
pub type MaxRowLen = ConstU32<{ MAX_UIDS_LIMIT as u32 }>;

/// A sparse row over a subnet's UIDs: `(uid, value)`, strictly ascending by UID, at most
/// [`MaxRowLen`] entries.
///
/// It is kept as little-endian `u32` words, `uid | value << 16`: the same four bytes as the
/// pair, so it encodes exactly as a `BoundedVec<(Uid, u16), MaxRowLen>` and has that type's
/// metadata, but codec copies a row of words in bulk where it would encode and decode pairs one
/// field at a time (the epoch reads every validator's weights and bonds rows and writes its
/// bonds).
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, PartialEq, Eq, Debug, Default,
)]
pub struct UidRow(BoundedVec<u32, MaxRowLen>);

impl UidRow {
	/// The first [`MaxRowLen`] of `entries`.
	pub fn truncate_from(entries: Vec<(Uid, u16)>) -> Self {
		let words = entries
			.iter()
			.take(usize::from(MAX_UIDS_LIMIT))
			.map(|&(uid, value)| verity_yuma::entry(uid, value))
			.collect();
		Self(BoundedVec::truncate_from(words))
	}

	/// The entries, in order.
	pub fn iter(&self) -> impl Iterator<Item = (Uid, u16)> + '_ {
		self.0.iter().map(|&word| verity_yuma::unpack_entry(word))
	}

	/// The entries.
	pub fn into_inner(self) -> Vec<(Uid, u16)> {
		self.iter().collect()
	}

	/// The first [`MaxRowLen`] of `words`, packed entries as [`verity_yuma::SparseRow`] has
	/// them (the same layout).
	pub fn from_words(words: Vec<u32>) -> Self {
		Self(BoundedVec::truncate_from(words))
	}

	/// The packed entries, as [`verity_yuma::SparseRow`] takes them (no copy).
	pub fn into_words(self) -> Vec<u32> {
		self.0.into_inner()
	}

	/// How many entries.
	pub fn len(&self) -> usize {
		self.0.len()
	}

	/// Whether the row has no entry.
	pub fn is_empty(&self) -> bool {
		self.0.is_empty()
	}
}

impl TypeInfo for UidRow {
	type Identity = Self;

	fn type_info() -> scale_info::Type {
		BoundedVec::<(Uid, u16), MaxRowLen>::type_info()
	}
}

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
