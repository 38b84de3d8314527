//! The off-chain worker: what a validator's own node does for it, block after block.
//!
//! For every evaluation key in the node's keystore (key type `veva`, the validator's hotkey;
//! [`verity_primitives::evaluations::EVALUATION_KEY_TYPE`]) the worker
//!
//! 1. **evaluates**: on every verified subnet where the hotkey holds a validator permit and the
//!    evaluators' minimum stake, once the current epoch has its seed, it queues one job on the
//!    node's evaluator ([`verity_primitives::host::evaluator`]) per miner whose model was
//!    committed before the seed was known and that it has not evaluated this epoch: the model
//!    comes from the miner's served endpoint (`http://<ip>:<port>/models/0x<root>`), the
//!    samples from [`Pallet::sample_seed`]. When every job has finished it submits
//!    `submit_evaluations` (batches of at most [`MAX_EVALUATIONS_PER_BATCH`]) with the sealed
//!    result roots and the backend and device that ran them; a miner whose model could not be
//!    fetched or did not match its commitment is submitted as unavailable (it scores zero);
//! 2. **audits**: for every audit assigned to the hotkey it re-executes the same evaluation
//!    (the record's seed) and answers `submit_audit` with its result root;
//! 3. **disputes**: in a dispute it is party to, it reveals its leaves (kept from its
//!    evaluation or audit), and once the referee is awaited it has its node build the
//!    evidence for the disputed sample and brings it (`resolve_dispute`) when the evaluator's
//!    reference agrees with its own leaf. Over a model above the referee's bound it reveals
//!    its trace of the disputed sample and then the disputed layer's outputs, each computed
//!    by its node, and brings the narrowed evidence (`resolve_narrowed`) when the reference
//!    agrees with its own claim and element value.
//!
//! A hotkey sends at most one transaction per block (its nonce is read from the chain): the
//! first that is due, disputes first. Progress lives in the node's persistent off-chain storage
//! under [`STORAGE_PREFIX`]: job ids, outcomes and the leaves a dispute needs. A transaction
//! that has not taken effect after [`RESEND_AFTER`] blocks is sent again. A lock keeps the
//! workers of consecutive blocks from running at once.
//!
//! The hotkey pays the transaction fees: it needs a free balance.

use crate::{
	disputes::of_party, AuditId, AuditOf, Audits, Call, Claims, Config, DisputeOf, DisputePhase,
	Disputes, EpochSeeds, Evaluated, Pallet, Revealed, MAX_EVALUATIONS_PER_BATCH, UID_BITMAP_WORDS,
};
use alloc::{boxed::Box, format, string::String, vec::Vec};
use codec::{Decode, Encode};
use polkadot_sdk::{
	frame_support::BoundedVec,
	frame_system::{
		offchain::{AppCrypto, SendSignedTransaction, Signer, SigningTypes},
		pallet_prelude::BlockNumberFor,
	},
	sp_core::H256,
	sp_runtime::{
		offchain::{
			storage::StorageValueRef,
			storage_lock::{StorageLock, Time},
			Duration,
		},
		traits::IdentifyAccount,
		RuntimeAppPublic, SaturatedConversion,
	},
};
use verity_evaluator::narrowing::activations_hash;
use verity_primitives::{
	evaluations::{
		Attestation, Evaluation, EvaluationOutcome, Party, RevealedLeaf, MAX_BACKEND_LEN,
		MAX_DEVICE_LEN,
	},
	host::{evaluator, Job, JobFailure, JobKind, JobOutput, JobStatus, ModelSource, QueueError},
	subnets::{EvaluationMode, IpAddress, NetUid, Protocol, Uid},
	traits::{NetworkParametersInterface, ScoringInterface, StakeInterface, SubnetsInterface},
};

/// The prefix of every key this worker keeps in the node's off-chain storage.
pub const STORAGE_PREFIX: &[u8] = b"verity/evaluations/ocw/";
/// Blocks after which a transaction that has not taken effect is sent again.
pub const RESEND_AFTER: u64 = 5;
/// How long one worker run may hold the lock, in milliseconds.
const LOCK_MILLIS: u64 = 30_000;

