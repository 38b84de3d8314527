//! The CPU backend: every kernel this machine can run gives the reference's bits on random
//! and extreme models, whatever the shapes, batch sizes and thread counts.
//!
//! Models come from a seeded generator (SplitMix64), so a failure names a reproducible case.
//! Run `cargo test --release --test cpu -- --ignored --nocapture` for a throughput figure.

#![cfg(feature = "std")]
#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

use std::time::Instant;

use verity_evaluator::{
	cpu::{CpuBackend, Kernel, KernelUnavailable},
	model::{MAX_ABS_BIAS, MAX_SHIFT, MAX_WIDTH},
	Activation, Backend, BackendError, Layer, Model, ReferenceBackend, Requantization,
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

	fn range_i64(&mut self, low: i64, high: i64) -> i64 {
		low + self.below((high - low + 1) as u64) as i64
	}

	fn chance(&mut self, percent: u64) -> bool {
		self.below(100) < percent
	}

	fn pick<T: Copy>(&mut self, items: &[T]) -> T {
		items[self.below(items.len() as u64) as usize]
	}
}

/// Widths around every multiple the kernels care about (4-input groups, 8/16-row vectors,
/// 16/64-row blocks), or anything up to 200.
fn random_width(rng: &mut Rng) -> u32 {
	const EDGES: [u32; 22] =
		[1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 191, 193];
	if rng.chance(50) {
		rng.pick(&EDGES)
	} else {
		1 + rng.below(200) as u32
	}
}

fn random_weights(rng: &mut Rng, count: usize) -> Vec<i8> {
	match rng.below(5) {
		// Only the extremes.
		0 => (0..count).map(|_| rng.pick(&[-128i8, 127])).collect(),
		// One extreme everywhere.
		1 => vec![rng.pick(&[-128i8, 127]); count],
		// Mostly zero.
		2 => (0..count).map(|_| if rng.chance(10) { rng.next() as i8 } else { 0 }).collect(),
		_ => (0..count).map(|_| rng.next() as i8).collect(),
	}
}

fn random_inputs(rng: &mut Rng, count: usize) -> Vec<u8> {
	match rng.below(5) {
		0 => vec![rng.pick(&[0u8, 255]); count],
		1 => (0..count).map(|_| rng.pick(&[0u8, 255])).collect(),
		_ => (0..count).map(|_| rng.next() as u8).collect(),
	}
}

/// A layer whose requantization usually maps its typical accumulators into 0..=255 (so that
/// outputs are not all 0 or 255 and rounding matters), sometimes anything at all.
fn random_layer(rng: &mut Rng, inputs: u32, outputs: u32) -> Layer {
	let weights = random_weights(rng, (inputs * outputs) as usize);
	// A typical accumulator's magnitude: about 128 · 128 · sqrt(fan-in).
	let typical = (16_384.0 * f64::from(inputs).sqrt()) as i64;
	let (biases, requantization) = if rng.chance(70) {
		let biases = (0..outputs)
			.map(|_| {
				rng.range_i64(-typical, typical)
					.clamp(-i64::from(MAX_ABS_BIAS), i64::from(MAX_ABS_BIAS)) as i32
			})
			.collect();
		// multiplier / 2^31 in [0.5, 1), then a shift that brings `typical` near 256.
		let multiplier = rng.range_i64(1 << 30, i64::from(i32::MAX)) as i32;
		let bits = 64 - (typical.max(1) as u64).leading_zeros() as i64;
		let shift = (bits - 8 + rng.range_i64(-2, 2)).clamp(0, i64::from(MAX_SHIFT)) as u32;
		(biases, Requantization::new(multiplier, shift).unwrap())
	} else {
		let biases = (0..outputs)
			.map(|_| match rng.below(4) {
				0 => rng.pick(&[-MAX_ABS_BIAS, MAX_ABS_BIAS, 0]),
				_ => rng.range_i64(-i64::from(MAX_ABS_BIAS), i64::from(MAX_ABS_BIAS)) as i32,
			})
			.collect();
		let multiplier = match rng.below(3) {
			0 => rng.pick(&[0, 1, 1 << 30, i32::MAX]),
			_ => rng.range_i64(0, i64::from(i32::MAX)) as i32,
		};
		let shift = rng.below(u64::from(MAX_SHIFT) + 1) as u32;
		(biases, Requantization::new(multiplier, shift).unwrap())
	};
	let activation = if rng.chance(40) {
		let mut table = [0u8; 256];
		for entry in &mut table {
			*entry = rng.next() as u8;
		}
		Activation::Lookup(Box::new(table))
	} else {
		Activation::Relu
	};
	Layer::new(inputs, outputs, weights, biases, requantization, activation).unwrap()
}

