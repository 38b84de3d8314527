//! Unit tests of the GPU backend's parts: the 32-bit high multiplication (in Rust, step for step
//! as the shader does it, and the shader itself on the device), the layout and the splitting.
//! The end-to-end comparisons with the reference are in `tests/gpu.rs`.

#![allow(clippy::arithmetic_side_effects)]

use super::*;
use crate::{
	model::{Activation, Layer, Requantization},
	reference,
};
use proptest::prelude::*;
use std::{boxed::Box, sync::OnceLock, vec};

/// Values around every boundary the 16-bit split and the signs care about.
fn edge_values() -> Vec<i32> {
	let mut values = vec![
		i32::MIN,
		i32::MIN + 1,
		i32::MIN + 2,
		-(1 << 30) - 1,
		-(1 << 30),
		-(1 << 30) + 1,
		-65537,
		-65536,
		-65535,
		-32769,
		-32768,
		-32767,
		-2,
		-1,
		0,
		1,
		2,
		3,
		32767,
		32768,
		32769,
		65535,
		65536,
		65537,
		(1 << 30) - 1,
		1 << 30,
		(1 << 30) + 1,
		i32::MAX - 1,
		i32::MAX,
	];
	// Every combination of interesting 16-bit halves.
	let halves = [0u32, 1, 0x7fff, 0x8000, 0xfffe, 0xffff];
	for high in halves {
		for low in halves {
			values.push(((high << 16) | low) as i32);
		}
	}
	values.sort_unstable();
	values.dedup();
	values
}

/// fixedpoint.wgsl's `saturating_rounding_doubling_high_mul` for one lane, step for step in
/// u32 arithmetic. The steps the shader's proof calls exact use plain (overflow-checked, in
/// test builds) operators; the ones it calls wrapping use `wrapping_*`. Also returns the
/// nudged 64-bit value (hi, lo) for the tests to check against i64 arithmetic.
fn high_mul_as_in_wgsl(a: i32, b: i32) -> (i32, u32, u32) {
	let (ua, ub) = (a as u32, b as u32);
	let (a0, a1, b0, b1) = (ua & 0xffff, ua >> 16, ub & 0xffff, ub >> 16);
	let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
	let mid = (p00 >> 16) + (p01 & 0xffff) + (p10 & 0xffff);
	let lo = (p00 & 0xffff) | (mid << 16);
	let unsigned_hi = p11 + (p01 >> 16) + (p10 >> 16) + (mid >> 16);
	assert_eq!((u64::from(unsigned_hi) << 32) | u64::from(lo), u64::from(ua) * u64::from(ub));
	let hi = unsigned_hi.wrapping_sub(if a < 0 { ub } else { 0 }).wrapping_sub(if b < 0 {
		ua
	} else {
		0
	});
	let nudged_lo = lo.wrapping_add(0x4000_0000);
	let carry = u32::from(nudged_lo < lo);
	let nudged_hi = hi.wrapping_add(carry);
	let high = ((nudged_hi << 1) | (nudged_lo >> 31)) as i32;
	let result = if ua == 0x8000_0000 && ub == 0x8000_0000 { i32::MAX } else { high };
	(result, nudged_hi, nudged_lo)
}

fn check_high_mul_as_in_wgsl(a: i32, b: i32) {
	let (result, hi, lo) = high_mul_as_in_wgsl(a, b);
	let nudged = i64::from(a) * i64::from(b) + (1 << 30);
	assert_eq!(((u64::from(hi) << 32) | u64::from(lo)) as i64, nudged, "{a} · {b}");
	assert_eq!(result, reference::saturating_rounding_doubling_high_mul(a, b), "{a} · {b}");
}

#[test]
fn high_mul_in_u32_pieces_matches_the_reference_on_edge_pairs() {
	let values = edge_values();
	assert!(values.contains(&i32::MIN) && values.contains(&i32::MAX) && values.len() > 40);
	for &a in &values {
		for &b in &values {
			check_high_mul_as_in_wgsl(a, b);
		}
	}
	// The one saturating pair, and its neighbours.
	assert_eq!(high_mul_as_in_wgsl(i32::MIN, i32::MIN).0, i32::MAX);
	assert_eq!(high_mul_as_in_wgsl(i32::MIN, i32::MIN + 1).0, i32::MAX);
	assert_eq!(high_mul_as_in_wgsl(i32::MIN, i32::MAX).0, -i32::MAX);
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(20_000))]
	#[test]
	fn high_mul_in_u32_pieces_matches_the_reference(a in any::<i32>(), b in any::<i32>()) {
		check_high_mul_as_in_wgsl(a, b);
	}
}

