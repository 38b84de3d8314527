//! Subnets and neurons: the types `pallet-subnets` stores and the runtime API returns.

use crate::{
	currency::{MILLI_VRT, VRT},
	time::DAYS,
	Balance, BlockNumber,
};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{
	sp_core::{ConstU32, H256},
	sp_runtime::{BoundedVec, Perbill},
};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};

/// The identifier of a subnet.
pub type NetUid = u16;

/// The identifier of a neuron inside its subnet: `0..neuron_count`. A UID is reused when its
/// neuron is replaced.
pub type Uid = u16;

/// The most neurons a subnet can ever hold (the upper bound of `max_uids`).
pub const MAX_UIDS_LIMIT: u16 = 4096;

/// The most validators a subnet can ever permit (the upper bound of `max_validators`).
pub const MAX_VALIDATORS_LIMIT: u16 = 256;

/// The model family of the evaluator's dense int8 MLP, the one `verity miner train` writes.
pub const DENSE_MLP_FAMILY: u32 = 1;

/// The version of the model format `commit_model` accepts (see `verity-evaluator`).
pub const MODEL_FORMAT_VERSION: u16 = 1;

/// How a subnet's validators obtain their weight rows.
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
pub enum EvaluationMode {
	/// Validators set weights themselves (Bittensor-compatible).
	Weights,
	/// A validator's weights come from its own attested evaluations.
	Verified,
}

/// What a verified subnet evaluates its miners on.
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
pub struct EvaluationSpec {
	/// Weights set by validators, or derived from attested evaluations.
	pub mode: EvaluationMode,
	/// The model family miners must publish, as written in the model's header (see
	/// [`DENSE_MLP_FAMILY`]).
	pub model_family: u32,
	/// The Merkle root of the evaluation dataset (see `verity-evaluator`'s dataset format).
	pub dataset_root: H256,
	/// How many samples one validator evaluates per miner and epoch.
	pub samples_per_evaluation: u32,
	/// The probability that one evaluation record is audited.
	pub audit_probability: Perbill,
}

/// A subnet's hyperparameters. The owner sets each one inside [`HyperparameterBounds`].
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
pub struct Hyperparameters {
	/// Blocks between two epochs of the subnet.
	pub tempo: u16,
	/// The most neurons the subnet holds; a registration beyond replaces one.
	pub max_uids: u16,
	/// The most validators that hold a permit.
	pub max_validators: u16,
	/// Blocks after registration during which a neuron cannot be replaced.
	pub immunity_period: u32,
	/// The least a registration burns.
	pub min_burn: Balance,
	/// The most a registration burns.
	pub max_burn: Balance,
	/// Registrations per adjustment interval the burn steers towards.
	pub target_registrations_per_interval: u16,
	/// Blocks between two adjustments of the registration burn.
	pub adjustment_interval: u16,
	/// Blocks a validator waits between two weight settings.
	pub weights_rate_limit: u32,
	/// Epochs between committing weights and revealing them; 0 turns commit–reveal off.
	pub commit_reveal_period: u32,
	/// The stake quantile consensus is taken at, as a fraction of `u16::MAX`.
	pub kappa: u16,
	/// The weight of the previous bonds in their moving average, in millionths.
	pub bonds_moving_average: u32,
	/// The least stake a validator needs for a permit.
	pub min_validator_stake: Balance,
	/// What the subnet evaluates and how.
	pub evaluation: EvaluationSpec,
}

/// Inclusive bounds `(min, max)` on every hyperparameter, set by governance.
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
pub struct HyperparameterBounds {
	/// Bounds on `tempo`.
	pub tempo: (u16, u16),
	/// Bounds on `max_uids`; the maximum is at most [`MAX_UIDS_LIMIT`].
	pub max_uids: (u16, u16),
	/// Bounds on `max_validators`; the maximum is at most [`MAX_VALIDATORS_LIMIT`].
	pub max_validators: (u16, u16),
	/// Bounds on `immunity_period`.
	pub immunity_period: (u32, u32),
	/// Bounds on `min_burn` and `max_burn`.
	pub burn: (Balance, Balance),
	/// Bounds on `target_registrations_per_interval`.
	pub target_registrations_per_interval: (u16, u16),
	/// Bounds on `adjustment_interval`.
	pub adjustment_interval: (u16, u16),
	/// Bounds on `weights_rate_limit`.
	pub weights_rate_limit: (u32, u32),
	/// Bounds on `commit_reveal_period`.
	pub commit_reveal_period: (u32, u32),
	/// Bounds on `kappa`.
	pub kappa: (u16, u16),
	/// Bounds on `bonds_moving_average`.
	pub bonds_moving_average: (u32, u32),
	/// Bounds on `min_validator_stake`.
	pub min_validator_stake: (Balance, Balance),
	/// Bounds on `evaluation.samples_per_evaluation`.
	pub samples_per_evaluation: (u32, u32),
	/// Bounds on `evaluation.audit_probability`.
	pub audit_probability: (Perbill, Perbill),
}

