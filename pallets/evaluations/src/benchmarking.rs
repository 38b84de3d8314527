//! Benchmarks of every call and hook, each at its worst case: the largest batch, the most
//! leaves, the referee on the largest model allowed on chain at the last sample of the largest
//! evaluation, and both parties slashed.

use super::*;
use crate::disputes::revealed_root;
use alloc::{boxed::Box, vec, vec::Vec};
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::BoundedVec,
	frame_system::{self, RawOrigin},
	sp_core::H256,
	sp_io::hashing::blake2_256,
	sp_runtime::traits::Saturating,
};
use verity_evaluator::{
	merkle, narrowing, result, Activation, Dataset, Layer, Model, ModelPart, Requantization,
};
use verity_primitives::{
	evaluations::{
		Attestation, ElementEvidence, Evaluation, EvaluationOutcome, EvaluationRecord,
		NarrowedEvidence, Party, RefereeEvidence, RevealedLeaf, Trace, MAX_EVALUATIONS_PER_BATCH,
		MAX_LAYER_WIDTH, MAX_MODEL_LAYERS, MAX_REFEREE_MODEL_BYTES, MAX_SAMPLES_LIMIT,
	},
	subnets::{NetUid, Uid, MAX_UIDS_LIMIT},
	traits::{EpochObserver, ScoringInterface, SubnetLifecycle},
};

/// The benchmark dataset's sample size and classes.
const SAMPLE_SIZE: u32 = 256;
const CLASSES: u32 = 10;
/// Permitted validators in the draw benchmark (the default `max_validators`).
const VALIDATORS: u16 = 64;

/// An attestation of the largest size.
fn attestation() -> Attestation {
	Attestation {
		backend: BoundedVec::truncate_from(vec![b'c'; 32]),
		device: BoundedVec::truncate_from(vec![b'd'; 128]),
		quote: BoundedVec::truncate_from(vec![7; 4096]),
	}
}

/// A dataset of `count` samples.
fn dataset(count: u32) -> Result<Dataset, BenchmarkError> {
	let labels: Vec<u8> = (0..count).map(|i| (i % CLASSES) as u8).collect();
	let samples: Vec<u8> =
		(0..count.saturating_mul(SAMPLE_SIZE)).map(|i| (i.wrapping_mul(31) % 251) as u8).collect();
	Dataset::new(SAMPLE_SIZE, CLASSES, labels, samples).map_err(|_| BenchmarkError::Stop("dataset"))
}

/// A two-layer model over the dataset's samples of about `bytes` bytes (at most the referee's
/// bound).
fn model(bytes: u32) -> Result<Model, BenchmarkError> {
	let layer = |inputs: u32, outputs: u32| {
		let weights: Vec<i8> = (0..inputs.saturating_mul(outputs))
			.map(|i| ((i.wrapping_mul(7) % 17) as i8).wrapping_sub(8))
			.collect();
		let requantization =
			Requantization::new(1 << 30, 10).map_err(|_| BenchmarkError::Stop("requantization"))?;
		Layer::new(
			inputs,
			outputs,
			weights,
			vec![0; outputs as usize],
			requantization,
			Activation::Relu,
		)
		.map_err(|_| BenchmarkError::Stop("layer"))
	};
	// Each hidden unit costs its inputs, its output weights and its bias.
	let per_unit = SAMPLE_SIZE.saturating_add(CLASSES).saturating_add(4);
	let mut hidden = bytes.checked_div(per_unit).unwrap_or(1).max(1);
	loop {
		let built =
			Model::new(1, SAMPLE_SIZE, vec![layer(SAMPLE_SIZE, hidden)?, layer(hidden, CLASSES)?])
				.map_err(|_| BenchmarkError::Stop("model"))?;
		if built.encode().len() <= MAX_REFEREE_MODEL_BYTES as usize || hidden == 1 {
			return Ok(built);
		}
		hidden = hidden.saturating_sub(1);
	}
}

/// A record of an evaluation with a result root.
fn record(model_root: H256, model_size: u64, seed: H256) -> EvaluationRecord {
	EvaluationRecord {
		epoch: 0,
		submitted_at: 0,
		outcome: EvaluationOutcome::Evaluated { score: 1, sealed_root: H256::repeat_byte(9) },
		model_root,
		model_size,
		sample_seed: seed,
	}
}

