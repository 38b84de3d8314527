//! Submissions (every error), seeds, audits, disputes and the referee, with real evaluations
//! from `verity-evaluator`; adversarial validators and auditors with exact stakes after the
//! slash. Every test ends with the pallet's invariants (`ExtBuilder::build_and_execute`).

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

use crate::{mock::*, *};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, BoundedVec},
	sp_core::H256,
	sp_runtime::{DispatchError, DispatchResult, Perbill},
};
use verity_evaluator::{EvaluationResult, Model};
use verity_primitives::{
	evaluations::{Attestation, Evaluation, EvaluationOutcome, RefereeEvidence, RevealedLeaf},
	subnets::{EvaluationMode, NetUid, Uid},
	traits::{ScoringInterface, StakeInterface, SubnetsInterface},
	Balance,
};

/// Validators' hotkeys (UIDs 0, 1, 2); their coldkeys are the hotkey + 100.
pub(crate) const V0: AccountId = 10;
pub(crate) const V1: AccountId = 11;
pub(crate) const V2: AccountId = 12;
/// Miners' hotkeys (UIDs 3, 4).
pub(crate) const M0: AccountId = 20;
pub(crate) const M1: AccountId = 21;
pub(crate) const M0_UID: Uid = 3;
pub(crate) const M1_UID: Uid = 4;

pub(crate) fn coldkey(hotkey: AccountId) -> AccountId {
	hotkey + 100
}

/// A verified subnet in epoch 1: three validators of three operators with permits and stake,
/// two miners that committed `model(1)` and `model(2)` before the epoch's randomness.
pub(crate) fn network() -> NetUid {
	let netuid = MockSubnets::create(&dataset());
	for hotkey in [V0, V1, V2, M0, M1] {
		MockSubnets::register(netuid, hotkey, coldkey(hotkey));
	}
	for hotkey in [V0, V1, V2] {
		MockStake::set_stake(hotkey, STAKE);
	}
	MockScoring::set_permits(netuid, vec![0, 1, 2]);
	MockSubnets::commit_model(netuid, M0_UID, &model(1));
	MockSubnets::commit_model(netuid, M1_UID, &model(2));
	run_to_block(3);
	MockRandomness::set(H256::repeat_byte(7), 2);
	MockScoring::end_epoch(netuid);
	events();
	netuid
}

fn attestation() -> Attestation {
	Attestation {
		backend: BoundedVec::truncate_from(b"cpu".to_vec()),
		device: BoundedVec::truncate_from(b"test machine".to_vec()),
		quote: BoundedVec::new(),
	}
}

pub(crate) fn miner_model(miner: Uid) -> Model {
	if miner == M0_UID {
		model(1)
	} else {
		model(2)
	}
}

/// The seed of `validator`'s evaluation of `miner` in the subnet's current epoch.
pub(crate) fn seed(netuid: NetUid, validator: AccountId, miner: Uid) -> H256 {
	let epoch = MockScoring::epoch_index(netuid);
	let randomness = EpochSeeds::<Test>::get(netuid, epoch).unwrap().randomness;
	let miner = MockSubnets::hotkey_of(netuid, miner).unwrap();
	Evaluations::sample_seed(&randomness, netuid, epoch, &miner, &validator)
}

/// `validator`'s honest evaluation of `miner`.
pub(crate) fn honest(netuid: NetUid, validator: AccountId, miner: Uid) -> EvaluationResult {
	evaluate(&miner_model(miner), seed(netuid, validator, miner))
}

/// `validator`'s evaluation of `miner` with `result`.
pub(crate) fn evaluated_by(
	validator: AccountId,
	miner: Uid,
	result: &EvaluationResult,
) -> Evaluation {
	Evaluation {
		miner,
		outcome: EvaluationOutcome::Evaluated {
			score: result.total,
			sealed_root: Evaluations::seal(&H256(result.root), &validator),
		},
	}
}

/// `V0`'s evaluation of `miner` with `result`.
pub(crate) fn evaluated(miner: Uid, result: &EvaluationResult) -> Evaluation {
	evaluated_by(V0, miner, result)
}

pub(crate) fn submit(
	netuid: NetUid,
	validator: AccountId,
	evaluations: Vec<Evaluation>,
) -> DispatchResult {
	let epoch = MockScoring::epoch_index(netuid);
	Evaluations::submit_evaluations(
		RuntimeOrigin::signed(validator),
		netuid,
		epoch,
		BoundedVec::truncate_from(evaluations),
		attestation(),
	)
}

/// The leaves of an evaluation as a party reveals them.
pub(crate) fn leaves(result: &EvaluationResult) -> Vec<RevealedLeaf> {
	result.leaves.iter().zip(&result.scores).map(|(leaf, score)| (H256(*leaf), *score)).collect()
}

