//! The off-chain worker with the off-chain test externalities: the node's local storage and
//! lock, the transaction pool (whose transactions the tests decode and dispatch as a block
//! would), the mock's evaluation keys, and an evaluator that runs the evaluator's reference on
//! the mock's models (the node's real service is tested in `verity-evaluator-service` and in
//! the runtime's tests).

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

use crate::{mock::*, offchain, tests::*, *};
use codec::Decode;
use polkadot_sdk::{
	frame_support::{assert_ok, traits::UnfilteredDispatchable, BoundedVec},
	sp_core::{
		offchain::{
			testing::{PoolState, TestOffchainExt, TestTransactionPoolExt},
			OffchainDbExt, OffchainWorkerExt, TransactionPoolExt,
		},
		H256,
	},
	sp_io,
	sp_runtime::{generic::Preamble, testing::UintAuthorityId},
};
use std::{
	collections::BTreeMap,
	sync::{Arc, Mutex},
};
use verity_evaluator::Model;
use verity_primitives::{
	evaluations::{Evaluation, EvaluationOutcome, Party},
	host::{
		Evaluated as EvaluatedOutput, EvaluatorExt, EvaluatorService, Job, JobFailure, JobKind,
		JobOutput, JobStatus, QueueError,
	},
	subnets::{Endpoint, IpAddress, NetUid, Protocol, Uid},
	Balance,
};

/// The port miner `uid` serves on in these tests.
fn port(uid: Uid) -> u16 {
	8700 + uid
}

/// An evaluator that runs the reference on the models it was given, by URL. Jobs stay
/// pending while `hold` is set.
#[derive(Default)]
struct ReferenceEvaluator {
	models: BTreeMap<Vec<u8>, Model>,
	state: Mutex<(Vec<Job>, bool)>,
}

impl ReferenceEvaluator {
	/// Serves `model` where the worker looks for miner `uid`'s model: its endpoint in these
	/// tests, and the model's root.
	fn with_model(mut self, uid: Uid, model: Model) -> Self {
		self.models.insert(url(uid, &model), model);
		self
	}

	/// Serves `model` where the worker looks for `committed`: another model than committed.
	fn with_model_instead(mut self, uid: Uid, committed: &Model, model: Model) -> Self {
		self.models.insert(url(uid, committed), model);
		self
	}

	fn hold(&self, hold: bool) {
		self.state.lock().unwrap().1 = hold;
	}

	fn queued(&self) -> Vec<Job> {
		self.state.lock().unwrap().0.clone()
	}
}

/// Where miner `uid` serves `model` in these tests.
fn url(uid: Uid, model: &Model) -> Vec<u8> {
	let endpoint = Endpoint {
		ip: IpAddress::V4([127, 0, 0, 1]),
		port: port(uid),
		protocol: Protocol::Http,
		version: 1,
	};
	offchain::model_url(&endpoint, &H256(model.root())).unwrap()
}

impl EvaluatorService for ReferenceEvaluator {
	fn queue(&self, job: Job) -> Result<u64, QueueError> {
		let mut state = self.state.lock().unwrap();
		state.0.push(job);
		Ok(state.0.len() as u64 - 1)
	}

	fn poll(&self, id: u64) -> JobStatus {
		let state = self.state.lock().unwrap();
		let Some(job) = state.0.get(id as usize) else { return JobStatus::Unknown };
		if state.1 {
			return JobStatus::Pending;
		}
		let Some(model) = self.models.get(&job.model.url) else {
			return JobStatus::Failed(JobFailure::ModelUnavailable(b"404".to_vec()));
		};
		if H256(model.root()) != job.model.root {
			return JobStatus::Failed(JobFailure::ModelMismatch);
		}
		if job.dataset_root != H256(dataset().root()) {
			return JobStatus::Failed(JobFailure::UnknownDataset);
		}
		if job.kind != JobKind::Evaluate {
			// Disputes: what the node's service builds, built the same way.
			let output = crate::evidence::dispute_output(
				job.kind,
				&model.encode(),
				model,
				&dataset(),
				&job.seed,
				job.samples,
			);
			return output.map_or_else(JobStatus::Failed, JobStatus::Done);
		}
		let result = evaluate(model, job.seed);
		let leaves: Vec<(H256, u32)> =
			result.leaves.iter().zip(&result.scores).map(|(l, s)| (H256(*l), *s)).collect();
		JobStatus::Done(JobOutput::Evaluated(EvaluatedOutput {
			result_root: H256(result.root),
			total: result.total,
			leaves,
			backend: b"reference".to_vec(),
			device: b"test".to_vec(),
		}))
	}
}

