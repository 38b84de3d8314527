//! Disputes over a model above the referee's bound, narrowed down to one output element: a
//! party wrong in a hidden layer, in the first layer, in its score only; parties that stop
//! answering; nobody bringing the evidence; every error of the narrowing calls. Exact stakes
//! after each slash; every test ends with the pallet's invariants.

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

use crate::{evidence, mock::*, tests::*, *};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, BoundedVec},
	sp_core::H256,
	sp_runtime::DispatchResult,
};
use verity_evaluator::{
	narrowing::activations_hash, reference, result, Activation, Layer, Model, ModelPart,
	Requantization,
};
use verity_primitives::{
	evaluations::{NarrowedEvidence, Party, RevealedLeaf, Trace, MAX_REFEREE_MODEL_BYTES},
	subnets::NetUid,
	Balance,
};

/// A model of 4 → 8192 → 32 → 3 over the mock dataset: above the referee's bound.
pub(crate) fn large_model() -> Model {
	let layer = |inputs: u32, outputs: u32, shift: u32, salt: u32| {
		let weights: Vec<i8> = (0..inputs * outputs)
			.map(|i| ((i.wrapping_mul(7).wrapping_add(salt) % 17) as i8) - 8)
			.collect();
		let biases: Vec<i32> = (0..outputs).map(|o| (o % 11) as i32 * 50 - 100).collect();
		Layer::new(
			inputs,
			outputs,
			weights,
			biases,
			Requantization::new(1 << 30, shift).unwrap(),
			Activation::Relu,
		)
		.unwrap()
	};
	Model::new(1, 4, vec![layer(4, 8192, 2, 0), layer(8192, 32, 12, 3), layer(32, 3, 5, 5)])
		.unwrap()
}

/// `network()` whose miner `M0` has since committed [`large_model`], evaluated from the
/// current epoch on.
pub(crate) fn large_network() -> NetUid {
	let netuid = network();
	MockSubnets::commit_model(netuid, M0_UID, &large_model());
	run_to_block(5);
	MockRandomness::set(H256::repeat_byte(8), 4);
	MockScoring::end_epoch(netuid);
	events();
	netuid
}

/// How a party computed dataset sample `index`: every layer's outputs, with output `element`
/// of layer `layer` replaced by `value` where `tamper` says so and the later layers computed
/// from it.
pub(crate) fn computed(
	model: &Model,
	index: u32,
	tamper: Option<(usize, usize, u8)>,
) -> Vec<Vec<u8>> {
	let sample = dataset().sample(index).unwrap().to_vec();
	let mut outputs: Vec<Vec<u8>> = Vec::new();
	for (at, layer) in model.layers().iter().enumerate() {
		let input = if at == 0 { &sample } else { &outputs[at - 1] };
		let mut next = vec![0u8; layer.output_size() as usize];
		reference::infer_layer(layer, input, &mut next, at as u32).unwrap();
		if let Some((layer, element, value)) = tamper {
			if layer == at {
				next[element] = value;
			}
		}
		outputs.push(next);
	}
	outputs
}

/// The leaf of dataset sample `index` with `logits`, scored `score` (its own score when
/// `None`).
pub(crate) fn leaf_of(index: u32, logits: &[u8], score: Option<u32>) -> RevealedLeaf {
	let label = dataset().label(index).unwrap();
	let score = score.unwrap_or_else(|| result::score(logits, label));
	let hash = dataset().sample_hash(index).unwrap();
	(H256(result::leaf_hash(index, &hash, logits, score)), score)
}

/// The trace of dataset sample `index` computed as `activations`.
pub(crate) fn trace_of(model: &Model, index: u32, activations: &[Vec<u8>]) -> Trace {
	let sample_hash = H256(dataset().sample_hash(index).unwrap());
	evidence::trace_of(model, index, sample_hash, activations).unwrap()
}

/// A party's claim at the disputed position: its activations and score.
pub(crate) struct Claimed {
	pub activations: Vec<Vec<u8>>,
	pub score: Option<u32>,
}