/// `leaves` with the leaf at `position` replaced by another output's hash.
pub(crate) fn flipped(leaves: &[RevealedLeaf], position: usize, byte: u8) -> Vec<RevealedLeaf> {
	let mut forged = leaves.to_vec();
	forged[position].0 = H256::repeat_byte(byte);
	forged
}

/// The result root of revealed leaves.
pub(crate) fn root_of(leaves: &[RevealedLeaf]) -> H256 {
	disputes::revealed_root(leaves).unwrap().0
}

pub(crate) fn reveal(id: AuditId, who: AccountId, leaves: &[RevealedLeaf]) -> DispatchResult {
	Evaluations::reveal_leaves(
		RuntimeOrigin::signed(who),
		id,
		BoundedVec::truncate_from(leaves.to_vec()),
	)
}

/// The referee's evidence for dataset sample `index` and `model`.
pub(crate) fn evidence(index: u32, model: &Model) -> RefereeEvidence {
	RefereeEvidence {
		dataset: crate::evidence::dataset_sample(&dataset(), index).unwrap(),
		model: BoundedVec::truncate_from(model.encode()),
	}
}

fn resolve(id: AuditId, evidence: RefereeEvidence) -> DispatchResult {
	Evaluations::resolve_dispute(RuntimeOrigin::signed(99), id, Box::new(evidence))
}

/// Submits `evaluation` for `validator` on miner `M0`, draws its audit (probability 1) and
/// returns the audit's id and auditor.
pub(crate) fn audited(
	netuid: NetUid,
	validator: AccountId,
	evaluation: Evaluation,
) -> (AuditId, AccountId) {
	assert_ok!(submit(netuid, validator, vec![evaluation]));
	run_blocks(parameters().audit_delay.into());
	let assigned = events().into_iter().find_map(|event| match event {
		Event::AuditAssigned { id, auditor, .. } => Some((id, auditor)),
		_ => None,
	});
	assigned.expect("the audit was drawn")
}

/// The settlement event of the last block.
pub(crate) fn settlement() -> Event<Test> {
	events()
		.into_iter()
		.find(|event| matches!(event, Event::DisputeSettled { .. } | Event::DisputeVoid { .. }))
		.expect("the dispute ended")
}

/// 10% of the stake slashed; half of it to the honest party's coldkey, half burned.
pub(crate) const SLASH: Balance = STAKE / 10;

#[test]
fn an_epoch_fixes_its_seed_and_forgets_the_previous_one() {
	ExtBuilder.build_and_execute(|| {
		let netuid = network();
		let first = EpochSeeds::<Test>::get(netuid, 1).unwrap();
		assert_eq!(first.known_since, 2);
		MockScoring::end_epoch(netuid);
		assert!(!EpochSeeds::<Test>::contains_key(netuid, 1));
		let second = EpochSeeds::<Test>::get(netuid, 2).unwrap();
		assert_ne!(first.randomness, second.randomness);
		assert_eq!(
			events(),
			vec![Event::EpochSeeded { netuid, epoch: 2, randomness: second.randomness }]
		);
	});
}

#[test]
fn a_submission_stores_records_and_sets_the_weights_row() {
	ExtBuilder.build_and_execute(|| {
		let netuid = network();
		let m0 = honest(netuid, V0, M0_UID);
		let m1 = honest(netuid, V0, M1_UID);
		assert_ok!(submit(netuid, V0, vec![evaluated(M0_UID, &m0), evaluated(M1_UID, &m1)]));

		// Both wait for their audit draw, with what an audit needs.
		let at = System::block_number() + u64::from(parameters().audit_delay);
		assert_eq!(DrawCount::<Test>::get(at), 1);
		let draw = AuditDraws::<Test>::get(at, 0).unwrap();
		assert_eq!(
			(draw.netuid, draw.validator_uid, draw.validator, draw.epoch),
			(netuid, 0, V0, 1)
		);
		let (miner, record) = draw.records[0];
		assert_eq!(miner, M0_UID);
		assert_eq!(record.model_root, H256(model(1).root()));
		assert_eq!(record.model_size, model(1).encode().len() as u64);
		assert_eq!(record.sample_seed, seed(netuid, V0, M0_UID));
		assert_eq!(record.outcome, evaluated(M0_UID, &m0).outcome);
		assert_eq!(Evaluated::<Test>::get(netuid, 0).unwrap().miners[0], 0b11000);
		assert_eq!(
			MockScoring::weights(netuid, 0),
			vec![(M0_UID, m0.total as u16), (M1_UID, m1.total as u16)]
		);
		assert_eq!(Attestations::<Test>::get(netuid, 0), Some((1, attestation())));
		assert_eq!(
			events(),
			vec![Event::EvaluationsSubmitted {
				netuid,
				epoch: 1,
				validator: V0,
				uid: 0,
				count: 2,
				backend: attestation().backend,
			}]
		);
		// Each validator has its own samples.
		assert_ne!(seed(netuid, V0, M0_UID), seed(netuid, V1, M0_UID));
	});
}

