//! Attested evaluations: what a validator submits, what `pallet-evaluations` keeps of it, and
//! the network parameters that price audits and disputes.

use crate::{
	currency::{MILLI_VRT, VRT},
	subnets::Uid,
	time::MINUTES,
	Balance, BlockNumber,
};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{
	sp_core::{ConstU32, H256},
	sp_runtime::{BoundedVec, Perbill},
};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};

/// The most evaluations one `submit_evaluations` carries; a validator sends as many batches
/// as its subnet has miners to evaluate.
pub const MAX_EVALUATIONS_PER_BATCH: u32 = 256;
/// The longest backend name in an attestation ("cpu", "gpu", …), in bytes.
pub const MAX_BACKEND_LEN: u32 = 32;
/// The longest device description in an attestation, in bytes.
pub const MAX_DEVICE_LEN: u32 = 128;
/// The largest hardware attestation (TEE quote) an attestation carries, in bytes.
pub const MAX_QUOTE_LEN: u32 = 4_096;
/// The most samples one evaluation runs on: the upper bound governance may give
/// `samples_per_evaluation`, and the most leaves a party reveals in a dispute.
pub const MAX_SAMPLES_LIMIT: u32 = 4_096;
/// The largest model the on-chain referee runs, in bytes.
pub const MAX_REFEREE_MODEL_BYTES: u32 = 256 * 1024;
/// The largest dataset sample the referee takes, in bytes (the evaluator's widest layer).
pub const MAX_REFEREE_SAMPLE_BYTES: u32 = 32_768;
/// The most siblings of a Merkle proof the referee takes.
pub const MAX_PROOF_DEPTH: u32 = 32;
/// The most layers a model has (the evaluator's `model::MAX_LAYERS`).
pub const MAX_MODEL_LAYERS: u32 = 64;
/// The most inputs or outputs a layer has (the evaluator's `model::MAX_WIDTH`).
pub const MAX_LAYER_WIDTH: u32 = 32_768;
/// The longest model header: 20 bytes and 12 per layer.
pub const MAX_MODEL_HEADER_BYTES: u32 = 20 + 12 * MAX_MODEL_LAYERS;
/// The longest biases leaf of a model: 4 bytes per output.
pub const MAX_BIASES_BYTES: u32 = 4 * MAX_LAYER_WIDTH;
/// The longest requantization leaf of a model: multiplier, shift and a 256-byte lookup table.
pub const MAX_REQUANTIZATION_BYTES: u32 = 8 + 256;

/// What a validator found evaluating one miner.
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
pub enum EvaluationOutcome {
	/// The model ran on the validator's samples: how many it got right, and the result root
	/// that commits to every sample's output (see `verity-evaluator`'s `result` module),
	/// sealed to the validator so that an auditor cannot answer with it without re-executing.
	Evaluated {
		/// The total score over the samples.
		score: u32,
		/// `blake2_256(SCALE("verity/evaluations/seal", result root, validator hotkey))`
		/// (`pallet_evaluations::Pallet::seal`).
		sealed_root: H256,
	},
	/// The model could not be fetched, or did not match its committed root: it scores zero.
	Unavailable,
}

/// One miner's evaluation in a batch.
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
pub struct Evaluation {
	/// The miner's UID.
	pub miner: Uid,
	/// What the evaluation found.
	pub outcome: EvaluationOutcome,
}

/// How a batch of evaluations was computed: the evaluator backend, the device it ran on and,
/// optionally, a hardware attestation (a TEE quote, kept for later verification).
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, PartialEq, Eq, Debug,
)]
pub struct Attestation {
	/// The backend ("cpu", "gpu", "reference"), UTF-8.
	pub backend: BoundedVec<u8, ConstU32<MAX_BACKEND_LEN>>,
	/// The device (CPU model or GPU adapter), UTF-8.
	pub device: BoundedVec<u8, ConstU32<MAX_DEVICE_LEN>>,
	/// A hardware attestation blob; empty when there is none.
	pub quote: BoundedVec<u8, ConstU32<MAX_QUOTE_LEN>>,
}