impl Claimed {
	pub(crate) fn honest(model: &Model, index: u32) -> Self {
		Self { activations: computed(model, index, None), score: None }
	}

	pub(crate) fn tampered(model: &Model, index: u32, tamper: (usize, usize, u8)) -> Self {
		Self { activations: computed(model, index, Some(tamper)), score: None }
	}

	fn leaf(&self, index: u32) -> RevealedLeaf {
		leaf_of(index, self.activations.last().unwrap(), self.score)
	}
}

/// The dataset index of the sample at `position` of `V0`'s evaluation of `M0`.
pub(crate) fn disputed_index(netuid: NetUid, position: usize) -> u32 {
	evaluate(&large_model(), seed(netuid, V0, M0_UID)).indices[position]
}

/// `V0`'s leaves of `M0`'s large model: honest but at `position`, where they are `claimed`'s.
pub(crate) fn leaves_with(netuid: NetUid, position: usize, claimed: &Claimed) -> Vec<RevealedLeaf> {
	let mut all = leaves(&evaluate(&large_model(), seed(netuid, V0, M0_UID)));
	all[position] = claimed.leaf(disputed_index(netuid, position));
	all
}

/// A dispute over `V0`'s evaluation of `M0`'s large model where both parties computed every
/// sample honestly but the one at `position`, which the validator computed as `validator`
/// and the auditor as `auditor`; both revealed their leaves. Returns the id and the auditor.
fn narrowing_dispute(
	netuid: NetUid,
	position: usize,
	validator: &Claimed,
	auditor: &Claimed,
) -> (AuditId, AccountId) {
	let validator_leaves = leaves_with(netuid, position, validator);
	let auditor_leaves = leaves_with(netuid, position, auditor);
	assert_ne!(validator_leaves[position], auditor_leaves[position], "the claims must differ");
	let (id, auditor_key) = audited(netuid, V0, claimed(&validator_leaves));
	assert_ok!(Evaluations::submit_audit(
		RuntimeOrigin::signed(auditor_key),
		id,
		root_of(&auditor_leaves)
	));
	assert_ok!(reveal(id, V0, &validator_leaves));
	assert_ok!(reveal(id, auditor_key, &auditor_leaves));
	let expected = events().into_iter().any(|event| {
		matches!(event, Event::TracesAwaited { id: i, position: p, .. } if i == id && p as usize == position)
	});
	assert!(expected, "the dispute awaits the traces");
	(id, auditor_key)
}

fn reveal_trace(id: AuditId, who: AccountId, trace: Trace) -> DispatchResult {
	Evaluations::reveal_trace(RuntimeOrigin::signed(who), id, Box::new(trace))
}

fn reveal_layer(id: AuditId, who: AccountId, outputs: &[u8]) -> DispatchResult {
	Evaluations::reveal_layer(
		RuntimeOrigin::signed(who),
		id,
		BoundedVec::truncate_from(outputs.to_vec()),
	)
}

fn resolve_narrowed(id: AuditId, evidence: NarrowedEvidence) -> DispatchResult {
	Evaluations::resolve_narrowed(RuntimeOrigin::signed(99), id, Box::new(evidence))
}

/// The honest evidence for the dispute's narrowed phase.
fn narrowed_evidence(netuid: NetUid, id: AuditId, position: usize) -> NarrowedEvidence {
	let index = disputed_index(netuid, position);
	let DisputePhase::Narrowed { element, .. } = Disputes::<Test>::get(id).unwrap().phase else {
		panic!("not narrowed");
	};
	let model = large_model();
	let honest = computed(&model, index, None);
	let element = element.map(|disputed| {
		let layer = disputed.layer.layer;
		let input = if layer == 0 {
			dataset().sample(index).unwrap().to_vec()
		} else {
			honest[layer as usize - 1].clone()
		};
		evidence::element_evidence(&model, layer, disputed.element, &input).unwrap()
	});
	NarrowedEvidence { dataset: evidence::dataset_sample(&dataset(), index).unwrap(), element }
}