#[test]
fn batches_merge_within_an_epoch_and_the_next_epoch_starts_afresh() {
	ExtBuilder.build_and_execute(|| {
		let netuid = network();
		let m0 = honest(netuid, V0, M0_UID);
		let m1 = honest(netuid, V0, M1_UID);
		assert_ok!(submit(netuid, V0, vec![evaluated(M0_UID, &m0)]));
		assert_ok!(submit(netuid, V0, vec![evaluated(M1_UID, &m1)]));
		assert_eq!(MockScoring::weights(netuid, 0).len(), 2);

		MockScoring::end_epoch(netuid);
		let m1 = honest(netuid, V0, M1_UID);
		assert_ok!(submit(netuid, V0, vec![evaluated(M1_UID, &m1)]));
		assert_eq!(MockScoring::weights(netuid, 0), vec![(M1_UID, m1.total as u16)]);
	});
}

#[test]
fn an_unavailable_model_scores_zero_and_is_not_audited() {
	ExtBuilder.build_and_execute(|| {
		let netuid = network();
		let m0 = honest(netuid, V0, M0_UID);
		assert_ok!(submit(netuid, V0, vec![evaluated(M0_UID, &m0)]));
		assert_eq!(MockScoring::weights(netuid, 0), vec![(M0_UID, m0.total as u16)]);
		run_blocks(5);
		MockScoring::end_epoch(netuid);
		let unavailable = Evaluation { miner: M0_UID, outcome: EvaluationOutcome::Unavailable };
		assert_ok!(submit(netuid, V0, vec![unavailable]));
		assert_eq!(MockScoring::weights(netuid, 0), vec![]);
		let at = System::block_number() + u64::from(parameters().audit_delay);
		assert_eq!(DrawCount::<Test>::get(at), 0);
	});
}

#[test]
fn submissions_fail_with_precise_errors() {
	ExtBuilder.build_and_execute(|| {
		let netuid = network();
		let m0 = honest(netuid, V0, M0_UID);
		let good = evaluated(M0_UID, &m0);
		let epoch = MockScoring::epoch_index(netuid);
		let call = |who: AccountId, netuid: NetUid, epoch: u64, evaluations: Vec<Evaluation>| {
			Evaluations::submit_evaluations(
				RuntimeOrigin::signed(who),
				netuid,
				epoch,
				BoundedVec::truncate_from(evaluations),
				attestation(),
			)
		};

		assert_noop!(call(V0, netuid, epoch, vec![]), Error::<Test>::EmptyBatch);
		assert_noop!(call(V0, 77, epoch, vec![good]), Error::<Test>::SubnetNotFound);
		assert_noop!(call(99, netuid, epoch, vec![good]), Error::<Test>::NotRegistered);
		assert_noop!(call(M0, netuid, epoch, vec![good]), Error::<Test>::NoValidatorPermit);
		MockStake::set_stake(V2, 999);
		assert_noop!(call(V2, netuid, epoch, vec![good]), Error::<Test>::StakeBelowMinimum);
		assert_noop!(call(V0, netuid, epoch + 1, vec![good]), Error::<Test>::WrongEpoch);
		assert_noop!(call(V0, netuid, epoch - 1, vec![good]), Error::<Test>::WrongEpoch);
		let unknown = Evaluation { miner: 5, ..good };
		assert_noop!(call(V0, netuid, epoch, vec![unknown]), Error::<Test>::UnknownMiner);
		let own = Evaluation { miner: 0, ..good };
		assert_noop!(call(V0, netuid, epoch, vec![own]), Error::<Test>::SelfEvaluation);
		assert_noop!(call(V0, netuid, epoch, vec![good, good]), Error::<Test>::DuplicateMiner);
		let no_model = Evaluation { miner: 1, ..good };
		assert_noop!(call(V0, netuid, epoch, vec![no_model]), Error::<Test>::NoModel);
		let too_high = Evaluation {
			miner: M0_UID,
			outcome: EvaluationOutcome::Evaluated { score: SAMPLES + 1, sealed_root: H256::zero() },
		};
		assert_noop!(call(V0, netuid, epoch, vec![too_high]), Error::<Test>::ScoreAboveSamples);
		// A model committed once the epoch's randomness was known waits for the next epoch.
		MockSubnets::commit_model(netuid, M1_UID, &model(2));
		let recent = evaluated(M1_UID, &honest(netuid, V0, M1_UID));
		assert_noop!(call(V0, netuid, epoch, vec![recent]), Error::<Test>::ModelTooRecent);

		// A second submission for the same epoch and miner.
		assert_ok!(call(V0, netuid, epoch, vec![good]));
		assert_noop!(call(V0, netuid, epoch, vec![good]), Error::<Test>::AlreadyEvaluated);

		// Weights subnets take weights calls instead.
		MockSubnets::set_hyperparameters(netuid, |h| h.evaluation.mode = EvaluationMode::Weights);
		assert_noop!(call(V1, netuid, epoch, vec![good]), Error::<Test>::NotVerified);
	});
}

