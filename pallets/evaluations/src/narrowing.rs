//! Narrowing a dispute over a model above the referee's bound down to one output element.
//!
//! 1. **Tracing**: each party reveals its trace of the disputed sample (`reveal_trace`): the
//!    model header (proven against the model root), its leaf's index, sample hash and logits
//!    (which must give its revealed leaf), and the activations hash of every layer's outputs
//!    (the last being its logits'). Once both have, the first layer where the hashes differ
//!    is disputed; when none does, the leaves differ in their index, sample hash or score,
//!    which the referee checks against the dataset alone.
//! 2. **Bisecting**: each party reveals the disputed layer's outputs (`reveal_layer`), which
//!    must give its hash; the first element where they differ is disputed.
//! 3. **Narrowed**: anyone brings the evidence (`resolve_narrowed`): the sample (proven
//!    against the dataset root, at the index the referee draws), and for a disputed element
//!    the layer's input (the sample for layer 0, else matching the hash both traces agree on)
//!    with the element's weight row, the layer's biases and requantization proven against the
//!    model root. A party loses when its leaf's index, sample hash or score is not the
//!    sample's, or its value of the element is not the one the referee computes.
//!
//! A party that does not reveal in `reveal_window` loses; when nobody brings the evidence in
//! `referee_window`, both lose.

use crate::{
	disputes::{of_party, other, proof},
	AuditId, Claim, Claims, Config, Deadline, DisputeOf, DisputePhase, Disputes, ElementDispute,
	Error, Event, LayerDispute, Narrowing, Pallet, SampleClaim, Verdict,
};
use polkadot_sdk::{
	frame_support::{ensure, BoundedVec},
	sp_core::{ConstU32, H256},
	sp_runtime::DispatchResult,
};
use verity_evaluator::{
	merkle,
	model::{ModelHeader, ModelPart},
	narrowing::{self, first_difference},
	result,
};
use verity_primitives::{
	evaluations::{NarrowedEvidence, Party, Trace, MAX_LAYER_WIDTH},
	traits::NetworkParametersInterface,
	BlockNumber,
};

/// `(validator's, auditor's)` from this party's and the other's.
fn ordered<V>(party: Party, ours: V, theirs: V) -> (V, V) {
	match party {
		Party::Validator => (ours, theirs),
		Party::Auditor => (theirs, ours),
	}
}

impl<T: Config> Pallet<T> {
	/// `reveal_trace` once the origin is checked.
	pub(crate) fn do_reveal_trace(who: T::AccountId, id: AuditId, trace: &Trace) -> DispatchResult {
		let dispute = Disputes::<T>::get(id).ok_or(Error::<T>::UnknownDispute)?;
		let DisputePhase::Tracing { position, validator_leaf, auditor_leaf } = dispute.phase else {
			return Err(Error::<T>::NotTracing.into());
		};
		let party = Self::party(&dispute, &who)?;
		ensure!(!Claims::<T>::contains_key(id, party), Error::<T>::AlreadyRevealed);

		let header = ModelHeader::decode(&trace.model_header)
			.ok()
			.filter(|header| header.encoded_len() == trace.model_header.len())
			.ok_or(Error::<T>::InvalidModel)?;
		let header_leaf = merkle::hash_leaf(&trace.model_header);
		ensure!(
			proof(0, header.leaf_count(), &trace.model_header_proof)
				.verify(&dispute.audit.record.model_root.0, &header_leaf),
			Error::<T>::ModelRootMismatch
		);
		let output_size = header.layers.last().map_or(0, |layer| layer.output_size);
		ensure!(
			trace.layers.len() == header.layers.len() && trace.logits.len() == output_size as usize,
			Error::<T>::WrongTraceLength
		);
		let (hash, score) = of_party(party, validator_leaf, auditor_leaf);
		let logits_hash = H256(narrowing::activations_hash(&trace.logits));
		let leaf = result::leaf_hash(trace.index, &trace.sample_hash.0, &trace.logits, score);
		ensure!(
			trace.layers.last() == Some(&logits_hash) && H256(leaf) == hash,
			Error::<T>::TraceMismatchLeaf
		);
		let sample = SampleClaim {
			index: trace.index,
			sample_hash: trace.sample_hash,
			// A valid header has at least one output: the logits are not empty.
			predicted: result::argmax(&trace.logits).unwrap_or(u32::MAX),
			score,
		};

		let other = other(party);
		let Some(Claim::Trace { sample: their_sample, layers: their_layers }) =
			Claims::<T>::get(id, other)
		else {
			Claims::<T>::insert(id, party, Claim::Trace { sample, layers: trace.layers.clone() });
			Self::deposit_event(Event::TraceRevealed { id, party });
			return Ok(());
		};
		let (validator, auditor) = ordered(party, sample, their_sample);
		let (validator_layers, auditor_layers) =
			ordered(party, trace.layers.as_slice(), their_layers.as_slice());
		let narrowing = Narrowing {
			position,
			model_shape: (header.input_size, output_size),
			model_leaves: header.leaf_count(),
			validator,
			auditor,
		};
		let params = T::Parameters::evaluation_parameters();
		let (phase, window) = match first_difference(validator_layers, auditor_layers) {
			None => (DisputePhase::Narrowed { narrowing, element: None }, params.referee_window),
			Some(at) => {
				let layer = u32::try_from(at).unwrap_or(u32::MAX);
				let shape = header.layers.get(at).ok_or(Error::<T>::InvalidModel)?;
				let first_leaf = header
					.leaf_index(ModelPart::WeightRow { layer, row: 0 })
					.ok_or(Error::<T>::InvalidModel)?;
				let disputed = LayerDispute {
					layer,
					first_leaf,
					shape: (shape.input_size, shape.output_size),
					input_hash: at
						.checked_sub(1)
						.and_then(|before| validator_layers.get(before))
						.copied(),
					validator_hash: validator_layers.get(at).copied().unwrap_or_default(),
					auditor_hash: auditor_layers.get(at).copied().unwrap_or_default(),
				};
				(DisputePhase::Bisecting { narrowing, layer: disputed }, params.reveal_window)
			}
		};
		Self::advance(id, dispute, phase, window, Event::TraceRevealed { id, party })
	}