/// Checks the settlement: who was slashed, what the honest party got, what was burned.
fn settled_narrowed(validator_lost: bool, auditor_lost: bool) {
	let Event::DisputeSettled {
		verdict, validator_slashed, auditor_slashed, rewarded, burned, ..
	} = settlement()
	else {
		panic!("not settled");
	};
	assert_eq!(verdict, Verdict::Narrowed);
	assert_eq!(validator_slashed, if validator_lost { SLASH } else { 0 });
	assert_eq!(auditor_slashed, if auditor_lost { SLASH } else { 0 });
	let one_honest = validator_lost != auditor_lost;
	assert_eq!(rewarded, if one_honest { SLASH / 2 } else { 0 });
	assert_eq!(burned, validator_slashed + auditor_slashed - rewarded);
}

#[test]
fn the_large_model_is_above_the_referees_bound() {
	let model = large_model();
	assert!(model.encode().len() > MAX_REFEREE_MODEL_BYTES as usize);
	// The chain's bounds are the evaluator's.
	use verity_evaluator::model;
	use verity_primitives::evaluations as chain;
	assert_eq!(chain::MAX_MODEL_LAYERS, model::MAX_LAYERS);
	assert_eq!(chain::MAX_LAYER_WIDTH, model::MAX_WIDTH);
	assert_eq!(
		chain::MAX_MODEL_HEADER_BYTES as usize,
		model::HEADER_FIXED_LEN + model::LAYER_DESCRIPTOR_LEN * model::MAX_LAYERS as usize
	);
	assert_eq!(
		chain::MAX_REQUANTIZATION_BYTES as usize,
		model::REQUANTIZATION_LEN + model::LOOKUP_TABLE_LEN
	);
}

#[test]
fn a_lie_in_a_hidden_layer_is_narrowed_to_its_element_and_slashed() {
	ExtBuilder.build_and_execute(|| {
		let netuid = large_network();
		let model = large_model();
		let position = 3;
		let index = disputed_index(netuid, position);
		let honest = Claimed::honest(&model, index);
		// The validator's output 5 of the hidden layer 1 is off; the logits follow from it.
		let wrong = honest.activations[1][5].wrapping_add(90);
		let forged = Claimed::tampered(&model, index, (1, 5, wrong));
		assert_ne!(forged.activations[2], honest.activations[2], "the logits differ");
		let (id, auditor) = narrowing_dispute(netuid, position, &forged, &honest);

		assert_ok!(reveal_trace(id, V0, trace_of(&model, index, &forged.activations)));
		assert_eq!(events(), vec![Event::TraceRevealed { id, party: Party::Validator }]);
		assert_ok!(reveal_trace(id, auditor, evidence::trace(&model, &dataset(), index).unwrap()));
		let DisputePhase::Bisecting { layer, .. } = Disputes::<Test>::get(id).unwrap().phase else {
			panic!("not bisecting");
		};
		assert_eq!(layer.layer, 1);
		assert_eq!(layer.shape, (8192, 32));
		assert_eq!(layer.input_hash, Some(H256(activations_hash(&honest.activations[0]))));
		assert!(events().contains(&Event::LayerAwaited {
			id,
			layer: 1,
			deadline: System::block_number() + u64::from(parameters().reveal_window),
		}));

		assert_ok!(reveal_layer(id, auditor, &honest.activations[1]));
		assert_ok!(reveal_layer(id, V0, &forged.activations[1]));
		let DisputePhase::Narrowed { element: Some(disputed), .. } =
			Disputes::<Test>::get(id).unwrap().phase
		else {
			panic!("not narrowed to an element");
		};
		assert_eq!(disputed.element, 5);
		assert_eq!(disputed.validator_value, wrong);
		assert_eq!(disputed.auditor_value, honest.activations[1][5]);
		assert!(Claims::<Test>::iter().next().is_none());

		events();
		assert_ok!(resolve_narrowed(id, narrowed_evidence(netuid, id, position)));
		settled_narrowed(true, false);
		assert_eq!(MockStake::total_stake(&V0), STAKE - SLASH);
		assert_eq!(MockStake::total_stake(&auditor), STAKE);
		assert_eq!(MockStake::free(coldkey(auditor)), SLASH / 2);
		assert_eq!(MockStake::burned(), SLASH / 2);
		assert!(!Disputes::<Test>::contains_key(id));
	});
}