/// An audit of `hotkeys[0]`'s evaluation of UID 2 by `hotkeys[1]`.
fn audit<T: Config>(
	netuid: NetUid,
	hotkeys: &[T::AccountId],
	record: EvaluationRecord,
	samples: u32,
) -> Result<AuditOf<T>, BenchmarkError> {
	let hotkey = |i: usize| hotkeys.get(i).cloned().ok_or(BenchmarkError::Stop("hotkeys"));
	Ok(Audit {
		netuid,
		miner: 2,
		validator_uid: 0,
		validator: hotkey(0)?,
		auditor: hotkey(1)?,
		record,
		dataset_root: H256::repeat_byte(1),
		samples,
		deadline: frame_system::Pallet::<T>::block_number().saturating_add(10u32.into()),
	})
}

/// A dispute over `audit` in `phase`, with its deadline listed.
fn dispute<T: Config>(id: AuditId, audit: AuditOf<T>, phase: DisputePhase, auditor_root: H256) {
	let deadline = audit.deadline;
	let _ = Deadlines::<T>::try_mutate(deadline, |list| list.try_push(Deadline::Dispute(id)));
	Disputes::<T>::insert(id, Dispute { audit, auditor_root, phase, deadline });
	NextAuditId::<T>::put(id.saturating_add(1));
}

/// A model of 64 layers (the most) whose last layer is as wide as a layer can be: the
/// largest header and logits a trace carries.
fn deep_model() -> Result<Model, BenchmarkError> {
	let requantization =
		Requantization::new(1 << 30, 1).map_err(|_| BenchmarkError::Stop("requantization"))?;
	let layer = |inputs: u32, outputs: u32| {
		Layer::new(
			inputs,
			outputs,
			vec![1; inputs.saturating_mul(outputs) as usize],
			vec![0; outputs as usize],
			requantization,
			Activation::Relu,
		)
		.map_err(|_| BenchmarkError::Stop("layer"))
	};
	let mut layers = vec![layer(SAMPLE_SIZE, 1)?];
	for _ in 2..MAX_MODEL_LAYERS {
		layers.push(layer(1, 1)?);
	}
	layers.push(layer(1, MAX_LAYER_WIDTH)?);
	Model::new(1, SAMPLE_SIZE, layers).map_err(|_| BenchmarkError::Stop("model"))
}

/// An audit disputed at its last sample, for the referee.
struct LastSampleDisputed<T: Config> {
	/// The audit of a 4,096-sample evaluation of a model with this root and size, over
	/// `dataset`.
	audit: AuditOf<T>,
	/// A dataset of 4,096 samples.
	dataset: Dataset,
	/// The last position of the evaluation.
	position: u32,
	/// The dataset index drawn there.
	index: u32,
}

/// The audit of a 4,096-sample evaluation of the model `(model_root, model_size)`, disputed at
/// its last sample: drawing the sample's index costs the referee the most there.
fn last_sample_disputed<T: Config>(
	model_root: H256,
	model_size: u64,
) -> Result<LastSampleDisputed<T>, BenchmarkError> {
	let dataset = dataset(MAX_SAMPLES_LIMIT)?;
	let dataset_root = H256(dataset.root());
	let (netuid, hotkeys) =
		T::BenchmarkHelper::verified_subnet(3, 2, dataset_root, MAX_SAMPLES_LIMIT);
	let seed = H256::repeat_byte(5);
	let position = MAX_SAMPLES_LIMIT.saturating_sub(1);
	let index = crate::evidence::drawn_index(&seed, dataset.sample_count(), position)
		.ok_or(BenchmarkError::Stop("selection"))?;
	let mut audit =
		audit::<T>(netuid, &hotkeys, record(model_root, model_size, seed), MAX_SAMPLES_LIMIT)?;
	audit.dataset_root = dataset_root;
	Ok(LastSampleDisputed { audit, dataset, position, index })
}