fn random_model(rng: &mut Rng, widths: &[u32]) -> Model {
	let layers = widths.windows(2).map(|pair| random_layer(rng, pair[0], pair[1])).collect();
	Model::new(0, widths[0], layers).unwrap()
}

fn reference_outputs(model: &Model, inputs: &[u8], batch: usize) -> Vec<u8> {
	let mut outputs = vec![0u8; batch * model.output_size() as usize];
	ReferenceBackend.infer_batch(model, inputs, batch, &mut outputs).unwrap();
	outputs
}

/// Runs `model` on every available kernel with `threads` threads and compares with the
/// reference; returns the reference outputs.
fn check_every_kernel(
	model: &Model,
	inputs: &[u8],
	batch: usize,
	threads: usize,
	case: &str,
) -> Vec<u8> {
	let expected = reference_outputs(model, inputs, batch);
	for kernel in Kernel::available() {
		let backend = CpuBackend::with_kernel(kernel).unwrap().with_threads(threads);
		let mut outputs = vec![0u8; expected.len()];
		backend.infer_batch(model, inputs, batch, &mut outputs).unwrap();
		assert!(outputs == expected, "{} differs from the reference on {case}", backend.name());
	}
	expected
}

#[test]
fn every_kernel_matches_the_reference_on_random_models() {
	// `VERITY_CPU_TEST_CASES=5000 cargo test --release --test cpu` for a longer soak.
	let cases = std::env::var("VERITY_CPU_TEST_CASES").ok().and_then(|v| v.parse().ok());
	let mut rng = Rng(0x5eed_0001);
	let (mut outputs, mut saturated) = (0usize, 0usize);
	for case in 0..cases.unwrap_or(80) {
		let layers = 1 + rng.below(4) as usize;
		let widths: Vec<u32> = (0..=layers).map(|_| random_width(&mut rng)).collect();
		let model = random_model(&mut rng, &widths);
		let batch = 1 + rng.below(37) as usize;
		let inputs: Vec<u8> =
			(0..batch).flat_map(|_| random_inputs(&mut rng, widths[0] as usize)).collect();
		let threads = 1 + rng.below(4) as usize;
		let expected = check_every_kernel(
			&model,
			&inputs,
			batch,
			threads,
			&format!("case {case}: widths {widths:?}, batch {batch}"),
		);
		outputs += expected.len();
		saturated += expected.iter().filter(|&&v| v == 0 || v == 255).count();
	}
	// Not degenerate: most outputs went through a rounding that mattered.
	assert!(saturated * 2 < outputs, "{saturated} of {outputs} outputs are 0 or 255");
}

#[test]
fn every_kernel_matches_the_reference_when_rows_span_several_panels() {
	// Fan-ins past every kernel's panel (512 to 2048 inputs), not multiples of 4, and row
	// counts past a block with ragged ends.
	let mut rng = Rng(0x5eed_0002);
	for (inputs, outputs, batch) in [(2500u32, 70u32, 13usize), (4099, 17, 7), (2049, 1, 2)] {
		let model = random_model(&mut rng, &[inputs, outputs, 9]);
		let samples: Vec<u8> =
			(0..batch).flat_map(|_| random_inputs(&mut rng, inputs as usize)).collect();
		check_every_kernel(
			&model,
			&samples,
			batch,
			2,
			&format!("{inputs} → {outputs}, batch {batch}"),
		);
	}
}

#[test]
fn every_kernel_matches_the_reference_on_large_batches_across_threads() {
	// Enough work (≈ 9 M multiply-accumulates) for 4 threads, and more samples per thread
	// than one block holds.
	let mut rng = Rng(0x5eed_0003);
	let model = random_model(&mut rng, &[96, 160, 120, 10]);
	let batch = 251;
	let inputs: Vec<u8> = (0..batch).flat_map(|_| random_inputs(&mut rng, 96)).collect();
	for threads in [1, 2, 4] {
		check_every_kernel(&model, &inputs, batch, threads, &format!("{threads} threads"));
	}
}