#[test]
fn a_frivolous_auditor_wrong_in_the_first_layer_is_slashed() {
	ExtBuilder.build_and_execute(|| {
		let netuid = large_network();
		let model = large_model();
		let position = 0;
		let index = disputed_index(netuid, position);
		let honest = Claimed::honest(&model, index);
		// The auditor's output 4000 of the first layer is off.
		let wrong = honest.activations[0][4000] ^ 0x80;
		let mut frivolous = Claimed::tampered(&model, index, (0, 4000, wrong));
		if frivolous.activations[2] == honest.activations[2] {
			// The logits happen to agree: the auditor's leaf differs in its score instead.
			frivolous.score = Some(1 - honest.leaf(index).1);
		}
		let (id, auditor) = narrowing_dispute(netuid, position, &honest, &frivolous);

		assert_ok!(reveal_trace(id, auditor, trace_of(&model, index, &frivolous.activations)));
		assert_ok!(reveal_trace(id, V0, trace_of(&model, index, &honest.activations)));
		let DisputePhase::Bisecting { layer, .. } = Disputes::<Test>::get(id).unwrap().phase else {
			panic!("not bisecting");
		};
		assert_eq!((layer.layer, layer.input_hash), (0, None));
		assert_ok!(reveal_layer(id, V0, &honest.activations[0]));
		assert_ok!(reveal_layer(id, auditor, &frivolous.activations[0]));
		assert!(events().contains(&Event::NarrowedRefereeAwaited {
			id,
			element: Some((0, 4000)),
			deadline: System::block_number() + u64::from(parameters().referee_window),
		}));

		assert_ok!(resolve_narrowed(id, narrowed_evidence(netuid, id, position)));
		settled_narrowed(false, true);
		assert_eq!(MockStake::total_stake(&V0), STAKE);
		assert_eq!(MockStake::total_stake(&auditor), STAKE - SLASH);
		assert_eq!(MockStake::free(coldkey(V0)), SLASH / 2);
	});
}

#[test]
fn a_wrong_score_over_a_large_model_is_caught_without_an_element() {
	ExtBuilder.build_and_execute(|| {
		let netuid = large_network();
		let model = large_model();
		let position = 7;
		let index = disputed_index(netuid, position);
		let honest = Claimed::honest(&model, index);
		// The validator computed every layer right and claims the other score.
		let mut lying = Claimed::honest(&model, index);
		lying.score = Some(1 - honest.leaf(index).1);
		let (id, auditor) = narrowing_dispute(netuid, position, &lying, &honest);

		assert_ok!(reveal_trace(id, V0, trace_of(&model, index, &lying.activations)));
		assert_ok!(reveal_trace(id, auditor, trace_of(&model, index, &honest.activations)));
		assert!(matches!(
			Disputes::<Test>::get(id).unwrap().phase,
			DisputePhase::Narrowed { element: None, .. }
		));
		let evidence = narrowed_evidence(netuid, id, position);
		assert!(evidence.element.is_none());
		events();
		assert_ok!(resolve_narrowed(id, evidence));
		settled_narrowed(true, false);
		assert_eq!(MockStake::total_stake(&V0), STAKE - SLASH);
	});
}