/// One miner's evaluation as the chain keeps it, until the validator's next evaluation of
/// that miner.
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
pub struct EvaluationRecord {
	/// The subnet epoch it belongs to.
	pub epoch: u64,
	/// The block it was submitted in.
	pub submitted_at: BlockNumber,
	/// What it found.
	pub outcome: EvaluationOutcome,
	/// The root of the model it evaluated (the miner's commitment at submission; zero when
	/// the miner had none).
	pub model_root: H256,
	/// That model's size in bytes.
	pub model_size: u64,
	/// The seed its samples were drawn from.
	pub sample_seed: H256,
}

/// The network parameters of evaluations, audits and disputes, set by governance.
///
/// Honesty pays when `p · (R + S) > C`: a validator that skips an evaluation saves at most its
/// cost `C` (`evaluation_cost`), and is caught with the audit probability `p`, losing the audit
/// reward `R` (`audit_reward`) and at least `S = slash_fraction · min_stake`.
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
	Serialize,
	Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct EvaluationParameters {
	/// The least stake a hotkey needs to submit evaluations or be an auditor: the least that
	/// a wrong evaluation can lose is `slash_fraction` of it.
	pub min_stake: Balance,
	/// `R`: paid (as stake) to the validator and to the auditor when an audit matches.
	pub audit_reward: Balance,
	/// The part of the wrong party's stake a dispute slashes.
	pub slash_fraction: Perbill,
	/// The part of a slash the honest party receives; the rest is burned.
	pub honest_share: Perbill,
	/// `C`: governance's estimate of what one evaluation costs an honest validator.
	pub evaluation_cost: Balance,
	/// Blocks after a submission whose block randomness draws its audits.
	pub audit_delay: BlockNumber,
	/// Blocks an auditor has to submit its result root.
	pub audit_window: BlockNumber,
	/// Blocks both parties of a dispute have to reveal their leaves.
	pub reveal_window: BlockNumber,
	/// Blocks anyone has to bring the referee its evidence once the leaves are revealed.
	pub referee_window: BlockNumber,
}

impl Default for EvaluationParameters {
	/// 100 VRT to evaluate, 0.1 VRT per matching audit, 10% slashed (half to the honest
	/// party), evaluations costed at 0.01 VRT; audits drawn 2 blocks after submission and
	/// answered within an hour; ten minutes to reveal, an hour for the referee's evidence.
	fn default() -> Self {
		Self {
			min_stake: 100 * VRT,
			audit_reward: 100 * MILLI_VRT,
			slash_fraction: Perbill::from_percent(10),
			honest_share: Perbill::from_percent(50),
			evaluation_cost: 10 * MILLI_VRT,
			audit_delay: 2,
			audit_window: 60 * MINUTES,
			reveal_window: 10 * MINUTES,
			referee_window: 60 * MINUTES,
		}
	}
}

impl EvaluationParameters {
	/// Whether `p · (R + S) > C` for audit probability `p`, with `S` the least slash
	/// (`slash_fraction · min_stake`).
	pub fn honesty_pays(&self, audit_probability: Perbill) -> bool {
		let least_slash = self.slash_fraction.mul_floor(self.min_stake);
		let expected_loss =
			audit_probability.mul_floor(self.audit_reward.saturating_add(least_slash));
		expected_loss > self.evaluation_cost
	}
}

/// A party of a dispute.
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
pub enum Party {
	/// The validator whose evaluation was audited.
	Validator,
	/// The auditor that re-executed it.
	Auditor,
}

/// A revealed result leaf: its hash and the sample's score.
pub type RevealedLeaf = (H256, u32);

/// One dataset sample for the referee: the dataset header and the sample, each with its Merkle
/// proof against the subnet's dataset root. The referee draws the sample's index itself.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, PartialEq, Eq, Debug,
)]
pub struct DatasetSample {
	/// The dataset's 20-byte header (leaf 0 of the dataset root).
	pub dataset_header: [u8; 20],
	/// Its proof: siblings bottom first.
	pub header_proof: BoundedVec<H256, ConstU32<MAX_PROOF_DEPTH>>,
	/// The disputed sample's label.
	pub label: u8,
	/// The disputed sample's bytes.
	pub sample: BoundedVec<u8, ConstU32<MAX_REFEREE_SAMPLE_BYTES>>,
	/// Its proof: siblings bottom first.
	pub sample_proof: BoundedVec<H256, ConstU32<MAX_PROOF_DEPTH>>,
}

