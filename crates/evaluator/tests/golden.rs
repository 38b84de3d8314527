//! Golden roots: fixed models on the demo dataset with a fixed seed.
//!
//! **Every backend must reproduce these constants bit for bit.** A new backend adds itself to
//! [`backends`]; a change to any constant is a change of the evaluation semantics (a new
//! format version), never a fix to a test.
//!
//! * The "random" model is generated from a BLAKE2b stream: 64 → 32 (ReLU) → 10 (lookup
//!   table), so it exercises both activations and a hidden layer.
//! * The "centroid" model is a nearest-centroid classifier computed from the training split in
//!   integers: one layer 64 → 10 whose logit `c` is `x · w_c - |w_c|^2 + offset`, requantized
//!   into `0..=255`, with `w_c` half the class mean. It shows the pipeline (data, labels,
//!   argmax, scores) is right: it classifies most held-out digits correctly.

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

use verity_evaluator::{
	dataset::{self, DIGITS_HELD_OUT, DIGITS_TRAIN},
	evaluate,
	merkle::{self, hash_parts},
	reference, Activation, Backend, Dataset, EvaluationResult, Layer, Model, ReferenceBackend,
	Requantization,
};

/// The demo dataset's root.
const DIGITS_ROOT: &str = "d62ad15e7f4ee3148b662ae455b385a8d77b7b81b44b43f45d84b678382018b2";
/// The random model's root.
const RANDOM_MODEL_ROOT: &str = "bc01e56cec6760774d523a40ace025468f26339118fa9347981a21e66107a708";
/// The random model's result root on the golden evaluation.
const RANDOM_RESULT_ROOT: &str = "10aae7531ae5bc6db595648a93ea67fd3fa6eb997f64a82a801aae40933874b7";
/// The random model's total score on the golden evaluation.
const RANDOM_TOTAL: u32 = 10;
/// The centroid model's root.
const CENTROID_MODEL_ROOT: &str =
	"4609e7d2418e88732f04e590c40f393646090937f8b4a6342882ffe90a9b32b6";
/// The centroid model's result root on the golden evaluation.
const CENTROID_RESULT_ROOT: &str =
	"ffd4183f4d6d87dbaf200e94c408990a7bbb5d40226c8a56fd1603b289a60ba9";
/// The centroid model's total score on the golden evaluation.
const CENTROID_TOTAL: u32 = 86;
/// Samples per golden evaluation, drawn from the held-out split.
const SAMPLES: u32 = 100;

/// Every backend under test. New backends go here.
fn backends() -> Vec<Box<dyn Backend>> {
	#[allow(unused_mut)]
	let mut backends: Vec<Box<dyn Backend>> = vec![Box::new(ReferenceBackend)];
	// The CPU backend once per kernel this machine can run (AVX-512 VNNI, AVX-VNNI, AVX2,
	// portable), on every core.
	#[cfg(feature = "std")]
	for kernel in verity_evaluator::cpu::Kernel::available() {
		backends.push(Box::new(verity_evaluator::cpu::CpuBackend::with_kernel(kernel).unwrap()));
	}
	#[cfg(feature = "gpu")]
	backends.extend(gpu_backend());
	backends
}

/// The GPU backend on the best adapter. Without an adapter the golden tests fail, unless
/// `VERITY_SKIP_GPU=1` says to leave the GPU out.
#[cfg(feature = "gpu")]
fn gpu_backend() -> Option<Box<dyn Backend>> {
	match verity_evaluator::GpuBackend::new() {
		Ok(gpu) => {
			println!("gpu backend on {}", gpu.describe());
			Some(Box::new(gpu))
		}
		Err(e) if std::env::var("VERITY_SKIP_GPU").as_deref() == Ok("1") => {
			println!("GPU backend skipped (VERITY_SKIP_GPU=1): {e}");
			None
		}
		Err(e) => panic!("no GPU backend: {e} (set VERITY_SKIP_GPU=1 to skip it)"),
	}
}

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The golden seed: `H("verity/evaluator/golden/v1")`.
fn seed() -> [u8; 32] {
	merkle::hash(b"verity/evaluator/golden/v1")
}

/// Bytes `H("verity/evaluator/golden-model/v1" ‖ counter LE)` for counter = 0, 1, ….
struct ByteStream {
	counter: u64,
	block: Vec<u8>,
}

impl ByteStream {
	fn new() -> Self {
		Self { counter: 0, block: Vec::new() }
	}

