//! The traits through which Verity's pallets use each other, instead of reaching into each
//! other's storage.

use crate::{
	emissions::EmissionSplit,
	evaluations::EvaluationParameters,
	stake::SlashOutcome,
	subnets::{
		Endpoint, HyperparameterBounds, Hyperparameters, ModelCommitment, NetUid,
		SubnetCreationParameters, Uid,
	},
	Balance, BlockNumber,
};
use alloc::vec::Vec;
use polkadot_sdk::sp_runtime::{DispatchError, DispatchResult, Perbill, Perquintill, Weight};

/// Stake, hotkey ownership and slashing, implemented by `pallet-stake`.
pub trait StakeInterface<AccountId> {
	/// The coldkey that owns `hotkey`, if any.
	fn hotkey_owner(hotkey: &AccountId) -> Option<AccountId>;

	/// Makes `coldkey` the owner of `hotkey`. Succeeds when it already is; fails when another
	/// coldkey owns it: a hotkey belongs to one coldkey.
	fn bind_hotkey(coldkey: &AccountId, hotkey: &AccountId) -> DispatchResult;

	/// The active stake on `hotkey` from all coldkeys.
	fn total_stake(hotkey: &AccountId) -> Balance;

	/// [`Self::total_stake`] of each of `hotkeys`, in order (an implementation may read them
	/// more cheaply together).
	fn total_stakes(hotkeys: &[AccountId]) -> Vec<Balance> {
		hotkeys.iter().map(Self::total_stake).collect()
	}

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

	/// Where the neuron at `uid` serves, once it has called `serve`.
	fn endpoint(netuid: NetUid, uid: Uid) -> Option<Endpoint>;

	/// Records the scores that decide which neuron a full subnet replaces; `scores[uid]` for
	/// each UID, extra entries ignored.
	fn set_pruning_scores(netuid: NetUid, scores: &[u16]);

	/// Every neuron of the subnet as `(hotkey, registered_at)`, indexed by UID; empty when the
	/// subnet does not exist.
	fn neurons(netuid: NetUid) -> Vec<(AccountId, BlockNumber)>;
}

/// What other pallets learn from `pallet-subnets` when subnets and neurons come and go, so that
/// state they keep per subnet or per UID never outlives its owner.
///
/// The `*_weight` functions bound the work of the matching hook; the calls that trigger a hook
/// charge that bound.
pub trait SubnetLifecycle {
	/// A subnet was created.
	fn on_subnet_created(netuid: NetUid);
	/// A new hotkey took `uid` on the subnet: everything about the UID's previous neuron is stale.
	fn on_neuron_replaced(netuid: NetUid, uid: Uid);
	/// The subnet was dissolved.
	fn on_subnet_dissolved(netuid: NetUid);
	/// The subnet's owner changed its tempo to `tempo`.
	fn on_tempo_changed(_netuid: NetUid, _tempo: u16) {}
	/// The most `on_tempo_changed` costs.
	fn tempo_changed_weight() -> Weight {
		Weight::zero()
	}
	/// The most `on_subnet_created` costs.
	fn subnet_created_weight() -> Weight;
	/// The most `on_neuron_replaced` costs.
	fn neuron_replaced_weight() -> Weight;
	/// The most `on_subnet_dissolved` costs.
	fn subnet_dissolved_weight() -> Weight;
}

impl SubnetLifecycle for () {
	fn on_subnet_created(_: NetUid) {}
	fn on_neuron_replaced(_: NetUid, _: Uid) {}
	fn on_subnet_dissolved(_: NetUid) {}
	fn subnet_created_weight() -> Weight {
		Weight::zero()
	}
	fn neuron_replaced_weight() -> Weight {
		Weight::zero()
	}
	fn subnet_dissolved_weight() -> Weight {
		Weight::zero()
	}
}

impl<A: SubnetLifecycle, B: SubnetLifecycle> SubnetLifecycle for (A, B) {
	fn on_subnet_created(netuid: NetUid) {
		A::on_subnet_created(netuid);
		B::on_subnet_created(netuid);
	}
	fn on_neuron_replaced(netuid: NetUid, uid: Uid) {
		A::on_neuron_replaced(netuid, uid);
		B::on_neuron_replaced(netuid, uid);
	}
	fn on_subnet_dissolved(netuid: NetUid) {
		A::on_subnet_dissolved(netuid);
		B::on_subnet_dissolved(netuid);
	}
	fn on_tempo_changed(netuid: NetUid, tempo: u16) {
		A::on_tempo_changed(netuid, tempo);
		B::on_tempo_changed(netuid, tempo);
	}
	fn tempo_changed_weight() -> Weight {
		A::tempo_changed_weight().saturating_add(B::tempo_changed_weight())
	}
	fn subnet_created_weight() -> Weight {
		A::subnet_created_weight().saturating_add(B::subnet_created_weight())
	}
	fn neuron_replaced_weight() -> Weight {
		A::neuron_replaced_weight().saturating_add(B::neuron_replaced_weight())
	}
	fn subnet_dissolved_weight() -> Weight {
		A::subnet_dissolved_weight().saturating_add(B::subnet_dissolved_weight())
	}
}

/// Learns of every burn of VRT outside the balances pallet's own accounting, so that issuance
/// can be accounted for to the unit (`pallet-emissions` implements it).
pub trait BurnLedger {
	/// `amount` was just burned (total issuance fell by it).
	fn note_burned(amount: Balance);
}

impl BurnLedger for () {
	fn note_burned(_: Balance) {}
}