	/// `reveal_layer` once the origin is checked.
	pub(crate) fn do_reveal_layer(
		who: T::AccountId,
		id: AuditId,
		outputs: &BoundedVec<u8, ConstU32<MAX_LAYER_WIDTH>>,
	) -> DispatchResult {
		let dispute = Disputes::<T>::get(id).ok_or(Error::<T>::UnknownDispute)?;
		let DisputePhase::Bisecting { narrowing, layer } = dispute.phase else {
			return Err(Error::<T>::NotBisecting.into());
		};
		let party = Self::party(&dispute, &who)?;
		ensure!(!Claims::<T>::contains_key(id, party), Error::<T>::AlreadyRevealed);
		ensure!(outputs.len() == layer.shape.1 as usize, Error::<T>::WrongOutputLength);
		let traced = of_party(party, layer.validator_hash, layer.auditor_hash);
		ensure!(
			H256(narrowing::activations_hash(outputs)) == traced,
			Error::<T>::OutputsMismatchTrace
		);

		let other = other(party);
		let Some(Claim::Outputs(theirs)) = Claims::<T>::get(id, other) else {
			Claims::<T>::insert(id, party, Claim::Outputs(outputs.clone()));
			Self::deposit_event(Event::LayerRevealed { id, party });
			return Ok(());
		};
		let (validator_outputs, auditor_outputs) =
			ordered(party, outputs.as_slice(), theirs.as_slice());
		// Equally long outputs with different hashes: some element differs.
		let at = first_difference(validator_outputs, auditor_outputs)
			.ok_or(Error::<T>::OutputsMismatchTrace)?;
		let element = ElementDispute {
			layer,
			element: u32::try_from(at).unwrap_or(u32::MAX),
			validator_value: validator_outputs.get(at).copied().unwrap_or_default(),
			auditor_value: auditor_outputs.get(at).copied().unwrap_or_default(),
		};
		let phase = DisputePhase::Narrowed { narrowing, element: Some(element) };
		let window = T::Parameters::evaluation_parameters().referee_window;
		Self::advance(id, dispute, phase, window, Event::LayerRevealed { id, party })
	}

