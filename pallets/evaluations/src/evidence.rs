//! Building what the referee and the narrowing of a dispute take, from a model and a dataset
//! one holds: the node's evaluator service builds these for a validator's off-chain worker
//! ([`dispute_output`]); tests and benchmarks build theirs here too, so that every side builds
//! them one way, next to the referee that checks them.

use alloc::vec::Vec;
use polkadot_sdk::{
	frame_support::{traits::Get, BoundedVec},
	sp_core::H256,
};
use verity_evaluator::{
	dataset,
	merkle::{self, MerkleProof},
	narrowing, reference, result, selection, Dataset, Model, ModelPart,
};
use verity_primitives::{
	evaluations::{
		DatasetSample, ElementEvidence, NarrowedEvidence, RefereeEvidence, Trace,
		MAX_REFEREE_MODEL_BYTES,
	},
	host::{Evidence, JobFailure, JobKind, JobOutput, Narrowed},
};

/// A proof's siblings as the chain takes them; `None` when deeper than `S`.
pub fn siblings<S: Get<u32>>(proof: MerkleProof) -> Option<BoundedVec<H256, S>> {
	BoundedVec::try_from(proof.siblings.into_iter().map(H256).collect::<Vec<_>>()).ok()
}

/// The dataset index of the sample at `position` of the selection drawn from `seed` over a
/// dataset of `sample_count` samples: what the referee draws itself.
pub fn drawn_index(seed: &H256, sample_count: u32, position: u32) -> Option<u32> {
	let drawn = position.checked_add(1)?;
	selection::select_indices(&seed.0, sample_count, drawn).ok()?.last().copied()
}

/// Sample `index` of `dataset` with its header, each with its proof against the dataset root.
pub fn dataset_sample(dataset: &Dataset, index: u32) -> Option<DatasetSample> {
	let leaves = dataset.leaf_hashes();
	let header_proof = merkle::prove(&leaves, 0).ok()?;
	let sample_proof = merkle::prove(&leaves, index.checked_add(1)?).ok()?;
	Some(DatasetSample {
		dataset_header: dataset.header().try_into().ok()?,
		header_proof: siblings(header_proof)?,
		label: dataset.label(index)?,
		sample: BoundedVec::try_from(dataset.sample(index)?.to_vec()).ok()?,
		sample_proof: siblings(sample_proof)?,
	})
}

/// The trace of sample `index` of `dataset` through `model`: what an honest party reveals.
/// `None` when the model does not take the dataset's samples or exceeds the chain's bounds.
pub fn trace(model: &Model, dataset: &Dataset, index: u32) -> Option<Trace> {
	let activations = narrowing::activations(model, dataset.sample(index)?).ok()?;
	trace_of(model, index, H256(dataset.sample_hash(index)?), &activations)
}

/// The trace of the sample at dataset `index` with hash `sample_hash`, computed as
/// `activations` (every layer's outputs, in order), through `model`.
pub fn trace_of(
	model: &Model,
	index: u32,
	sample_hash: H256,
	activations: &[Vec<u8>],
) -> Option<Trace> {
	let (header, header_proof) = model.prove(ModelPart::Header)?;
	let layers: Vec<H256> =
		activations.iter().map(|outputs| H256(narrowing::activations_hash(outputs))).collect();
	Some(Trace {
		model_header: BoundedVec::try_from(header).ok()?,
		model_header_proof: siblings(header_proof)?,
		index,
		sample_hash,
		logits: BoundedVec::try_from(activations.last()?.clone()).ok()?,
		layers: BoundedVec::try_from(layers).ok()?,
	})
}