/// Externalities with the off-chain extensions and `evaluator` (none when `None`); returns
/// them with the pool's state.
fn offchain_ext(
	evaluator: Option<Arc<dyn EvaluatorService>>,
) -> (sp_io::TestExternalities, Arc<parking_lot::RwLock<PoolState>>) {
	let mut ext = ExtBuilder.build();
	let (offchain, _) = TestOffchainExt::new();
	let (pool, pool_state) = TestTransactionPoolExt::new();
	ext.register_extension(OffchainDbExt::new(offchain.clone()));
	ext.register_extension(OffchainWorkerExt::new(offchain));
	ext.register_extension(TransactionPoolExt::new(pool));
	if let Some(evaluator) = evaluator {
		ext.register_extension(EvaluatorExt(evaluator));
	}
	(ext, pool_state)
}

/// Runs the worker of the current block and returns what it sent, decoded: `(signer, call)`.
fn run_worker(pool: &Arc<parking_lot::RwLock<PoolState>>) -> Vec<(AccountId, Call<Test>)> {
	Evaluations::run_offchain_worker(System::block_number());
	let sent: Vec<Vec<u8>> = core::mem::take(&mut pool.write().transactions);
	sent.into_iter()
		.map(|bytes| {
			let xt = Extrinsic::decode(&mut &bytes[..]).unwrap();
			let Preamble::Signed(signer, ..) = xt.preamble else { panic!("not signed") };
			let RuntimeCall::Evaluations(call) = xt.function else { panic!("not ours") };
			(signer, call)
		})
		.collect()
}

/// Dispatches what the worker sent, as the next block would.
fn include(sent: Vec<(AccountId, Call<Test>)>) {
	for (signer, call) in sent {
		assert_ok!(call.dispatch_bypass_filter(RuntimeOrigin::signed(signer)));
	}
}

/// `network()` with both miners serving.
fn serving_network() -> NetUid {
	let netuid = network();
	MockSubnets::serve(netuid, M0_UID, port(M0_UID));
	MockSubnets::serve(netuid, M1_UID, port(M1_UID));
	netuid
}

/// The weights row `validator`'s honest evaluations of both miners give (zeros left out).
fn honest_row(netuid: NetUid, validator: AccountId) -> Vec<(Uid, u16)> {
	[M0_UID, M1_UID]
		.into_iter()
		.map(|miner| (miner, honest(netuid, validator, miner).total as u16))
		.filter(|(_, weight)| *weight != 0)
		.collect()
}

/// Both miners' models, served.
fn both_models() -> Arc<ReferenceEvaluator> {
	Arc::new(
		ReferenceEvaluator::default().with_model(M0_UID, model(1)).with_model(M1_UID, model(2)),
	)
}

#[test]
fn the_worker_evaluates_every_committed_miner_and_submits_sealed_roots() {
	let evaluator = both_models();
	let (mut ext, pool) = offchain_ext(Some(evaluator.clone()));
	ext.execute_with(|| {
		let netuid = serving_network();
		UintAuthorityId::set_all_keys([V0]);
		evaluator.hold(true);

		// First block: one job per miner with a model, nothing sent while they run.
		assert!(run_worker(&pool).is_empty());
		let queued = evaluator.queued();
		assert_eq!(queued.len(), 2);
		assert_eq!(queued[0].model.url, url(M0_UID, &model(1)));
		assert_eq!(queued[0].seed, seed(netuid, V0, M0_UID));
		assert_eq!(queued[0].samples, SAMPLES);
		assert_eq!(queued[0].dataset_root, H256(dataset().root()));
		assert_eq!(queued[1].seed, seed(netuid, V0, M1_UID));
		run_blocks(1);
		assert!(run_worker(&pool).is_empty());
		assert_eq!(evaluator.queued().len(), 2, "pending jobs are not queued again");

		// Once they finish: one batch, signed by the validator's hotkey.
		evaluator.hold(false);
		run_blocks(1);
		let sent = run_worker(&pool);
		let [(signer, Call::submit_evaluations { netuid: n, epoch, evaluations, attestation })] =
			&sent[..]
		else {
			panic!("expected one submission, got {sent:?}")
		};
		assert_eq!((*signer, *n, *epoch), (V0, netuid, 1));
		assert_eq!(
			evaluations.to_vec(),
			vec![
				evaluated(M0_UID, &honest(netuid, V0, M0_UID)),
				evaluated(M1_UID, &honest(netuid, V0, M1_UID))
			]
		);
		assert_eq!(attestation.backend.to_vec(), b"reference".to_vec());
		assert_eq!(attestation.device.to_vec(), b"test".to_vec());
		include(sent);
		assert_eq!(MockScoring::weights(netuid, 0), honest_row(netuid, V0));

		// Nothing more this epoch; the next epoch evaluates again with its own seeds.
		run_blocks(1);
		assert!(run_worker(&pool).is_empty());
		MockRandomness::set(H256::repeat_byte(8), System::block_number() - 1);
		MockScoring::end_epoch(netuid);
		run_blocks(1);
		assert!(run_worker(&pool).is_empty());
		run_blocks(1);
		let sent = run_worker(&pool);
		assert!(matches!(&sent[..], [(V0, Call::submit_evaluations { epoch: 2, .. })]), "{sent:?}");
		Evaluations::do_try_state().unwrap();
	});
}

