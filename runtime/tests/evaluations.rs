//! Attested evaluations wired into the runtime, on the development genesis, with the real
//! subnets, stake, scoring and emissions pallets and real evaluations from `verity-evaluator`:
//! a verified subnet's epoch seeds its samples, evaluations become weights, a matching audit
//! pays both validators, and a forged evaluation is audited, disputed, refereed and slashed to
//! the planck, with issuance still accounted for.

// Test code: a broken step should fail loudly.
#![allow(clippy::arithmetic_side_effects, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::{
	evaluations::{
		dataset, honest_evaluation, large_model, model, revealed_root as pallet_evaluations_root,
		run_to_block, verified_subnet, Forgery, SAMPLES, TEMPO,
	},
	genesis_of,
};
use pallet_evaluations::{evidence, DisputePhase, Disputes};
use polkadot_sdk::{
	frame_support::assert_ok, sp_core::H256, sp_io::TestExternalities, sp_keyring::Sr25519Keyring,
	sp_runtime::BoundedVec,
};
use verity_evaluator::{EvaluationResult, Model, ReferenceBackend};
use verity_primitives::{
	evaluations::{
		Attestation, Evaluation, EvaluationOutcome, EvaluationParameters, NarrowedEvidence,
		RefereeEvidence, RevealedLeaf,
	},
	subnets::NetUid,
	traits::NetworkParametersInterface,
};
use verity_runtime::{
	genesis_config_presets::DEVELOPMENT, AccountId, Balances, BlockNumber, Emissions, Evaluations,
	Runtime, RuntimeEvent, RuntimeOrigin, Scoring, Stake, Subnets, System, VRT,
};

fn account(key: Sr25519Keyring) -> AccountId {
	key.to_account_id()
}

fn hotkey(name: &str) -> AccountId {
	AccountId::new(polkadot_sdk::sp_io::hashing::blake2_256(name.as_bytes()))
}

fn assert_issuance_accounted() {
	let view = Emissions::emissions_view();
	assert_eq!(view.total_issuance, Balances::total_issuance());
	assert_eq!(view.total_issuance, view.genesis_issuance + view.issued - view.burned);
}

struct Network {
	netuid: NetUid,
	validators: [AccountId; 2],
	miner: AccountId,
}

/// Bob's verified subnet over [`dataset`]: validators (600 and 400 VRT, coldkeys Charlie and
/// Dave) and a miner (coldkey Ferdie) that committed [`model`], after the first epoch.
fn network() -> Network {
	network_with(&model())
}

/// [`network`] with the miner's model `committed`.
fn network_with(committed: &Model) -> Network {
	let netuid = verified_subnet();
	let validators = [hotkey("validator-0"), hotkey("validator-1")];
	let miner = hotkey("miner");
	for (coldkey, hotkey) in [
		(Sr25519Keyring::Charlie, &validators[0]),
		(Sr25519Keyring::Dave, &validators[1]),
		(Sr25519Keyring::Ferdie, &miner),
	] {
		assert_ok!(Subnets::register(
			RuntimeOrigin::signed(account(coldkey)),
			netuid,
			hotkey.clone()
		));
	}
	for (coldkey, hotkey, stake) in [
		(Sr25519Keyring::Charlie, &validators[0], 600 * VRT),
		(Sr25519Keyring::Dave, &validators[1], 400 * VRT),
	] {
		assert_ok!(Stake::add_stake(
			RuntimeOrigin::signed(account(coldkey)),
			hotkey.clone(),
			stake
		));
	}
	assert_ok!(Subnets::commit_model(
		RuntimeOrigin::signed(miner.clone()),
		netuid,
		H256(committed.root()),
		committed.encode().len() as u64,
		1
	));
	run_to_block(1 + BlockNumber::from(TEMPO) + 1);
	Network { netuid, validators, miner }
}