#[test]
fn a_subnet_without_an_epoch_has_no_seed_and_a_full_draw_queue_refuses() {
	ExtBuilder.build_and_execute(|| {
		let netuid = network();
		let fresh = MockSubnets::create(&dataset());
		MockSubnets::register(fresh, V0, coldkey(V0));
		MockSubnets::register(fresh, M0, coldkey(M0));
		MockSubnets::commit_model(fresh, 1, &model(1));
		MockScoring::set_permits(fresh, vec![0]);
		let evaluation = Evaluation {
			miner: 1,
			outcome: EvaluationOutcome::Evaluated { score: 1, sealed_root: H256::zero() },
		};
		assert_noop!(submit(fresh, V0, vec![evaluation]), Error::<Test>::NoEpochSeed);

		// The block that would draw this batch's audits is full.
		let at = System::block_number() + u64::from(parameters().audit_delay);
		DrawCount::<Test>::insert(at, MAX_DRAWS_PER_BLOCK);
		let m0 = honest(netuid, V0, M0_UID);
		assert_noop!(
			submit(netuid, V0, vec![evaluated(M0_UID, &m0)]),
			Error::<Test>::AuditQueueFull
		);
		DrawCount::<Test>::remove(at);
	});
}

#[test]
fn audits_are_drawn_later_for_another_operator() {
	ExtBuilder.build_and_execute(|| {
		// V1 belongs to V0's operator (coldkey 500): only V2 may audit V0.
		let netuid = MockSubnets::create(&dataset());
		MockSubnets::register(netuid, V0, 500);
		MockSubnets::register(netuid, V1, 500);
		MockSubnets::register(netuid, V2, 600);
		MockSubnets::register(netuid, M0, coldkey(M0));
		for hotkey in [V0, V1, V2] {
			MockStake::set_stake(hotkey, STAKE);
		}
		MockScoring::set_permits(netuid, vec![0, 1, 2]);
		MockSubnets::commit_model(netuid, 3, &model(1));
		run_to_block(3);
		MockRandomness::set(H256::repeat_byte(7), 2);
		MockScoring::end_epoch(netuid);
		let result = honest(netuid, V0, 3);
		assert_ok!(submit(netuid, V0, vec![evaluated(3, &result)]));
		events();
		// Nothing is drawn before the delay.
		run_blocks(1);
		assert!(Audits::<Test>::iter().next().is_none());
		run_blocks(1);
		let audit = Audits::<Test>::get(0).unwrap();
		assert_eq!(audit.auditor, V2);
		assert_eq!(audit.validator, V0);
		assert_eq!(audit.samples, SAMPLES);
		assert_eq!(audit.deadline, System::block_number() + u64::from(parameters().audit_window));
		assert_eq!(
			events(),
			vec![Event::AuditAssigned {
				id: 0,
				netuid,
				validator: V0,
				miner: 3,
				auditor: V2,
				deadline: audit.deadline,
			}]
		);
	});
}

#[test]
fn audits_follow_the_audit_probability_and_need_an_auditor() {
	ExtBuilder.build_and_execute(|| {
		let netuid = network();
		MockSubnets::set_hyperparameters(netuid, |h| {
			h.evaluation.audit_probability = Perbill::zero()
		});
		let m0 = honest(netuid, V0, M0_UID);
		assert_ok!(submit(netuid, V0, vec![evaluated(M0_UID, &m0)]));
		run_blocks(3);
		assert!(Audits::<Test>::iter().next().is_none());

		// Probability one, but no other operator holds the minimum stake.
		MockSubnets::set_hyperparameters(netuid, |h| {
			h.evaluation.audit_probability = Perbill::one()
		});
		MockStake::set_stake(V1, 10);
		MockStake::set_stake(V2, 10);
		let m1 = honest(netuid, V0, M1_UID);
		assert_ok!(submit(netuid, V0, vec![evaluated(M1_UID, &m1)]));
		events();
		run_blocks(2);
		assert_eq!(events(), vec![Event::AuditUnassigned { netuid, validator: V0, miner: M1_UID }]);
		assert!(Audits::<Test>::iter().next().is_none());
	});
}