#[test]
fn a_party_that_stops_answering_loses_and_without_evidence_both_lose() {
	ExtBuilder.build_and_execute(|| {
		let netuid = large_network();
		let model = large_model();
		let position = 2;
		// Three epochs, three disputes in which the validator's logit 1 is off.
		for case in 0..3 {
			if case > 0 {
				MockScoring::end_epoch(netuid);
			}
			let index = disputed_index(netuid, position);
			let honest = Claimed::honest(&model, index);
			let forged = Claimed::tampered(&model, index, (2, 1, honest.activations[2][1] ^ 0xff));
			let (id, auditor) = narrowing_dispute(netuid, position, &forged, &honest);
			let validator_stake = MockStake::total_stake(&V0);
			let auditor_stake = MockStake::total_stake(&auditor);
			let slash = |stake: Balance| stake / 10;
			assert_ok!(reveal_trace(id, auditor, trace_of(&model, index, &honest.activations)));
			let verdict = if case == 0 {
				// The validator never traces.
				run_blocks(parameters().reveal_window.into());
				(Verdict::NotRevealed, slash(validator_stake), 0)
			} else {
				assert_ok!(reveal_trace(id, V0, trace_of(&model, index, &forged.activations)));
				assert_ok!(reveal_layer(id, V0, &forged.activations[2]));
				if case == 1 {
					// The auditor never reveals its layer.
					run_blocks(parameters().reveal_window.into());
					(Verdict::NotRevealed, 0, slash(auditor_stake))
				} else {
					// Narrowed, but nobody brings the evidence.
					assert_ok!(reveal_layer(id, auditor, &honest.activations[2]));
					run_blocks(parameters().referee_window.into());
					(Verdict::NoEvidence, slash(validator_stake), slash(auditor_stake))
				}
			};
			let Event::DisputeSettled { verdict: got, validator_slashed, auditor_slashed, .. } =
				settlement()
			else {
				panic!("not settled");
			};
			assert_eq!((got, validator_slashed, auditor_slashed), verdict, "case {case}");
			assert!(!Disputes::<Test>::contains_key(id));
			assert!(Claims::<Test>::iter().next().is_none());
		}
	});
}