/// Where one evaluation of an epoch stands.
#[derive(Clone, Copy, Encode, Decode, PartialEq, Eq, Debug)]
pub enum EvaluationState {
	/// Queued on the node's evaluator as this job.
	Queued(u64),
	/// Finished: the outcome to submit.
	Finished(EvaluationOutcome),
	/// The node cannot evaluate it (it lacks the subnet's dataset): nothing is submitted for
	/// the epoch until it can.
	Stuck,
}

/// Where a validator's evaluations of one subnet epoch stand.
#[derive(Clone, Encode, Decode, Default, PartialEq, Eq, Debug)]
pub struct EpochTask {
	/// Each due miner's evaluation.
	pub miners: Vec<(Uid, EvaluationState)>,
	/// The backend and device of the finished evaluations.
	pub ran_on: Option<(Vec<u8>, Vec<u8>)>,
	/// The block the last batch was sent in.
	pub sent_at: Option<u64>,
}

/// Where an answer (an audit's root, a dispute's evidence) stands.
#[derive(Clone, Encode, Decode, PartialEq, Eq, Debug)]
pub enum AnswerState<Answer> {
	/// Queued on the node's evaluator as this job.
	Queued(u64),
	/// Computed, not sent yet.
	Ready(Answer),
	/// Computed, last sent in this block.
	Sent(Answer, u64),
	/// Not to be sent: the job failed, or the reference disagrees with this party's leaf.
	Declined,
}

/// The samples a job draws: from which dataset, with which seed, how many.
struct Sampling {
	dataset_root: H256,
	seed: H256,
	samples: u32,
}

/// The off-chain storage key of `parts`.
fn storage_key(parts: impl Encode) -> Vec<u8> {
	let mut key = STORAGE_PREFIX.to_vec();
	parts.encode_to(&mut key);
	key
}

/// Reads a value from the off-chain storage; `None` when absent or undecodable.
fn load<V: Decode>(key: &[u8]) -> Option<V> {
	StorageValueRef::persistent(key).get::<V>().ok().flatten()
}

/// Writes a value to the off-chain storage.
fn store<V: Encode>(key: &[u8], value: &V) {
	StorageValueRef::persistent(key).set(value);
}

/// Whether something sent at `sent_at` may be sent again at `now`.
fn may_send(sent_at: Option<u64>, now: u64) -> bool {
	sent_at.is_none_or(|at| now >= at.saturating_add(RESEND_AFTER))
}

/// The URL of a model on a miner's endpoint; `None` unless it serves plain HTTP.
pub fn model_url(endpoint: &verity_primitives::subnets::Endpoint, root: &H256) -> Option<Vec<u8>> {
	if endpoint.protocol != Protocol::Http {
		return None;
	}
	let host = match endpoint.ip {
		IpAddress::V4([a, b, c, d]) => format!("{a}.{b}.{c}.{d}"),
		IpAddress::V6(octets) => {
			let groups: Vec<String> = octets
				.chunks_exact(2)
				.map(|pair| match pair {
					[high, low] => format!("{:x}", u16::from_be_bytes([*high, *low])),
					_ => String::new(),
				})
				.collect();
			format!("[{}]", groups.join(":"))
		}
	};
	let root_hex: String = root.0.iter().map(|byte| format!("{byte:02x}")).collect();
	Some(format!("http://{host}:{}/models/0x{root_hex}", endpoint.port).into_bytes())
}

/// `bytes` cut to at most `N` bytes.
fn bounded<const N: u32>(bytes: &[u8]) -> BoundedVec<u8, polkadot_sdk::sp_core::ConstU32<N>> {
	BoundedVec::truncate_from(bytes.to_vec())
}

