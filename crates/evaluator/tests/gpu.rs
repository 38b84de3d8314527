//! The GPU backend gives the reference's bits on random and extreme models, whatever the
//! shapes, batch sizes, requantizations and splits of the work.
//!
//! Models come from a seeded generator (SplitMix64), so a failure names a reproducible case.
//! Without a GPU adapter these tests **fail**; `VERITY_SKIP_GPU=1` skips them instead. On a
//! machine without a GPU, Mesa's lavapipe provides one (`apt-get install mesa-vulkan-drivers
//! libvulkan1`). Run `cargo test --release --features gpu --test gpu -- --ignored --nocapture`
//! for a throughput figure.

#![cfg(feature = "gpu")]
#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

use std::{sync::OnceLock, time::Instant};

use verity_evaluator::{
	model::{MAX_ABS_BIAS, MAX_SHIFT, MAX_WIDTH},
	Activation, Backend, BackendError, GpuBackend, GpuError, Layer, Model, ReferenceBackend,
	Requantization,
};

/// SplitMix64: a small, seedable generator.
struct Rng(u64);

impl Rng {
	fn next(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
		let mut z = self.0;
		z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
		z ^ (z >> 31)
	}

	/// Uniform in `0..n` (n ≥ 1; the modulo bias does not matter here).
	fn below(&mut self, n: u64) -> u64 {
		self.next() % n
	}

	fn chance(&mut self, percent: u64) -> bool {
		self.below(100) < percent
	}

	fn pick<T: Copy>(&mut self, items: &[T]) -> T {
		items[self.below(items.len() as u64) as usize]
	}
}

fn skip_gpu() -> bool {
	std::env::var("VERITY_SKIP_GPU").as_deref() == Ok("1")
}

/// A new backend on the best adapter; panics without one unless `VERITY_SKIP_GPU=1`.
fn new_gpu() -> Option<GpuBackend> {
	match GpuBackend::new() {
		Ok(gpu) => {
			println!("GPU adapter: {}", gpu.describe());
			Some(gpu)
		}
		Err(e) if skip_gpu() => {
			println!("skipping a GPU test (VERITY_SKIP_GPU=1): {e}");
			None
		}
		Err(e) => panic!("no GPU backend: {e} (set VERITY_SKIP_GPU=1 to skip the GPU tests)"),
	}
}

/// The backend most tests share (one device, one pipeline build).
fn gpu() -> Option<&'static GpuBackend> {
	static GPU: OnceLock<Result<GpuBackend, GpuError>> = OnceLock::new();
	match GPU.get_or_init(GpuBackend::new) {
		Ok(gpu) => {
			println!("GPU adapter: {}", gpu.describe());
			Some(gpu)
		}
		Err(e) if skip_gpu() => {
			println!("skipping a GPU test (VERITY_SKIP_GPU=1): {e}");
			None
		}
		Err(e) => panic!("no GPU backend: {e} (set VERITY_SKIP_GPU=1 to skip the GPU tests)"),
	}
}

/// Widths around multiples of 4 (packing), 16 row quads (workgroups), or anything up to 150.
fn random_width(rng: &mut Rng) -> u32 {
	const EDGES: [u32; 20] =
		[1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 16, 17, 31, 33, 63, 64, 65, 67, 127, 129];
	if rng.chance(60) {
		rng.pick(&EDGES)
	} else {
		1 + rng.below(150) as u32
	}
}

fn random_weights(rng: &mut Rng, count: usize) -> Vec<i8> {
	match rng.below(5) {
		0 => vec![-128; count],
		1 => vec![127; count],
		2 => (0..count).map(|_| rng.pick(&[-128i8, 127, -1, 0, 1])).collect(),
		3 => (0..count).map(|_| rng.below(7) as i8 - 3).collect(),
		_ => (0..count).map(|_| rng.next() as i8).collect(),
	}
}