/// The evidence for output `element` of layer `layer` of `model`, whose input is `input` (the
/// previous layer's outputs; the sample for layer 0, which the evidence leaves out).
pub fn element_evidence(
	model: &Model,
	layer: u32,
	element: u32,
	input: &[u8],
) -> Option<ElementEvidence> {
	let mut parts = model
		.prove_parts(&[
			ModelPart::WeightRow { layer, row: element },
			ModelPart::Biases { layer },
			ModelPart::Requantization { layer },
		])?
		.into_iter();
	let (weights, weights_proof) = parts.next()?;
	let (biases, biases_proof) = parts.next()?;
	let (requantization, requantization_proof) = parts.next()?;
	let input = if layer == 0 { Vec::new() } else { input.to_vec() };
	Some(ElementEvidence {
		input: BoundedVec::try_from(input).ok()?,
		weights: BoundedVec::try_from(weights).ok()?,
		weights_proof: siblings(weights_proof)?,
		biases: BoundedVec::try_from(biases).ok()?,
		biases_proof: siblings(biases_proof)?,
		requantization: BoundedVec::try_from(requantization).ok()?,
		requantization_proof: siblings(requantization_proof)?,
	})
}

/// The sample hash of a dataset sample, as the result leaves name it.
pub fn sample_hash(index: u32, sample: &DatasetSample) -> H256 {
	H256(dataset::sample_hash(index, sample.label, &sample.sample))
}

/// What a dispute job of `kind` produces on `model` (encoded as `model_bytes`) and `dataset`,
/// for the evaluation whose samples are drawn from `seed` (`samples` of them).
pub fn dispute_output(
	kind: JobKind,
	model_bytes: &[u8],
	model: &Model,
	dataset: &Dataset,
	seed: &H256,
	samples: u32,
) -> Result<JobOutput, JobFailure> {
	match kind {
		JobKind::Evaluate => Err(failure("an evaluation is not a dispute job")),
		JobKind::Evidence { position } => {
			build(model_bytes, model, dataset, seed, samples, position).map(JobOutput::Evidence)
		}
		JobKind::Trace { position } => build_trace(model, dataset, seed, samples, position)
			.map(|(trace, leaf)| JobOutput::Trace(alloc::boxed::Box::new(trace), leaf)),
		JobKind::LayerOutputs { position, layer } => {
			build_layer_outputs(model, dataset, seed, samples, position, layer)
				.map(JobOutput::LayerOutputs)
		}
		JobKind::Narrowed { position, element } => {
			build_narrowed(model, dataset, seed, samples, position, element)
				.map(|narrowed| JobOutput::Narrowed(alloc::boxed::Box::new(narrowed)))
		}
	}
}

fn failure(reason: &str) -> JobFailure {
	JobFailure::Evaluation(reason.as_bytes().to_vec())
}

/// The disputed sample: its dataset index (drawn from `seed` over the whole dataset, as the
/// referee draws it), label and bytes.
struct Disputed<'a> {
	index: u32,
	label: u8,
	sample: &'a [u8],
}

fn disputed<'a>(
	dataset: &'a Dataset,
	seed: &H256,
	samples: u32,
	position: u32,
) -> Result<Disputed<'a>, JobFailure> {
	if position >= samples {
		return Err(failure("the position is outside the evaluation's samples"));
	}
	let index = drawn_index(seed, dataset.sample_count(), position)
		.ok_or_else(|| failure("no sample drawn"))?;
	let label = dataset.label(index).ok_or_else(|| failure("sample out of range"))?;
	let sample = dataset.sample(index).ok_or_else(|| failure("sample out of range"))?;
	Ok(Disputed { index, label, sample })
}

/// The leaf the reference computes for the disputed sample.
fn leaf(model: &Model, dataset: &Dataset, sample: &Disputed) -> Result<(H256, u32), JobFailure> {
	let hash = dataset.sample_hash(sample.index).ok_or_else(|| failure("sample out of range"))?;
	let (leaf, score) =
		reference::sample_leaf(model, sample.index, &hash, sample.label, sample.sample)
			.map_err(|e| failure(&alloc::string::ToString::to_string(&e)))?;
	Ok((H256(leaf), score))
}