/// What the referee needs to recompute one sample: the sample and the model's bytes (whose
/// root must be the evaluated one; at most [`MAX_REFEREE_MODEL_BYTES`]).
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, PartialEq, Eq, Debug,
)]
pub struct RefereeEvidence {
	/// The disputed sample.
	pub dataset: DatasetSample,
	/// The model, encoded (model format v1).
	pub model: BoundedVec<u8, ConstU32<MAX_REFEREE_MODEL_BYTES>>,
}

/// How a dispute party computed the disputed sample, for a model above the referee's bound:
/// the parts of its leaf, and the hash of every layer's outputs (`verity-evaluator`'s
/// `narrowing` module).
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, PartialEq, Eq, Debug,
)]
pub struct Trace {
	/// The model's header (leaf 0 of the model root): its layers' shapes.
	pub model_header: BoundedVec<u8, ConstU32<MAX_MODEL_HEADER_BYTES>>,
	/// Its proof against the model root: siblings bottom first.
	pub model_header_proof: BoundedVec<H256, ConstU32<MAX_PROOF_DEPTH>>,
	/// The dataset index of the sample, as in the party's leaf.
	pub index: u32,
	/// The sample's hash in the dataset root, as in the party's leaf.
	pub sample_hash: H256,
	/// The logits of the party's leaf: the last layer's outputs.
	pub logits: BoundedVec<u8, ConstU32<MAX_LAYER_WIDTH>>,
	/// The activations hash of each layer's outputs, in layer order.
	pub layers: BoundedVec<H256, ConstU32<MAX_MODEL_LAYERS>>,
}

/// What the referee needs to recompute one output element of one layer: the layer's input
/// (the previous layer's outputs; empty for the first layer, whose input is the sample), and
/// the element's weight row, the layer's biases and its requantization, each with its Merkle
/// proof against the model root.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, PartialEq, Eq, Debug,
)]
pub struct ElementEvidence {
	/// The layer's input; empty for the first layer.
	pub input: BoundedVec<u8, ConstU32<MAX_LAYER_WIDTH>>,
	/// The element's weights (int8, one per input).
	pub weights: BoundedVec<u8, ConstU32<MAX_LAYER_WIDTH>>,
	/// Their proof: siblings bottom first.
	pub weights_proof: BoundedVec<H256, ConstU32<MAX_PROOF_DEPTH>>,
	/// The layer's biases (i32 LE, one per output).
	pub biases: BoundedVec<u8, ConstU32<MAX_BIASES_BYTES>>,
	/// Their proof: siblings bottom first.
	pub biases_proof: BoundedVec<H256, ConstU32<MAX_PROOF_DEPTH>>,
	/// The layer's requantization: multiplier, shift and lookup table if any.
	pub requantization: BoundedVec<u8, ConstU32<MAX_REQUANTIZATION_BYTES>>,
	/// Its proof: siblings bottom first.
	pub requantization_proof: BoundedVec<H256, ConstU32<MAX_PROOF_DEPTH>>,
}

/// What the referee needs to decide a narrowed dispute: the sample, and the element evidence
/// when the parties' traces differ at some layer.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, PartialEq, Eq, Debug,
)]
pub struct NarrowedEvidence {
	/// The disputed sample.
	pub dataset: DatasetSample,
	/// The disputed element's evidence; `None` when the traces agree on every layer.
	pub element: Option<ElementEvidence>,
}

/// The keystore key type of evaluation keys: a validator's hotkey, with which the off-chain
/// worker of the validator's own node signs its evaluations, audit answers, reveals and
/// referee evidence. Insert it with `verity-node key insert --key-type veva --scheme sr25519`
/// (or the `author_insertKey` RPC).
pub const EVALUATION_KEY_TYPE: polkadot_sdk::sp_core::crypto::KeyTypeId =
	polkadot_sdk::sp_core::crypto::KeyTypeId(*b"veva");

/// The application crypto of evaluation keys: sr25519 under [`EVALUATION_KEY_TYPE`].
pub mod crypto {
	use super::EVALUATION_KEY_TYPE;
	use polkadot_sdk::sp_application_crypto::{app_crypto, sr25519};
	app_crypto!(sr25519, EVALUATION_KEY_TYPE);
}