impl<T: Config> Pallet<T> {
	/// The off-chain worker of block `now` (see the module docs).
	pub fn run_offchain_worker(now: BlockNumberFor<T>) {
		let keys = Self::local_keys();
		if keys.is_empty() {
			return;
		}
		let lock_key = storage_key(b"lock");
		let mut lock =
			StorageLock::<Time>::with_deadline(&lock_key, Duration::from_millis(LOCK_MILLIS));
		let Ok(_guard) = lock.try_lock() else {
			log::debug!(target: "verity::evaluations", "off-chain worker of #{now:?}: the previous one still runs");
			return;
		};
		let now: u64 = now.saturated_into();
		// Read once for all the node's keys.
		let audits: Vec<_> = Audits::<T>::iter().collect();
		let disputes: Vec<_> = Disputes::<T>::iter().collect();
		for (public, hotkey) in keys {
			let Some(call) = Self::next_call(now, &hotkey, &audits, &disputes) else { continue };
			let sent = Signer::<T, T::AuthorityId>::any_account()
				.with_filter(alloc::vec![public])
				.send_signed_transaction(|_| call.clone());
			match sent {
				Some((_, Ok(()))) => log::info!(
					target: "verity::evaluations",
					"#{now}: {hotkey:?} sent {}",
					call_name(&call)
				),
				Some((_, Err(()))) => log::warn!(
					target: "verity::evaluations",
					"#{now}: {hotkey:?} could not send {} (no free balance for the fee, or a \
					 transaction of its is still pending)",
					call_name(&call)
				),
				None => log::warn!(
					target: "verity::evaluations",
					"#{now}: the keystore holds no signing key for {hotkey:?}"
				),
			}
		}
	}

	/// The evaluation keys of this node's keystore, as public keys and hotkeys.
	pub fn local_keys() -> Vec<(T::Public, T::AccountId)> {
		type AppPublic<T> = <<T as Config>::AuthorityId as AppCrypto<
			<T as SigningTypes>::Public,
			<T as SigningTypes>::Signature,
		>>::RuntimeAppPublic;
		type GenericPublic<T> = <<T as Config>::AuthorityId as AppCrypto<
			<T as SigningTypes>::Public,
			<T as SigningTypes>::Signature,
		>>::GenericPublic;
		AppPublic::<T>::all()
			.into_iter()
			.map(|key| {
				let public: T::Public = GenericPublic::<T>::from(key).into();
				let account = public.clone().into_account();
				(public, account)
			})
			.collect()
	}

	/// Advances every task of `hotkey` (among the pending `audits` and `disputes`) and returns
	/// the first transaction that is due: disputes first, then audits, then evaluations.
	pub fn next_call(
		now: u64,
		hotkey: &T::AccountId,
		audits: &[(AuditId, AuditOf<T>)],
		disputes: &[(AuditId, DisputeOf<T>)],
	) -> Option<Call<T>> {
		let mut due = None;
		for call in [
			Self::dispute_call(now, hotkey, disputes),
			Self::audit_call(now, hotkey, audits),
			Self::evaluation_call(now, hotkey),
		]
		.into_iter()
		.flatten()
		{
			due.get_or_insert(call);
		}
		due
	}

	/// The job of `kind` on miner `miner`'s model `(root, size)`, fetched from the miner's
	/// served endpoint, or `None` when it serves nowhere the worker can fetch from.
	fn job(
		kind: JobKind,
		netuid: NetUid,
		miner: Uid,
		model: (H256, u64),
		sampling: Sampling,
	) -> Option<Job> {
		let (root, size) = model;
		let url = model_url(&T::Subnets::endpoint(netuid, miner)?, &root)?;
		Some(Job {
			kind,
			model: ModelSource { url, root, size },
			dataset_root: sampling.dataset_root,
			seed: sampling.seed,
			samples: sampling.samples,
		})
	}

	/// The job of `kind` that re-executes the audited evaluation.
	fn audit_job(kind: JobKind, audit: &AuditOf<T>) -> Option<Job> {
		Self::job(
			kind,
			audit.netuid,
			audit.miner,
			(audit.record.model_root, audit.record.model_size),
			Sampling {
				dataset_root: audit.dataset_root,
				seed: audit.record.sample_seed,
				samples: audit.samples,
			},
		)
	}

