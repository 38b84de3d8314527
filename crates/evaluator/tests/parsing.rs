//! Parsing never panics, accepts only canonical encodings, and allocates at most a bounded
//! multiple of its input, whatever the input.
//!
//! Allocation is measured by a counting global allocator (per thread, so other tests running
//! in parallel do not disturb it); that wrapper is the only `unsafe` in the crate's tests and
//! none is in the library.

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]
// The counting allocator below must implement the unsafe `GlobalAlloc` trait.
#![allow(unsafe_code)]

use std::{
	alloc::{GlobalAlloc, Layout, System},
	cell::Cell,
};

use proptest::prelude::*;
use verity_evaluator::{
	dataset, model::ModelHeader, Activation, Dataset, Layer, Model, Requantization,
};

struct CountingAllocator;

thread_local! {
	static ALLOCATED: Cell<usize> = const { Cell::new(0) };
}

fn count(bytes: usize) {
	let _ = ALLOCATED.try_with(|a| a.set(a.get().saturating_add(bytes)));
}

// SAFETY: forwards every call to `System` unchanged; only counts the requested sizes.
unsafe impl GlobalAlloc for CountingAllocator {
	unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
		count(layout.size());
		unsafe { System.alloc(layout) }
	}

	unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
		unsafe { System.dealloc(ptr, layout) }
	}

	unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
		count(layout.size());
		unsafe { System.alloc_zeroed(layout) }
	}

	unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
		count(new_size);
		unsafe { System.realloc(ptr, layout, new_size) }
	}
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

/// Bytes allocated (in total, not net) on this thread while `f` runs.
fn allocated_by<T>(f: impl FnOnce() -> T) -> (T, usize) {
	let before = ALLOCATED.with(Cell::get);
	let value = f();
	(value, ALLOCATED.with(Cell::get) - before)
}

/// The bound the model docs state: about twice the input plus a few KiB (at most 64 layer
/// structures and their shapes).
fn model_allocation_bound(input_len: usize) -> usize {
	2 * input_len + 8 * 1024
}

fn dataset_allocation_bound(input_len: usize) -> usize {
	2 * input_len + 1024
}

fn check_model_bytes(bytes: &[u8]) -> Result<(), TestCaseError> {
	let (decoded, allocated) = allocated_by(|| Model::decode(bytes));
	prop_assert!(
		allocated <= model_allocation_bound(bytes.len()),
		"{allocated} bytes allocated for {} input bytes",
		bytes.len()
	);
	let (_, allocated) = allocated_by(|| ModelHeader::decode(bytes));
	prop_assert!(allocated <= model_allocation_bound(bytes.len()));
	if let Ok(model) = decoded {
		// Only canonical encodings are accepted.
		prop_assert_eq!(model.encode(), bytes.to_vec());
	}
	Ok(())
}

fn check_dataset_bytes(bytes: &[u8]) -> Result<(), TestCaseError> {
	let (decoded, allocated) = allocated_by(|| Dataset::decode(bytes));
	prop_assert!(allocated <= dataset_allocation_bound(bytes.len()));
	if let Ok(data) = decoded {
		prop_assert_eq!(data.encode(), bytes.to_vec());
	}
	Ok(())
}

