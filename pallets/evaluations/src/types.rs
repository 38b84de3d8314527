//! The types this pallet stores.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{
	sp_core::{ConstU32, H256},
	sp_runtime::BoundedVec,
};
use scale_info::TypeInfo;
use verity_primitives::{
	evaluations::{
		EvaluationRecord, RevealedLeaf, MAX_EVALUATIONS_PER_BATCH, MAX_LAYER_WIDTH,
		MAX_MODEL_LAYERS,
	},
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
	/// The leaves first differ at `position` and the model is above the referee's bound: both
	/// parties reveal their trace of that sample (`reveal_trace`).
	Tracing {
		/// The position (in selection order) of the first differing leaf.
		position: u32,
		/// The validator's leaf there.
		validator_leaf: RevealedLeaf,
		/// The auditor's leaf there.
		auditor_leaf: RevealedLeaf,
	},
	/// The traces first differ at a layer: both parties reveal its outputs (`reveal_layer`).
	Bisecting {
		/// The disputed sample.
		narrowing: Narrowing,
		/// The layer.
		layer: LayerDispute,
	},
	/// Narrowed down: the referee recomputes one output element (or, when the traces agree on
	/// every layer, checks the leaves' other parts) from `resolve_narrowed`'s evidence.
	Narrowed {
		/// The disputed sample.
		narrowing: Narrowing,
		/// The disputed element; `None` when the traces agree on every layer.
		element: Option<ElementDispute>,
	},
}

impl DisputePhase {
	/// Whether the parties reveal something in this phase (leaves, traces or outputs).
	pub fn is_revealing(&self) -> bool {
		matches!(self, Self::Revealing | Self::Tracing { .. } | Self::Bisecting { .. })
	}
}

/// What a party's trace claims of the disputed sample's leaf, besides its logits.
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
pub struct SampleClaim {
	/// The sample's dataset index.
	pub index: u32,
	/// The sample's hash in the dataset root.
	pub sample_hash: H256,
	/// The class its logits predict.
	pub predicted: u32,
	/// The score its leaf gives the sample.
	pub score: u32,
}

impl SampleClaim {
	/// Whether the claim is right about the sample at dataset `index` with hash `sample_hash`
	/// and label `label`: the same index and hash, and the score its predicted class earns.
	pub fn is_right(&self, index: u32, sample_hash: &H256, label: u8) -> bool {
		self.index == index
			&& self.sample_hash == *sample_hash
			&& self.score == u32::from(self.predicted == u32::from(label))
	}
}

/// A dispute over one sample of a model above the referee's bound, once both traced it.
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
pub struct Narrowing {
	/// The position (in selection order) of the disputed sample.
	pub position: u32,
	/// The model's input size and output size (from its header).
	pub model_shape: (u32, u32),
	/// The number of leaves of the model root.
	pub model_leaves: u32,
	/// The validator's claim.
	pub validator: SampleClaim,
	/// The auditor's claim.
	pub auditor: SampleClaim,
}

/// The first layer whose outputs the parties' traces disagree on.
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
pub struct LayerDispute {
	/// The layer, from 0.
	pub layer: u32,
	/// The model leaf of its first weight row (its biases follow its rows, then its
	/// requantization).
	pub first_leaf: u32,
	/// Its input size and output size.
	pub shape: (u32, u32),
	/// The activations hash of its input, on which both traces agree; `None` for the first
	/// layer, whose input is the sample.
	pub input_hash: Option<H256>,
	/// The validator's activations hash of its outputs.
	pub validator_hash: H256,
	/// The auditor's.
	pub auditor_hash: H256,
}

/// The first output element of a layer that the parties' outputs disagree on.
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
pub struct ElementDispute {
	/// The layer.
	pub layer: LayerDispute,
	/// The output element, from 0.
	pub element: u32,
	/// The validator's value of it.
	pub validator_value: u8,
	/// The auditor's.
	pub auditor_value: u8,
}

/// What the first party of a narrowing phase revealed, until the other does.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, PartialEq, Eq, Debug,
)]
pub enum Claim {
	/// Its trace (`Tracing`): its leaf's other parts and the layers' activations hashes.
	Trace {
		/// Its leaf's other parts.
		sample: SampleClaim,
		/// The activations hash of each layer's outputs.
		layers: BoundedVec<H256, ConstU32<MAX_MODEL_LAYERS>>,
	},
	/// The disputed layer's outputs (`Bisecting`).
	Outputs(BoundedVec<u8, ConstU32<MAX_LAYER_WIDTH>>),
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
	/// The referee recomputed one output element of the disputed sample (or the leaves' other
	/// parts) after narrowing.
	Narrowed,
}