/// The backend the unit tests share, or `None` when `VERITY_SKIP_GPU=1` and there is none.
/// Without an adapter and without that variable the tests fail: they must not pass silently.
fn test_gpu() -> Option<&'static GpuBackend> {
	static GPU: OnceLock<Result<GpuBackend, GpuError>> = OnceLock::new();
	match GPU.get_or_init(GpuBackend::new) {
		Ok(gpu) => {
			std::println!("GPU adapter: {}", gpu.describe());
			Some(gpu)
		}
		Err(e) if std::env::var("VERITY_SKIP_GPU").as_deref() == Ok("1") => {
			std::println!("skipping a GPU test (VERITY_SKIP_GPU=1): {e}");
			None
		}
		Err(e) => panic!("no GPU backend: {e} (set VERITY_SKIP_GPU=1 to skip the GPU tests)"),
	}
}

/// One lane of a probe: high_mul(a, b), rounding_divide_by_pot(a, shift),
/// requantize(a, b, shift), computed by fixedpoint.wgsl on the device.
fn probe_on_device(gpu: &GpuBackend, lanes: &[(i32, i32, u32)]) -> Vec<(i32, i32, u32)> {
	let device = &gpu.device;
	let scopes = ErrorScopes::push(device);
	let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
		label: Some("probe"),
		source: wgpu::ShaderSource::Wgsl(
			concat!(include_str!("fixedpoint.wgsl"), include_str!("probe.wgsl")).into(),
		),
	});
	let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
		label: Some("probe"),
		layout: None,
		module: &module,
		entry_point: Some("probe"),
		compilation_options: Default::default(),
		cache: None,
	});
	let padded = lanes.len().div_ceil(4) * 4;
	let mut words = vec![0u32; padded * 3];
	for (case, chunk) in lanes.chunks(4).enumerate() {
		for (lane, &(a, b, shift)) in chunk.iter().enumerate() {
			words[case * 12 + lane] = a as u32;
			words[case * 12 + 4 + lane] = b as u32;
			words[case * 12 + 8 + lane] = shift;
		}
	}
	let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
	let cases = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
		label: Some("probe cases"),
		contents: &bytes,
		usage: wgpu::BufferUsages::STORAGE,
	});
	let size = bytes.len() as u64;
	let results = device.create_buffer(&wgpu::BufferDescriptor {
		label: Some("probe results"),
		size,
		usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
		mapped_at_creation: false,
	});
	let readback = device.create_buffer(&wgpu::BufferDescriptor {
		label: Some("probe readback"),
		size,
		usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
		mapped_at_creation: false,
	});
	let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
		label: Some("probe"),
		layout: &pipeline.get_bind_group_layout(0),
		entries: &[
			wgpu::BindGroupEntry { binding: 0, resource: cases.as_entire_binding() },
			wgpu::BindGroupEntry { binding: 1, resource: results.as_entire_binding() },
		],
	});
	let mut encoder = device.create_command_encoder(&Default::default());
	{
		let mut pass = encoder.begin_compute_pass(&Default::default());
		pass.set_pipeline(&pipeline);
		pass.set_bind_group(0, &bind_group, &[]);
		pass.dispatch_workgroups((padded / 4).div_ceil(64) as u32, 1, 1);
	}
	encoder.copy_buffer_to_buffer(&results, 0, &readback, 0, size);
	gpu.queue.submit([encoder.finish()]);
	readback.slice(..).map_async(wgpu::MapMode::Read, |r| r.unwrap());
	device.poll(wgpu::PollType::wait_indefinitely()).unwrap();
	let out: Vec<u32> = readback
		.slice(..)
		.get_mapped_range()
		.unwrap()
		.chunks_exact(4)
		.map(|w| u32::from_le_bytes(w.try_into().unwrap()))
		.collect();
	readback.unmap();
	assert_eq!(scopes.pop(), None);
	(0..lanes.len())
		.map(|i| {
			let (case, lane) = (i / 4, i % 4);
			(
				out[case * 12 + lane] as i32,
				out[case * 12 + 4 + lane] as i32,
				out[case * 12 + 8 + lane],
			)
		})
		.collect()
}