#[test]
fn about_the_audit_probability_of_records_are_drawn() {
	ExtBuilder.build_and_execute(|| {
		let netuid = network();
		MockSubnets::set_hyperparameters(netuid, |h| {
			h.evaluation.audit_probability = Perbill::from_percent(25)
		});
		let mut drawn = 0;
		for _ in 0..200 {
			let m0 = honest(netuid, V0, M0_UID);
			assert_ok!(submit(netuid, V0, vec![evaluated(M0_UID, &m0)]));
			run_blocks(2);
			drawn += Audits::<Test>::iter().count();
			let _ = Audits::<Test>::clear(u32::MAX, None);
			let _ = Deadlines::<Test>::clear(u32::MAX, None);
			MockScoring::end_epoch(netuid);
		}
		// 200 draws at 25%: 50 expected, 99.9% of outcomes within 30..72.
		assert!((30..=72).contains(&drawn), "{drawn} of 200 drawn");
	});
}

#[test]
fn a_matching_audit_rewards_both_and_an_unanswered_one_expires() {
	ExtBuilder.build_and_execute(|| {
		let netuid = network();
		let result = honest(netuid, V0, M0_UID);
		let (id, auditor) = audited(netuid, V0, evaluated(M0_UID, &result));
		assert_noop!(
			Evaluations::submit_audit(RuntimeOrigin::signed(V0), id, H256(result.root)),
			Error::<Test>::NotAuditor
		);
		assert_noop!(
			Evaluations::submit_audit(RuntimeOrigin::signed(auditor), id + 1, H256(result.root)),
			Error::<Test>::UnknownAudit
		);
		// The auditor re-executes the same evaluation: the same root, bit for bit.
		let again = evaluate(&model(1), Audits::<Test>::get(id).unwrap().record.sample_seed);
		assert_ok!(Evaluations::submit_audit(RuntimeOrigin::signed(auditor), id, H256(again.root)));
		assert_eq!(MockStake::total_stake(&V0), STAKE + 100);
		assert_eq!(MockStake::total_stake(&auditor), STAKE + 100);
		assert_eq!(
			events(),
			vec![Event::AuditMatched { id, validator_reward: 100, auditor_reward: 100 }]
		);

		// The next epoch's audit goes unanswered.
		MockScoring::end_epoch(netuid);
		let result = honest(netuid, V0, M0_UID);
		let (id, auditor) = audited(netuid, V0, evaluated(M0_UID, &result));
		run_blocks(parameters().audit_window.into());
		assert_eq!(events(), vec![Event::AuditExpired { id }]);
		assert_noop!(
			Evaluations::submit_audit(RuntimeOrigin::signed(auditor), id, H256(result.root)),
			Error::<Test>::UnknownAudit
		);
		assert_eq!(MockStake::total_stake(&V0), STAKE + 100);
	});
}

/// A dispute between `V0`'s `submitted` evaluation of `M0` (revealing `validator_leaves`) and
/// an auditor revealing `auditor_leaves`; returns the id and the auditor once both revealed.
fn dispute(
	netuid: NetUid,
	submitted: Evaluation,
	validator_leaves: &[RevealedLeaf],
	auditor_leaves: &[RevealedLeaf],
) -> (AuditId, AccountId) {
	let (id, auditor) = audited(netuid, V0, submitted);
	assert_ok!(Evaluations::submit_audit(
		RuntimeOrigin::signed(auditor),
		id,
		root_of(auditor_leaves)
	));
	assert!(matches!(events()[..], [Event::DisputeOpened { .. }]));
	assert_ok!(reveal(id, V0, validator_leaves));
	assert_ok!(reveal(id, auditor, auditor_leaves));
	(id, auditor)
}

/// The evaluation `V0` submits for leaves it reveals.
pub(crate) fn claimed(leaves: &[RevealedLeaf]) -> Evaluation {
	let score = leaves.iter().map(|(_, score)| score).sum();
	Evaluation {
		miner: M0_UID,
		outcome: EvaluationOutcome::Evaluated {
			score,
			sealed_root: Evaluations::seal(&root_of(leaves), &V0),
		},
	}
}

/// Settles a dispute by the referee at its first differing position and checks who lost.
fn referee_settles(netuid: NetUid, id: AuditId, validator_lost: bool, auditor_lost: bool) {
	let DisputePhase::Refereeing { position, .. } = Disputes::<Test>::get(id).unwrap().phase else {
		panic!("not refereeing");
	};
	let audit = Disputes::<Test>::get(id).unwrap().audit;
	let index = evaluate(&model(1), audit.record.sample_seed).indices[position as usize];
	events();
	assert_ok!(resolve(id, evidence(index, &model(1))));
	let Event::DisputeSettled {
		verdict, validator_slashed, auditor_slashed, rewarded, burned, ..
	} = settlement()
	else {
		panic!("not settled");
	};
	assert_eq!(verdict, Verdict::Referee);
	assert_eq!(validator_slashed, if validator_lost { SLASH } else { 0 });
	assert_eq!(auditor_slashed, if auditor_lost { SLASH } else { 0 });
	let one_honest = validator_lost != auditor_lost;
	assert_eq!(rewarded, if one_honest { SLASH / 2 } else { 0 });
	assert_eq!(burned, validator_slashed + auditor_slashed - rewarded);
	assert!(!Disputes::<Test>::contains_key(id));
	let _ = netuid;
}