#[test]
fn every_kernel_matches_the_reference_across_blocks_with_ragged_tiles() {
	// Several blocks of samples (128 for AMX, 120 for the vector kernels) handed out to 1..=3
	// threads, with a last block that ends inside a tile; fan-ins that are not multiples of
	// AMX's 64-input steps and row counts that are not multiples of its 32-row blocks.
	let mut rng = Rng(0x5eed_0005);
	let model = random_model(&mut rng, &[200, 300, 33, 70]);
	let batch = 300;
	let inputs: Vec<u8> = (0..batch).flat_map(|_| random_inputs(&mut rng, 200)).collect();
	for threads in [1, 2, 3] {
		check_every_kernel(&model, &inputs, batch, threads, &format!("{threads} threads"));
	}
}

#[test]
fn every_kernel_is_exact_at_the_largest_accumulators() {
	// Fan-in 2^15 with all weights at an extreme and all inputs 255, biases at ±2^30: the
	// accumulators reach 2^15 · 127 · 255 + 2^30 = 2 134 933 504 and -2^15 · 128 · 255 - 2^30
	// = -2 143 289 344, the bound of crate::model (a wrapped sum would turn positive and show
	// as 255). Row 2's accumulator, 2^30 - 2^15 · 128 · 255 = 2^22, is a rounding tie after the
	// shift of 23, so an error of one shows too.
	let n = MAX_WIDTH;
	let rows: [(i8, i32); 5] = [
		(127, MAX_ABS_BIAS),
		(-128, -MAX_ABS_BIAS),
		(-128, MAX_ABS_BIAS),
		(127, -MAX_ABS_BIAS),
		(127, 0),
	];
	let weights = rows.iter().flat_map(|&(w, _)| vec![w; n as usize]).collect();
	let biases = rows.iter().map(|&(_, b)| b).collect();
	let layer = Layer::new(
		n,
		rows.len() as u32,
		weights,
		biases,
		Requantization::new(i32::MAX, 23).unwrap(),
		Activation::Relu,
	)
	.unwrap();
	let model = Model::new(0, n, vec![layer]).unwrap();
	let mut inputs = vec![255u8; n as usize];
	inputs.extend(vec![254u8; n as usize]);
	inputs.extend((0..n).map(|i| if i % 2 == 0 { 255 } else { 0 }));
	let expected = check_every_kernel(&model, &inputs, 3, 2, "the largest accumulators");
	// Computed by hand (Python integers) from the reference's formulas.
	assert_eq!(expected, [255, 0, 1, 0, 127, 254, 0, 1, 0, 126, 191, 0, 64, 0, 63]);
}

#[test]
fn every_kernel_matches_on_one_wide_layer_and_a_single_sample() {
	let mut rng = Rng(0x5eed_0004);
	for batch in [1usize, 6, 7, 19] {
		let model = random_model(&mut rng, &[130, 700]);
		let inputs: Vec<u8> = (0..batch).flat_map(|_| random_inputs(&mut rng, 130)).collect();
		check_every_kernel(&model, &inputs, batch, 2, &format!("130 → 700, batch {batch}"));
	}
}

#[test]
fn prepared_model_runs_many_batches() {
	let mut rng = Rng(0x5eed_0005);
	let model = random_model(&mut rng, &[33, 65, 10]);
	for kernel in Kernel::available() {
		let prepared = CpuBackend::with_kernel(kernel).unwrap().prepare(&model);
		for batch in [0usize, 1, 13, 37] {
			let inputs: Vec<u8> = (0..batch).flat_map(|_| random_inputs(&mut rng, 33)).collect();
			let mut outputs = vec![0u8; batch * 10];
			prepared.infer_batch(&inputs, batch, &mut outputs).unwrap();
			assert_eq!(outputs, reference_outputs(&model, &inputs, batch), "{kernel}");
		}
	}
}