	/// The hotkey's evaluations of the current epoch of every verified subnet: advances their
	/// jobs and returns a `submit_evaluations` once a subnet's are all finished.
	fn evaluation_call(now: u64, hotkey: &T::AccountId) -> Option<Call<T>> {
		let mut due = None;
		for netuid in T::Subnets::netuids() {
			if let Some(call) = Self::subnet_evaluation_call(now, hotkey, netuid) {
				due.get_or_insert(call);
			}
		}
		due
	}

	/// [`Self::evaluation_call`] on one subnet.
	fn subnet_evaluation_call(now: u64, hotkey: &T::AccountId, netuid: NetUid) -> Option<Call<T>> {
		let spec = T::Subnets::hyperparameters(netuid)?.evaluation;
		if spec.mode != EvaluationMode::Verified {
			return None;
		}
		let uid = T::Subnets::uid_of(netuid, hotkey)?;
		if !T::Scoring::has_validator_permit(netuid, uid)
			|| T::Stake::total_stake(hotkey) < T::Parameters::evaluation_parameters().min_stake
		{
			return None;
		}
		let epoch = T::Scoring::epoch_index(netuid);
		let seed = EpochSeeds::<T>::get(netuid, epoch)?;
		let known_since: u64 = seed.known_since.saturated_into();
		let evaluated = Evaluated::<T>::get(netuid, uid)
			.filter(|evaluated| evaluated.epoch == epoch)
			.map_or([0u64; UID_BITMAP_WORDS], |evaluated| evaluated.miners);
		let is_evaluated = |miner: Uid| {
			evaluated
				.get(usize::from(miner / 64))
				.is_some_and(|word| word & (1u64 << (miner % 64)) != 0)
		};

		let key = storage_key((b"epoch", netuid, epoch, hotkey));
		let mut task: EpochTask = load(&key).unwrap_or_default();
		let mut pending = false;
		let mut outcomes: Vec<Evaluation> = Vec::new();
		for miner in 0..T::Subnets::neuron_count(netuid) {
			if miner == uid || is_evaluated(miner) {
				continue;
			}
			let Some(model) = T::Subnets::model_commitment(netuid, miner) else { continue };
			if u64::from(model.committed_at) >= known_since {
				continue;
			}
			let Some(miner_hotkey) = T::Subnets::hotkey_of(netuid, miner) else { continue };
			let position = task.miners.iter().position(|(m, _)| *m == miner);
			let state = position.and_then(|at| task.miners.get(at)).map(|(_, state)| *state);
			let next = match state {
				None => {
					let seed =
						Self::sample_seed(&seed.randomness, netuid, epoch, &miner_hotkey, hotkey);
					let sampling = Sampling {
						dataset_root: spec.dataset_root,
						seed,
						samples: spec.samples_per_evaluation,
					};
					let job = Self::job(
						JobKind::Evaluate,
						netuid,
						miner,
						(model.root, model.size),
						sampling,
					);
					match job.map(evaluator::queue) {
						None | Some(Err(QueueError::InvalidJob)) => {
							Some(EvaluationState::Finished(EvaluationOutcome::Unavailable))
						}
						Some(Ok(id)) => Some(EvaluationState::Queued(id)),
						Some(Err(QueueError::QueueFull)) => None,
						Some(Err(QueueError::NoEvaluator)) => {
							log::warn!(
								target: "verity::evaluations",
								"this node runs no evaluator: {hotkey:?} cannot evaluate"
							);
							return None;
						}
					}
				}
				Some(EvaluationState::Queued(id)) => match evaluator::poll(id) {
					JobStatus::Pending => Some(EvaluationState::Queued(id)),
					JobStatus::Unknown => None,
					JobStatus::Done(JobOutput::Evaluated(result)) => {
						store(
							&storage_key((b"leaves", netuid, epoch, miner, hotkey)),
							&result.leaves,
						);
						task.ran_on.get_or_insert((result.backend, result.device));
						Some(EvaluationState::Finished(EvaluationOutcome::Evaluated {
							score: result.total,
							sealed_root: Self::seal(&result.result_root, hotkey),
						}))
					}
					JobStatus::Done(_) => None,
					JobStatus::Failed(JobFailure::UnknownDataset) => {
						log::error!(
							target: "verity::evaluations",
							"subnet {netuid}: this node has no dataset with root {:?} (see \
							 --dataset-dir)",
							spec.dataset_root
						);
						Some(EvaluationState::Stuck)
					}
					JobStatus::Failed(failure) => {
						log::info!(
							target: "verity::evaluations",
							"subnet {netuid}, miner {miner}: unavailable ({failure:?}), scores zero"
						);
						Some(EvaluationState::Finished(EvaluationOutcome::Unavailable))
					}
				},
				Some(state) => Some(state),
			};
			match (position, next) {
				(Some(at), Some(state)) => {
					if let Some(entry) = task.miners.get_mut(at) {
						entry.1 = state;
					}
				}
				(Some(at), None) => {
					task.miners.remove(at);
				}
				(None, Some(state)) => task.miners.push((miner, state)),
				(None, None) => {}
			}
			match next {
				Some(EvaluationState::Finished(outcome)) => {
					if outcomes.len() < MAX_EVALUATIONS_PER_BATCH as usize {
						outcomes.push(Evaluation { miner, outcome });
					}
				}
				_ => pending = true,
			}
		}
		let send = !pending && !outcomes.is_empty() && may_send(task.sent_at, now);
		if send {
			task.sent_at = Some(now);
		}
		store(&key, &task);
		if !send {
			return None;
		}
		let (backend, device) = task.ran_on.unwrap_or_else(|| (b"none".to_vec(), Vec::new()));
		let attestation = Attestation {
			backend: bounded::<MAX_BACKEND_LEN>(&backend),
			device: bounded::<MAX_DEVICE_LEN>(&device),
			quote: BoundedVec::new(),
		};
		Some(Call::submit_evaluations {
			netuid,
			epoch,
			evaluations: BoundedVec::truncate_from(outcomes),
			attestation,
		})
	}