/// One subnet's epoch results as emissions pays them out.
pub struct EpochPayout<'a, AccountId> {
	/// The hotkey of each neuron, by UID.
	pub hotkeys: &'a [AccountId],
	/// Each neuron's incentive (miners' share); sums to one or is all zero.
	pub incentive: &'a [Perquintill],
	/// Each neuron's dividends (validators' share); sums to one or is all zero.
	pub dividends: &'a [Perquintill],
	/// The stake behind the subnet's permitted validators after this epoch: the subnet's weight
	/// in the split of the block reward until its next epoch.
	pub permitted_stake: Balance,
}

/// Pays a subnet's accumulated emission at the end of its epoch (`pallet-emissions`
/// implements it; `pallet-scoring` calls it).
pub trait EmissionPayout<AccountId> {
	/// Pays out what the subnet accrued since its last epoch: owner, miners by incentive,
	/// validators by dividends. Returns what each UID received (same length as
	/// `payout.hotkeys`).
	fn pay_epoch(netuid: NetUid, payout: EpochPayout<'_, AccountId>) -> Vec<Balance>;
	/// The most `pay_epoch` costs for a subnet of `neurons` UIDs of which `validators` hold
	/// dividends.
	fn pay_epoch_weight(neurons: u32, validators: u32) -> Weight;
}

/// Builds, through the real pallets (runtime) or a mock, the network state that the benchmarks
/// of pallets downstream of subnets and stake need.
pub trait NetworkBenchmarkHelper<AccountId> {
	/// Creates a subnet that admits `neurons` neurons and `validators` validator permits,
	/// registers `neurons` hotkeys (UIDs `0..neurons`), each owned by its own funded coldkey,
	/// and stakes on the first `validators` of them, descending by UID so that permits go to
	/// UIDs `0..validators`. Returns the netuid and the hotkeys by UID.
	fn subnet_with_neurons(neurons: u16, validators: u16) -> (NetUid, Vec<AccountId>);
}

/// The network parameters governance sets, in one place (`pallet-network-parameters`), as the
/// pallets that obey them read them.
pub trait NetworkParametersInterface<BlockNumber> {
	/// How many authorities the next session elections pick (`pallet-stake`).
	fn authority_count() -> u32;
	/// How long unbonded stake stays held and slashable (`pallet-stake`).
	fn unbonding_period() -> BlockNumber;
	/// How a subnet's emission is divided among owner, miners and validators
	/// (`pallet-emissions`).
	fn emission_split() -> EmissionSplit;
	/// The largest share of the block rewards one subnet is paid (`pallet-emissions`).
	fn max_subnet_share() -> Perbill;
	/// The subnet limit and the lock cost of creating a subnet (`pallet-subnets`).
	fn subnet_creation() -> SubnetCreationParameters;
	/// The bounds of every subnet owner's hyperparameters (`pallet-subnets`).
	fn hyperparameter_bounds() -> HyperparameterBounds;
	/// The hyperparameters new subnets start from (`pallet-subnets`).
	fn default_hyperparameters() -> Hyperparameters;
	/// Stakes, rewards, slashes and windows of evaluations, audits and disputes
	/// (`pallet-evaluations`). Implementations that do not govern them give the defaults.
	fn evaluation_parameters() -> EvaluationParameters {
		EvaluationParameters::default()
	}
	/// Sets the subnet creation parameters without the governance origin or checks, for the
	/// benchmarks of the pallets that read them.
	#[cfg(feature = "runtime-benchmarks")]
	fn set_subnet_creation(params: SubnetCreationParameters);
}

/// What `pallet-evaluations` needs of `pallet-scoring`: epochs, permits, and the weights rows
/// that evaluations produce on verified subnets.
pub trait ScoringInterface<AccountId> {
	/// How many epochs the subnet has run: the epoch evaluations are submitted for.
	fn epoch_index(netuid: NetUid) -> u64;
	/// The UIDs that hold a validator permit (from the subnet's last epoch), ascending.
	fn permitted_validators(netuid: NetUid) -> Vec<Uid>;
	/// Whether the neuron at `uid` holds a validator permit.
	fn has_validator_permit(netuid: NetUid, uid: Uid) -> bool {
		Self::permitted_validators(netuid).binary_search(&uid).is_ok()
	}
	/// Sets the weights row of the validator at `uid` from its evaluations: `entries` replace
	/// the row (`fresh`) or are merged into it (later batches of the same epoch), zero
	/// weights removing entries. An empty result removes the row.
	fn set_evaluated_weights(netuid: NetUid, uid: Uid, entries: &[(Uid, u16)], fresh: bool);
	/// The most `set_evaluated_weights` costs.
	fn set_evaluated_weights_weight() -> Weight;
}

/// Learns when a subnet's epoch has run (`pallet-evaluations` fixes the next epoch's seed).
pub trait EpochObserver {
	/// The subnet's epoch just ran; `epoch` is the index of the epoch that starts now.
	fn on_epoch(netuid: NetUid, epoch: u64);
	/// The most `on_epoch` costs.
	fn on_epoch_weight() -> Weight;
}

impl EpochObserver for () {
	fn on_epoch(_: NetUid, _: u64) {}
	fn on_epoch_weight() -> Weight {
		Weight::zero()
	}
}

/// Issues rewards outside the epoch payout (audit rewards) as new stake, counted against the
/// issuance cap (`pallet-emissions` implements it).
pub trait RewardIssuer<AccountId> {
	/// Mints up to `amount` as stake on `hotkey` (less when the cap is near); returns what was
	/// minted.
	fn issue_reward(hotkey: &AccountId, amount: Balance) -> Balance;
	/// The most `issue_reward` costs.
	fn issue_reward_weight() -> Weight;
}