	/// Moves a dispute on to `phase`, due in `window` blocks, once both parties revealed
	/// (`revealed` reports the second): forgets their claims and reports what is awaited.
	fn advance(
		id: AuditId,
		mut dispute: DisputeOf<T>,
		phase: DisputePhase,
		window: BlockNumber,
		revealed: Event<T>,
	) -> DispatchResult {
		let deadline =
			Self::schedule_deadline(Self::blocks_from_now(window), Deadline::Dispute(id))?;
		dispute.phase = phase;
		dispute.deadline = deadline;
		Disputes::<T>::insert(id, dispute);
		for party in [Party::Validator, Party::Auditor] {
			Claims::<T>::remove(id, party);
		}
		Self::deposit_event(revealed);
		match phase {
			DisputePhase::Bisecting { layer, .. } => {
				Self::deposit_event(Event::LayerAwaited { id, layer: layer.layer, deadline })
			}
			DisputePhase::Narrowed { element, .. } => {
				Self::deposit_event(Event::NarrowedRefereeAwaited {
					id,
					element: element.map(|disputed| (disputed.layer.layer, disputed.element)),
					deadline,
				})
			}
			_ => {}
		}
		Ok(())
	}

	/// `resolve_narrowed`: the referee of a narrowed dispute (see the module docs).
	pub(crate) fn do_resolve_narrowed(id: AuditId, evidence: &NarrowedEvidence) -> DispatchResult {
		let dispute = Disputes::<T>::get(id).ok_or(Error::<T>::UnknownDispute)?;
		let DisputePhase::Narrowed { narrowing, element } = dispute.phase else {
			return Err(Error::<T>::NotNarrowed.into());
		};
		let sample = Self::check_sample(&dispute.audit, narrowing.position, &evidence.dataset)?;
		let (validator_lost, auditor_lost) =
			if narrowing.model_shape != (sample.sample_size, sample.class_count) {
				// The committed model cannot run on the subnet's dataset: the validator claimed an
				// evaluation that cannot exist.
				(true, false)
			} else {
				let wrong_leaf = |claim: &SampleClaim| {
					!claim.is_right(sample.index, &H256(sample.hash), evidence.dataset.label)
				};
				let (mut validator_lost, mut auditor_lost) =
					(wrong_leaf(&narrowing.validator), wrong_leaf(&narrowing.auditor));
				if let Some(disputed) = element {
					let value = Self::referee_element(
						&dispute.audit.record.model_root,
						narrowing.model_leaves,
						&disputed,
						evidence,
					)?;
					validator_lost |= disputed.validator_value != value;
					auditor_lost |= disputed.auditor_value != value;
				}
				(validator_lost, auditor_lost)
			};
		Self::settle(id, &dispute.audit, validator_lost, auditor_lost, Verdict::Narrowed);
		Ok(())
	}

	/// The disputed element's value, recomputed from the evidence's layer input and model parts
	/// proven against `model_root` (a tree of `model_leaves` leaves).
	fn referee_element(
		model_root: &H256,
		model_leaves: u32,
		disputed: &ElementDispute,
		evidence: &NarrowedEvidence,
	) -> Result<u8, Error<T>> {
		let parts = evidence.element.as_ref().ok_or(Error::<T>::MissingElementEvidence)?;
		let layer = &disputed.layer;
		let input: &[u8] = match layer.input_hash {
			None => &evidence.dataset.sample,
			Some(input_hash) => {
				ensure!(
					H256(narrowing::activations_hash(&parts.input)) == input_hash,
					Error::<T>::BadLayerInput
				);
				&parts.input
			}
		};
		ensure!(input.len() == layer.shape.0 as usize, Error::<T>::BadLayerInput);
		let biases_leaf = layer.first_leaf.checked_add(layer.shape.1);
		let leaves = [
			(
				layer.first_leaf.checked_add(disputed.element),
				&parts.weights[..],
				&parts.weights_proof,
			),
			(biases_leaf, &parts.biases[..], &parts.biases_proof),
			(
				biases_leaf.and_then(|leaf| leaf.checked_add(1)),
				&parts.requantization[..],
				&parts.requantization_proof,
			),
		];
		for (index, data, siblings) in leaves {
			let index = index.ok_or(Error::<T>::BadModelPart)?;
			ensure!(
				proof(index, model_leaves, siblings)
					.verify(&model_root.0, &merkle::hash_leaf(data)),
				Error::<T>::BadModelPart
			);
		}
		narrowing::element_from_parts(
			&parts.weights,
			&parts.biases,
			&parts.requantization,
			disputed.element,
			input,
		)
		.map_err(|_| Error::<T>::BadModelPart)
	}
}
