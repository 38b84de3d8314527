//! # Evaluations pallet
//!
//! Attested evaluations on **verified** subnets (`evaluation.mode = Verified`): a validator
//! runs every miner's committed model on samples of the subnet's dataset and submits the
//! scores with the result roots that commit to each sample's output. The scores are the
//! validator's weights row for the epoch. Anyone can re-execute an evaluation bit for bit
//! (`verity-evaluator`); audits do, and a wrong evaluation is proven wrong on chain and
//! slashed.
//!
//! ## The protocol
//!
//! 1. **Seed.** When a subnet's epoch `e − 1` ends, [`EpochSeeds`] fixes epoch `e`'s randomness
//!    (the VRF output of the parent block, with the block since which it is known). The samples a
//!    validator evaluates a miner on are drawn (`verity_evaluator::selection`) from
//!    [`Pallet::sample_seed`] = `H(randomness ‖ netuid ‖ epoch ‖ miner ‖ validator)`, so every
//!    validator evaluates its own subset, and a model committed after the randomness was known
//!    cannot be evaluated with it.
//! 2. **Submission.** `submit_evaluations(netuid, epoch, evaluations, attestation)`, signed by a
//!    permitted validator's hotkey with at least the evaluators' minimum stake, in batches of up
//!    to [`MAX_EVALUATIONS_PER_BATCH`] miners; each miner once per epoch ([`Evaluated`]). An
//!    unavailable model scores zero. The scores become the validator's weights row (merged over
//!    the epoch's batches); the evaluations with a result root wait for their audit draw
//!    ([`AuditDraws`]). The attestation names the backend and device that ran them.
//! 3. **Audits.** `audit_delay` blocks later, that block's randomness (unknown at submission)
//!    draws each evaluated record with the subnet's `audit_probability` and assigns it an
//!    auditor: a permitted validator of another operator (coldkey) with the minimum stake.
//!    The auditor re-executes and answers `submit_audit(id, result_root)` before the
//!    `audit_window` ends. Equal roots: both are rewarded `audit_reward` (new stake, counted as
//!    issuance). Different roots: a dispute.
//! 4. **Disputes.** Each party reveals its `(leaf hash, score)` per sample
//!    (`reveal_leaves`); the runtime checks them against the party's result root (and the
//!    validator's against its submitted score). The first position where they differ goes to
//!    the **referee** (`resolve_dispute`, anyone may bring the evidence): the dataset header and
//!    the sample with Merkle proofs against the dataset root, and the model whose root is the
//!    evaluated one. The runtime draws the sample index itself, runs the sample through the
//!    evaluator's `no_std` reference, and slashes (through [`StakeInterface::slash`]) each party
//!    whose leaf is wrong: `slash_fraction` of its stake, `honest_share` of it to the other
//!    party's coldkey when that one was right, the rest burned. A party that does not reveal in
//!    `reveal_window` loses; when nobody brings the evidence in `referee_window`, both lose.
//! 5. **Narrowing.** A model above the referee's bound ([`MAX_REFEREE_MODEL_BYTES`]) is not run
//!    whole: the parties reveal their traces of the disputed sample (`reveal_trace`: every
//!    layer's activations hash), then the outputs of the first layer where the traces differ
//!    (`reveal_layer`), and the referee recomputes the first output element where those
//!    differ from three proven leaves of the model (`resolve_narrowed`). See [`narrowing`].
//!
//! Miners are never slashed: a validator's fault is the validator's.
//!
//! Validators do all of this from their own nodes: the [`offchain`] worker evaluates on the
//! node's evaluator (host functions, [`verity_primitives::host`]), answers audits, reveals and
//! brings the referee's evidence, signing with the validator's hotkey.
//!
//! ## Invariants (checked by `do_try_state`)
//!
//! - Evaluated-miner sets, attestations and seeds exist only for existing subnets and UIDs below
//!   the neuron count; none is for an epoch after the subnet's current one.
//! - Every pending audit and dispute has its deadline listed in [`Deadlines`], in the future;
//!   no id is both an audit and a dispute; ids are below [`NextAuditId`].
//! - Revealed leaves belong to a dispute that is still revealing, one party at most; traces
//!   to a dispute that is tracing and layer outputs to one that is bisecting, one party at
//!   most.
//! - Every pending draw is for a future block, numbered below its block's [`DrawCount`].

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

