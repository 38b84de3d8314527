//! `evaluate`: its checks, its use of the backend, and the structure of its result.

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

use std::cell::Cell;

use verity_evaluator::{
	backend::check_batch,
	evaluate,
	merkle::{self, EMPTY_ROOT},
	result, selection, Activation, Backend, BackendError, Dataset, EvaluationError, Layer, Model,
	ReferenceBackend, Requantization,
};

/// 2 inputs → 3 logits: logit c is input[0] when c = 0, input[1] when c = 1, and 100 for c = 2.
fn model() -> Model {
	let layer = Layer::new(
		2,
		3,
		vec![1, 0, 0, 1, 0, 0],
		vec![0, 0, 100],
		Requantization::new(i32::MAX, 0).unwrap(),
		Activation::Relu,
	)
	.unwrap();
	Model::new(7, 2, vec![layer]).unwrap()
}

/// Ten samples: sample i is [i · 20, 200 - i · 20], label i % 3.
fn dataset() -> Dataset {
	let samples = (0..10u8).flat_map(|i| [i * 20, 200 - i * 20]).collect();
	let labels = (0..10u8).map(|i| i % 3).collect();
	Dataset::new(2, 3, labels, samples).unwrap()
}

const SEED: [u8; 32] = [0x42; 32];

/// A backend that records its calls and delegates to the reference.
#[derive(Default)]
struct CountingBackend {
	calls: Cell<usize>,
	last_batch: Cell<usize>,
}

impl Backend for CountingBackend {
	fn name(&self) -> &str {
		"counting"
	}

	fn infer_batch(
		&self,
		model: &Model,
		inputs: &[u8],
		batch: usize,
		outputs: &mut [u8],
	) -> Result<(), BackendError> {
		self.calls.set(self.calls.get() + 1);
		self.last_batch.set(batch);
		ReferenceBackend.infer_batch(model, inputs, batch, outputs)
	}
}

struct FailingBackend;

impl Backend for FailingBackend {
	fn name(&self) -> &str {
		"failing"
	}

	fn infer_batch(
		&self,
		model: &Model,
		inputs: &[u8],
		batch: usize,
		outputs: &mut [u8],
	) -> Result<(), BackendError> {
		check_batch(model, inputs, batch, outputs)?;
		Err(BackendError::Device("lost".into()))
	}
}

#[test]
fn evaluation_scores_and_commits_to_every_selected_sample() {
	let (model, data) = (model(), dataset());
	let result = evaluate(&ReferenceBackend, &model, &data, 2..9, &SEED, 5).unwrap();
	let expected: Vec<u32> =
		selection::select_indices(&SEED, 7, 5).unwrap().into_iter().map(|i| i + 2).collect();
	assert_eq!(result.indices, expected);
	assert_eq!(result.count(), 5);
	assert_eq!(result.logit_count, 3);
	for (position, &index) in (0u32..).zip(&result.indices) {
		let sample = data.sample(index).unwrap();
		let logits = [sample[0], sample[1], 100];
		assert_eq!(result.logits_of(position).unwrap(), &logits[..]);
		let score = result::score(&logits, data.label(index).unwrap());
		assert_eq!(result.scores[position as usize], score);
		let leaf = merkle::hash_leaf(&result::leaf_data(
			index,
			&data.sample_hash(index).unwrap(),
			&logits,
			score,
		));
		assert_eq!(result.leaves[position as usize], leaf);
		assert!(result.prove(position).unwrap().verify(&result.merkle_root, &leaf));
	}
	assert_eq!(result.total, result.scores.iter().sum::<u32>());
	assert_eq!(result.merkle_root, merkle::root(&result.leaves));
	assert_eq!(result.root, result::result_root(&result.merkle_root, result.total, 5));
}