	/// The audits assigned to the hotkey: re-executes each and returns a `submit_audit` once
	/// one is computed.
	fn audit_call(
		now: u64,
		hotkey: &T::AccountId,
		audits: &[(AuditId, AuditOf<T>)],
	) -> Option<Call<T>> {
		let mut due = None;
		for (id, audit) in audits {
			let id = *id;
			if audit.auditor != *hotkey {
				continue;
			}
			let key = storage_key((b"audit", id));
			let state: Option<AnswerState<H256>> = load(&key);
			let next = match state {
				None => {
					let job = Self::audit_job(JobKind::Evaluate, audit);
					match job.map(evaluator::queue) {
						Some(Ok(job)) => Some(AnswerState::Queued(job)),
						Some(Err(QueueError::QueueFull)) => None,
						Some(Err(QueueError::NoEvaluator)) => return None,
						None | Some(Err(QueueError::InvalidJob)) => Some(AnswerState::Declined),
					}
				}
				Some(AnswerState::Queued(job)) => match evaluator::poll(job) {
					JobStatus::Pending => Some(AnswerState::Queued(job)),
					JobStatus::Done(JobOutput::Evaluated(result)) => {
						store(&storage_key((b"audit-leaves", id)), &result.leaves);
						Some(AnswerState::Ready(result.result_root))
					}
					JobStatus::Unknown | JobStatus::Done(_) => None,
					JobStatus::Failed(failure) => {
						log::warn!(
							target: "verity::evaluations",
							"audit {id}: cannot re-execute ({failure:?})"
						);
						Some(AnswerState::Declined)
					}
				},
				Some(state) => Some(state),
			};
			let sendable = match &next {
				Some(AnswerState::Ready(root)) => Some(*root),
				Some(AnswerState::Sent(root, at)) if may_send(Some(*at), now) => Some(*root),
				_ => None,
			};
			let next = match sendable {
				Some(root) if due.is_none() => {
					due = Some(Call::submit_audit { id, result_root: root });
					Some(AnswerState::Sent(root, now))
				}
				_ => next,
			};
			match next {
				Some(state) => store(&key, &state),
				None => StorageValueRef::persistent(&key).clear(),
			}
		}
		due
	}