mod audits;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod disputes;
pub mod evidence;
#[cfg(any(feature = "try-runtime", test))]
mod invariants;
#[cfg(test)]
mod mock;
mod narrowing;
#[cfg(test)]
mod narrowing_tests;
pub mod offchain;
#[cfg(test)]
mod offchain_tests;
mod submission;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

use polkadot_sdk::{frame_support, frame_system};
use verity_primitives::evaluations::{MAX_EVALUATIONS_PER_BATCH, MAX_REFEREE_MODEL_BYTES};
#[allow(unused_imports)] // named in the module docs
use verity_primitives::traits::StakeInterface;

/// Builds, through the real pallets (runtime) or a mock, the verified subnets the benchmarks
/// need.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// A verified subnet of `neurons` neurons (UIDs `0..neurons`, each hotkey owned by its own
	/// coldkey) over `dataset_root`, with `samples` samples per evaluation and audit probability
	/// one; UIDs `0..validators` hold a validator permit and at least the evaluators' minimum
	/// stake. Returns the netuid and the hotkeys by UID.
	fn verified_subnet(
		neurons: u16,
		validators: u16,
		dataset_root: polkadot_sdk::sp_core::H256,
		samples: u32,
	) -> (verity_primitives::subnets::NetUid, alloc::vec::Vec<AccountId>);

	/// The neuron of `hotkey` commits to a model of `size` bytes with `root`, now.
	fn commit_model(
		netuid: verity_primitives::subnets::NetUid,
		hotkey: &AccountId,
		root: polkadot_sdk::sp_core::H256,
		size: u64,
	);
}

/// An audit as this pallet stores it.
pub type AuditOf<T> =
	Audit<<T as frame_system::Config>::AccountId, frame_system::pallet_prelude::BlockNumberFor<T>>;

/// An audit draw as this pallet stores it.
pub type AuditDrawOf<T> = AuditDraw<<T as frame_system::Config>::AccountId>;

/// A dispute as this pallet stores it.
pub type DisputeOf<T> = Dispute<
	<T as frame_system::Config>::AccountId,
	frame_system::pallet_prelude::BlockNumberFor<T>,
>;

