//! The types this pallet stores.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{
	sp_core::{ConstU32, H256},
	sp_runtime::BoundedVec,
};
use scale_info::TypeInfo;
use verity_primitives::{
	evaluations::{EvaluationRecord, RevealedLeaf, MAX_EVALUATIONS_PER_BATCH},
	subnets::{NetUid, Uid, MAX_UIDS_LIMIT},
};

/// Audits and the disputes they turn into share one numbering.
pub type AuditId = u64;

/// The most batches whose audits one block draws.
pub const MAX_DRAWS_PER_BLOCK: u32 = 64;
/// The most audit and dispute deadlines that fall in one block.
pub const MAX_DEADLINES_PER_BLOCK: u32 = 512;

/// The randomness an epoch's samples are drawn from.
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
pub struct EpochSeed<BlockNumber> {
	/// The randomness.
	pub randomness: H256,
	/// The first block in which it could be known: models committed from then on are too
	/// recent to be evaluated with it.
	pub known_since: BlockNumber,
}

/// Words of a bitmap with one bit per possible UID.
pub const UID_BITMAP_WORDS: usize = MAX_UIDS_LIMIT as usize / 64;

/// The miners a validator has evaluated in an epoch: one bit per UID.
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
pub struct EvaluatedMiners {
	/// The epoch.
	pub epoch: u64,
	/// Bit `uid % 64` of word `uid / 64` is set for each miner evaluated.
	pub miners: [u64; UID_BITMAP_WORDS],
}

/// A batch whose audits are drawn at a later block, from that block's randomness: the
/// evaluations that have a result root, with everything an audit needs.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, PartialEq, Eq, Debug,
)]
pub struct AuditDraw<AccountId> {
	/// The subnet.
	pub netuid: NetUid,
	/// The validator's UID.
	pub validator_uid: Uid,
	/// The validator's hotkey.
	pub validator: AccountId,
	/// The epoch the batch belongs to.
	pub epoch: u64,
	/// The evaluations, by miner UID.
	pub records: BoundedVec<(Uid, EvaluationRecord), ConstU32<MAX_EVALUATIONS_PER_BATCH>>,
}

/// One evaluation drawn for an audit, waiting for its auditor's result root.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, PartialEq, Eq, Debug,
)]
pub struct Audit<AccountId, BlockNumber> {
	/// The subnet.
	pub netuid: NetUid,
	/// The miner evaluated.
	pub miner: Uid,
	/// The validator's UID and hotkey.
	pub validator_uid: Uid,
	/// The validator's hotkey.
	pub validator: AccountId,
	/// The auditor's hotkey (another operator's permitted validator).
	pub auditor: AccountId,
	/// The evaluation to re-execute.
	pub record: EvaluationRecord,
	/// The subnet's dataset root and samples per evaluation when drawn.
	pub dataset_root: H256,
	/// How many samples the evaluation ran on.
	pub samples: u32,
	/// The first block in which the audit has expired.
	pub deadline: BlockNumber,
}

/// Where a dispute stands.
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
pub enum DisputePhase {
	/// Both parties reveal their leaves.
	Revealing,
	/// The leaves first differ at `position`: the referee recomputes that sample.
	Refereeing {
		/// The position (in selection order) of the first differing leaf.
		position: u32,
		/// The validator's leaf there.
		validator_leaf: RevealedLeaf,
		/// The auditor's leaf there.
		auditor_leaf: RevealedLeaf,
	},
}

/// An audit whose result root differed from the validator's.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, PartialEq, Eq, Debug,
)]
pub struct Dispute<AccountId, BlockNumber> {
	/// The audit it comes from.
	pub audit: Audit<AccountId, BlockNumber>,
	/// The auditor's result root.
	pub auditor_root: H256,
	/// Where it stands.
	pub phase: DisputePhase,
	/// The first block in which the current phase has expired.
	pub deadline: BlockNumber,
}

/// Something that expires at a block.
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
pub enum Deadline {
	/// An audit nobody answered.
	Audit(AuditId),
	/// A dispute phase that ran out.
	Dispute(AuditId),
}

/// Why a dispute ended.
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
pub enum Verdict {
	/// The referee recomputed the first differing sample.
	Referee,
	/// A party did not reveal its leaves in time.
	NotRevealed,
	/// Nobody brought the referee its evidence in time.
	NoEvidence,
}