#[test]
fn a_wrong_score_is_slashed_by_the_referee() {
	ExtBuilder.build_and_execute(|| {
		let netuid = network();
		let honest_leaves = leaves(&honest(netuid, V0, M0_UID));
		// The validator claims three more correct samples, flipping three zero scores.
		let mut forged = honest_leaves.clone();
		for leaf in forged.iter_mut().filter(|(_, score)| *score == 0).take(3) {
			leaf.1 = 1;
		}
		assert_ne!(forged, honest_leaves);
		let (id, auditor) = dispute(netuid, claimed(&forged), &forged, &honest_leaves);
		referee_settles(netuid, id, true, false);
		assert_eq!(MockStake::total_stake(&V0), STAKE - SLASH);
		assert_eq!(MockStake::total_stake(&auditor), STAKE);
		assert_eq!(MockStake::free(coldkey(auditor)), SLASH / 2);
		assert_eq!(MockStake::burned(), SLASH / 2);
		// The miner is never slashed.
		assert_eq!(MockStake::total_stake(&M0), 0);
	});
}

#[test]
fn a_flipped_output_in_one_leaf_is_slashed() {
	ExtBuilder.build_and_execute(|| {
		let netuid = network();
		let honest_leaves = leaves(&honest(netuid, V0, M0_UID));
		let forged = flipped(&honest_leaves, 5, 0xee);
		let (id, auditor) = dispute(netuid, claimed(&forged), &forged, &honest_leaves);
		assert!(matches!(
			Disputes::<Test>::get(id).unwrap().phase,
			DisputePhase::Refereeing { position: 5, .. }
		));
		referee_settles(netuid, id, true, false);
		assert_eq!(MockStake::total_stake(&V0), STAKE - SLASH);
		assert_eq!(MockStake::free(coldkey(auditor)), SLASH / 2);
	});
}

#[test]
fn skipped_samples_are_slashed() {
	ExtBuilder.build_and_execute(|| {
		let netuid = network();
		let honest_leaves = leaves(&honest(netuid, V0, M0_UID));
		// Only the first half was run; the rest made up.
		let mut forged = honest_leaves.clone();
		for leaf in forged.iter_mut().skip(SAMPLES as usize / 2) {
			*leaf = (H256::zero(), 1);
		}
		let (id, _) = dispute(netuid, claimed(&forged), &forged, &honest_leaves);
		assert!(matches!(
			Disputes::<Test>::get(id).unwrap().phase,
			DisputePhase::Refereeing { position, .. } if position == SAMPLES / 2
		));
		referee_settles(netuid, id, true, false);
		assert_eq!(MockStake::total_stake(&V0), STAKE - SLASH);
	});
}

#[test]
fn an_evaluation_copied_from_another_validator_is_slashed() {
	ExtBuilder.build_and_execute(|| {
		let netuid = network();
		// V0 submits V1's evaluation of the same miner: V1's samples, not V0's.
		let copied = leaves(&honest(netuid, V1, M0_UID));
		let own = leaves(&honest(netuid, V0, M0_UID));
		assert_ne!(root_of(&copied), root_of(&own));
		let (id, auditor) = dispute(netuid, claimed(&copied), &copied, &own);
		referee_settles(netuid, id, true, false);
		assert_eq!(MockStake::total_stake(&V0), STAKE - SLASH);
		assert_eq!(MockStake::free(coldkey(auditor)), SLASH / 2);
	});
}

#[test]
fn a_frivolous_challenger_loses() {
	ExtBuilder.build_and_execute(|| {
		let netuid = network();
		let honest_leaves = leaves(&honest(netuid, V0, M0_UID));
		let forged = flipped(&honest_leaves, 0, 1);
		// The validator is right; the auditor claims otherwise.
		let (id, auditor) = dispute(netuid, claimed(&honest_leaves), &honest_leaves, &forged);
		referee_settles(netuid, id, false, true);
		assert_eq!(MockStake::total_stake(&auditor), STAKE - SLASH);
		assert_eq!(MockStake::total_stake(&V0), STAKE);
		assert_eq!(MockStake::free(coldkey(V0)), SLASH / 2);
	});
}