#[test]
fn a_submission_that_does_not_take_effect_is_sent_again() {
	let evaluator = both_models();
	let (mut ext, pool) = offchain_ext(Some(evaluator.clone()));
	ext.execute_with(|| {
		serving_network();
		UintAuthorityId::set_all_keys([V0]);
		run_worker(&pool);
		run_blocks(1);
		let first = run_worker(&pool);
		assert_eq!(first.len(), 1);
		// Dropped by the pool: nothing for RESEND_AFTER blocks, then the same batch again.
		for _ in 1..offchain::RESEND_AFTER {
			run_blocks(1);
			assert!(run_worker(&pool).is_empty());
		}
		run_blocks(1);
		assert_eq!(run_worker(&pool), first);
	});
}

#[test]
fn unreachable_and_mismatching_models_are_submitted_unavailable() {
	// M0 serves another model than it committed to; M1 serves nowhere.
	let evaluator =
		Arc::new(ReferenceEvaluator::default().with_model_instead(M0_UID, &model(1), model(4)));
	let (mut ext, pool) = offchain_ext(Some(evaluator.clone()));
	ext.execute_with(|| {
		let netuid = network();
		MockSubnets::serve(netuid, M0_UID, port(M0_UID));
		UintAuthorityId::set_all_keys([V0]);
		// M1 has no endpoint: unavailable at once; M0's job fails on the root check.
		assert!(run_worker(&pool).is_empty());
		assert_eq!(evaluator.queued().len(), 1);
		run_blocks(1);
		let sent = run_worker(&pool);
		let [(V0, Call::submit_evaluations { evaluations, .. })] = &sent[..] else {
			panic!("expected one submission, got {sent:?}")
		};
		let unavailable = |miner| Evaluation { miner, outcome: EvaluationOutcome::Unavailable };
		assert_eq!(evaluations.to_vec(), vec![unavailable(M0_UID), unavailable(M1_UID)]);
		include(sent);
		// Zero scores: an empty weights row.
		assert!(MockScoring::weights(netuid, 0).is_empty());
	});
}

#[test]
fn every_validator_evaluates_and_every_audit_is_answered_and_matches() {
	let evaluator = both_models();
	let (mut ext, pool) = offchain_ext(Some(evaluator.clone()));
	ext.execute_with(|| {
		let netuid = serving_network();
		UintAuthorityId::set_all_keys([V0, V1, V2]);
		let mut assigned = Vec::new();
		let mut matched = 0;
		let mut submitted = 0;
		for _ in 0..12 {
			let sent = run_worker(&pool);
			submitted += sent
				.iter()
				.filter(|(_, call)| matches!(call, Call::submit_evaluations { .. }))
				.count();
			include(sent);
			run_blocks(1);
			for event in events() {
				match event {
					Event::AuditAssigned { id, validator, auditor, .. } => {
						assert_ne!(validator, auditor);
						assigned.push((id, validator, auditor));
					}
					Event::AuditMatched { .. } => matched += 1,
					Event::DisputeOpened { .. } => panic!("honest evaluations never disagree"),
					_ => {}
				}
			}
		}
		// Three validators evaluated two miners each; all six records were audited (probability
		// one) and every auditor's node answered with the same root.
		assert_eq!(submitted, 3);
		for (uid, validator) in [V0, V1, V2].into_iter().enumerate() {
			assert_eq!(MockScoring::weights(netuid, uid as Uid), honest_row(netuid, validator));
		}
		assert_eq!(assigned.len(), 6);
		assert_eq!(matched, 6);
		assert_eq!(Audits::<Test>::iter().count(), 0);
		let reward = parameters().audit_reward;
		for hotkey in [V0, V1, V2] {
			let checks = assigned
				.iter()
				.filter(|(_, validator, auditor)| *validator == hotkey || *auditor == hotkey)
				.count() as Balance;
			assert_eq!(MockStake::total_stake(&hotkey), STAKE + checks * reward);
		}
		Evaluations::do_try_state().unwrap();
	});
}