fn random_inputs(rng: &mut Rng, count: usize) -> Vec<u8> {
	match rng.below(4) {
		0 => vec![0; count],
		1 => vec![255; count],
		2 => (0..count).map(|_| rng.pick(&[0u8, 255])).collect(),
		_ => (0..count).map(|_| rng.next() as u8).collect(),
	}
}

/// A layer with random or extreme weights, biases and requantization; `case` cycles the
/// shift through 0..=31 and the multiplier through its extremes so every value occurs.
fn random_layer(rng: &mut Rng, inputs: u32, outputs: u32, case: u64) -> Layer {
	let weights = random_weights(rng, (inputs * outputs) as usize);
	let biases = match rng.below(4) {
		0 => vec![MAX_ABS_BIAS; outputs as usize],
		1 => vec![-MAX_ABS_BIAS; outputs as usize],
		2 => (0..outputs).map(|_| rng.pick(&[MAX_ABS_BIAS, -MAX_ABS_BIAS, 0, 1, -1])).collect(),
		_ => (0..outputs)
			.map(|_| {
				(rng.below(2 * MAX_ABS_BIAS as u64 + 1) as i64 - i64::from(MAX_ABS_BIAS)) as i32
			})
			.collect(),
	};
	// A scale that keeps a typical accumulator in range, or anything.
	let fan_in_bits = 64 - u64::from(inputs).leading_zeros();
	let (multiplier, shift) = match rng.below(4) {
		0 => (
			rng.pick(&[0, 1, 2, 1 << 30, i32::MAX - 1, i32::MAX]),
			(case % (u64::from(MAX_SHIFT) + 1)) as u32,
		),
		1 => ((1 << 30) + rng.below(1 << 30) as i32, (fan_in_bits + 6).min(31)),
		_ => (rng.below(1 << 31) as i32, rng.below(u64::from(MAX_SHIFT) + 1) as u32),
	};
	let activation = if rng.chance(40) {
		let mut table = [0u8; 256];
		for t in &mut table {
			*t = rng.next() as u8;
		}
		Activation::Lookup(Box::new(table))
	} else {
		Activation::Relu
	};
	Layer::new(
		inputs,
		outputs,
		weights,
		biases,
		Requantization::new(multiplier, shift).unwrap(),
		activation,
	)
	.unwrap()
}

fn random_model(rng: &mut Rng, widths: &[u32], case: u64) -> Model {
	let layers = widths.windows(2).map(|pair| random_layer(rng, pair[0], pair[1], case)).collect();
	Model::new(0, widths[0], layers).unwrap()
}

fn reference_outputs(model: &Model, inputs: &[u8], batch: usize) -> Vec<u8> {
	let mut outputs = vec![0u8; batch * model.output_size() as usize];
	ReferenceBackend.infer_batch(model, inputs, batch, &mut outputs).unwrap();
	outputs
}

fn check(gpu: &GpuBackend, model: &Model, inputs: &[u8], batch: usize, case: &str) {
	let expected = reference_outputs(model, inputs, batch);
	let mut outputs = vec![0xa5u8; expected.len()];
	gpu.infer_batch(model, inputs, batch, &mut outputs).unwrap_or_else(|e| panic!("{case}: {e}"));
	if outputs != expected {
		let first = outputs.iter().zip(&expected).position(|(a, b)| a != b).unwrap();
		let per_sample = model.output_size() as usize;
		panic!(
			"{case}: sample {} logit {} is {} instead of {}",
			first / per_sample,
			first % per_sample,
			outputs[first],
			expected[first]
		);
	}
}

#[test]
fn gpu_matches_the_reference_on_random_models() {
	let Some(gpu) = gpu() else { return };
	let started = Instant::now();
	let mut rng = Rng(0x5eed_0001);
	let cases = 300;
	let mut outputs_checked = 0;
	for case in 0..cases {
		let depth = 1 + rng.below(4) as usize;
		let widths: Vec<u32> = (0..=depth).map(|_| random_width(&mut rng)).collect();
		let model = random_model(&mut rng, &widths, case);
		let batch = 1 + rng.below(37) as usize;
		let inputs = random_inputs(&mut rng, batch * widths[0] as usize);
		check(
			gpu,
			&model,
			&inputs,
			batch,
			&format!("case {case}, widths {widths:?}, batch {batch}"),
		);
		outputs_checked += batch * model.output_size() as usize;
	}
	println!(
		"{cases} random models, {outputs_checked} logits, bit-identical, in {:.1?}",
		started.elapsed()
	);
}