/// Narrowing claims of two parties that differ in everything.
fn narrowing_claims() -> Narrowing {
	Narrowing {
		position: 0,
		model_shape: (SAMPLE_SIZE, CLASSES),
		model_leaves: 1,
		validator: SampleClaim {
			index: 0,
			sample_hash: H256::repeat_byte(1),
			predicted: 0,
			score: 1,
		},
		auditor: SampleClaim {
			index: 1,
			sample_hash: H256::repeat_byte(2),
			predicted: 1,
			score: 0,
		},
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// A batch of `n` evaluated miners after an earlier batch of the epoch.
	#[benchmark]
	fn submit_evaluations(n: Linear<1, MAX_EVALUATIONS_PER_BATCH>) -> Result<(), BenchmarkError> {
		let miners = n as u16;
		let (netuid, hotkeys) = T::BenchmarkHelper::verified_subnet(
			miners.saturating_add(2),
			1,
			H256::repeat_byte(1),
			64,
		);
		for hotkey in hotkeys.iter().skip(1) {
			T::BenchmarkHelper::commit_model(netuid, hotkey, H256::repeat_byte(2), 1_000);
		}
		let validator = hotkeys.first().cloned().ok_or(BenchmarkError::Stop("hotkeys"))?;
		let now = frame_system::Pallet::<T>::block_number();
		let epoch = T::Scoring::epoch_index(netuid);
		EpochSeeds::<T>::insert(
			netuid,
			epoch,
			EpochSeed {
				randomness: H256::repeat_byte(3),
				known_since: now.saturating_add(1u32.into()),
			},
		);
		let last = miners.saturating_add(1);
		let earlier = vec![Evaluation {
			miner: last,
			outcome: EvaluationOutcome::Evaluated { score: 1, sealed_root: H256::repeat_byte(4) },
		}];
		Pallet::<T>::do_submit_evaluations(
			validator.clone(),
			netuid,
			epoch,
			&earlier,
			attestation(),
		)?;
		let evaluations: Vec<Evaluation> = (1..=miners)
			.map(|miner| Evaluation {
				miner,
				outcome: EvaluationOutcome::Evaluated {
					score: 10,
					sealed_root: H256::repeat_byte(5),
				},
			})
			.collect();

		#[extrinsic_call]
		_(
			RawOrigin::Signed(validator),
			netuid,
			epoch,
			BoundedVec::truncate_from(evaluations),
			attestation(),
		);

		// Both batches wait for their draws.
		assert_eq!(DrawCount::<T>::iter_values().sum::<u32>(), 2);
		Ok(())
	}

	/// A batch of `n` evaluations, every one drawn, among `VALIDATORS` possible auditors.
	#[benchmark]
	fn draw_audits(n: Linear<1, MAX_EVALUATIONS_PER_BATCH>) -> Result<(), BenchmarkError> {
		let (netuid, hotkeys) = T::BenchmarkHelper::verified_subnet(
			VALIDATORS.saturating_add(n as u16),
			VALIDATORS,
			H256::repeat_byte(1),
			64,
		);
		let validator = hotkeys.first().cloned().ok_or(BenchmarkError::Stop("hotkeys"))?;
		let records: Vec<(Uid, EvaluationRecord)> = (0..n as u16)
			.map(|i| {
				(VALIDATORS.saturating_add(i), record(H256::repeat_byte(2), 1_000, H256::zero()))
			})
			.collect();
		let at = frame_system::Pallet::<T>::block_number().saturating_add(1u32.into());
		AuditDraws::<T>::insert(
			at,
			0,
			AuditDraw {
				netuid,
				validator_uid: 0,
				validator,
				epoch: 0,
				records: BoundedVec::truncate_from(records),
			},
		);
		DrawCount::<T>::insert(at, 1);

		#[block]
		{
			Pallet::<T>::draw_audits(at);
		}

		assert_eq!(Audits::<T>::iter().count(), n as usize);
		Ok(())
	}

	/// A matching audit: both parties rewarded.
	#[benchmark]
	fn submit_audit_match() -> Result<(), BenchmarkError> {
		let (netuid, hotkeys) = T::BenchmarkHelper::verified_subnet(3, 2, H256::repeat_byte(1), 64);
		let mut audit = audit::<T>(netuid, &hotkeys, record(H256::zero(), 1, H256::zero()), 64)?;
		let sealed_root = Pallet::<T>::seal(&H256::repeat_byte(9), &audit.validator);
		audit.record.outcome = EvaluationOutcome::Evaluated { score: 1, sealed_root };
		let auditor = audit.auditor.clone();
		Audits::<T>::insert(0, audit);

		#[extrinsic_call]
		submit_audit(RawOrigin::Signed(auditor), 0, H256::repeat_byte(9));

		assert!(!Audits::<T>::contains_key(0));
		assert!(!Disputes::<T>::contains_key(0));
		Ok(())
	}

	/// A differing audit: a dispute opened.
	#[benchmark]
	fn submit_audit_mismatch() -> Result<(), BenchmarkError> {
		let (netuid, hotkeys) = T::BenchmarkHelper::verified_subnet(3, 2, H256::repeat_byte(1), 64);
		let audit = audit::<T>(netuid, &hotkeys, record(H256::zero(), 1, H256::zero()), 64)?;
		let auditor = audit.auditor.clone();
		Audits::<T>::insert(0, audit);

		#[extrinsic_call]
		submit_audit(RawOrigin::Signed(auditor), 0, H256::repeat_byte(8));

		assert!(Disputes::<T>::contains_key(0));
		Ok(())
	}

	/// The second party reveals `k` leaves, differing from the first's at the last one.
	#[benchmark]
	fn reveal_leaves(k: Linear<1, MAX_SAMPLES_LIMIT>) -> Result<(), BenchmarkError> {
		let (netuid, hotkeys) = T::BenchmarkHelper::verified_subnet(3, 2, H256::repeat_byte(1), 64);
		let validator_leaves: Vec<RevealedLeaf> =
			(0..k).map(|i| (H256(blake2_256(&i.to_le_bytes())), 1)).collect();
		let mut auditor_leaves = validator_leaves.clone();
		if let Some(last) = auditor_leaves.last_mut() {
			last.0 = H256::repeat_byte(0xff);
		}
		let (validator_root, total) =
			revealed_root(&validator_leaves).ok_or(BenchmarkError::Stop("root"))?;
		let (auditor_root, _) =
			revealed_root(&auditor_leaves).ok_or(BenchmarkError::Stop("root"))?;
		let mut record = record(H256::zero(), 1, H256::zero());
		let validator = hotkeys.first().cloned().ok_or(BenchmarkError::Stop("hotkeys"))?;
		let sealed_root = Pallet::<T>::seal(&validator_root, &validator);
		record.outcome = EvaluationOutcome::Evaluated { score: total, sealed_root };
		let audit = audit::<T>(netuid, &hotkeys, record, k)?;
		let validator = audit.validator.clone();
		dispute::<T>(0, audit, DisputePhase::Revealing, auditor_root);
		Revealed::<T>::insert(0, Party::Auditor, BoundedVec::truncate_from(auditor_leaves));

		#[extrinsic_call]
		_(RawOrigin::Signed(validator), 0, BoundedVec::truncate_from(validator_leaves));

		let phase = Disputes::<T>::get(0).map(|dispute| dispute.phase);
		assert!(matches!(phase, Some(DisputePhase::Refereeing { .. })));
		Ok(())
	}

	/// The referee on a model of `b` bytes at the last sample of a 4,096-sample evaluation;
	/// both parties wrong, both slashed.
	#[benchmark]
	fn resolve_dispute(b: Linear<1_000, MAX_REFEREE_MODEL_BYTES>) -> Result<(), BenchmarkError> {
		let model = model(b)?;
		let encoded = model.encode();
		let disputed = last_sample_disputed::<T>(H256(model.root()), encoded.len() as u64)?;
		let evidence = RefereeEvidence {
			dataset: crate::evidence::dataset_sample(&disputed.dataset, disputed.index)
				.ok_or(BenchmarkError::Stop("sample"))?,
			model: BoundedVec::truncate_from(encoded),
		};
		let (audit, position) = (disputed.audit, disputed.position);
		let phase = DisputePhase::Refereeing {
			position,
			validator_leaf: (H256::zero(), 0),
			auditor_leaf: (H256::repeat_byte(1), 1),
		};
		dispute::<T>(0, audit, phase, H256::zero());
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), 0, Box::new(evidence));

		assert!(!Disputes::<T>::contains_key(0));
		Ok(())
	}

	/// The second party reveals its trace of a 64-layer model whose logits are the widest a
	/// layer has; the traces differ at the last layer.
	#[benchmark]
	fn reveal_trace() -> Result<(), BenchmarkError> {
		let (netuid, hotkeys) = T::BenchmarkHelper::verified_subnet(3, 2, H256::repeat_byte(1), 64);
		let model = deep_model()?;
		let (header, header_proof) =
			model.prove(ModelPart::Header).ok_or(BenchmarkError::Stop("header"))?;
		let logits: Vec<u8> = (0..MAX_LAYER_WIDTH).map(|i| (i % 251) as u8).collect();
		let mut layers: Vec<H256> =
			(0..MAX_MODEL_LAYERS).map(|i| H256(blake2_256(&i.to_le_bytes()))).collect();
		let last = H256(narrowing::activations_hash(&logits));
		if let Some(hash) = layers.last_mut() {
			*hash = last;
		}
		let trace = Trace {
			model_header: BoundedVec::truncate_from(header),
			model_header_proof: crate::evidence::siblings(header_proof)
				.ok_or(BenchmarkError::Stop("proof"))?,
			index: 7,
			sample_hash: H256::repeat_byte(3),
			logits: BoundedVec::truncate_from(logits.clone()),
			layers: BoundedVec::truncate_from(layers.clone()),
		};
		let leaf = result::leaf_hash(7, &[3; 32], &logits, 0);
		let above_bound = u64::from(MAX_REFEREE_MODEL_BYTES).saturating_add(1);
		let record = record(H256(model.root()), above_bound, H256::zero());
		let audit = audit::<T>(netuid, &hotkeys, record, 64)?;
		let validator = audit.validator.clone();
		let phase = DisputePhase::Tracing {
			position: 63,
			validator_leaf: (H256(leaf), 0),
			auditor_leaf: (H256::repeat_byte(1), 1),
		};
		dispute::<T>(0, audit, phase, H256::zero());
		let mut auditor_layers = layers;
		if let Some(hash) = auditor_layers.last_mut() {
			*hash = H256::repeat_byte(2);
		}
		let auditor_sample =
			SampleClaim { index: 7, sample_hash: H256::repeat_byte(3), predicted: 1, score: 1 };
		Claims::<T>::insert(
			0,
			Party::Auditor,
			Claim::Trace {
				sample: auditor_sample,
				layers: BoundedVec::truncate_from(auditor_layers),
			},
		);

		#[extrinsic_call]
		_(RawOrigin::Signed(validator), 0, Box::new(trace));

		let phase = Disputes::<T>::get(0).map(|dispute| dispute.phase);
		assert!(matches!(phase, Some(DisputePhase::Bisecting { .. })));
		Ok(())
	}

	/// The second party reveals the outputs of a layer as wide as a layer can be; they differ
	/// from the first's at the last element.
	#[benchmark]
	fn reveal_layer() -> Result<(), BenchmarkError> {
		let (netuid, hotkeys) = T::BenchmarkHelper::verified_subnet(3, 2, H256::repeat_byte(1), 64);
		let outputs: Vec<u8> = (0..MAX_LAYER_WIDTH).map(|i| (i % 251) as u8).collect();
		let mut theirs = outputs.clone();
		if let Some(value) = theirs.last_mut() {
			*value = value.wrapping_add(1);
		}
		let audit = audit::<T>(netuid, &hotkeys, record(H256::zero(), 1, H256::zero()), 64)?;
		let validator = audit.validator.clone();
		let phase = DisputePhase::Bisecting {
			narrowing: narrowing_claims(),
			layer: LayerDispute {
				layer: 1,
				first_leaf: 1,
				shape: (MAX_LAYER_WIDTH, MAX_LAYER_WIDTH),
				input_hash: Some(H256::repeat_byte(4)),
				validator_hash: H256(narrowing::activations_hash(&outputs)),
				auditor_hash: H256(narrowing::activations_hash(&theirs)),
			},
		};
		dispute::<T>(0, audit, phase, H256::zero());
		Claims::<T>::insert(0, Party::Auditor, Claim::Outputs(BoundedVec::truncate_from(theirs)));

		#[extrinsic_call]
		_(RawOrigin::Signed(validator), 0, BoundedVec::truncate_from(outputs));

		let phase = Disputes::<T>::get(0).map(|dispute| dispute.phase);
		assert!(matches!(phase, Some(DisputePhase::Narrowed { element: Some(_), .. })));
		Ok(())
	}

	/// The referee of a narrowed dispute at the last sample of a 4,096-sample evaluation: the
	/// last element of a layer as wide and deep as a layer can be; both parties wrong, both
	/// slashed.
	#[benchmark]
	fn resolve_narrowed() -> Result<(), BenchmarkError> {
		// A layer of the widest shape: its last row, its biases and its requantization proven
		// against a root over as many leaves as such a model has.
		let width = MAX_LAYER_WIDTH;
		let element = width.saturating_sub(1);
		let input: Vec<u8> = (0..width).map(|i| (i % 253) as u8).collect();
		let weights: Vec<u8> = (0..width).map(|i| (i % 7) as u8).collect();
		let biases: Vec<u8> = (0..width).flat_map(|i| (i as i32).to_le_bytes()).collect();
		let mut requantization = (1i32 << 30).to_le_bytes().to_vec();
		requantization.extend_from_slice(&12u32.to_le_bytes());
		requantization.extend((0..=255u8).rev());
		let first_leaf = 1u32;
		let model_leaves = first_leaf.saturating_add(width).saturating_add(2);
		let mut leaves: Vec<merkle::Hash> =
			(0..model_leaves).map(|i| merkle::hash_leaf(&i.to_le_bytes())).collect();
		let row_leaf = first_leaf.saturating_add(element) as usize;
		let biases_leaf = first_leaf.saturating_add(width) as usize;
		for (at, data) in [
			(row_leaf, &weights),
			(biases_leaf, &biases),
			(biases_leaf.saturating_add(1), &requantization),
		] {
			if let Some(leaf) = leaves.get_mut(at) {
				*leaf = merkle::hash_leaf(data);
			}
		}
		let prove = |at: usize| -> Result<_, BenchmarkError> {
			let proof =
				merkle::prove(&leaves, at as u32).map_err(|_| BenchmarkError::Stop("proof"))?;
			crate::evidence::siblings(proof).ok_or(BenchmarkError::Stop("proof"))
		};
		let value =
			narrowing::element_from_parts(&weights, &biases, &requantization, element, &input)
				.map_err(|_| BenchmarkError::Stop("element"))?;
		let model_root = H256(merkle::root(&leaves));
		let above_bound = u64::from(MAX_REFEREE_MODEL_BYTES).saturating_add(1);
		let disputed = last_sample_disputed::<T>(model_root, above_bound)?;
		let evidence = NarrowedEvidence {
			dataset: crate::evidence::dataset_sample(&disputed.dataset, disputed.index)
				.ok_or(BenchmarkError::Stop("sample"))?,
			element: Some(ElementEvidence {
				input: BoundedVec::truncate_from(input.clone()),
				weights: BoundedVec::truncate_from(weights.clone()),
				weights_proof: prove(row_leaf)?,
				biases: BoundedVec::truncate_from(biases.clone()),
				biases_proof: prove(biases_leaf)?,
				requantization: BoundedVec::truncate_from(requantization.clone()),
				requantization_proof: prove(biases_leaf.saturating_add(1))?,
			}),
		};
		let (audit, position) = (disputed.audit, disputed.position);
		let mut claims = narrowing_claims();
		claims.position = position;
		claims.model_shape = (SAMPLE_SIZE, CLASSES);
		claims.model_leaves = model_leaves;
		let phase = DisputePhase::Narrowed {
			narrowing: claims,
			element: Some(ElementDispute {
				layer: LayerDispute {
					layer: 1,
					first_leaf,
					shape: (width, width),
					input_hash: Some(H256(narrowing::activations_hash(&input))),
					validator_hash: H256::repeat_byte(1),
					auditor_hash: H256::repeat_byte(2),
				},
				element,
				validator_value: value ^ 1,
				auditor_value: value ^ 2,
			}),
		};
		dispute::<T>(0, audit, phase, H256::zero());
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), 0, Box::new(evidence));

		assert!(!Disputes::<T>::contains_key(0));
		Ok(())
	}

	/// An unanswered audit expires.
	#[benchmark]
	fn expire_audit() -> Result<(), BenchmarkError> {
		let (netuid, hotkeys) = T::BenchmarkHelper::verified_subnet(3, 2, H256::repeat_byte(1), 64);
		let mut audit = audit::<T>(netuid, &hotkeys, record(H256::zero(), 1, H256::zero()), 64)?;
		let now = frame_system::Pallet::<T>::block_number();
		audit.deadline = now;
		Audits::<T>::insert(0, audit);
		Deadlines::<T>::insert(now, BoundedVec::truncate_from(vec![Deadline::Audit(0)]));

		#[block]
		{
			Pallet::<T>::expire(now);
		}

		assert!(!Audits::<T>::contains_key(0));
		Ok(())
	}

	/// A dispute in which neither party revealed: both slashed.
	#[benchmark]
	fn expire_dispute() -> Result<(), BenchmarkError> {
		let (netuid, hotkeys) = T::BenchmarkHelper::verified_subnet(3, 2, H256::repeat_byte(1), 64);
		let mut audit = audit::<T>(netuid, &hotkeys, record(H256::zero(), 1, H256::zero()), 64)?;
		let now = frame_system::Pallet::<T>::block_number();
		audit.deadline = now;
		Disputes::<T>::insert(
			0,
			Dispute {
				audit,
				auditor_root: H256::zero(),
				phase: DisputePhase::Revealing,
				deadline: now,
			},
		);
		Deadlines::<T>::insert(now, BoundedVec::truncate_from(vec![Deadline::Dispute(0)]));

		#[block]
		{
			Pallet::<T>::expire(now);
		}

		assert!(!Disputes::<T>::contains_key(0));
		Ok(())
	}

	/// A new epoch's seed replaces the previous one.
	#[benchmark]
	fn on_epoch() {
		let (netuid, _) = T::BenchmarkHelper::verified_subnet(1, 1, H256::repeat_byte(1), 64);
		<Pallet<T> as EpochObserver>::on_epoch(netuid, 0);

		#[block]
		{
			<Pallet<T> as EpochObserver>::on_epoch(netuid, 1);
		}

		assert!(EpochSeeds::<T>::contains_key(netuid, 1));
	}

	/// A neuron that evaluated and attested.
	#[benchmark]
	fn on_neuron_replaced() {
		let (netuid, _) = T::BenchmarkHelper::verified_subnet(1, 1, H256::repeat_byte(1), 64);
		Evaluated::<T>::insert(netuid, 0, EvaluatedMiners { epoch: 0, miners: [u64::MAX; 64] });
		Attestations::<T>::insert(netuid, 0, (0, attestation()));

		#[block]
		{
			<Pallet<T> as SubnetLifecycle>::on_neuron_replaced(netuid, 0);
		}

		assert!(!Evaluated::<T>::contains_key(netuid, 0));
	}

	/// A full subnet in which every UID evaluated and attested.
	#[benchmark]
	fn on_subnet_dissolved() {
		let (netuid, _) = T::BenchmarkHelper::verified_subnet(1, 1, H256::repeat_byte(1), 64);
		<Pallet<T> as EpochObserver>::on_epoch(netuid, 0);
		for uid in 0..MAX_UIDS_LIMIT {
			Evaluated::<T>::insert(netuid, uid, EvaluatedMiners { epoch: 0, miners: [1; 64] });
			Attestations::<T>::insert(netuid, uid, (0, attestation()));
		}

		#[block]
		{
			<Pallet<T> as SubnetLifecycle>::on_subnet_dissolved(netuid);
		}

		assert_eq!(Attestations::<T>::iter_prefix(netuid).count(), 0);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