/// `validator`'s honest evaluation of the miner in the current epoch.
fn evaluate(net: &Network, validator: &AccountId) -> EvaluationResult {
	evaluate_with(net, validator, &model())
}

/// `validator`'s honest evaluation of the miner's `committed` model in the current epoch.
fn evaluate_with(net: &Network, validator: &AccountId, committed: &Model) -> EvaluationResult {
	honest_evaluation(net.netuid, &net.miner, validator, committed)
}

fn leaves(result: &EvaluationResult) -> Vec<RevealedLeaf> {
	result.leaves.iter().zip(&result.scores).map(|(leaf, score)| (H256(*leaf), *score)).collect()
}

fn submit(net: &Network, validator: &AccountId, score: u32, root: H256) {
	use verity_primitives::traits::ScoringInterface;
	assert_ok!(Evaluations::submit_evaluations(
		RuntimeOrigin::signed(validator.clone()),
		net.netuid,
		Scoring::epoch_index(net.netuid),
		BoundedVec::truncate_from(vec![Evaluation {
			miner: 2,
			outcome: EvaluationOutcome::Evaluated {
				score,
				sealed_root: Evaluations::seal(&root, validator),
			},
		}]),
		Attestation {
			backend: BoundedVec::truncate_from(b"reference".to_vec()),
			device: BoundedVec::truncate_from(b"test".to_vec()),
			quote: BoundedVec::new(),
		},
	));
}

/// The id and auditor of the audit assigned in the blocks since the last call.
fn assigned_audit() -> (u64, AccountId) {
	let found = System::events().into_iter().find_map(|record| match record.event {
		RuntimeEvent::Evaluations(pallet_evaluations::Event::AuditAssigned {
			id, auditor, ..
		}) => Some((id, auditor)),
		_ => None,
	});
	System::reset_events();
	found.expect("an audit was assigned")
}