#[test]
fn narrowing_calls_fail_with_precise_errors() {
	ExtBuilder.build_and_execute(|| {
		let netuid = large_network();
		let model = large_model();
		let position = 1;
		let index = disputed_index(netuid, position);
		let honest = Claimed::honest(&model, index);
		let wrong = honest.activations[1][9].wrapping_add(100);
		let forged = Claimed::tampered(&model, index, (1, 9, wrong));
		let (id, auditor) = narrowing_dispute(netuid, position, &forged, &honest);
		let good = trace_of(&model, index, &forged.activations);

		// Tracing.
		assert_noop!(reveal_layer(id, V0, &forged.activations[1]), Error::<Test>::NotBisecting);
		assert_noop!(
			resolve_narrowed(
				id,
				NarrowedEvidence {
					dataset: evidence::dataset_sample(&dataset(), index).unwrap(),
					element: None
				}
			),
			Error::<Test>::NotNarrowed
		);
		assert_noop!(reveal_trace(id + 1, V0, good.clone()), Error::<Test>::UnknownDispute);
		assert_noop!(reveal_trace(id, 99, good.clone()), Error::<Test>::NotParty);
		let mut header = good.clone();
		header.model_header[0] ^= 1;
		assert_noop!(reveal_trace(id, V0, header), Error::<Test>::InvalidModel);
		let other_model = model_with_other_header();
		let (other_header, other_proof) = other_model.prove(ModelPart::Header).unwrap();
		let mut other = good.clone();
		other.model_header = BoundedVec::truncate_from(other_header);
		other.model_header_proof = evidence::siblings(other_proof).unwrap();
		assert_noop!(reveal_trace(id, V0, other), Error::<Test>::ModelRootMismatch);
		let mut proof = good.clone();
		proof.model_header_proof[0] = H256::zero();
		assert_noop!(reveal_trace(id, V0, proof), Error::<Test>::ModelRootMismatch);
		let mut short = good.clone();
		short.layers.pop();
		assert_noop!(reveal_trace(id, V0, short), Error::<Test>::WrongTraceLength);
		let mut logits = good.clone();
		logits.logits.pop();
		assert_noop!(reveal_trace(id, V0, logits), Error::<Test>::WrongTraceLength);
		let mut last = good.clone();
		last.layers[2] = H256::zero();
		assert_noop!(reveal_trace(id, V0, last), Error::<Test>::TraceMismatchLeaf);
		let honest_trace = trace_of(&model, index, &honest.activations);
		assert_noop!(reveal_trace(id, V0, honest_trace.clone()), Error::<Test>::TraceMismatchLeaf);
		let mut index_changed = good.clone();
		index_changed.index += 1;
		assert_noop!(reveal_trace(id, V0, index_changed), Error::<Test>::TraceMismatchLeaf);
		assert_ok!(reveal_trace(id, V0, good.clone()));
		assert_noop!(reveal_trace(id, V0, good.clone()), Error::<Test>::AlreadyRevealed);
		assert_ok!(reveal_trace(id, auditor, honest_trace.clone()));
		assert_noop!(reveal_trace(id, auditor, honest_trace), Error::<Test>::NotTracing);

		// Bisecting.
		assert_noop!(reveal_layer(id, 99, &forged.activations[1]), Error::<Test>::NotParty);
		assert_noop!(
			reveal_layer(id, V0, &forged.activations[1][1..]),
			Error::<Test>::WrongOutputLength
		);
		assert_noop!(
			reveal_layer(id, V0, &honest.activations[1]),
			Error::<Test>::OutputsMismatchTrace
		);
		assert_ok!(reveal_layer(id, V0, &forged.activations[1]));
		assert_noop!(reveal_layer(id, V0, &forged.activations[1]), Error::<Test>::AlreadyRevealed);
		assert_ok!(reveal_layer(id, auditor, &honest.activations[1]));

		// Narrowed.
		let good = narrowed_evidence(netuid, id, position);
		let mut no_element = good.clone();
		no_element.element = None;
		assert_noop!(resolve_narrowed(id, no_element), Error::<Test>::MissingElementEvidence);
		let mut sample = good.clone();
		sample.dataset = evidence::dataset_sample(&dataset(), (index + 1) % 40).unwrap();
		assert_noop!(resolve_narrowed(id, sample), Error::<Test>::BadSample);
		let mut input = good.clone();
		input.element.as_mut().unwrap().input[0] ^= 1;
		assert_noop!(resolve_narrowed(id, input), Error::<Test>::BadLayerInput);
		let mut row = good.clone();
		row.element.as_mut().unwrap().weights[0] ^= 1;
		assert_noop!(resolve_narrowed(id, row), Error::<Test>::BadModelPart);
		let mut other_row = good.clone();
		let (row_data, row_proof) = model.prove(ModelPart::WeightRow { layer: 1, row: 8 }).unwrap();
		let element = other_row.element.as_mut().unwrap();
		element.weights = BoundedVec::truncate_from(row_data);
		element.weights_proof = evidence::siblings(row_proof).unwrap();
		assert_noop!(resolve_narrowed(id, other_row), Error::<Test>::BadModelPart);
		let mut biases = good.clone();
		biases.element.as_mut().unwrap().biases_proof[0] = H256::zero();
		assert_noop!(resolve_narrowed(id, biases), Error::<Test>::BadModelPart);
		let mut requantization = good.clone();
		requantization.element.as_mut().unwrap().requantization[0] ^= 1;
		assert_noop!(resolve_narrowed(id, requantization), Error::<Test>::BadModelPart);
		assert_ok!(resolve_narrowed(id, good));
		settled_narrowed(true, false);
	});
}

/// A model of the same shape as [`large_model`] but other weights: another root.
fn model_with_other_header() -> Model {
	let layer = Layer::new(
		4,
		3,
		vec![1; 12],
		vec![0; 3],
		Requantization::new(1 << 30, 1).unwrap(),
		Activation::Relu,
	)
	.unwrap();
	Model::new(1, 4, vec![layer]).unwrap()
}