	/// The disputes the hotkey is party to: reveals its leaves, and brings the referee's
	/// evidence when the reference agrees with its leaf.
	fn dispute_call(
		now: u64,
		hotkey: &T::AccountId,
		disputes: &[(AuditId, DisputeOf<T>)],
	) -> Option<Call<T>> {
		let mut due = None;
		for (id, dispute) in disputes {
			let id = *id;
			let audit = &dispute.audit;
			let party = if audit.validator == *hotkey {
				Party::Validator
			} else if audit.auditor == *hotkey {
				Party::Auditor
			} else {
				continue;
			};
			let call = match dispute.phase {
				DisputePhase::Revealing => {
					if Revealed::<T>::contains_key(id, party) {
						continue;
					}
					let sent_key = storage_key((b"reveal", id, party));
					if !may_send(load(&sent_key), now) {
						continue;
					}
					let leaves_key = match party {
						Party::Validator => storage_key((
							b"leaves",
							audit.netuid,
							audit.record.epoch,
							audit.miner,
							hotkey,
						)),
						Party::Auditor => storage_key((b"audit-leaves", id)),
					};
					let Some(leaves) = load::<Vec<RevealedLeaf>>(&leaves_key) else {
						log::warn!(
							target: "verity::evaluations",
							"dispute {id}: this node kept no leaves to reveal"
						);
						continue;
					};
					let Ok(leaves) = BoundedVec::try_from(leaves) else { continue };
					if due.is_some() {
						continue;
					}
					store(&sent_key, &now);
					Call::reveal_leaves { id, leaves }
				}
				DisputePhase::Refereeing { position, validator_leaf, auditor_leaf } => {
					let ours = of_party(party, validator_leaf, auditor_leaf);
					let key = storage_key((b"evidence", id, party));
					let kind = JobKind::Evidence { position };
					let Some(evidence) =
						Self::prepared(now, &key, kind, audit, |output| match output {
							JobOutput::Evidence(built) if built.leaf == ours => Ok(built.evidence),
							JobOutput::Evidence(_) => Err(DISAGREES),
							_ => Err(UNEXPECTED),
						})
					else {
						continue;
					};
					if due.is_some() {
						continue;
					}
					store(&key, &AnswerState::Sent(evidence.clone(), now));
					Call::resolve_dispute { id, evidence: Box::new(evidence) }
				}
				DisputePhase::Tracing { position, validator_leaf, auditor_leaf } => {
					if Claims::<T>::contains_key(id, party) {
						continue;
					}
					let ours = of_party(party, validator_leaf, auditor_leaf);
					let key = storage_key((b"trace", id, party));
					let kind = JobKind::Trace { position };
					let Some(trace) =
						Self::prepared(now, &key, kind, audit, |output| match output {
							JobOutput::Trace(trace, leaf) if leaf == ours => Ok(*trace),
							JobOutput::Trace(..) => Err(DISAGREES),
							_ => Err(UNEXPECTED),
						})
					else {
						continue;
					};
					if due.is_some() {
						continue;
					}
					store(&key, &AnswerState::Sent(trace.clone(), now));
					Call::reveal_trace { id, trace: Box::new(trace) }
				}
				DisputePhase::Bisecting { narrowing, layer } => {
					if Claims::<T>::contains_key(id, party) {
						continue;
					}
					let ours = of_party(party, layer.validator_hash, layer.auditor_hash);
					let key = storage_key((b"layer", id, party));
					let kind =
						JobKind::LayerOutputs { position: narrowing.position, layer: layer.layer };
					let Some(outputs) =
						Self::prepared(now, &key, kind, audit, |output| match output {
							JobOutput::LayerOutputs(outputs)
								if H256(activations_hash(&outputs)) == ours =>
							{
								BoundedVec::try_from(outputs).map_err(|_| UNEXPECTED)
							}
							JobOutput::LayerOutputs(_) => Err(DISAGREES),
							_ => Err(UNEXPECTED),
						})
					else {
						continue;
					};
					if due.is_some() {
						continue;
					}
					store(&key, &AnswerState::Sent(outputs.clone(), now));
					Call::reveal_layer { id, outputs }
				}
				DisputePhase::Narrowed { narrowing, element } => {
					let claim = of_party(party, narrowing.validator, narrowing.auditor);
					let value = element.map(|disputed| {
						of_party(party, disputed.validator_value, disputed.auditor_value)
					});
					let key = storage_key((b"narrowed", id, party));
					let kind = JobKind::Narrowed {
						position: narrowing.position,
						element: element.map(|disputed| (disputed.layer.layer, disputed.element)),
					};
					let Some(evidence) = Self::prepared(now, &key, kind, audit, |output| {
						let JobOutput::Narrowed(built) = output else { return Err(UNEXPECTED) };
						let sample = &built.evidence.dataset;
						let hash = crate::evidence::sample_hash(built.index, sample);
						if claim.is_right(built.index, &hash, sample.label) && built.value == value
						{
							Ok(built.evidence)
						} else {
							Err(DISAGREES)
						}
					}) else {
						continue;
					};
					if due.is_some() {
						continue;
					}
					store(&key, &AnswerState::Sent(evidence.clone(), now));
					Call::resolve_narrowed { id, evidence: Box::new(evidence) }
				}
			};
			due.get_or_insert(call);
		}
		due
	}