	fn byte(&mut self) -> u8 {
		if self.block.is_empty() {
			let block =
				hash_parts(&[b"verity/evaluator/golden-model/v1", &self.counter.to_le_bytes()]);
			self.block = block.iter().rev().copied().collect();
			self.counter += 1;
		}
		self.block.pop().unwrap()
	}

	fn bytes(&mut self, n: usize) -> Vec<u8> {
		(0..n).map(|_| self.byte()).collect()
	}
}

/// The random golden model (see the module docs).
fn random_model() -> Model {
	let mut stream = ByteStream::new();
	let mut layer = |inputs: u32, outputs: u32, activation: Activation| {
		let weights =
			stream.bytes((inputs * outputs) as usize).into_iter().map(|b| b as i8).collect();
		// Biases in -32 768..32 768.
		let biases = (0..outputs)
			.map(|_| i32::from(i16::from_le_bytes([stream.byte(), stream.byte()])))
			.collect();
		// A scale of 1/256: 2^30 / 2^31 / 2^7.
		let requantization = Requantization::new(1 << 30, 7).unwrap();
		Layer::new(inputs, outputs, weights, biases, requantization, activation).unwrap()
	};
	let hidden = layer(64, 32, Activation::Relu);
	let mut table = [0u8; 256];
	for (i, t) in table.iter_mut().enumerate() {
		// A non-monotonic table: argmax depends on applying it.
		*t = ((i * 97) % 256) as u8;
	}
	let logits = layer(32, 10, Activation::Lookup(Box::new(table)));
	Model::new(1, 64, vec![hidden, logits]).unwrap()
}

/// The nearest-centroid golden model (see the module docs).
fn centroid_model(data: &Dataset) -> Model {
	let (mut sums, mut counts) = (vec![[0u64; 64]; 10], [0u64; 10]);
	for i in DIGITS_TRAIN {
		let label = data.label(i).unwrap() as usize;
		counts[label] += 1;
		for (s, &p) in sums[label].iter_mut().zip(data.sample(i).unwrap()) {
			*s += u64::from(p);
		}
	}
	// w = round(mean / 2), in 0..=127.
	let w: Vec<Vec<i64>> = (0..10)
		.map(|c| sums[c].iter().map(|&s| ((s + counts[c]) / (2 * counts[c])) as i64).collect())
		.collect();
	let norms: Vec<i64> = w.iter().map(|wc| wc.iter().map(|v| v * v).sum()).collect();
	let best = |x: &[u8]| {
		(0..10)
			.map(|c| x.iter().zip(&w[c]).map(|(&p, &v)| i64::from(p) * v).sum::<i64>() - norms[c])
			.max()
			.unwrap()
	};
	let winners: Vec<i64> = DIGITS_TRAIN.map(|i| best(data.sample(i).unwrap())).collect();
	let (low, high) = (*winners.iter().min().unwrap(), *winners.iter().max().unwrap());
	// Winning scores of the training set span low..=high; map them onto 0..=255.
	let range = (high - low) as u128;
	let mut shift = 0u32;
	while shift < 31 && (255u128 << (31 + shift + 1)) / range < (1 << 31) {
		shift += 1;
	}
	let multiplier = i32::try_from((255u128 << (31 + shift)) / range).unwrap();
	let weights = w.iter().flatten().map(|&v| v as i8).collect();
	let biases = norms.iter().map(|&n| i32::try_from(-n - low).unwrap()).collect();
	let layer = Layer::new(
		64,
		10,
		weights,
		biases,
		Requantization::new(multiplier, shift).unwrap(),
		Activation::Relu,
	)
	.unwrap();
	Model::new(2, 64, vec![layer]).unwrap()
}

fn golden_evaluation(backend: &dyn Backend, model: &Model) -> EvaluationResult {
	let data = dataset::digits().unwrap();
	evaluate(backend, model, &data, DIGITS_HELD_OUT, &seed(), SAMPLES).unwrap()
}