fn expected_probe(a: i32, b: i32, shift: u32) -> (i32, i32, u32) {
	let high = reference::saturating_rounding_doubling_high_mul(a, b);
	let divided = reference::rounding_divide_by_pot(a, shift);
	let requantized = reference::rounding_divide_by_pot(high, shift).clamp(0, 255) as u32;
	(high, divided, requantized)
}

fn check_probe(gpu: &GpuBackend, lanes: &[(i32, i32, u32)]) {
	let got = probe_on_device(gpu, lanes);
	let mut failures = 0;
	for (&(a, b, shift), &result) in lanes.iter().zip(&got) {
		let expected = expected_probe(a, b, shift);
		if result != expected {
			failures += 1;
			if failures <= 10 {
				std::eprintln!(
					"a={a} b={b} shift={shift}: device {result:?}, reference {expected:?}"
				);
			}
		}
	}
	assert_eq!(failures, 0, "{failures} of {} lanes differ", lanes.len());
}

#[test]
fn shader_fixed_point_matches_the_reference_on_edge_cases() {
	let Some(gpu) = test_gpu() else { return };
	let values = edge_values();
	let mut lanes = Vec::new();
	for (i, &a) in values.iter().enumerate() {
		for (j, &b) in values.iter().enumerate() {
			// Every shift 0..=31 (and beyond, which acts as 31) meets every value.
			lanes.push((a, b, ((i + j) % 34) as u32));
		}
	}
	for shift in 0..=40 {
		for &a in &values {
			lanes.push((a, i32::MAX, shift));
			lanes.push((a, 1 << 30, shift));
		}
	}
	// Exact ties of both rounding steps.
	for a in [1, -1, 3, -3, 5, -5, (1 << 30) + 1, -(1 << 30) - 1] {
		lanes.push((a, 1 << 30, 1));
	}
	lanes.push((i32::MIN, i32::MIN, 0));
	check_probe(gpu, &lanes);
}

#[test]
fn shader_fixed_point_matches_the_reference_on_random_pairs() {
	let Some(gpu) = test_gpu() else { return };
	let mut state = 0x9e37_79b9_7f4a_7c15u64;
	let mut next = move || {
		// SplitMix64.
		state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
		let mut z = state;
		z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
		z ^ (z >> 31)
	};
	let lanes: Vec<(i32, i32, u32)> = (0..200_000)
		.map(|i| {
			let r = next();
			let a = r as i32;
			// Half the multipliers in the model's range, half anything.
			let b = if i % 2 == 0 { (r >> 33) as i32 } else { (r >> 32) as i32 };
			(a, b, (next() % 32) as u32)
		})
		.collect();
	check_probe(gpu, &lanes);
}

fn layer(input_size: u32, output_size: u32, seed: u8) -> Layer {
	let weights =
		(0..input_size * output_size).map(|i| (i as u8).wrapping_mul(seed).wrapping_add(1) as i8);
	Layer::new(
		input_size,
		output_size,
		weights.collect(),
		(0..output_size as i32).map(|i| i * 1000 - 7).collect(),
		Requantization::new(1 << 30, 3).unwrap(),
		Activation::Lookup(Box::new([9; 256])),
	)
	.unwrap()
}

#[test]
fn weights_pack_into_quads_by_word_then_row() {
	// 5 inputs (2 words), 6 outputs (2 row quads, the second half padding).
	let layer = layer(5, 6, 3);
	let packed = layout::pack_weights(&layer, 2, &(0..2)).unwrap();
	assert_eq!(packed.len(), 2 * 2 * 16);
	let byte = |word: usize, quad: usize, lane: usize, i: usize| {
		packed[((word * 2 + quad) * 4 + lane) * 4 + i]
	};
	for row in 0..8usize {
		for input in 0..8usize {
			let expected =
				if row < 6 && input < 5 { layer.row(row as u32).unwrap()[input] as u8 } else { 0 };
			assert_eq!(byte(input / 4, row / 4, row % 4, input % 4), expected, "{row} {input}");
		}
	}
	// A block starting at row quad 1 holds rows 4..8.
	let block = layout::pack_weights(&layer, 2, &(1..2)).unwrap();
	assert_eq!(block.len(), 2 * 16);
	assert_eq!(&block[..2], &[layer.row(4).unwrap()[0] as u8, layer.row(4).unwrap()[1] as u8]);
}

