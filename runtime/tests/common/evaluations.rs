//! What the runtime's evaluation tests share: a small dataset and model, blocks with the hooks
//! evaluations depend on, and Bob's verified subnet over that dataset.

use polkadot_sdk::{
	frame_support::{assert_ok, traits::Hooks},
	frame_system,
	sp_core::H256,
	sp_keyring::Sr25519Keyring,
	sp_runtime::Perbill,
};
use verity_evaluator::{
	merkle, reference, Activation, Dataset, EvaluationResult, Layer, Model, ReferenceBackend,
	Requantization,
};
use verity_primitives::{
	evaluations::RevealedLeaf,
	subnets::{EvaluationMode, Hyperparameter, NetUid},
	traits::ScoringInterface,
};
use verity_runtime::{
	AccountId, BlockNumber, Emissions, Evaluations, Runtime, RuntimeOrigin, Scoring, Subnets,
	System,
};

/// The subnet's tempo: the shortest the development bounds allow.
pub const TEMPO: u16 = 10;
/// Samples per evaluation.
pub const SAMPLES: u32 = 16;

/// 60 samples of 4 bytes in 3 classes.
pub fn dataset() -> Dataset {
	let count = 60u32;
	let labels: Vec<u8> = (0..count).map(|i| (i % 3) as u8).collect();
	let samples: Vec<u8> = (0..count * 4).map(|i| (i * 37 % 251) as u8).collect();
	Dataset::new(4, 3, labels, samples).expect("a valid dataset")
}

/// A one-layer model over [`dataset`]'s samples.
pub fn model() -> Model {
	let weights: Vec<i8> = (0..12).map(|i: i8| i.wrapping_mul(3).wrapping_sub(5)).collect();
	let requantization = Requantization::new(1 << 30, 4).expect("valid requantization");
	let layer = Layer::new(4, 3, weights, vec![0, 3, -2], requantization, Activation::Relu)
		.expect("a valid layer");
	Model::new(1, 4, vec![layer]).expect("a valid model")
}

/// A model of 4 → 16 384 → 16 → 3 over [`dataset`]'s samples: above the referee's bound, so
/// that a dispute over it is narrowed.
pub fn large_model() -> Model {
	let dense = |inputs: u32, outputs: u32, shift: u32| {
		let weights = (0..inputs * outputs).map(|i| (i % 13) as i8 - 6).collect();
		let biases = (0..outputs).map(|o| (o % 5) as i32 * 40).collect();
		let requantization = Requantization::new(1 << 30, shift).expect("valid requantization");
		Layer::new(inputs, outputs, weights, biases, requantization, Activation::Relu)
			.expect("a valid layer")
	};
	Model::new(1, 4, vec![dense(4, 16_384, 2), dense(16_384, 16, 13), dense(16, 3, 4)])
		.expect("a valid model")
}

/// An evaluation honest but for one sample, where output `element` of layer `layer` is off
/// and the later layers were computed from it.
pub struct Forgery {
	/// The leaves revealed for it.
	pub leaves: Vec<RevealedLeaf>,
	/// The honest leaves.
	pub honest: Vec<RevealedLeaf>,
	/// The disputed sample's dataset index.
	pub index: u32,
	/// Every layer's outputs of that sample, right.
	pub right: Vec<Vec<u8>>,
	/// Every layer's outputs of that sample, as forged.
	pub wrong: Vec<Vec<u8>>,
}