/// One hyperparameter with its new value: the argument of `set_hyperparameter`.
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
pub enum Hyperparameter {
	/// See [`Hyperparameters::tempo`].
	Tempo(u16),
	/// See [`Hyperparameters::max_uids`].
	MaxUids(u16),
	/// See [`Hyperparameters::max_validators`].
	MaxValidators(u16),
	/// See [`Hyperparameters::immunity_period`].
	ImmunityPeriod(u32),
	/// See [`Hyperparameters::min_burn`].
	MinBurn(Balance),
	/// See [`Hyperparameters::max_burn`].
	MaxBurn(Balance),
	/// See [`Hyperparameters::target_registrations_per_interval`].
	TargetRegistrationsPerInterval(u16),
	/// See [`Hyperparameters::adjustment_interval`].
	AdjustmentInterval(u16),
	/// See [`Hyperparameters::weights_rate_limit`].
	WeightsRateLimit(u32),
	/// See [`Hyperparameters::commit_reveal_period`].
	CommitRevealPeriod(u32),
	/// See [`Hyperparameters::kappa`].
	Kappa(u16),
	/// See [`Hyperparameters::bonds_moving_average`].
	BondsMovingAverage(u32),
	/// See [`Hyperparameters::min_validator_stake`].
	MinValidatorStake(Balance),
	/// See [`EvaluationSpec::mode`].
	EvaluationMode(EvaluationMode),
	/// See [`EvaluationSpec::model_family`].
	ModelFamily(u32),
	/// See [`EvaluationSpec::dataset_root`].
	DatasetRoot(H256),
	/// See [`EvaluationSpec::samples_per_evaluation`].
	SamplesPerEvaluation(u32),
	/// See [`EvaluationSpec::audit_probability`].
	AuditProbability(Perbill),
}

/// The transport a neuron serves on.
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
pub enum Protocol {
	/// Plain HTTP (the `verity miner serve` protocol).
	Http,
	/// HTTPS.
	Https,
	/// gRPC.
	Grpc,
}

/// An IP address.
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
pub enum IpAddress {
	/// IPv4, network byte order.
	V4([u8; 4]),
	/// IPv6, network byte order.
	V6([u8; 16]),
}

/// Where a neuron serves: what `serve` records.
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
pub struct Endpoint {
	/// The address.
	pub ip: IpAddress,
	/// The TCP port; 0 is refused.
	pub port: u16,
	/// The protocol spoken there.
	pub protocol: Protocol,
	/// The version of the neuron's software, as the neuron declares it.
	pub version: u32,
}

/// A miner's commitment to the model it serves.
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
pub struct ModelCommitment {
	/// The Merkle root over the model's parts.
	pub root: H256,
	/// The model's size in bytes.
	pub size: u64,
	/// The model format version.
	pub format_version: u16,
	/// The block the commitment was made in: it must predate the randomness that picks its
	/// evaluation samples.
	pub committed_at: BlockNumber,
}

/// The longest provider name in an operator profile, in bytes.
pub const MAX_PROVIDER_LEN: u32 = 64;
/// The longest region name in an operator profile, in bytes.
pub const MAX_REGION_LEN: u32 = 32;

/// The class of hardware an operator declares.
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
pub enum HardwareClass {
	/// CPU only.
	Cpu,
	/// A consumer GPU.
	ConsumerGpu,
	/// A data-centre GPU.
	DatacenterGpu,
	/// Another accelerator (TPU, NPU, FPGA…).
	OtherAccelerator,
}

/// How an operator (a coldkey) describes where its neurons run: the inputs to the
/// decentralization report. Self-declared.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, PartialEq, Eq, Debug,
)]
pub struct OperatorProfile {
	/// The hosting provider (e.g. "self-hosted", "hetzner"), UTF-8.
	pub provider: BoundedVec<u8, ConstU32<MAX_PROVIDER_LEN>>,
	/// The region (e.g. "eu-central"), UTF-8.
	pub region: BoundedVec<u8, ConstU32<MAX_REGION_LEN>>,
	/// The hardware class.
	pub hardware_class: HardwareClass,
}

