//! How the GPU backend lays bytes out in buffers, and how it splits a batch and a layer so
//! that every buffer and every dispatch fits the device's limits.
//!
//! # The quad layout
//!
//! WGSL has no 8-bit types: bytes travel four to a `u32` word (byte `i` of a word is bits
//! `8i..8i+8`, little-endian) and words four to a 16-byte `vec4<u32>` **quad**. A buffer of
//! `rows` byte rows (weight rows, or samples) of `words` words each holds `words × quads`
//! quads, `quads = ceil(rows / 4)`:
//!
//! ```text
//! quad (k, q) at index k · quads + q;  lane j holds bytes 4k..4k+4 of row 4q + j
//! ```
//!
//! so the 4 × 4 tile one shader invocation computes reads one weight quad and one input quad
//! per word, neighbouring invocations read neighbouring quads, and the quads it writes (rows
//! `4rq..4rq+4` of samples `4sq..4sq+4`, at index `rq · sample_quads + sq`) are the next
//! layer's input in the same layout. Missing bytes (past a row's end, rows past the last) are
//! zero; a zero weight makes whatever activation it meets irrelevant, and the shader writes
//! zero for padded outputs.
//!
//! # Splitting
//!
//! * The batch runs in **chunks** of at most `chunk_quads` sample quads: the two ping-pong
//!   activation buffers (`chunk_quads × max_words` quads each) must fit one storage binding,
//!   and `ceil(chunk_quads / 4)` workgroups must fit a dispatch dimension.
//! * A layer's rows go in **blocks** of row quads, one weight buffer and one dispatch each:
//!   a block's `in_words × block_quads` quads must fit one storage binding, and
//!   `ceil(block_quads / 16)` workgroups a dispatch dimension.

use std::{ops::Range, vec, vec::Vec};

use crate::{backend::BackendError, model::Layer, model::Model};

/// Bytes of one quad (`vec4<u32>`).
pub(crate) const QUAD_BYTES: u64 = 16;
/// Row quads per workgroup: the shader's `@workgroup_size` x.
pub(crate) const WORKGROUP_ROW_QUADS: u32 = 16;
/// Sample quads per workgroup: the shader's `@workgroup_size` y.
pub(crate) const WORKGROUP_SAMPLE_QUADS: u32 = 4;
/// Entries of the lookup table at the start of a layer's constants buffer.
pub(crate) const TABLE_WORDS: usize = 256;
/// Bytes of one `DenseParams` record (eight 32-bit fields).
pub(crate) const PARAMS_BYTES: u64 = 32;

/// Words (of four bytes) for `len` bytes.
pub(crate) fn words(len: u32) -> u32 {
	len.div_ceil(4)
}

/// What a plan may use of the device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DeviceBudget {
	/// The largest storage buffer (and storage binding) in bytes.
	pub max_buffer_bytes: u64,
	/// Workgroups per dispatch dimension.
	pub max_workgroups: u32,
	/// At most this many samples per chunk (a tuning or testing cap), if set.
	pub max_chunk_samples: Option<u32>,
	/// At most this many rows per weight block (a tuning or testing cap), if set.
	pub max_block_rows: Option<u32>,
}

/// One layer's split into weight blocks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LayerPlan {
	/// Words per input row: `ceil(input size / 4)`.
	pub in_words: u32,
	/// Row quads of the whole layer: `ceil(output size / 4)`.
	pub row_quads: u32,
	/// The blocks, as ranges of row quads; they partition `0..row_quads`.
	pub blocks: Vec<Range<u32>>,
}

/// How one `infer_batch` call runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Plan {
	/// Sample quads of every chunk (the last may hold fewer real samples).
	pub chunk_quads: u32,
	/// The chunks, as ranges of samples; they partition `0..batch`.
	pub chunks: Vec<Range<usize>>,
	/// The widest activation (input or any layer output), in words.
	pub max_words: u32,
	/// Per layer.
	pub layers: Vec<LayerPlan>,
}

fn too_large(what: &str, bytes: u64, budget: &DeviceBudget) -> BackendError {
	BackendError::Device(std::format!(
		"{what} needs {bytes} bytes per quad, more than a storage buffer of {} bytes",
		budget.max_buffer_bytes
	))
}

/// Splits `0..total` into consecutive ranges of at most `per` (≥ 1) items each.
fn split<T>(total: T, per: T) -> Vec<Range<T>>
where
	T: Copy + Ord + core::ops::Add<Output = T> + From<u8>,
{
	let mut ranges = Vec::new();
	let mut start = T::from(0);
	while start < total {
		// `total - start ≥ 1` and per ≥ 1: `min(start + per, total)` never exceeds `total`,
		// and the sum is below 2 · total, within range for the types used here.
		#[allow(clippy::arithmetic_side_effects)]
		let end = core::cmp::min(start + per, total);
		ranges.push(start..end);
		start = end;
	}
	ranges
}