/// The referee's evidence for the sample at `position` of the selection drawn from `seed`
/// (the referee draws the same index itself), with the leaf the reference computes for it.
/// `model_bytes` are the model's encoding, `model` its decoding.
///
/// Errors: [`JobFailure::ModelTooLargeForReferee`] above the referee's bound;
/// [`JobFailure::Evaluation`] when `position` is outside `samples` or the model does not take
/// the dataset's samples.
fn build(
	model_bytes: &[u8],
	model: &Model,
	dataset: &Dataset,
	seed: &H256,
	samples: u32,
	position: u32,
) -> Result<Evidence, JobFailure> {
	if model_bytes.len() > MAX_REFEREE_MODEL_BYTES as usize {
		return Err(JobFailure::ModelTooLargeForReferee);
	}
	let sample = disputed(dataset, seed, samples, position)?;
	let leaf = leaf(model, dataset, &sample)?;
	let evidence = RefereeEvidence {
		dataset: dataset_sample(dataset, sample.index)
			.ok_or_else(|| failure("the sample cannot be proven"))?,
		model: BoundedVec::try_from(model_bytes.to_vec())
			.map_err(|_| JobFailure::ModelTooLargeForReferee)?,
	};
	Ok(Evidence { evidence, leaf })
}

/// The trace of the sample at `position`, with the leaf it gives.
fn build_trace(
	model: &Model,
	dataset: &Dataset,
	seed: &H256,
	samples: u32,
	position: u32,
) -> Result<(Trace, (H256, u32)), JobFailure> {
	let sample = disputed(dataset, seed, samples, position)?;
	let trace = trace(model, dataset, sample.index)
		.ok_or_else(|| failure("the model does not take the dataset's samples"))?;
	// The leaf from the traced logits: the sample is run through the model once.
	let score = result::score(&trace.logits, sample.label);
	let leaf = result::leaf_hash(sample.index, &trace.sample_hash.0, &trace.logits, score);
	Ok((trace, (H256(leaf), score)))
}

/// The outputs of `layer` for the sample at `position`.
fn build_layer_outputs(
	model: &Model,
	dataset: &Dataset,
	seed: &H256,
	samples: u32,
	position: u32,
	layer: u32,
) -> Result<Vec<u8>, JobFailure> {
	let sample = disputed(dataset, seed, samples, position)?;
	let mut outputs = narrowing::activations(model, sample.sample)
		.map_err(|e| failure(&alloc::string::ToString::to_string(&e)))?;
	if layer as usize >= outputs.len() {
		return Err(failure("the model has no such layer"));
	}
	Ok(outputs.swap_remove(layer as usize))
}

/// The evidence of a narrowed dispute over the sample at `position`, with the sample's index
/// and the disputed element's value the reference computes.
fn build_narrowed(
	model: &Model,
	dataset: &Dataset,
	seed: &H256,
	samples: u32,
	position: u32,
	element: Option<(u32, u32)>,
) -> Result<Narrowed, JobFailure> {
	let sample = disputed(dataset, seed, samples, position)?;
	let dataset_part = dataset_sample(dataset, sample.index)
		.ok_or_else(|| failure("the sample cannot be proven"))?;
	let (element_part, value) = match element {
		None => (None, None),
		Some((layer, at)) => {
			let outputs = narrowing::activations(model, sample.sample)
				.map_err(|e| failure(&alloc::string::ToString::to_string(&e)))?;
			let input = match layer.checked_sub(1) {
				None => sample.sample,
				Some(before) => outputs
					.get(before as usize)
					.ok_or_else(|| failure("the model has no such layer"))?,
			};
			let value = outputs
				.get(layer as usize)
				.and_then(|layer_outputs| layer_outputs.get(at as usize))
				.copied()
				.ok_or_else(|| failure("the model has no such element"))?;
			let part = element_evidence(model, layer, at, input)
				.ok_or_else(|| failure("the element cannot be proven"))?;
			(Some(part), Some(value))
		}
	};
	Ok(Narrowed {
		evidence: NarrowedEvidence { dataset: dataset_part, element: element_part },
		index: sample.index,
		value,
	})
}