#[test]
fn samples_round_trip_through_the_quad_layout() {
	// 7 samples of 6 bytes in 2 sample quads of 2 words; read back as if they were logits.
	let inputs: Vec<u8> = (0..7 * 6).map(|i| i as u8 + 1).collect();
	let packed = layout::pack_samples(&inputs, 6, &(0..7), 2, 2).unwrap();
	assert_eq!(packed.len(), 2 * 2 * 16);
	let mut outputs = vec![0u8; 7 * 6];
	layout::unpack_samples(&packed, 2, 6, &mut outputs).unwrap();
	assert_eq!(outputs, inputs);
	// A later chunk: samples 4..7 only, padded to one quad with a zero sample.
	let packed = layout::pack_samples(&inputs, 6, &(4..7), 2, 1).unwrap();
	let mut outputs = vec![0u8; 3 * 6];
	layout::unpack_samples(&packed, 1, 6, &mut outputs).unwrap();
	assert_eq!(outputs, &inputs[4 * 6..]);
	assert!(packed[3 * 4..4 * 4].iter().all(|&b| b == 0));
}

#[test]
fn constants_hold_the_table_then_padded_biases() {
	let layer = layer(3, 5, 1);
	let words: Vec<u32> = layout::pack_constants(&layer, 2)
		.unwrap()
		.chunks_exact(4)
		.map(|w| u32::from_le_bytes(w.try_into().unwrap()))
		.collect();
	assert_eq!(words.len(), 256 + 8);
	assert!(words[..256].iter().all(|&t| t == 9));
	assert_eq!(words[256..261], [-7i32, 993, 1993, 2993, 3993].map(|b| b as u32));
	assert_eq!(words[261..], [0, 0, 0]);
}

fn budget(max_buffer_bytes: u64, max_workgroups: u32) -> layout::DeviceBudget {
	layout::DeviceBudget {
		max_buffer_bytes,
		max_workgroups,
		max_chunk_samples: None,
		max_block_rows: None,
	}
}

#[test]
fn plans_split_chunks_and_blocks_within_the_limits() {
	// 40 inputs (10 words) → 100 outputs (25 row quads) → 3 (1 row quad); widest 25 words.
	let model = Model::new(0, 40, vec![layer(40, 100, 1), layer(100, 3, 2)]).unwrap();
	let roomy = Plan::new(&model, 37, &budget(1 << 30, 65_535)).unwrap();
	assert_eq!(roomy.chunk_quads, 10);
	assert_eq!(roomy.chunks, vec![0..37]);
	assert_eq!(roomy.max_words, 25);
	assert_eq!(roomy.layers[0].in_words, 10);
	assert_eq!(roomy.layers[0].blocks, vec![0..25]);
	assert_eq!(roomy.layers[1].blocks, vec![0..1]);

	// A buffer of 3 sample quads (3 · 25 · 16 bytes) and 2 workgroups per dimension.
	let tight = Plan::new(&model, 37, &budget(3 * 25 * 16, 2)).unwrap();
	// 10 quads in chunks of at most 3 quads, balanced: 4 chunks of 3 quads.
	assert_eq!(tight.chunk_quads, 3);
	assert_eq!(tight.chunks, vec![0..12, 12..24, 24..36, 36..37]);
	// Blocks of at most 1200 / (10 · 16) = 7 row quads.
	assert_eq!(tight.layers[0].blocks, vec![0..7, 7..14, 14..21, 21..25]);
	assert!(tight.activation_bytes() <= 3 * 25 * 16);

	// Dispatch limits: 1 workgroup per dimension allows 4 sample quads and 16 row quads.
	let narrow = Plan::new(&model, 37, &budget(1 << 30, 1)).unwrap();
	assert_eq!(narrow.chunk_quads, 4);
	assert_eq!(narrow.layers[0].blocks, vec![0..16, 16..25]);

	// Caps from the builder.
	let mut capped = budget(1 << 30, 65_535);
	capped.max_chunk_samples = Some(5);
	capped.max_block_rows = Some(9);
	let plan = Plan::new(&model, 37, &capped).unwrap();
	assert_eq!(plan.chunk_quads, 2);
	assert_eq!(plan.chunks.len(), 5);
	assert_eq!(plan.layers[0].blocks.len(), 9);

	// Not even one quad fits.
	assert!(matches!(
		Plan::new(&model, 1, &budget(25 * 16 - 1, 65_535)),
		Err(BackendError::Device(_))
	));
}