/// The call of `sent` that `pick` picks, if any.
fn sent_call<R>(
	sent: &[(AccountId, Call<Test>)],
	pick: impl Fn(&AccountId, &Call<Test>) -> Option<R>,
) -> Option<R> {
	sent.iter().find_map(|(signer, call)| pick(signer, call))
}

#[test]
fn a_forged_evaluation_is_disputed_and_the_auditors_node_brings_the_referee_its_evidence() {
	let evaluator = both_models();
	let (mut ext, pool) = offchain_ext(Some(evaluator.clone()));
	ext.execute_with(|| {
		let netuid = serving_network();
		// V0 forges: one flipped output, sealed and submitted by hand (its keys are not here).
		let honest_leaves = leaves(&honest(netuid, V0, M0_UID));
		let forged = flipped(&honest_leaves, 4, 0xee);
		let (id, auditor) = audited(netuid, V0, claimed(&forged));
		UintAuthorityId::set_all_keys([auditor]);

		// The auditor's node re-executes and answers (its own evaluations wait: disputes and
		// audits come first); the roots differ, a dispute opens.
		// Once the dispute is open, the node reveals the leaves it kept from its re-execution.
		let mut answered = None;
		let mut revealed = None;
		for _ in 0..4 {
			let sent = run_worker(&pool);
			answered = answered.or(sent_call(&sent, |signer, call| match call {
				Call::submit_audit { id: i, result_root } if *signer == auditor && *i == id => {
					Some(*result_root)
				}
				_ => None,
			}));
			revealed = revealed.or(sent_call(&sent, |signer, call| match call {
				Call::reveal_leaves { id: i, leaves } if *signer == auditor && *i == id => {
					Some(leaves.to_vec())
				}
				_ => None,
			}));
			include(sent);
			run_blocks(1);
		}
		assert_eq!(answered, Some(root_of(&honest_leaves)));
		assert_eq!(revealed, Some(honest_leaves.clone()));
		assert!(Revealed::<Test>::contains_key(id, Party::Auditor));

		// The forger reveals its (self-consistent) leaves: they first differ at position 4.
		assert_ok!(reveal(id, V0, &forged));
		assert!(matches!(
			Disputes::<Test>::get(id).unwrap().phase,
			DisputePhase::Refereeing { position: 4, .. }
		));

		// The node builds the evidence for position 4, finds the reference agrees with its leaf,
		// and brings it: the forger is slashed, half to the auditor's coldkey.
		let mut resolved = false;
		for _ in 0..3 {
			run_blocks(1);
			events();
			let sent = run_worker(&pool);
			resolved |= sent_call(&sent, |signer, call| match call {
				Call::resolve_dispute { id: i, .. } if *signer == auditor && *i == id => Some(()),
				_ => None,
			})
			.is_some();
			include(sent);
			if resolved {
				break;
			}
		}
		assert!(resolved);
		assert!(evaluator.queued().iter().any(|job| job.kind == JobKind::Evidence { position: 4 }));
		assert!(matches!(
			settlement(),
			Event::DisputeSettled {
				verdict: Verdict::Referee,
				validator_slashed: SLASH,
				auditor_slashed: 0,
				..
			}
		));
		assert_eq!(MockStake::total_stake(&V0), STAKE - SLASH);
		assert_eq!(MockStake::total_stake(&auditor), STAKE);
		assert_eq!(MockStake::free(coldkey(auditor)), SLASH / 2);
		assert_eq!(MockStake::burned(), SLASH / 2);
		Evaluations::do_try_state().unwrap();
	});
}