// FRAME's macros generate `expect` calls (the pallet's name in `PalletInfo`, which
// `construct_runtime!` guarantees); this module's own code has none.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::boxed::Box;
	use frame_support::{pallet_prelude::*, traits::Randomness};
	use frame_system::pallet_prelude::*;
	use polkadot_sdk::sp_core::H256;
	use verity_primitives::{
		evaluations::{
			Attestation, Evaluation, NarrowedEvidence, Party, RefereeEvidence, RevealedLeaf, Trace,
			MAX_LAYER_WIDTH, MAX_SAMPLES_LIMIT,
		},
		subnets::{NetUid, Uid},
		traits::{
			NetworkParametersInterface, RewardIssuer, ScoringInterface, StakeInterface,
			SubnetsInterface,
		},
		Balance,
	};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>>
		+ frame_system::offchain::CreateSignedTransaction<Call<Self>>
	{
		/// The keys the off-chain worker signs with: validators' hotkeys, stored in the node's
		/// keystore as evaluation keys (key type `veva`).
		type AuthorityId: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>;

		/// Subnets, their hyperparameters, neurons and model commitments (`pallet-subnets`).
		type Subnets: SubnetsInterface<Self::AccountId>;

		/// Stake, hotkey owners and slashing (`pallet-stake`).
		type Stake: StakeInterface<Self::AccountId>;

		/// Epochs, permits and the weights rows evaluations set (`pallet-scoring`).
		type Scoring: ScoringInterface<Self::AccountId>;

		/// Mints audit rewards (`pallet-emissions`).
		type Rewards: RewardIssuer<Self::AccountId>;

		/// The evaluation parameters governance sets (`pallet-network-parameters`).
		type Parameters: NetworkParametersInterface<BlockNumberFor<Self>>;

		/// Fresh randomness with the block since which it is known (runtime: BABE's VRF output
		/// of the parent block); `None` before the first one. It fixes each epoch's seed when
		/// the epoch starts and draws audits after submissions.
		type Randomness: Randomness<Option<H256>, BlockNumberFor<Self>>;

		/// The most one slash costs (`pallet-stake`'s `slash` with the most stakers).
		#[pallet::constant]
		type SlashWeight: Get<Weight>;

		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;

		/// Builds the verified subnets the benchmarks need.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// The randomness each subnet's current epoch draws samples from, by subnet and epoch.
	#[pallet::storage]
	pub type EpochSeeds<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		NetUid,
		Twox64Concat,
		u64,
		EpochSeed<BlockNumberFor<T>>,
		OptionQuery,
	>;

	/// The miners each validator has evaluated in its latest epoch, by subnet and validator
	/// UID: each miner once per epoch.
	#[pallet::storage]
	pub type Evaluated<T: Config> =
		StorageDoubleMap<_, Twox64Concat, NetUid, Twox64Concat, Uid, EvaluatedMiners, OptionQuery>;

	/// The attestation of each validator's latest batch, with its epoch.
	#[pallet::storage]
	pub type Attestations<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		NetUid,
		Twox64Concat,
		Uid,
		(u64, Attestation),
		OptionQuery,
	>;

	/// The batches whose audits each block draws, by block and position.
	#[pallet::storage]
	pub type AuditDraws<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		Twox64Concat,
		u32,
		AuditDrawOf<T>,
		OptionQuery,
	>;

	/// How many batches each block draws the audits of (at most [`MAX_DRAWS_PER_BLOCK`]).
	#[pallet::storage]
	pub type DrawCount<T: Config> = StorageMap<_, Twox64Concat, BlockNumberFor<T>, u32, ValueQuery>;

	/// Audits waiting for their auditor, by id.
	#[pallet::storage]
	pub type Audits<T: Config> = StorageMap<_, Twox64Concat, AuditId, AuditOf<T>, OptionQuery>;

	/// Open disputes, by the id of the audit they come from.
	#[pallet::storage]
	pub type Disputes<T: Config> = StorageMap<_, Twox64Concat, AuditId, DisputeOf<T>, OptionQuery>;

	/// The leaves the first party of a dispute revealed, until the other reveals.
	#[pallet::storage]
	pub type Revealed<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		AuditId,
		Twox64Concat,
		Party,
		BoundedVec<RevealedLeaf, ConstU32<MAX_SAMPLES_LIMIT>>,
		OptionQuery,
	>;

	/// What the first party of a narrowing phase revealed (its trace, or the disputed layer's
	/// outputs), until the other does.
	#[pallet::storage]
	pub type Claims<T: Config> =
		StorageDoubleMap<_, Twox64Concat, AuditId, Twox64Concat, Party, Claim, OptionQuery>;

	/// The id the next audit gets.
	#[pallet::storage]
	pub type NextAuditId<T: Config> = StorageValue<_, AuditId, ValueQuery>;

	/// What expires in each block.
	#[pallet::storage]
	pub type Deadlines<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<Deadline, ConstU32<MAX_DEADLINES_PER_BLOCK>>,
		ValueQuery,
	>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A validator submitted a batch of `count` evaluations for the subnet's epoch.
		EvaluationsSubmitted {
			netuid: NetUid,
			epoch: u64,
			validator: T::AccountId,
			uid: Uid,
			count: u32,
			backend: BoundedVec<u8, ConstU32<{ verity_primitives::evaluations::MAX_BACKEND_LEN }>>,
		},
		/// The subnet's epoch `epoch` draws its samples from `randomness`.
		EpochSeeded { netuid: NetUid, epoch: u64, randomness: H256 },
		/// An evaluation was drawn for an audit by `auditor`, to answer before `deadline`.
		AuditAssigned {
			id: AuditId,
			netuid: NetUid,
			validator: T::AccountId,
			miner: Uid,
			auditor: T::AccountId,
			deadline: BlockNumberFor<T>,
		},
		/// An evaluation was drawn for an audit but no other operator can audit it (or no
		/// deadline list has room for it).
		AuditUnassigned { netuid: NetUid, validator: T::AccountId, miner: Uid },
		/// The auditor's root matched: both were rewarded.
		AuditMatched { id: AuditId, validator_reward: Balance, auditor_reward: Balance },
		/// Nobody answered the audit in time.
		AuditExpired { id: AuditId },
		/// The auditor's root differed: the parties reveal their leaves before `deadline`.
		DisputeOpened {
			id: AuditId,
			validator: T::AccountId,
			auditor: T::AccountId,
			deadline: BlockNumberFor<T>,
		},
		/// A party revealed its leaves.
		LeavesRevealed { id: AuditId, party: Party },
		/// Both revealed: the leaves first differ at `position`; the referee's evidence is due
		/// before `deadline`.
		RefereeAwaited { id: AuditId, position: u32, deadline: BlockNumberFor<T> },
		/// The dispute ended: each party's slash (zero when it was right), what the honest
		/// party received and what was burned.
		DisputeSettled {
			id: AuditId,
			verdict: Verdict,
			validator_slashed: Balance,
			auditor_slashed: Balance,
			rewarded: Balance,
			burned: Balance,
		},
		/// The revealed leaves do not differ after all (the roots differed in their totals or
		/// counts only): nobody was slashed.
		DisputeVoid { id: AuditId },
		/// Both revealed: the leaves first differ at `position`, and the model is above the
		/// referee's bound: the parties' traces of that sample are due before `deadline`.
		TracesAwaited { id: AuditId, position: u32, deadline: BlockNumberFor<T> },
		/// A party revealed its trace.
		TraceRevealed { id: AuditId, party: Party },
		/// The traces first differ at `layer`: its outputs are due before `deadline`.
		LayerAwaited { id: AuditId, layer: u32, deadline: BlockNumberFor<T> },
		/// A party revealed the disputed layer's outputs.
		LayerRevealed { id: AuditId, party: Party },
		/// Narrowed down to `element` (layer, output) — or, when `None`, to the leaves' other
		/// parts —: the referee's evidence is due before `deadline`.
		NarrowedRefereeAwaited {
			id: AuditId,
			element: Option<(u32, u32)>,
			deadline: BlockNumberFor<T>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No subnet has this netuid.
		SubnetNotFound,
		/// The subnet is not verified: its validators set weights instead.
		NotVerified,
		/// The hotkey holds no UID on this subnet.
		NotRegistered,
		/// The neuron did not get a validator permit in the subnet's last epoch.
		NoValidatorPermit,
		/// The hotkey's stake is below the evaluators' minimum stake.
		StakeBelowMinimum,
		/// The batch is for another epoch than the subnet's current one.
		WrongEpoch,
		/// The subnet's current epoch has no seed yet (its first epoch has not run).
		NoEpochSeed,
		/// The batch holds no evaluation.
		EmptyBatch,
		/// A miner UID at or above the subnet's neuron count.
		UnknownMiner,
		/// A validator cannot evaluate itself.
		SelfEvaluation,
		/// A miner appears twice in the batch.
		DuplicateMiner,
		/// The validator already evaluated this miner in this epoch.
		AlreadyEvaluated,
		/// The miner has committed no model: submit it as unavailable.
		NoModel,
		/// The miner's model was committed after the epoch's randomness was known: it is
		/// evaluated from the next epoch on.
		ModelTooRecent,
		/// A score above the subnet's samples per evaluation.
		ScoreAboveSamples,
		/// The block that would draw the batch's audits has no room left; submit in a later
		/// block.
		AuditQueueFull,
		/// No audit has this id (never drawn, answered or expired).
		UnknownAudit,
		/// Only the assigned auditor may answer the audit.
		NotAuditor,
		/// No open dispute has this id.
		UnknownDispute,
		/// Only the validator and the auditor of a dispute may reveal leaves.
		NotParty,
		/// The dispute is past its reveal phase.
		NotRevealing,
		/// This party has revealed already.
		AlreadyRevealed,
		/// The number of leaves differs from the samples of the evaluation.
		WrongLeafCount,
		/// The leaves and their scores do not give the party's result root.
		LeavesMismatchRoot,
		/// The leaves' scores do not add up to the validator's submitted score.
		LeavesMismatchScore,
		/// The dispute is not waiting for the referee.
		NotRefereeing,
		/// The dataset header is malformed or its proof is not against the dataset root.
		BadDatasetHeader,
		/// The sample's length or label does not fit the dataset, or its proof is not against
		/// the dataset root.
		BadSample,
		/// The model does not decode, or does not take the dataset's samples.
		InvalidModel,
		/// The model's root is not the evaluated one.
		ModelRootMismatch,
		/// The deadline queue has no room for this deadline.
		DeadlineQueueFull,
		/// The dispute is not waiting for traces.
		NotTracing,
		/// The trace has not one activations hash per layer of the model, or its logits are not
		/// the model's output size.
		WrongTraceLength,
		/// The trace does not give the party's revealed leaf (or its last layer is not its
		/// logits).
		TraceMismatchLeaf,
		/// The dispute is not waiting for the disputed layer's outputs.
		NotBisecting,
		/// The outputs are not the disputed layer's output size.
		WrongOutputLength,
		/// The outputs do not give the party's traced activations hash.
		OutputsMismatchTrace,
		/// The dispute is not narrowed down.
		NotNarrowed,
		/// The dispute is narrowed to an output element, and the evidence has none.
		MissingElementEvidence,
		/// The layer input does not give the activations hash both traces agree on, or is not
		/// the layer's input size.
		BadLayerInput,
		/// A model part's proof is not against the model root at its place, or the part is
		/// malformed.
		BadModelPart,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Draws the audits of the batches due now, then expires audits and dispute phases
		/// whose deadline is now.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::draw_audits(now).saturating_add(Self::expire(now))
		}

		/// Evaluates, audits and answers disputes for the evaluation keys of this node's
		/// keystore ([`offchain`]).
		fn offchain_worker(now: BlockNumberFor<T>) {
			Self::run_offchain_worker(now);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(
			_n: BlockNumberFor<T>,
		) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Submits a batch of the caller's evaluations of the subnet's miners for the current
		/// epoch; their scores become the caller's weights row.
		///
		/// - Origin: signed by the validator's hotkey.
		/// - Arguments: `netuid`; `epoch`, the subnet's current epoch (replay protection across
		///   epochs); `evaluations`, one per miner (at most once per epoch each);
		///   `attestation`, the backend and device that ran them.
		/// - Errors: [`Error::EmptyBatch`], [`Error::SubnetNotFound`], [`Error::NotVerified`],
		///   [`Error::NotRegistered`], [`Error::NoValidatorPermit`],
		///   [`Error::StakeBelowMinimum`], [`Error::WrongEpoch`], [`Error::NoEpochSeed`],
		///   [`Error::UnknownMiner`], [`Error::SelfEvaluation`], [`Error::DuplicateMiner`],
		///   [`Error::AlreadyEvaluated`], [`Error::NoModel`], [`Error::ModelTooRecent`],
		///   [`Error::ScoreAboveSamples`], [`Error::AuditQueueFull`].
		/// - Events: [`Event::EvaluationsSubmitted`].
		#[pallet::call_index(0)]
		#[pallet::weight(Pallet::<T>::submit_evaluations_weight(evaluations.len() as u32))]
		pub fn submit_evaluations(
			origin: OriginFor<T>,
			netuid: NetUid,
			epoch: u64,
			evaluations: BoundedVec<Evaluation, ConstU32<MAX_EVALUATIONS_PER_BATCH>>,
			attestation: Attestation,
		) -> DispatchResult {
			let hotkey = ensure_signed(origin)?;
			Self::do_submit_evaluations(hotkey, netuid, epoch, &evaluations, attestation)
		}

		/// Answers an audit with the auditor's result root of the same evaluation.
		///
		/// - Origin: signed by the assigned auditor's hotkey.
		/// - Errors: [`Error::UnknownAudit`], [`Error::NotAuditor`],
		///   [`Error::DeadlineQueueFull`].
		/// - Events: [`Event::AuditMatched`] or [`Event::DisputeOpened`].
		#[pallet::call_index(1)]
		#[pallet::weight(Pallet::<T>::submit_audit_weight())]
		pub fn submit_audit(
			origin: OriginFor<T>,
			id: AuditId,
			result_root: H256,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_submit_audit(who, id, result_root)
		}

		/// Reveals a dispute party's leaves: per sample, in selection order, the leaf hash and
		/// the sample's score.
		///
		/// - Origin: signed by the dispute's validator or auditor.
		/// - Errors: [`Error::UnknownDispute`], [`Error::NotRevealing`], [`Error::NotParty`],
		///   [`Error::AlreadyRevealed`], [`Error::WrongLeafCount`],
		///   [`Error::LeavesMismatchRoot`], [`Error::LeavesMismatchScore`],
		///   [`Error::DeadlineQueueFull`].
		/// - Events: [`Event::LeavesRevealed`], then [`Event::RefereeAwaited`] once both have.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::reveal_leaves(leaves.len() as u32))]
		pub fn reveal_leaves(
			origin: OriginFor<T>,
			id: AuditId,
			leaves: BoundedVec<RevealedLeaf, ConstU32<MAX_SAMPLES_LIMIT>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_reveal_leaves(who, id, &leaves)
		}

		/// Brings the referee the evidence for a dispute's first differing sample; the referee
		/// recomputes it and slashes the party (or parties) whose leaf is wrong.
		///
		/// - Origin: any signed account.
		/// - Errors: [`Error::UnknownDispute`], [`Error::NotRefereeing`],
		///   [`Error::BadDatasetHeader`], [`Error::BadSample`], [`Error::InvalidModel`],
		///   [`Error::ModelRootMismatch`].
		/// - Events: [`Event::DisputeSettled`].
		#[pallet::call_index(3)]
		#[pallet::weight(Pallet::<T>::resolve_dispute_weight(evidence.model.len() as u32))]
		pub fn resolve_dispute(
			origin: OriginFor<T>,
			id: AuditId,
			evidence: Box<RefereeEvidence>,
		) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_resolve_dispute(id, &evidence)
		}

		/// Reveals a dispute party's trace of the disputed sample, when the model is above the
		/// referee's bound: the model header with its proof, its leaf's index, sample hash and
		/// logits, and the activations hash of every layer's outputs.
		///
		/// - Origin: signed by the dispute's validator or auditor.
		/// - Errors: [`Error::UnknownDispute`], [`Error::NotTracing`], [`Error::NotParty`],
		///   [`Error::AlreadyRevealed`], [`Error::InvalidModel`], [`Error::ModelRootMismatch`],
		///   [`Error::WrongTraceLength`], [`Error::TraceMismatchLeaf`],
		///   [`Error::DeadlineQueueFull`].
		/// - Events: [`Event::TraceRevealed`], then [`Event::LayerAwaited`] or
		///   [`Event::NarrowedRefereeAwaited`] once both have.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::reveal_trace())]
		pub fn reveal_trace(
			origin: OriginFor<T>,
			id: AuditId,
			trace: Box<Trace>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_reveal_trace(who, id, &trace)
		}

		/// Reveals a dispute party's outputs of the first layer where the traces differ.
		///
		/// - Origin: signed by the dispute's validator or auditor.
		/// - Errors: [`Error::UnknownDispute`], [`Error::NotBisecting`], [`Error::NotParty`],
		///   [`Error::AlreadyRevealed`], [`Error::WrongOutputLength`],
		///   [`Error::OutputsMismatchTrace`], [`Error::DeadlineQueueFull`].
		/// - Events: [`Event::LayerRevealed`], then [`Event::NarrowedRefereeAwaited`] once both
		///   have.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::reveal_layer())]
		pub fn reveal_layer(
			origin: OriginFor<T>,
			id: AuditId,
			outputs: BoundedVec<u8, ConstU32<MAX_LAYER_WIDTH>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_reveal_layer(who, id, &outputs)
		}

		/// Brings the referee the evidence for a narrowed dispute: the sample, and the disputed
		/// element's layer input and model parts; the referee slashes the party (or parties)
		/// whose leaf or element value is wrong.
		///
		/// - Origin: any signed account.
		/// - Errors: [`Error::UnknownDispute`], [`Error::NotNarrowed`],
		///   [`Error::BadDatasetHeader`], [`Error::BadSample`],
		///   [`Error::MissingElementEvidence`], [`Error::BadLayerInput`],
		///   [`Error::BadModelPart`].
		/// - Events: [`Event::DisputeSettled`].
		#[pallet::call_index(6)]
		#[pallet::weight(Pallet::<T>::resolve_narrowed_weight())]
		pub fn resolve_narrowed(
			origin: OriginFor<T>,
			id: AuditId,
			evidence: Box<NarrowedEvidence>,
		) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_resolve_narrowed(id, &evidence)
		}
	}
}