impl Forgery {
	/// `honest` with the sample at `position` forged at `(layer, element)`.
	pub fn at(
		model: &Model,
		honest: &EvaluationResult,
		position: usize,
		(layer, element): (usize, usize),
	) -> Self {
		let data = dataset();
		let index = honest.indices[position];
		let sample = data.sample(index).expect("sample");
		let right = verity_evaluator::narrowing::activations(model, sample).expect("fits");
		let mut wrong: Vec<Vec<u8>> = Vec::new();
		for (at, dense) in model.layers().iter().enumerate() {
			let previous = wrong.last().map_or(sample, Vec::as_slice);
			let mut next = vec![0u8; dense.output_size() as usize];
			reference::infer_layer(dense, previous, &mut next, at as u32).expect("fits");
			if at == layer {
				let value = next.get_mut(element).expect("the layer has the element");
				*value ^= 0x40;
			}
			wrong.push(next);
		}
		let logits = wrong.last().expect("logits");
		let score = verity_evaluator::result::score(logits, data.label(index).expect("label"));
		let sample_hash = data.sample_hash(index).expect("hash");
		let honest: Vec<RevealedLeaf> = honest
			.leaves
			.iter()
			.zip(&honest.scores)
			.map(|(leaf, score)| (H256(*leaf), *score))
			.collect();
		let mut leaves = honest.clone();
		leaves[position] =
			(H256(verity_evaluator::result::leaf_hash(index, &sample_hash, logits, score)), score);
		assert_ne!(leaves, honest, "the forgery reaches the leaf");
		Self { leaves, honest, index, right, wrong }
	}

	/// The forged evaluation's total score.
	pub fn score(&self) -> u32 {
		self.leaves.iter().map(|(_, score)| score).sum()
	}
}

/// Runs blocks up to `n` with the hooks of scoring, emissions and evaluations; records each
/// parent's hash, as block initialization does (mortal transactions are checked against it).
pub fn run_to_block(n: BlockNumber) {
	while System::block_number() < n {
		let parent = System::block_number();
		frame_system::BlockHash::<Runtime>::insert(parent, H256::repeat_byte(parent as u8));
		let next = parent + 1;
		System::set_block_number(next);
		Scoring::on_initialize(next);
		Emissions::on_initialize(next);
		Evaluations::on_initialize(next);
	}
}

/// Bob creates subnet 0 and makes it verified over [`dataset`]: [`SAMPLES`] per evaluation,
/// every evaluation audited, an epoch every [`TEMPO`] blocks.
pub fn verified_subnet() -> NetUid {
	let owner = RuntimeOrigin::signed(Sr25519Keyring::Bob.to_account_id());
	assert_ok!(Subnets::create_subnet(owner.clone()));
	let netuid = 0;
	for param in [
		Hyperparameter::EvaluationMode(EvaluationMode::Verified),
		Hyperparameter::DatasetRoot(H256(dataset().root())),
		Hyperparameter::SamplesPerEvaluation(SAMPLES),
		Hyperparameter::AuditProbability(Perbill::one()),
		Hyperparameter::Tempo(TEMPO),
	] {
		assert_ok!(Subnets::set_hyperparameter(owner.clone(), netuid, param));
	}
	netuid
}

/// `validator`'s honest evaluation of `miner`'s `model` on `netuid` in the current epoch.
pub fn honest_evaluation(
	netuid: NetUid,
	miner: &AccountId,
	validator: &AccountId,
	model: &Model,
) -> EvaluationResult {
	let epoch = Scoring::epoch_index(netuid);
	let seed =
		pallet_evaluations::EpochSeeds::<Runtime>::get(netuid, epoch).expect("the epoch is seeded");
	let sample_seed = Evaluations::sample_seed(&seed.randomness, netuid, epoch, miner, validator);
	let dataset = dataset();
	verity_evaluator::evaluate(
		&ReferenceBackend,
		model,
		&dataset,
		0..dataset.sample_count(),
		&sample_seed.0,
		SAMPLES,
	)
	.expect("the model fits the dataset")
}

/// The result root of revealed leaves, as the pallet computes it.
pub fn revealed_root(leaves: &[RevealedLeaf]) -> H256 {
	let hashes: Vec<merkle::Hash> = leaves.iter().map(|(hash, _)| hash.0).collect();
	let total = leaves.iter().map(|(_, score)| score).sum();
	H256(verity_evaluator::result::result_root(&merkle::root(&hashes), total, leaves.len() as u32))
}