impl Plan {
	/// The plan for `batch` (≥ 1) samples of `model` within `budget`, or a device error when
	/// not even one quad of rows or samples fits.
	pub fn new(model: &Model, batch: usize, budget: &DeviceBudget) -> Result<Self, BackendError> {
		let max_words = words(model.max_width());
		let sample_quad_bytes = u64::from(max_words).saturating_mul(QUAD_BYTES);
		let mut chunk_cap = budget.max_buffer_bytes.checked_div(sample_quad_bytes).unwrap_or(0);
		chunk_cap = chunk_cap.min(
			u64::from(budget.max_workgroups).saturating_mul(u64::from(WORKGROUP_SAMPLE_QUADS)),
		);
		if let Some(samples) = budget.max_chunk_samples {
			chunk_cap = chunk_cap.min(u64::from(words(samples).max(1)));
		}
		// Activations stay below 2^31 bytes, so quad indices fit the shader's u32.
		chunk_cap = chunk_cap.min((1u64 << 31).checked_div(sample_quad_bytes).unwrap_or(0));
		if chunk_cap == 0 {
			return Err(too_large("a sample quad", sample_quad_bytes, budget));
		}
		let batch_quads =
			u64::try_from(batch.div_ceil(4)).map_err(|_| BackendError::BatchTooLarge(batch))?;
		// Balanced chunks of ceil(batch_quads / chunk_count) ≤ chunk_cap quads each.
		let chunk_count = batch_quads.div_ceil(chunk_cap).max(1);
		let chunk_quads = batch_quads.div_ceil(chunk_count).max(1);
		let chunk_quads =
			u32::try_from(chunk_quads).map_err(|_| BackendError::BatchTooLarge(batch))?;
		let chunk_samples = usize::try_from(chunk_quads)
			.ok()
			.and_then(|quads| quads.checked_mul(4))
			.ok_or(BackendError::BatchTooLarge(batch))?;

		let mut layers = Vec::with_capacity(model.layers().len());
		for layer in model.layers() {
			let in_words = words(layer.input_size());
			let row_quads = words(layer.output_size());
			let row_quad_bytes = u64::from(in_words).saturating_mul(QUAD_BYTES);
			let mut block_cap =
				budget.max_buffer_bytes.min(1 << 31).checked_div(row_quad_bytes).unwrap_or(0);
			block_cap = block_cap.min(
				u64::from(budget.max_workgroups).saturating_mul(u64::from(WORKGROUP_ROW_QUADS)),
			);
			if let Some(rows) = budget.max_block_rows {
				block_cap = block_cap.min(u64::from(words(rows).max(1)));
			}
			if block_cap == 0 {
				return Err(too_large("a weight row quad", row_quad_bytes, budget));
			}
			// block_cap ≤ 2^31 / 16: fits a u32.
			let block_cap = u32::try_from(block_cap).unwrap_or(u32::MAX);
			layers.push(LayerPlan { in_words, row_quads, blocks: split(row_quads, block_cap) });
		}
		Ok(Self { chunk_quads, chunks: split(batch, chunk_samples), max_words, layers })
	}

	/// Bytes of one activation buffer.
	pub fn activation_bytes(&self) -> u64 {
		u64::from(self.chunk_quads)
			.saturating_mul(u64::from(self.max_words))
			.saturating_mul(QUAD_BYTES)
	}
}

/// Bytes of a quad-layout buffer of `words × quads` quads.
fn quad_buffer_len(words: u32, quads: u32) -> Option<usize> {
	usize::try_from(u64::from(words).checked_mul(u64::from(quads))?.checked_mul(QUAD_BYTES)?).ok()
}

/// Byte offset of lane `lane` of quad `(word, quad)` in a buffer of `quads` quads per word.
fn lane_offset(word: usize, quads: usize, quad: usize, lane: usize) -> Option<usize> {
	word.checked_mul(quads)?.checked_add(quad)?.checked_mul(4)?.checked_add(lane)?.checked_mul(4)
}

/// Packs `row_count` byte rows (`row(r)` is row `r`, `None` past the end) into the quad layout
/// with `words` words per row and `quads` row quads.
fn pack_quads<'a, T: Copy + 'a>(
	row: impl Fn(usize) -> Option<&'a [T]>,
	to_byte: impl Fn(T) -> u8,
	words: u32,
	quads: u32,
) -> Option<Vec<u8>> {
	let mut packed = vec![0u8; quad_buffer_len(words, quads)?];
	let mut cells = packed.chunks_exact_mut(4);
	for word in 0..words as usize {
		let start = word.checked_mul(4)?;
		for quad in 0..quads as usize {
			for lane in 0..4 {
				let cell = cells.next()?;
				let bytes =
					row(quad.checked_mul(4)?.checked_add(lane)?).and_then(|r| r.get(start..));
				for (packed_byte, &byte) in cell.iter_mut().zip(bytes.unwrap_or(&[])) {
					*packed_byte = to_byte(byte);
				}
			}
		}
	}
	Some(packed)
}