fn layer_strategy(inputs: u32) -> impl Strategy<Value = Layer> {
	(1u32..=6, any::<bool>(), 0i32..=i32::MAX, 0u32..=31).prop_flat_map(
		move |(outputs, lookup, multiplier, shift)| {
			let n = (inputs * outputs) as usize;
			(
				proptest::collection::vec(any::<i8>(), n),
				proptest::collection::vec(-(1i32 << 30)..=(1 << 30), outputs as usize),
				proptest::collection::vec(any::<u8>(), 256),
			)
				.prop_map(move |(weights, biases, table)| {
					let activation = if lookup {
						Activation::Lookup(Box::new(table.try_into().unwrap()))
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
				})
		},
	)
}

fn model_strategy() -> impl Strategy<Value = Model> {
	(1u32..=6, any::<u32>()).prop_flat_map(|(input_size, family)| {
		layer_strategy(input_size).prop_flat_map(move |first| {
			let hidden = first.output_size();
			(Just(first), proptest::option::of(layer_strategy(hidden))).prop_map(
				move |(first, second)| {
					let layers = std::iter::once(first).chain(second).collect();
					Model::new(family, input_size, layers).unwrap()
				},
			)
		})
	})
}

#[derive(Clone, Debug)]
enum Mutation {
	Flip { at: usize, mask: u8 },
	SetWord { at: usize, value: u32 },
	Truncate { to: usize },
	Insert { at: usize, byte: u8 },
	Remove { at: usize },
}

fn mutation_strategy() -> impl Strategy<Value = Mutation> {
	prop_oneof![
		(any::<usize>(), 1u8..=255).prop_map(|(at, mask)| Mutation::Flip { at, mask }),
		// Header words (and the first body words) are where lengths live: aim there often,
		// with the interesting values too.
		(
			0usize..24,
			prop_oneof![
				Just(0u32),
				Just(1),
				Just(32_768),
				Just(32_769),
				Just(64),
				Just(65),
				Just(u32::MAX),
				any::<u32>()
			]
		)
			.prop_map(|(word, value)| Mutation::SetWord { at: word * 4, value }),
		any::<usize>().prop_map(|to| Mutation::Truncate { to }),
		(any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Insert { at, byte }),
		any::<usize>().prop_map(|at| Mutation::Remove { at }),
	]
}

fn mutate(mut bytes: Vec<u8>, mutation: &Mutation) -> Vec<u8> {
	let len = bytes.len().max(1);
	match *mutation {
		Mutation::Flip { at, mask } => {
			if let Some(b) = bytes.get_mut(at % len) {
				*b ^= mask;
			}
		}
		Mutation::SetWord { at, value } => {
			if at + 4 <= bytes.len() {
				bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
			}
		}
		Mutation::Truncate { to } => bytes.truncate(to % len),
		Mutation::Insert { at, byte } => bytes.insert(at % (bytes.len() + 1), byte),
		Mutation::Remove { at } => {
			if !bytes.is_empty() {
				bytes.remove(at % len);
			}
		}
	}
	bytes
}

fn dataset_strategy() -> impl Strategy<Value = Dataset> {
	(1u32..=5, 1u32..=4, 1u32..=300).prop_flat_map(|(sample_size, count, classes)| {
		(
			proptest::collection::vec((0..classes.min(256)).prop_map(|l| l as u8), count as usize),
			proptest::collection::vec(any::<u8>(), (sample_size * count) as usize),
		)
			.prop_map(move |(labels, samples)| {
				Dataset::new(sample_size, classes.min(256), labels, samples).unwrap()
			})
	})
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(2000))]

	#[test]
	fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
		check_model_bytes(&bytes)?;
		check_dataset_bytes(&bytes)?;
	}

	#[test]
	fn random_bytes_behind_a_valid_magic_never_panic(
		body in proptest::collection::vec(any::<u8>(), 0..600),
		version_ok in any::<bool>(),
	) {
		for magic in [b"VRTM", b"VRTD"] {
			let mut bytes = magic.to_vec();
			if version_ok {
				bytes.extend_from_slice(&1u32.to_le_bytes());
			}
			bytes.extend_from_slice(&body);
			check_model_bytes(&bytes)?;
			check_dataset_bytes(&bytes)?;
		}
	}

	#[test]
	fn valid_models_round_trip(model in model_strategy()) {
		let bytes = model.encode();
		prop_assert_eq!(bytes.len() as u64, model.header().model_len());
		let decoded = Model::decode(&bytes).unwrap();
		prop_assert_eq!(decoded.root(), model.root());
		prop_assert_eq!(&decoded, &model);
		check_model_bytes(&bytes)?;
	}

	#[test]
	fn mutated_models_never_panic(
		model in model_strategy(),
		mutations in proptest::collection::vec(mutation_strategy(), 1..4),
	) {
		let mut bytes = model.encode();
		for mutation in &mutations {
			bytes = mutate(bytes, mutation);
		}
		check_model_bytes(&bytes)?;
	}

	#[test]
	fn valid_datasets_round_trip(data in dataset_strategy()) {
		let bytes = data.encode();
		prop_assert_eq!(&Dataset::decode(&bytes).unwrap(), &data);
		check_dataset_bytes(&bytes)?;
	}

	#[test]
	fn mutated_datasets_never_panic(
		data in dataset_strategy(),
		mutations in proptest::collection::vec(mutation_strategy(), 1..4),
	) {
		let mut bytes = data.encode();
		for mutation in &mutations {
			bytes = mutate(bytes, mutation);
		}
		check_dataset_bytes(&bytes)?;
	}
}

#[test]
fn demo_dataset_decodes_within_the_allocation_bound() {
	let (data, allocated) = allocated_by(|| Dataset::decode(dataset::DIGITS_BYTES));
	assert!(data.is_ok());
	assert!(allocated <= dataset_allocation_bound(dataset::DIGITS_BYTES.len()), "{allocated}");
}

#[test]
fn maximal_layer_count_decodes_within_the_allocation_bound() {
	// 64 layers of one ReLU output each: the most layer structures for the fewest bytes.
	let layer = |inputs| {
		Layer::new(
			inputs,
			1,
			vec![1; inputs as usize],
			vec![0],
			Requantization::new(1, 0).unwrap(),
			Activation::Relu,
		)
		.unwrap()
	};
	let layers = std::iter::once(layer(1)).chain((1..64).map(|_| layer(1))).collect();
	let model = Model::new(0, 1, layers).unwrap();
	let bytes = model.encode();
	let (decoded, allocated) = allocated_by(|| Model::decode(&bytes));
	assert_eq!(decoded.unwrap(), model);
	assert!(allocated <= model_allocation_bound(bytes.len()), "{allocated} for {}", bytes.len());
	println!("64 one-output layers: {} bytes in, {allocated} bytes allocated", bytes.len());
}