#[test]
fn infer_batch_reports_length_errors_like_the_reference() {
	let mut rng = Rng(0x5eed_0006);
	let model = random_model(&mut rng, &[3, 2]);
	let calls: [(&[u8], usize, usize); 4] =
		[(&[1, 2], 1, 2), (&[1, 2, 3], 1, 1), (&[], usize::MAX, 0), (&[], 0, 0)];
	for kernel in Kernel::available() {
		let backend = CpuBackend::with_kernel(kernel).unwrap();
		let prepared = backend.prepare(&model);
		for &(inputs, batch, output_len) in &calls {
			let expected =
				ReferenceBackend.infer_batch(&model, inputs, batch, &mut vec![0; output_len]);
			let mut outputs = vec![0; output_len];
			assert_eq!(backend.infer_batch(&model, inputs, batch, &mut outputs), expected);
			assert_eq!(prepared.infer_batch(inputs, batch, &mut outputs), expected);
		}
	}
	assert_eq!(
		CpuBackend::new().infer_batch(&model, &[1, 2], 1, &mut [0; 2]),
		Err(BackendError::InputLength { expected: 3, actual: 2 })
	);
}

#[test]
fn kernels_are_forced_only_where_the_cpu_has_them() {
	let available = Kernel::available();
	assert_eq!(available.last(), Some(&Kernel::Portable));
	assert_eq!(Kernel::best(), available[0]);
	assert_eq!(CpuBackend::new().kernel(), Kernel::best());
	for kernel in Kernel::ALL {
		match CpuBackend::with_kernel(kernel) {
			Ok(backend) => {
				assert!(kernel.is_available());
				assert_eq!(backend.kernel(), kernel);
			}
			Err(e) => {
				assert!(!kernel.is_available());
				assert_eq!(e, KernelUnavailable(kernel));
			}
		}
	}
	println!("kernels on this CPU: {available:?}");
}

#[test]
fn name_reports_kernel_and_threads() {
	let backend = CpuBackend::with_kernel(Kernel::Portable).unwrap().with_threads(3);
	assert_eq!(backend.name(), "cpu-portable x3 threads");
	assert_eq!(backend.threads(), 3);
	assert_eq!(backend.with_threads(0).name(), "cpu-portable x1 threads");
	let best = CpuBackend::new();
	assert_eq!(best.name(), format!("cpu-{} x{} threads", Kernel::best().name(), best.threads()));
}

/// Samples per second on a 1024 → 1024 → 1024 → 1024 model at batch 1024, per kernel, and
/// for the reference on a smaller batch. Release builds only give meaningful numbers.
#[test]
#[ignore = "a measurement, not a check: run with --release -- --ignored --nocapture"]
fn throughput_of_a_3x1024_model() {
	let mut rng = Rng(0x5eed_0007);
	let model = random_model(&mut rng, &[1024, 1024, 1024, 1024]);
	let batch = 1024;
	let inputs: Vec<u8> = (0..batch).flat_map(|_| random_inputs(&mut rng, 1024)).collect();
	let reference_batch = 64;
	let start = Instant::now();
	let expected = reference_outputs(&model, &inputs[..reference_batch * 1024], reference_batch);
	let seconds = start.elapsed().as_secs_f64();
	println!(
		"reference: {:.0} samples/s ({reference_batch} samples)",
		reference_batch as f64 / seconds
	);
	for kernel in Kernel::available() {
		for threads in [1, CpuBackend::new().threads()] {
			let backend = CpuBackend::with_kernel(kernel).unwrap().with_threads(threads);
			let mut outputs = vec![0u8; batch * 1024];
			let start = Instant::now();
			backend.infer_batch(&model, &inputs, batch, &mut outputs).unwrap();
			let packed_too = start.elapsed().as_secs_f64();
			let prepared = backend.prepare(&model);
			let runs = 3;
			let start = Instant::now();
			for _ in 0..runs {
				prepared.infer_batch(&inputs, batch, &mut outputs).unwrap();
			}
			let seconds = start.elapsed().as_secs_f64() / f64::from(runs);
			assert_eq!(&outputs[..expected.len()], &expected[..]);
			let macs = 3.0 * 1024.0 * 1024.0 * batch as f64;
			println!(
				"{}: {:.0} samples/s prepared ({:.1} GMAC/s), {:.0} samples/s packing included",
				backend.name(),
				batch as f64 / seconds,
				macs / seconds / 1e9,
				batch as f64 / packed_too
			);
		}
	}
}
