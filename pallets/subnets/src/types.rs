//! The records this pallet stores, and the values a production chain starts from.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{sp_core::H256, sp_runtime::Perbill};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};
use verity_primitives::{
	currency::{MILLI_VRT, VRT},
	subnets::{
		Endpoint, EvaluationMode, EvaluationSpec, HyperparameterBounds, Hyperparameters,
		ModelCommitment, DENSE_MLP_FAMILY, MAX_UIDS_LIMIT, MAX_VALIDATORS_LIMIT,
	},
	time::DAYS,
	Balance,
};

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
pub struct NetworkParameters {
	/// The most subnets that may exist at once; at most `Config::MaxSubnetsLimit`. Lowering it
	/// below the current count dissolves nothing: it only stops new subnets being created.
	pub max_subnets: u16,
	/// The least a subnet creation locks, in planck; never 0.
	pub min_lock: Balance,
	/// Blocks over which the doubling of the lock cost after a creation decays; never 0.
	pub lock_reduction_interval: u32,
}

impl Default for NetworkParameters {
	/// 32 subnets, 100 VRT minimum lock, the doubling decays over 14 days of 6 s blocks.
	fn default() -> Self {
		Self { max_subnets: 32, min_lock: 100 * VRT, lock_reduction_interval: 14 * DAYS }
	}
}

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
	/// The score that decides which neuron a full subnet replaces (lowest first), set through
	/// `SubnetsInterface::set_pruning_scores` by the scoring pallet.
	pub pruning_score: u16,
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