#[test]
fn an_auditor_that_echoes_the_submission_without_re_executing_loses() {
	ExtBuilder.build_and_execute(|| {
		let netuid = network();
		let honest_leaves = leaves(&honest(netuid, V0, M0_UID));
		let submitted = claimed(&honest_leaves);
		let (id, auditor) = audited(netuid, V0, submitted);
		// The submission only shows the root sealed to the validator: echoing it is no match.
		let EvaluationOutcome::Evaluated { sealed_root, .. } = submitted.outcome else {
			panic!("evaluated");
		};
		assert_ok!(Evaluations::submit_audit(RuntimeOrigin::signed(auditor), id, sealed_root));
		assert!(Disputes::<Test>::contains_key(id));
		assert_ok!(reveal(id, V0, &honest_leaves));
		// The auditor has no leaves for the root it gave.
		assert_noop!(reveal(id, auditor, &honest_leaves), Error::<Test>::LeavesMismatchRoot);
		events();
		run_blocks(parameters().reveal_window.into());
		assert!(matches!(
			settlement(),
			Event::DisputeSettled {
				verdict: Verdict::NotRevealed,
				validator_slashed: 0,
				auditor_slashed: SLASH,
				..
			}
		));
		assert_eq!(MockStake::total_stake(&auditor), STAKE - SLASH);
		assert_eq!(MockStake::free(coldkey(V0)), SLASH / 2);
	});
}

#[test]
fn both_wrong_are_both_slashed_and_nothing_is_paid() {
	ExtBuilder.build_and_execute(|| {
		let netuid = network();
		let honest_leaves = leaves(&honest(netuid, V0, M0_UID));
		let validator = flipped(&honest_leaves, 2, 2);
		let auditor_leaves = flipped(&honest_leaves, 2, 3);
		let (id, auditor) = dispute(netuid, claimed(&validator), &validator, &auditor_leaves);
		referee_settles(netuid, id, true, true);
		assert_eq!(MockStake::total_stake(&V0), STAKE - SLASH);
		assert_eq!(MockStake::total_stake(&auditor), STAKE - SLASH);
		assert_eq!(MockStake::burned(), 2 * SLASH);
	});
}

#[test]
fn a_validator_that_never_answers_a_dispute_loses() {
	ExtBuilder.build_and_execute(|| {
		let netuid = network();
		let honest_leaves = leaves(&honest(netuid, V0, M0_UID));
		let forged = flipped(&honest_leaves, 1, 4);
		let (id, auditor) = audited(netuid, V0, claimed(&forged));
		assert_ok!(Evaluations::submit_audit(
			RuntimeOrigin::signed(auditor),
			id,
			root_of(&honest_leaves)
		));
		assert_ok!(reveal(id, auditor, &honest_leaves));
		events();
		run_blocks(parameters().reveal_window.into());
		assert_eq!(
			settlement(),
			Event::DisputeSettled {
				id,
				verdict: Verdict::NotRevealed,
				validator_slashed: SLASH,
				auditor_slashed: 0,
				rewarded: SLASH / 2,
				burned: SLASH / 2,
			}
		);
		assert_eq!(MockStake::total_stake(&V0), STAKE - SLASH);
		assert_eq!(MockStake::free(coldkey(auditor)), SLASH / 2);
		assert!(Revealed::<Test>::iter().next().is_none());
	});
}

#[test]
fn when_nobody_brings_the_evidence_both_lose() {
	ExtBuilder.build_and_execute(|| {
		let netuid = network();
		let honest_leaves = leaves(&honest(netuid, V0, M0_UID));
		let forged = flipped(&honest_leaves, 1, 4);
		let (_, auditor) = dispute(netuid, claimed(&forged), &forged, &honest_leaves);
		events();
		run_blocks(parameters().referee_window.into());
		assert!(matches!(
			settlement(),
			Event::DisputeSettled {
				verdict: Verdict::NoEvidence,
				validator_slashed: SLASH,
				auditor_slashed: SLASH,
				..
			}
		));
		assert_eq!(MockStake::total_stake(&auditor), STAKE - SLASH);
	});
}

#[test]
fn reveals_fail_with_precise_errors() {
	ExtBuilder.build_and_execute(|| {
		let netuid = network();
		let honest_leaves = leaves(&honest(netuid, V0, M0_UID));
		let forged = flipped(&honest_leaves, 1, 4);
		let (id, auditor) = audited(netuid, V0, claimed(&forged));
		assert_ok!(Evaluations::submit_audit(
			RuntimeOrigin::signed(auditor),
			id,
			root_of(&honest_leaves)
		));
		assert_noop!(reveal(id + 1, V0, &forged), Error::<Test>::UnknownDispute);
		assert_noop!(reveal(id, 99, &forged), Error::<Test>::NotParty);
		assert_noop!(reveal(id, V0, &forged[1..]), Error::<Test>::WrongLeafCount);
		let mut wrong_total = forged.clone();
		wrong_total[0].1 ^= 1;
		assert_noop!(reveal(id, V0, &wrong_total), Error::<Test>::LeavesMismatchScore);
		let mut other = forged.clone();
		other[0].0 = H256::repeat_byte(5);
		assert_noop!(reveal(id, V0, &other), Error::<Test>::LeavesMismatchRoot);
		assert_noop!(reveal(id, auditor, &forged), Error::<Test>::LeavesMismatchRoot);
		assert_noop!(resolve(id, evidence(0, &model(1))), Error::<Test>::NotRefereeing);
		assert_ok!(reveal(id, V0, &forged));
		assert_noop!(reveal(id, V0, &forged), Error::<Test>::AlreadyRevealed);
		assert_ok!(reveal(id, auditor, &honest_leaves));
		assert_noop!(reveal(id, auditor, &honest_leaves), Error::<Test>::NotRevealing);
	});
}