#[test]
fn gpu_matches_the_reference_on_every_shift_and_extreme_multiplier() {
	let Some(gpu) = gpu() else { return };
	let mut rng = Rng(0x5eed_0002);
	for shift in 0..=MAX_SHIFT {
		for multiplier in [0, 1, 1 << 30, i32::MAX] {
			let inputs_width = random_width(&mut rng);
			let outputs_width = random_width(&mut rng);
			let mut layer = random_layer(&mut rng, inputs_width, outputs_width, 0);
			layer = Layer::new(
				inputs_width,
				outputs_width,
				layer.weights().to_vec(),
				layer.biases().to_vec(),
				Requantization::new(multiplier, shift).unwrap(),
				layer.activation().clone(),
			)
			.unwrap();
			let model = Model::new(0, inputs_width, vec![layer]).unwrap();
			let batch = 1 + rng.below(37) as usize;
			let inputs = random_inputs(&mut rng, batch * inputs_width as usize);
			check(gpu, &model, &inputs, batch, &format!("shift {shift}, multiplier {multiplier}"));
		}
	}
}

#[test]
fn gpu_is_exact_at_the_largest_accumulators() {
	let Some(gpu) = gpu() else { return };
	// Fan-in 2^15 with the extreme weights, inputs and biases: |acc| up to 2 143 289 344.
	let n = MAX_WIDTH;
	let mut table = [0u8; 256];
	for (i, t) in table.iter_mut().enumerate() {
		*t = (i as u8).wrapping_mul(37).wrapping_add(11);
	}
	let rows: Vec<(i8, i32)> = vec![
		(-128, -MAX_ABS_BIAS),
		(127, MAX_ABS_BIAS),
		(-128, MAX_ABS_BIAS),
		(127, -MAX_ABS_BIAS),
		(-1, 0),
		(1, 7),
	];
	let mut weights = Vec::new();
	let mut biases = Vec::new();
	for &(w, b) in &rows {
		weights.extend(std::iter::repeat_n(w, n as usize));
		biases.push(b);
	}
	for (multiplier, shift, activation) in [
		(i32::MAX, 0, Activation::Relu),
		(i32::MAX, MAX_SHIFT, Activation::Relu),
		(1, 0, Activation::Lookup(Box::new(table))),
		(1 << 30, 24, Activation::Lookup(Box::new(table))),
		(0, 5, Activation::Lookup(Box::new(table))),
	] {
		let layer = Layer::new(
			n,
			rows.len() as u32,
			weights.clone(),
			biases.clone(),
			Requantization::new(multiplier, shift).unwrap(),
			activation,
		)
		.unwrap();
		let model = Model::new(0, n, vec![layer]).unwrap();
		let mut inputs = vec![255u8; 3 * n as usize];
		inputs[2 * n as usize..].fill(0);
		check(gpu, &model, &inputs, 3, &format!("multiplier {multiplier}, shift {shift}"));
	}
}

#[test]
fn gpu_matches_the_reference_when_batches_and_layers_are_split() {
	let Some(gpu) = new_gpu() else { return };
	// Chunks of 8 samples and blocks of 4 rows: several submissions, several dispatches per
	// layer, and a last chunk with padding samples.
	let gpu = gpu.with_max_chunk_samples(8).with_max_block_rows(4);
	let mut rng = Rng(0x5eed_0003);
	for case in 0..20 {
		let widths = [random_width(&mut rng), 1 + rng.below(40) as u32, random_width(&mut rng)];
		let model = random_model(&mut rng, &widths, case);
		let batch = 1 + rng.below(37) as usize;
		let inputs = random_inputs(&mut rng, batch * widths[0] as usize);
		check(&gpu, &model, &inputs, batch, &format!("split case {case}, widths {widths:?}"));
	}
}