impl<T: Config> Pallet<T> {
	/// What `submit_evaluations` of `n` evaluations costs, the drawing of its audits and the
	/// weights row included.
	pub fn submit_evaluations_weight(n: u32) -> frame_support::weights::Weight {
		use verity_primitives::traits::ScoringInterface;
		T::WeightInfo::submit_evaluations(n)
			.saturating_add(T::WeightInfo::draw_audits(n))
			.saturating_add(T::Scoring::set_evaluated_weights_weight())
	}

	/// What `submit_audit` costs at most: a dispute opened, or both parties rewarded.
	pub fn submit_audit_weight() -> frame_support::weights::Weight {
		use verity_primitives::traits::RewardIssuer;
		let rewards = T::Rewards::issue_reward_weight().saturating_mul(2);
		T::WeightInfo::submit_audit_match()
			.saturating_add(rewards)
			.max(T::WeightInfo::submit_audit_mismatch())
	}

	/// What `resolve_narrowed` costs at most: the widest layer's element and two slashes.
	pub fn resolve_narrowed_weight() -> frame_support::weights::Weight {
		use frame_support::traits::Get;
		T::WeightInfo::resolve_narrowed().saturating_add(T::SlashWeight::get().saturating_mul(2))
	}

	/// What `resolve_dispute` costs with a model of `bytes` bytes (at most the referee's
	/// bound): the referee and two slashes.
	pub fn resolve_dispute_weight(bytes: u32) -> frame_support::weights::Weight {
		use frame_support::traits::Get;
		T::WeightInfo::resolve_dispute(bytes.min(MAX_REFEREE_MODEL_BYTES))
			.saturating_add(T::SlashWeight::get().saturating_mul(2))
	}
}