#[test]
fn a_validator_node_reveals_its_leaves_but_brings_no_evidence_against_itself() {
	let evaluator = both_models();
	let (mut ext, pool) = offchain_ext(Some(evaluator.clone()));
	ext.execute_with(|| {
		let netuid = serving_network();
		UintAuthorityId::set_all_keys([V0]);
		MockScoring::set_permits(netuid, vec![0, 1, 2]);
		run_worker(&pool);
		run_blocks(1);
		include(run_worker(&pool));
		run_blocks(parameters().audit_delay.into());
		// A lying auditor answers the audit of M0 with a forged root.
		let (id, audit) = Audits::<Test>::iter().find(|(_, audit)| audit.miner == M0_UID).unwrap();
		let honest_leaves = leaves(&honest(netuid, V0, M0_UID));
		let forged = flipped(&honest_leaves, 2, 0xaa);
		assert_ok!(Evaluations::submit_audit(
			RuntimeOrigin::signed(audit.auditor),
			id,
			root_of(&forged)
		));
		assert_ok!(reveal(id, audit.auditor, &forged));
		// V0's node reveals the leaves it kept from its evaluation.
		run_blocks(1);
		let sent = run_worker(&pool);
		let [(V0, Call::reveal_leaves { leaves: revealed, .. })] = &sent[..] else {
			panic!("expected V0's reveal, got {sent:?}")
		};
		assert_eq!(revealed.to_vec(), honest_leaves);
		include(sent);
		// It brings the evidence: the reference agrees with V0, the auditor is slashed.
		run_blocks(1);
		run_worker(&pool);
		run_blocks(1);
		let sent = run_worker(&pool);
		assert!(matches!(&sent[..], [(V0, Call::resolve_dispute { .. })]), "{sent:?}");
		events();
		include(sent);
		assert!(matches!(
			settlement(),
			Event::DisputeSettled { validator_slashed: 0, auditor_slashed: SLASH, .. }
		));
		assert_eq!(MockStake::free(coldkey(V0)), SLASH / 2);
	});
}

#[test]
fn a_node_without_an_evaluator_or_keys_sends_nothing() {
	let (mut ext, pool) = offchain_ext(None);
	ext.execute_with(|| {
		serving_network();
		UintAuthorityId::set_all_keys([V0]);
		for _ in 0..3 {
			assert!(run_worker(&pool).is_empty());
			run_blocks(1);
		}
	});
	let evaluator = both_models();
	let (mut ext, pool) = offchain_ext(Some(evaluator.clone()));
	ext.execute_with(|| {
		serving_network();
		UintAuthorityId::set_all_keys(Vec::<u64>::new());
		assert!(run_worker(&pool).is_empty());
		// A key that is no validator of the subnet.
		UintAuthorityId::set_all_keys([M0]);
		assert!(run_worker(&pool).is_empty());
		assert!(evaluator.queued().is_empty());
	});
}