fn dev_chain() -> TestExternalities {
	let mut ext = genesis_of(DEVELOPMENT);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

#[test]
fn evaluations_become_weights_and_a_matching_audit_pays_both() {
	dev_chain().execute_with(|| {
		let net = network();
		// The development preset's: the defaults with windows of minutes.
		let params = verity_runtime::genesis_config_presets::dev_evaluation_parameters();
		assert_eq!(
			params,
			EvaluationParameters {
				audit_window: 20,
				reveal_window: 10,
				referee_window: 10,
				..EvaluationParameters::default()
			}
		);
		assert_eq!(verity_runtime::NetworkParameters::evaluation_parameters(), params);
		let result = evaluate(&net, &net.validators[1]);
		let issued = Emissions::emissions_view().issued;
		submit(&net, &net.validators[1], result.total, H256(result.root));
		// The scores are the validator's weights row.
		let row = pallet_scoring::Weights::<verity_runtime::Runtime>::get(net.netuid, 1)
			.expect("a weights row");
		assert_eq!(row.weights.into_inner(), vec![(2, result.total as u16)]);

		System::reset_events();
		run_to_block(System::block_number() + BlockNumber::from(params.audit_delay));
		let (id, auditor) = assigned_audit();
		// The only other operator audits, re-executing the same samples.
		assert_eq!(auditor, net.validators[0]);
		let audit = pallet_evaluations::Audits::<verity_runtime::Runtime>::get(id).expect("audit");
		let again = verity_evaluator::evaluate(
			&ReferenceBackend,
			&model(),
			&dataset(),
			0..dataset().sample_count(),
			&audit.record.sample_seed.0,
			SAMPLES,
		)
		.expect("evaluates");
		let stakes: Vec<_> = net.validators.iter().map(Stake::total_stake_of).collect();
		assert_ok!(Evaluations::submit_audit(RuntimeOrigin::signed(auditor), id, H256(again.root)));
		for (hotkey, before) in net.validators.iter().zip(stakes) {
			assert_eq!(Stake::total_stake_of(hotkey), before + params.audit_reward);
		}
		assert_eq!(Emissions::emissions_view().issued, issued + 2 * params.audit_reward);
		assert_issuance_accounted();
	});
}

#[test]
fn a_forged_evaluation_is_audited_disputed_refereed_and_slashed() {
	dev_chain().execute_with(|| {
		let net = network();
		let params = verity_runtime::genesis_config_presets::dev_evaluation_parameters();
		let honest = leaves(&evaluate(&net, &net.validators[0]));
		// Validator 0 claims a different output for its fourth sample.
		let mut forged = honest.clone();
		forged[3].0 = H256::repeat_byte(0xab);
		let forged_root = pallet_evaluations_root(&forged);
		let score = forged.iter().map(|(_, s)| s).sum();
		submit(&net, &net.validators[0], score, forged_root);
		System::reset_events();
		run_to_block(System::block_number() + BlockNumber::from(params.audit_delay));
		let (id, auditor) = assigned_audit();
		assert_eq!(auditor, net.validators[1]);

		let honest_root = pallet_evaluations_root(&honest);
		assert_ok!(Evaluations::submit_audit(
			RuntimeOrigin::signed(auditor.clone()),
			id,
			honest_root
		));
		assert_ok!(Evaluations::reveal_leaves(
			RuntimeOrigin::signed(net.validators[0].clone()),
			id,
			BoundedVec::truncate_from(forged)
		));
		assert_ok!(Evaluations::reveal_leaves(
			RuntimeOrigin::signed(auditor),
			id,
			BoundedVec::truncate_from(honest)
		));

		let dispute =
			pallet_evaluations::Disputes::<verity_runtime::Runtime>::get(id).expect("open");
		let position = match dispute.phase {
			pallet_evaluations::DisputePhase::Refereeing { position, .. } => position,
			other => panic!("not refereeing: {other:?}"),
		};
		assert_eq!(position, 3);
		let data = dataset();
		let index = pallet_evaluations::evidence::drawn_index(
			&dispute.audit.record.sample_seed,
			data.sample_count(),
			position,
		)
		.expect("selects");
		let evidence = RefereeEvidence {
			dataset: pallet_evaluations::evidence::dataset_sample(&data, index).expect("sample"),
			model: BoundedVec::truncate_from(model().encode()),
		};

		forger_slashed_to_the_planck(&net, || {
			assert_ok!(Evaluations::resolve_dispute(
				RuntimeOrigin::signed(account(Sr25519Keyring::Eve)),
				id,
				Box::new(evidence)
			));
		});
		assert!(pallet_evaluations::Disputes::<verity_runtime::Runtime>::get(id).is_none());
		assert_issuance_accounted();
	});
}

#[test]
fn a_forged_evaluation_of_a_large_model_is_narrowed_to_one_element_and_slashed() {
	dev_chain().execute_with(|| {
		let large = large_model();
		assert!(
			large.encode().len() > verity_primitives::evaluations::MAX_REFEREE_MODEL_BYTES as usize
		);
		let net = network_with(&large);
		let params = verity_runtime::genesis_config_presets::dev_evaluation_parameters();
		let (validator, auditor) = (net.validators[0].clone(), net.validators[1].clone());
		let data = dataset();
		// Validator 0 got output 7 of the hidden layer 1 of its fourth sample wrong, and carried
		// the error on to the logits.
		let position = 3;
		let forgery =
			Forgery::at(&large, &evaluate_with(&net, &validator, &large), position, (1, 7));
		let Forgery { index, right, wrong, .. } = &forgery;
		let index = *index;
		let (forged, honest) = (forgery.leaves.clone(), forgery.honest.clone());
		submit(&net, &validator, forgery.score(), pallet_evaluations_root(&forged));
		System::reset_events();
		run_to_block(System::block_number() + BlockNumber::from(params.audit_delay));
		let (id, assigned) = assigned_audit();
		assert_eq!(assigned, auditor);
		let signed = |who: &AccountId| RuntimeOrigin::signed(who.clone());
		assert_ok!(Evaluations::submit_audit(
			signed(&auditor),
			id,
			pallet_evaluations_root(&honest)
		));
		assert_ok!(Evaluations::reveal_leaves(
			signed(&validator),
			id,
			BoundedVec::truncate_from(forged)
		));
		assert_ok!(Evaluations::reveal_leaves(
			signed(&auditor),
			id,
			BoundedVec::truncate_from(honest)
		));
		let phase = || Disputes::<Runtime>::get(id).expect("open").phase;
		assert!(matches!(phase(), DisputePhase::Tracing { position: 3, .. }));

		// Traces: they first differ at layer 1; then that layer's outputs, at element 7.
		let sample_hash = H256(data.sample_hash(index).expect("hash"));
		let forged_trace = evidence::trace_of(&large, index, sample_hash, wrong).expect("trace");
		let honest_trace = evidence::trace(&large, &data, index).expect("trace");
		assert_ok!(Evaluations::reveal_trace(signed(&validator), id, Box::new(forged_trace)));
		assert_ok!(Evaluations::reveal_trace(signed(&auditor), id, Box::new(honest_trace)));
		assert!(matches!(phase(), DisputePhase::Bisecting { layer, .. } if layer.layer == 1));
		let outputs = |activations: &[Vec<u8>]| BoundedVec::truncate_from(activations[1].clone());
		assert_ok!(Evaluations::reveal_layer(signed(&validator), id, outputs(wrong)));
		assert_ok!(Evaluations::reveal_layer(signed(&auditor), id, outputs(right)));
		let DisputePhase::Narrowed { element: Some(disputed), .. } = phase() else {
			panic!("not narrowed to an element");
		};
		assert_eq!((disputed.layer.layer, disputed.element), (1, 7));

		// Anyone brings the evidence: the sample, layer 1's input and three model leaves.
		let evidence = NarrowedEvidence {
			dataset: evidence::dataset_sample(&data, index).expect("sample"),
			element: evidence::element_evidence(&large, 1, 7, &right[0]),
		};
		forger_slashed_to_the_planck(&net, || {
			assert_ok!(Evaluations::resolve_narrowed(
				RuntimeOrigin::signed(account(Sr25519Keyring::Eve)),
				id,
				Box::new(evidence)
			));
		});
		assert!(Disputes::<Runtime>::get(id).is_none());
		assert_issuance_accounted();
	});
}

/// Runs `resolve`, after which validator 0 (the forger, 600 VRT) has lost 10% of its stake,
/// half of it paid to Dave (the coldkey of validator 1, the honest auditor) and half burned;
/// validator 1 and Charlie (validator 0's coldkey) are left as they were.
fn forger_slashed_to_the_planck(net: &Network, resolve: impl FnOnce()) {
	let params = verity_runtime::genesis_config_presets::dev_evaluation_parameters();
	let (charlie, dave) = (account(Sr25519Keyring::Charlie), account(Sr25519Keyring::Dave));
	let stake_before = Stake::total_stake_of(&net.validators[0]);
	let auditor_stake = Stake::total_stake_of(&net.validators[1]);
	let dave_before = Balances::free_balance(&dave);
	let charlie_before = Balances::free_balance(&charlie);
	let burned_before = Emissions::emissions_view().burned;
	resolve();
	let slash = params.slash_fraction * stake_before;
	assert_eq!(slash, 60 * VRT);
	let reward = params.honest_share * slash;
	assert_eq!(Stake::total_stake_of(&net.validators[0]), stake_before - slash);
	assert_eq!(Stake::total_stake_of(&net.validators[1]), auditor_stake);
	assert_eq!(Balances::free_balance(&dave), dave_before + reward);
	assert_eq!(Balances::free_balance(&charlie), charlie_before);
	assert_eq!(Emissions::emissions_view().burned, burned_before + (slash - reward));
	assert_issuance_accounted();
}