fn check_result(data: &Dataset, model: &Model, result: &EvaluationResult) {
	assert_eq!(result.count(), SAMPLES);
	let mut expected_total = 0;
	for (position, &index) in (0u32..).zip(&result.indices) {
		assert!(DIGITS_HELD_OUT.contains(&index));
		let mut logits = vec![0u8; 10];
		reference::infer(model, data.sample(index).unwrap(), &mut logits).unwrap();
		assert_eq!(result.logits_of(position).unwrap(), &logits[..]);
		let score = verity_evaluator::result::score(&logits, data.label(index).unwrap());
		expected_total += score;
		let leaf = verity_evaluator::result::leaf_hash(
			index,
			&data.sample_hash(index).unwrap(),
			&logits,
			score,
		);
		assert_eq!(result.leaves[position as usize], leaf);
		assert!(result.prove(position).unwrap().verify(&result.merkle_root, &leaf));
	}
	assert_eq!(result.total, expected_total);
	assert_eq!(
		result.root,
		verity_evaluator::result::result_root(&result.merkle_root, result.total, SAMPLES)
	);
}

#[test]
fn demo_dataset_has_the_documented_shape_and_root() {
	let data = dataset::digits().unwrap();
	assert_eq!(data.sample_count(), 1797);
	assert_eq!(data.sample_size(), 64);
	assert_eq!(data.class_count(), 10);
	assert_eq!(dataset::DIGITS_BYTES.len(), 116_825);
	let mut counts = [0u32; 10];
	for &label in data.labels() {
		counts[label as usize] += 1;
	}
	assert_eq!(counts, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
	assert_eq!(DIGITS_TRAIN.end, DIGITS_HELD_OUT.start);
	assert_eq!(DIGITS_HELD_OUT.end, data.sample_count());
	assert_eq!(DIGITS_HELD_OUT.len(), 359);
	// Pixels are 0..=16 scaled by (v · 255 + 8) / 16: only those 17 values occur.
	let allowed: Vec<u8> = (0..=16u32).map(|v| ((v * 255 + 8) / 16) as u8).collect();
	assert!(data.samples().iter().all(|p| allowed.contains(p)));
	// The first sample of the source, scaled.
	assert_eq!(&data.sample(0).unwrap()[..8], &[0, 0, 80, 207, 143, 16, 0, 0]);
	assert_eq!(data.label(0), Some(0));
	assert_eq!(hex(&data.root()), DIGITS_ROOT);
}

#[test]
fn random_model_reproduces_its_golden_roots() {
	let data = dataset::digits().unwrap();
	let model = random_model();
	assert_eq!(Model::decode(&model.encode()).unwrap(), model);
	for backend in backends() {
		let result = golden_evaluation(backend.as_ref(), &model);
		check_result(&data, &model, &result);
		// Not degenerate: the logits vary and so do the predicted classes.
		let mut predicted: Vec<u32> = result
			.logits
			.chunks(10)
			.map(|l| verity_evaluator::result::argmax(l).unwrap())
			.collect();
		predicted.sort_unstable();
		predicted.dedup();
		assert!(predicted.len() >= 5, "{predicted:?}");
		println!(
			"random: model {} result {} total {}",
			hex(&model.root()),
			hex(&result.root),
			result.total
		);
		assert_eq!(hex(&model.root()), RANDOM_MODEL_ROOT, "{}", backend.name());
		assert_eq!(hex(&result.root), RANDOM_RESULT_ROOT, "{}", backend.name());
		assert_eq!(result.total, RANDOM_TOTAL, "{}", backend.name());
	}
}

#[test]
fn centroid_model_reproduces_its_golden_roots() {
	let data = dataset::digits().unwrap();
	let model = centroid_model(&data);
	for backend in backends() {
		let result = golden_evaluation(backend.as_ref(), &model);
		check_result(&data, &model, &result);
		println!(
			"centroid: model {} result {} total {}",
			hex(&model.root()),
			hex(&result.root),
			result.total
		);
		assert_eq!(hex(&model.root()), CENTROID_MODEL_ROOT, "{}", backend.name());
		assert_eq!(hex(&result.root), CENTROID_RESULT_ROOT, "{}", backend.name());
		assert_eq!(result.total, CENTROID_TOTAL, "{}", backend.name());
	}
}

#[test]
fn centroid_model_classifies_most_held_out_digits() {
	let data = dataset::digits().unwrap();
	let model = centroid_model(&data);
	let mut correct = 0;
	for i in DIGITS_HELD_OUT {
		let mut logits = [0u8; 10];
		reference::infer(&model, data.sample(i).unwrap(), &mut logits).unwrap();
		correct += verity_evaluator::result::score(&logits, data.label(i).unwrap());
	}
	println!("centroid held-out accuracy: {correct}/{}", DIGITS_HELD_OUT.len());
	assert!(correct * 100 >= 80 * DIGITS_HELD_OUT.len() as u32, "{correct}");
}