fn internal(what: &str) -> BackendError {
	BackendError::Device(std::format!("internal layout error: {what}"))
}

/// The weight buffer of rows `4 · quads.start .. 4 · quads.end` of `layer`.
pub(crate) fn pack_weights(
	layer: &Layer,
	in_words: u32,
	quads: &Range<u32>,
) -> Result<Vec<u8>, BackendError> {
	let first_row = u32::try_from(u64::from(quads.start).saturating_mul(4)).unwrap_or(u32::MAX);
	let block_quads = quads.end.saturating_sub(quads.start);
	let row = |r: usize| {
		let r = u32::try_from(r).ok()?;
		layer.row(first_row.checked_add(r)?)
	};
	// i8 to its two's-complement byte.
	pack_quads(row, |w: i8| w.to_le_bytes()[0], in_words, block_quads).ok_or(internal("weights"))
}

/// A layer's constants buffer: the lookup table (256 words; zeros for ReLU), then the biases
/// as i32, zero-padded to `row_quads` quads of rows.
pub(crate) fn pack_constants(layer: &Layer, row_quads: u32) -> Result<Vec<u8>, BackendError> {
	let rows =
		usize::try_from(u64::from(row_quads).saturating_mul(4)).map_err(|_| internal("biases"))?;
	let words_len = TABLE_WORDS.checked_add(rows).ok_or(internal("biases"))?;
	let mut words = vec![0u32; words_len];
	let (table, biases) = words.split_at_mut(TABLE_WORDS);
	if let crate::model::Activation::Lookup(entries) = layer.activation() {
		for (word, &entry) in table.iter_mut().zip(entries.iter()) {
			*word = u32::from(entry);
		}
	}
	for (word, &bias) in biases.iter_mut().zip(layer.biases()) {
		*word = u32::from_le_bytes(bias.to_le_bytes());
	}
	Ok(words.iter().flat_map(|w| w.to_le_bytes()).collect())
}

/// The input buffer of `samples` (`input_size` bytes each, back to back in `inputs`), padded
/// to `quads` sample quads.
pub(crate) fn pack_samples(
	inputs: &[u8],
	input_size: usize,
	samples: &Range<usize>,
	words: u32,
	quads: u32,
) -> Result<Vec<u8>, BackendError> {
	let row = |r: usize| {
		let sample = samples.start.checked_add(r)?;
		if sample >= samples.end {
			return None;
		}
		let start = sample.checked_mul(input_size)?;
		inputs.get(start..start.checked_add(input_size)?)
	};
	pack_quads(row, |b: u8| b, words, quads).ok_or(internal("inputs"))
}

/// Copies the logits of the chunk's samples out of the last layer's quad-layout buffer
/// (`quads` sample quads) into `outputs` (`output_size` bytes per sample, back to back).
pub(crate) fn unpack_samples(
	packed: &[u8],
	quads: u32,
	output_size: usize,
	outputs: &mut [u8],
) -> Result<(), BackendError> {
	let quads = quads as usize;
	for (sample, logits) in outputs.chunks_mut(output_size.max(1)).enumerate() {
		let (quad, lane) = (sample / 4, sample % 4);
		for (word, bytes) in logits.chunks_mut(4).enumerate() {
			let start = lane_offset(word, quads, quad, lane).ok_or(internal("outputs"))?;
			let end = start.checked_add(bytes.len()).ok_or(internal("outputs"))?;
			bytes.copy_from_slice(packed.get(start..end).ok_or(internal("outputs"))?);
		}
	}
	Ok(())
}

/// One `DenseParams` record (see dense.wgsl), little-endian.
pub(crate) fn dense_params(
	layer: &Layer,
	plan: &LayerPlan,
	block: &Range<u32>,
	sample_quads: u32,
) -> [u8; PARAMS_BYTES as usize] {
	let requantization = layer.requantization();
	let fields = [
		plan.in_words,
		sample_quads,
		block.end.saturating_sub(block.start),
		block.start,
		layer.output_size(),
		u32::from_le_bytes(requantization.multiplier().to_le_bytes()),
		requantization.shift(),
		layer.activation().code(),
	];
	let mut record = [0u8; PARAMS_BYTES as usize];
	for (bytes, field) in record.chunks_exact_mut(4).zip(fields) {
		bytes.copy_from_slice(&field.to_le_bytes());
	}
	record
}