#[test]
fn the_referee_refuses_bad_evidence() {
	ExtBuilder.build_and_execute(|| {
		let netuid = network();
		let honest_leaves = leaves(&honest(netuid, V0, M0_UID));
		let forged = flipped(&honest_leaves, 0, 4);
		let (id, _) = dispute(netuid, claimed(&forged), &forged, &honest_leaves);
		let audit = Disputes::<Test>::get(id).unwrap().audit;
		let index = evaluate(&model(1), audit.record.sample_seed).indices[0];
		let good = evidence(index, &model(1));

		assert_noop!(resolve(id + 1, good.clone()), Error::<Test>::UnknownDispute);
		let mut header = good.clone();
		header.dataset.dataset_header[8] ^= 1;
		assert_noop!(resolve(id, header), Error::<Test>::BadDatasetHeader);
		let mut header_proof = good.clone();
		header_proof.dataset.header_proof[0] = H256::zero();
		assert_noop!(resolve(id, header_proof), Error::<Test>::BadDatasetHeader);
		// Another sample than the one the seed draws.
		let other = evidence((index + 1) % 40, &model(1));
		assert_noop!(resolve(id, other), Error::<Test>::BadSample);
		let mut label = good.clone();
		label.dataset.label = (label.dataset.label + 1) % 3;
		assert_noop!(resolve(id, label), Error::<Test>::BadSample);
		let mut short = good.clone();
		short.dataset.sample = BoundedVec::truncate_from(vec![0; 3]);
		assert_noop!(resolve(id, short), Error::<Test>::BadSample);
		assert_noop!(resolve(id, evidence(index, &model(2))), Error::<Test>::ModelRootMismatch);
		let mut garbage = good.clone();
		garbage.model = BoundedVec::truncate_from(vec![1, 2, 3]);
		assert_noop!(resolve(id, garbage), Error::<Test>::InvalidModel);
		assert_ok!(resolve(id, good));
	});
}

#[test]
fn a_replaced_neuron_and_a_dissolved_subnet_leave_nothing_behind() {
	ExtBuilder.build_and_execute(|| {
		let netuid = network();
		let m0 = honest(netuid, V0, M0_UID);
		assert_ok!(submit(netuid, V0, vec![evaluated(M0_UID, &m0)]));
		let m0 = honest(netuid, V1, M0_UID);
		assert_ok!(submit(netuid, V1, vec![evaluated(M0_UID, &m0)]));
		MockSubnets::replace(netuid, 0, 77);
		assert!(Evaluated::<Test>::get(netuid, 0).is_none());
		assert!(Attestations::<Test>::get(netuid, 0).is_none());
		assert!(Evaluated::<Test>::get(netuid, 1).is_some());
		// The replaced neuron's hotkey may evaluate afresh.
		MockStake::set_stake(77, STAKE);
		let m0 = honest(netuid, 77, M0_UID);
		assert_ok!(submit(netuid, 77, vec![evaluated(M0_UID, &m0)]));
		MockSubnets::dissolve(netuid);
		assert_eq!(Evaluated::<Test>::iter().count(), 0);
		assert_eq!(Attestations::<Test>::iter().count(), 0);
		assert_eq!(EpochSeeds::<Test>::iter().count(), 0);
		// The batches' draws find no subnet and draw nothing.
		run_blocks(3);
		assert_eq!(Audits::<Test>::iter().count(), 0);
		assert_eq!(AuditDraws::<Test>::iter().count(), 0);
	});
}

#[test]
fn calls_need_a_signed_origin() {
	ExtBuilder.build_and_execute(|| {
		let netuid = network();
		assert_noop!(
			Evaluations::submit_evaluations(
				RuntimeOrigin::root(),
				netuid,
				1,
				BoundedVec::new(),
				attestation()
			),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Evaluations::submit_audit(RuntimeOrigin::none(), 0, H256::zero()),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Evaluations::reveal_leaves(RuntimeOrigin::none(), 0, BoundedVec::new()),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Evaluations::resolve_dispute(
				RuntimeOrigin::none(),
				0,
				Box::new(evidence(0, &model(1)))
			),
			DispatchError::BadOrigin
		);
	});
}