#[test]
fn model_urls_are_plain_http_to_the_served_endpoint() {
	let root = H256::repeat_byte(0xab);
	let v4 = Endpoint {
		ip: IpAddress::V4([10, 0, 0, 7]),
		port: 8700,
		protocol: Protocol::Http,
		version: 1,
	};
	assert_eq!(
		String::from_utf8(offchain::model_url(&v4, &root).unwrap()).unwrap(),
		format!("http://10.0.0.7:8700/models/0x{}", "ab".repeat(32))
	);
	let mut v6 = v4;
	v6.ip = IpAddress::V6([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
	assert!(String::from_utf8(offchain::model_url(&v6, &root).unwrap())
		.unwrap()
		.starts_with("http://[2001:db8:0:0:0:0:0:1]:8700/models/0x"));
	let mut https = v4;
	https.protocol = Protocol::Https;
	assert_eq!(offchain::model_url(&https, &root), None);
}

#[test]
fn over_a_large_model_the_auditors_node_traces_bisects_and_brings_the_narrowed_evidence() {
	use crate::narrowing_tests::{
		disputed_index, large_model, large_network, leaves_with, trace_of, Claimed,
	};
	let evaluator = Arc::new(
		ReferenceEvaluator::default()
			.with_model(M0_UID, large_model())
			.with_model(M1_UID, model(2)),
	);
	let (mut ext, pool) = offchain_ext(Some(evaluator.clone()));
	ext.execute_with(|| {
		let netuid = large_network();
		MockSubnets::serve(netuid, M0_UID, port(M0_UID));
		MockSubnets::serve(netuid, M1_UID, port(M1_UID));
		let model = large_model();
		// V0 forges by hand: output 3 of hidden layer 1 of the sample at position 5 is off.
		let position = 5;
		let index = disputed_index(netuid, position);
		let honest = Claimed::honest(&model, index);
		let wrong = honest.activations[1][3].wrapping_add(120);
		let forged = Claimed::tampered(&model, index, (1, 3, wrong));
		let forged_leaves = leaves_with(netuid, position, &forged);
		let honest_leaves = leaves_with(netuid, position, &honest);
		assert_ne!(forged_leaves, honest_leaves);
		let (id, auditor) = audited(netuid, V0, claimed(&forged_leaves));
		UintAuthorityId::set_all_keys([auditor]);

		// The auditor's node answers the audit and reveals its leaves; V0 reveals by hand.
		// One block: the node's worker runs and what it sent is included.
		let step = |pool: &Arc<parking_lot::RwLock<PoolState>>| -> Vec<&'static str> {
			run_blocks(1);
			let sent = run_worker(pool);
			let names = sent
				.iter()
				.map(|(signer, call)| {
					assert_eq!(*signer, auditor, "only the auditor's key is on this node");
					offchain::call_name(call)
				})
				.collect();
			include(sent);
			names
		};
		let mut sent_by_node: Vec<&'static str> = Vec::new();
		while !Revealed::<Test>::contains_key(id, Party::Auditor) {
			assert!(sent_by_node.len() < 4, "the node did not reveal: {sent_by_node:?}");
			sent_by_node.extend(step(&pool));
		}
		assert_ok!(reveal(id, V0, &forged_leaves));
		assert!(matches!(
			Disputes::<Test>::get(id).unwrap().phase,
			DisputePhase::Tracing { position: 5, .. }
		));

		// The node traces the sample; V0 traces its forgery: they differ at layer 1.
		while !Claims::<Test>::contains_key(id, Party::Auditor) {
			assert!(sent_by_node.len() < 6, "the node did not trace: {sent_by_node:?}");
			sent_by_node.extend(step(&pool));
		}
		assert!(matches!(Claims::<Test>::get(id, Party::Auditor), Some(Claim::Trace { .. })));
		assert_ok!(Evaluations::reveal_trace(
			RuntimeOrigin::signed(V0),
			id,
			Box::new(trace_of(&model, index, &forged.activations))
		));
		assert!(matches!(
			Disputes::<Test>::get(id).unwrap().phase,
			DisputePhase::Bisecting { layer: LayerDispute { layer: 1, .. }, .. }
		));

		// V0 reveals its layer; the node reveals its own, then brings the evidence of element
		// 3: the forger is slashed.
		assert_ok!(Evaluations::reveal_layer(
			RuntimeOrigin::signed(V0),
			id,
			BoundedVec::truncate_from(forged.activations[1].clone())
		));
		for _ in 0..6 {
			if !Disputes::<Test>::contains_key(id) {
				break;
			}
			sent_by_node.extend(step(&pool));
		}
		assert_eq!(
			sent_by_node,
			["submit_audit", "reveal_leaves", "reveal_trace", "reveal_layer", "resolve_narrowed"]
		);
		let kinds: Vec<JobKind> = evaluator.queued().iter().map(|job| job.kind).collect();
		assert!(kinds.contains(&JobKind::Trace { position: 5 }));
		assert!(kinds.contains(&JobKind::LayerOutputs { position: 5, layer: 1 }));
		assert!(kinds.contains(&JobKind::Narrowed { position: 5, element: Some((1, 3)) }));
		assert!(matches!(
			settlement(),
			Event::DisputeSettled {
				verdict: Verdict::Narrowed,
				validator_slashed: SLASH,
				auditor_slashed: 0,
				..
			}
		));
		assert_eq!(MockStake::total_stake(&V0), STAKE - SLASH);
		assert_eq!(MockStake::free(coldkey(auditor)), SLASH / 2);
		Evaluations::do_try_state().unwrap();
	});
}