/// A subnet as the runtime API reports it.
#[derive(Clone, Encode, Decode, TypeInfo, PartialEq, Eq, Debug)]
pub struct SubnetView<AccountId> {
	/// The subnet's identifier.
	pub netuid: NetUid,
	/// The coldkey that created it.
	pub owner: AccountId,
	/// The amount locked (held) from the owner while the subnet exists.
	pub locked: Balance,
	/// The block it was created in.
	pub created_at: BlockNumber,
	/// How many neurons it holds.
	pub neuron_count: u16,
	/// What a registration burns now.
	pub registration_burn: Balance,
	/// Its hyperparameters.
	pub hyperparameters: Hyperparameters,
}

/// One neuron of a subnet's metagraph as the runtime API reports it.
#[derive(Clone, Encode, Decode, TypeInfo, PartialEq, Eq, Debug)]
pub struct NeuronView<AccountId> {
	/// The neuron's UID.
	pub uid: Uid,
	/// Its hotkey.
	pub hotkey: AccountId,
	/// The coldkey owning the hotkey.
	pub coldkey: AccountId,
	/// The hotkey's total stake (own and delegated).
	pub stake: Balance,
	/// The block it registered in.
	pub registered_at: BlockNumber,
	/// Whether it is still inside its immunity period.
	pub immune: bool,
	/// Where it serves, once it has called `serve`.
	pub endpoint: Option<Endpoint>,
	/// The model it committed to, once it has called `commit_model`.
	pub model: Option<ModelCommitment>,
	/// The score that decides which neuron a full subnet replaces (lowest first).
	pub pruning_score: u16,
	/// What its subnet's last epoch concluded about it.
	pub score: crate::scoring::NeuronScore,
}

/// The model families the evaluator knows: the dense MLP.
pub const KNOWN_MODEL_FAMILIES: &[u32] = &[DENSE_MLP_FAMILY];

/// Network-wide parameters of subnet creation, set by governance.
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
pub struct SubnetCreationParameters {
	/// The most subnets that may exist at once; at most the runtime's `MaxSubnetsLimit`. Lowering it
	/// below the current count dissolves nothing: it only stops new subnets being created.
	pub max_subnets: u16,
	/// The least a subnet creation locks, in planck; never 0.
	pub min_lock: Balance,
	/// Blocks over which the doubling of the lock cost after a creation decays; never 0.
	pub lock_reduction_interval: u32,
}

impl Default for SubnetCreationParameters {
	/// 32 subnets, 100 VRT minimum lock, the doubling decays over 14 days of 6 s blocks.
	fn default() -> Self {
		Self { max_subnets: 32, min_lock: 100 * VRT, lock_reduction_interval: 14 * DAYS }
	}
}

/// The hyperparameters a production chain gives new subnets.
pub fn default_hyperparameters() -> Hyperparameters {
	Hyperparameters {
		tempo: 360,
		max_uids: 256,
		max_validators: 64,
		immunity_period: 4096,
		min_burn: MILLI_VRT,
		max_burn: 100 * VRT,
		target_registrations_per_interval: 2,
		adjustment_interval: 360,
		weights_rate_limit: 100,
		commit_reveal_period: 0,
		kappa: 32_767,
		bonds_moving_average: 900_000,
		min_validator_stake: 0,
		evaluation: EvaluationSpec {
			mode: EvaluationMode::Weights,
			model_family: DENSE_MLP_FAMILY,
			dataset_root: H256::zero(),
			samples_per_evaluation: 64,
			audit_probability: Perbill::from_percent(5),
		},
	}
}

/// The bounds a production chain starts with: wide, but every value inside them is workable.
pub fn default_hyperparameter_bounds() -> HyperparameterBounds {
	HyperparameterBounds {
		tempo: (10, 7_200),
		max_uids: (8, MAX_UIDS_LIMIT),
		max_validators: (1, MAX_VALIDATORS_LIMIT),
		immunity_period: (0, 14 * DAYS),
		burn: (MILLI_VRT, 10_000 * VRT),
		target_registrations_per_interval: (1, 64),
		adjustment_interval: (10, 7_200),
		weights_rate_limit: (0, 7_200),
		commit_reveal_period: (0, 100),
		kappa: (0, u16::MAX),
		bonds_moving_average: (0, 999_999),
		min_validator_stake: (0, 1_000_000 * VRT),
		samples_per_evaluation: (1, 4_096),
		audit_probability: (Perbill::zero(), Perbill::one()),
	}
}