#[test]
fn evaluation_is_deterministic_and_depends_on_the_seed() {
	let (model, data) = (model(), dataset());
	let a = evaluate(&ReferenceBackend, &model, &data, 0..10, &SEED, 6).unwrap();
	let b = evaluate(&ReferenceBackend, &model, &data, 0..10, &SEED, 6).unwrap();
	assert_eq!(a, b);
	let c = evaluate(&ReferenceBackend, &model, &data, 0..10, &[0x43; 32], 6).unwrap();
	assert_ne!(a.root, c.root);
}

#[test]
fn evaluation_hands_the_backend_one_batch() {
	let (model, data) = (model(), dataset());
	let backend = CountingBackend::default();
	let counted = evaluate(&backend, &model, &data, 0..10, &SEED, 10).unwrap();
	assert_eq!((backend.calls.get(), backend.last_batch.get()), (1, 10));
	// Same bits as the reference.
	assert_eq!(counted, evaluate(&ReferenceBackend, &model, &data, 0..10, &SEED, 10).unwrap());
}

#[test]
fn evaluation_of_no_samples_has_the_empty_root() {
	let (model, data) = (model(), dataset());
	let result = evaluate(&ReferenceBackend, &model, &data, 3..3, &SEED, 0).unwrap();
	assert!(result.indices.is_empty() && result.leaves.is_empty());
	assert_eq!(result.merkle_root, EMPTY_ROOT);
	assert_eq!(result.root, result::result_root(&EMPTY_ROOT, 0, 0));
}

#[test]
fn evaluation_fails_when_sample_size_differs() {
	let data = Dataset::new(3, 3, vec![0], vec![1, 2, 3]).unwrap();
	assert_eq!(
		evaluate(&ReferenceBackend, &model(), &data, 0..1, &SEED, 1),
		Err(EvaluationError::SampleSizeMismatch { model: 2, dataset: 3 })
	);
}

#[test]
fn evaluation_fails_when_class_count_differs() {
	let data = Dataset::new(2, 4, vec![0], vec![1, 2]).unwrap();
	assert_eq!(
		evaluate(&ReferenceBackend, &model(), &data, 0..1, &SEED, 1),
		Err(EvaluationError::ClassCountMismatch { model: 3, dataset: 4 })
	);
}

#[test]
fn evaluation_fails_when_candidates_are_out_of_range() {
	let (model, data) = (model(), dataset());
	assert_eq!(
		evaluate(&ReferenceBackend, &model, &data, 5..11, &SEED, 1),
		Err(EvaluationError::CandidatesOutOfRange { start: 5, end: 11, sample_count: 10 })
	);
	#[allow(clippy::reversed_empty_ranges)]
	let backwards = 6..4;
	assert_eq!(
		evaluate(&ReferenceBackend, &model, &data, backwards, &SEED, 1),
		Err(EvaluationError::CandidatesOutOfRange { start: 6, end: 4, sample_count: 10 })
	);
}

#[test]
fn evaluation_fails_when_more_samples_than_candidates() {
	let (model, data) = (model(), dataset());
	assert_eq!(
		evaluate(&ReferenceBackend, &model, &data, 0..4, &SEED, 5),
		Err(EvaluationError::Selection(selection::SelectionError::TooManySamples {
			requested: 5,
			available: 4
		}))
	);
}

#[test]
fn evaluation_fails_when_the_backend_fails() {
	let (model, data) = (model(), dataset());
	assert_eq!(
		evaluate(&FailingBackend, &model, &data, 0..10, &SEED, 3),
		Err(EvaluationError::Backend(BackendError::Device("lost".into())))
	);
	assert_eq!(FailingBackend.name(), "failing");
}

#[test]
fn errors_display_their_details() {
	assert_eq!(
		EvaluationError::ClassCountMismatch { model: 3, dataset: 4 }.to_string(),
		"model has 3 logits, dataset has 4 classes"
	);
	assert_eq!(
		EvaluationError::Backend(BackendError::AccumulatorOverflow { layer: 1, row: 2 })
			.to_string(),
		"backend: accumulator overflow in layer 1, output 2"
	);
}