#[test]
fn gpu_runs_a_deep_model_and_a_large_batch() {
	let Some(gpu) = gpu() else { return };
	let mut rng = Rng(0x5eed_0004);
	// 64 layers (the most a model may have) of odd widths: the ping-pong ends on either buffer.
	let widths: Vec<u32> = (0..=64).map(|_| 1 + rng.below(24) as u32).collect();
	let model = random_model(&mut rng, &widths, 0);
	let inputs = random_inputs(&mut rng, 5 * widths[0] as usize);
	check(gpu, &model, &inputs, 5, "64 layers");
	let model = random_model(&mut rng, &[64, 96, 10], 1);
	let batch = 5_000;
	let inputs: Vec<u8> = (0..batch * 64).map(|_| rng.next() as u8).collect();
	check(gpu, &model, &inputs, batch, "batch 5000");
}

#[test]
fn gpu_reports_length_errors_like_the_reference() {
	let Some(gpu) = gpu() else { return };
	let mut rng = Rng(0x5eed_0005);
	let model = random_model(&mut rng, &[3, 2], 0);
	assert_eq!(
		gpu.infer_batch(&model, &[1, 2], 1, &mut [0u8; 2]),
		Err(BackendError::InputLength { expected: 3, actual: 2 })
	);
	assert_eq!(
		gpu.infer_batch(&model, &[1, 2, 3], 1, &mut [0u8; 3]),
		Err(BackendError::OutputLength { expected: 2, actual: 3 })
	);
	assert_eq!(
		gpu.infer_batch(&model, &[], usize::MAX, &mut []),
		Err(BackendError::BatchTooLarge(usize::MAX))
	);
	assert_eq!(gpu.infer_batch(&model, &[], 0, &mut []), Ok(()));
}

#[test]
fn gpu_names_itself_and_its_adapter() {
	let Some(gpu) = gpu() else { return };
	assert_eq!(gpu.name(), "gpu");
	let info = gpu.adapter_info();
	assert!(!info.name.is_empty());
	assert!(gpu.describe().contains(&info.name));
	assert!(gpu.describe().contains(&format!("{:?}", info.backend)));
}

#[test]
#[ignore = "a throughput figure, not a check: run with --release --ignored --nocapture"]
fn throughput_of_a_3x1024_model() {
	let Some(gpu) = gpu() else { return };
	let mut rng = Rng(0x5eed_0006);
	let model = random_model(&mut rng, &[1024, 1024, 1024, 1024], 0);
	let batch = 1024;
	let inputs: Vec<u8> = (0..batch * 1024).map(|_| rng.next() as u8).collect();
	let mut outputs = vec![0u8; batch * 1024];
	// The first call also compiles the pipeline for the driver's caches.
	gpu.infer_batch(&model, &inputs, batch, &mut outputs).unwrap();
	let runs = 3;
	let started = Instant::now();
	for _ in 0..runs {
		gpu.infer_batch(&model, &inputs, batch, &mut outputs).unwrap();
	}
	let seconds = started.elapsed().as_secs_f64() / f64::from(runs);
	let macs = 3.0 * 1024.0 * 1024.0 * batch as f64;
	println!(
		"3×1024 model, batch {batch} on {}: {:.3} s per batch, {:.0} samples/s, {:.2} GMAC/s",
		gpu.describe(),
		seconds,
		batch as f64 / seconds,
		macs / seconds / 1e9
	);
	let mut expected = vec![0u8; 16 * 1024];
	ReferenceBackend.infer_batch(&model, &inputs[..16 * 1024], 16, &mut expected).unwrap();
	assert_eq!(&outputs[..16 * 1024], &expected[..]);
}