	/// A dispute answer (kept under `key`) once the node has computed it with a job of `kind`
	/// on the audited model, if `accept` takes the job's output, and it is due to be sent:
	/// computed and not sent yet, or sent long enough ago. `accept` refuses, with the reason,
	/// what this party should not send (the reference disagrees with its claim).
	fn prepared<A: Encode + Decode + Clone>(
		now: u64,
		key: &[u8],
		kind: JobKind,
		audit: &AuditOf<T>,
		accept: impl FnOnce(JobOutput) -> Result<A, &'static str>,
	) -> Option<A> {
		let state: Option<AnswerState<A>> = load(key);
		let next = match state {
			None => {
				let job = Self::audit_job(kind, audit);
				match job.map(evaluator::queue) {
					Some(Ok(job)) => AnswerState::Queued(job),
					Some(Err(QueueError::QueueFull | QueueError::NoEvaluator)) => return None,
					None | Some(Err(QueueError::InvalidJob)) => AnswerState::Declined,
				}
			}
			Some(AnswerState::Queued(job)) => match evaluator::poll(job) {
				JobStatus::Pending => return None,
				JobStatus::Unknown => {
					StorageValueRef::persistent(key).clear();
					return None;
				}
				JobStatus::Done(output) => match accept(output) {
					Ok(answer) => AnswerState::Ready(answer),
					Err(reason) => {
						log::warn!(
							target: "verity::evaluations",
							"dispute of audit {:?}/{:?}: {reason}; not sending {kind:?}",
							audit.netuid,
							audit.miner
						);
						AnswerState::Declined
					}
				},
				JobStatus::Failed(failure) => {
					log::warn!(
						target: "verity::evaluations",
						"dispute of audit {:?}/{:?}: cannot compute {kind:?} ({failure:?})",
						audit.netuid,
						audit.miner
					);
					AnswerState::Declined
				}
			},
			Some(state) => state,
		};
		store(key, &next);
		match next {
			AnswerState::Ready(answer) => Some(answer),
			AnswerState::Sent(answer, at) if may_send(Some(at), now) => Some(answer),
			_ => None,
		}
	}
}

/// Why a party does not send what its node computed: the evaluator's reference disagrees with
/// what the party claimed on chain.
const DISAGREES: &str = "the evaluator's reference disagrees with this party's claim";
/// A job answered with another kind of output than it was queued for.
const UNEXPECTED: &str = "the evaluator answered another kind of job";

/// The call's name, for logs.
pub fn call_name<T: Config>(call: &Call<T>) -> &'static str {
	match call {
		Call::submit_evaluations { .. } => "submit_evaluations",
		Call::submit_audit { .. } => "submit_audit",
		Call::reveal_leaves { .. } => "reveal_leaves",
		Call::resolve_dispute { .. } => "resolve_dispute",
		Call::reveal_trace { .. } => "reveal_trace",
		Call::reveal_layer { .. } => "reveal_layer",
		Call::resolve_narrowed { .. } => "resolve_narrowed",
		_ => "a call",
	}
}
