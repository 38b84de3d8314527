//! The packing every kernel shares, and the blocked driver of the vector kernels: packs a
//! layer's weights into row blocks, stages a block of samples' inputs, and walks tiles of
//! samples × rows through a [`TileKernel`]. (The AMX kernel has its own loops, `amx.rs`.)
//!
//! # Packed layout
//!
//! For a layer with `K` inputs and `O` outputs and a kernel's `G` ([`Packing::GROUP`],
//! inputs summed per 32-bit lane), `LR` ([`Packing::LANE_ROWS`], rows per vector) and `BR`
//! ([`Packing::BLOCK_ROWS`], rows per block), and `GM` ([`Packing::GROUPS_MULTIPLE`], 1 but
//! for AMX):
//!
//! ```text
//! groups   = ceil(K / G) rounded up to GM     inputs K.. get zero weights
//! block b  = rows b·BR .. min((b+1)·BR, O)    width(b) = its rows rounded up to LR
//! weights  = block b at b·BR·groups·G; inside it, weight[b·BR + r][g·G + j] at (g·width + r)·G + j
//! biases   = O biases, then zeros up to a whole block
//! ```
//!
//! One group of a block is `width` lanes of `G` consecutive weights of one row: one vector
//! load covers `LR` rows, and the weights of a range of groups are contiguous (a panel). The
//! weights start on a 64-byte boundary ([`AlignedBuf`]).
//!
//! # Loop order
//!
//! ```text
//! for each block of up to MC samples            (taken from the batch's [`Work`] queue;
//!                                                inputs of the block stay in L2)
//!   for each layer: stage the inputs (padded to groups·G, widened to the kernel's type)
//!     for each row block b                      (accumulators start at the biases)
//!       for each range of KC groups             (the panel, ≤ 32 KiB, stays in L1)
//!         for each tile of MR samples: accumulators[tile][b] += inputs · panel
//!       requantize, apply the lookup table, write the block's outputs
//! ```
//!
//! The accumulators live in memory between group ranges, so the order of summation changes
//! with `KC`; every partial sum is exact (see [`crate::cpu`]), so the results do not.

use alloc::{boxed::Box, vec, vec::Vec};
use core::mem::size_of;
use std::sync::Mutex;

use crate::{
	backend::BackendError,
	model::{Activation, Layer, Requantization, LOOKUP_TABLE_LEN},
	reference,
};

/// Bytes of weights one group range of a block may take: the panel that stays in L1.
const PANEL_BYTES: usize = 32 * 1024;
/// Bytes of staged inputs a block of samples may take (per thread): they stay in L2.
const STAGED_BYTES: usize = 256 * 1024;
/// The most samples in a block (bounds the accumulator scratch).
const MAX_BLOCK_SAMPLES: usize = 120;

/// Bytes of a cache line: the alignment of packed weights and of the drivers' scratch.
const CACHE_LINE: usize = 64;

/// `len` elements whose first lies on a cache line boundary (`Vec` aligns only to the
/// element type, and vector or tile loads that straddle two lines cost about twice as much):
/// a `Vec` with room for the offset, which is found again on every access, so that moving or
/// reallocating never makes it stale.
pub(crate) struct AlignedBuf<T> {
	buf: Vec<T>,
	len: usize,
}

impl<T: Copy + Default> AlignedBuf<T> {
	/// `len` default elements.
	pub fn new(len: usize) -> Self {
		Self { buf: vec![T::default(); len.saturating_add(CACHE_LINE)], len }
	}
}

impl<T> AlignedBuf<T> {
	/// Where the aligned elements start in `buf` (0 if the allocator gives no offset: only
	/// slower, never wrong).
	fn offset(&self) -> usize {
		let offset = self.buf.as_ptr().align_offset(CACHE_LINE);
		if offset <= CACHE_LINE {
			offset
		} else {
			0
		}
	}

	/// The elements.
	pub fn as_slice(&self) -> &[T] {
		let offset = self.offset();
		self.buf.get(offset..offset.saturating_add(self.len)).unwrap_or_default()
	}

	/// The elements, mutably.
	pub fn as_mut_slice(&mut self) -> &mut [T] {
		let offset = self.offset();
		self.buf.get_mut(offset..offset.saturating_add(self.len)).unwrap_or_default()
	}
}

/// A slice was too short for a tile: a bug in the driver, reported instead of touched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OutOfBounds;

impl From<OutOfBounds> for BackendError {
	fn from(_: OutOfBounds) -> Self {
		BackendError::Device("cpu backend: internal bounds check failed".into())
	}
}

/// How a kernel wants a layer's weights packed: see the module docs.
pub(crate) trait Packing {
	/// Inputs summed into one 32-bit lane per instruction (4 for `vpdpbusd`).
	const GROUP: usize;
	/// Output rows per vector register (per tile column block for AMX): a block's width is
	/// its rows rounded up to this.
	const LANE_ROWS: usize;
	/// Output rows per packed block: a multiple of [`Self::LANE_ROWS`].
	const BLOCK_ROWS: usize;
	/// The number of groups is rounded up to a multiple of this (zero weights, zero inputs).
	const GROUPS_MULTIPLE: usize = 1;
	/// The packed weights' type: `i8`, or `i16` for kernels that widen first.
	type Weight: Copy + Default + From<i8> + Send + Sync;
}

/// A microkernel: the inner loops of one instruction set, driven by [`infer_blocks`].
pub(crate) trait TileKernel: Packing + Copy + Send + Sync {
	/// The most samples in one tile.
	const TILE_SAMPLES: usize;
	/// The staged inputs' type: `u8`, or `u16` for kernels that widen first.
	type Input: Copy + Default + From<u8> + Send + Sync;

	/// `acc[s·acc_stride + r] += Σ_{g, j} inputs[s·input_stride + g·G + j] ·
	/// panel[(g·width + r)·G + j]` for every sample `s` and row `r` of the tile: see [`Tile`].
	/// Checks [`Tile::fits`] first.
	fn accumulate_tile(self, tile: Tile<'_, Self>) -> Result<(), OutOfBounds>;

	/// `out[i] = reference::requantize(acc[i], requantization)` for every `i`.
	fn requantize(
		self,
		acc: &[i32],
		requantization: Requantization,
		out: &mut [u8],
	) -> Result<(), OutOfBounds>;
}

/// The operands of [`TileKernel::accumulate_tile`].
pub(crate) struct Tile<'a, K: TileKernel> {
	/// Samples in the tile, `1..=TILE_SAMPLES`.
	pub samples: usize,
	/// Rows in the tile: a multiple of `LANE_ROWS`, at most `BLOCK_ROWS`.
	pub width: usize,
	/// Groups of `GROUP` inputs to sum.
	pub groups: usize,
	/// Sample `s`'s inputs start at `s · input_stride`.
	pub inputs: &'a [K::Input],
	/// Distance between two samples' inputs.
	pub input_stride: usize,
	/// `groups × width × GROUP` weights in the packed order.
	pub panel: &'a [K::Weight],
	/// Sample `s`'s accumulators start at `s · acc_stride`.
	pub acc: &'a mut [i32],
	/// Distance between two samples' accumulators, at least `width`.
	pub acc_stride: usize,
}

impl<K: TileKernel> Tile<'_, K> {
	/// Whether the shape is one the kernels handle and every element the formula in
	/// [`TileKernel::accumulate_tile`] touches lies inside the slices. The unsafe kernels rely
	/// on this and nothing else.
	pub fn fits(&self) -> bool {
		let last = self.samples.checked_sub(1);
		let inputs_end = last.and_then(|last| {
			last.checked_mul(self.input_stride)?.checked_add(self.groups.checked_mul(K::GROUP)?)
		});
		let panel_len = self.groups.checked_mul(self.width).and_then(|n| n.checked_mul(K::GROUP));
		let acc_end =
			last.and_then(|last| last.checked_mul(self.acc_stride)?.checked_add(self.width));
		(1..=K::TILE_SAMPLES).contains(&self.samples)
			&& (1..=K::BLOCK_ROWS).contains(&self.width)
			&& self.width.checked_rem(K::LANE_ROWS) == Some(0)
			&& self.acc_stride >= self.width
			&& inputs_end.is_some_and(|end| end <= self.inputs.len())
			&& panel_len.is_some_and(|len| len <= self.panel.len())
			&& acc_end.is_some_and(|end| end <= self.acc.len())
	}
}

/// One layer, packed for kernel `K` (see the module docs).
pub(crate) struct PackedLayer<W> {
	input_size: usize,
	output_size: usize,
	groups: usize,
	weights: AlignedBuf<W>,
	biases: Vec<i32>,
	requantization: Requantization,
	lookup: Option<Box<[u8; LOOKUP_TABLE_LEN]>>,
}

impl<W: Copy + Default + From<i8>> PackedLayer<W> {
	/// Packs `layer` for `K`.
	pub fn pack<K: Packing<Weight = W>>(layer: &Layer) -> Self {
		let input_size = layer.input_size() as usize;
		let output_size = layer.output_size() as usize;
		let groups = input_size.div_ceil(K::GROUP).next_multiple_of(K::GROUPS_MULTIPLE.max(1));
		let blocks = output_size.div_ceil(K::BLOCK_ROWS);
		// Sizes are at most 2^15 + 63 each: these products fit a 64-bit usize; on smaller
		// targets a saturated length fails the allocation rather than packing wrongly.
		let group_len = groups.saturating_mul(K::GROUP);
		let block_len = K::BLOCK_ROWS.saturating_mul(group_len);
		let mut weights = AlignedBuf::new(blocks.saturating_mul(block_len));
		for (block, (block_rows, packed)) in layer
			.weights()
			.chunks(input_size.saturating_mul(K::BLOCK_ROWS))
			.zip(weights.as_mut_slice().chunks_mut(block_len))
			.enumerate()
		{
			let rows =
				output_size.saturating_sub(block.saturating_mul(K::BLOCK_ROWS)).min(K::BLOCK_ROWS);
			let width = rows.next_multiple_of(K::LANE_ROWS);
			// Group by group: `width` lanes of `G` weights, one lane per row (rows past the
			// layer's and inputs past its fan-in stay zero).
			let group_lanes = width.saturating_mul(K::GROUP).max(1);
			for (g, lanes) in packed.chunks_exact_mut(group_lanes).enumerate() {
				let start = g.saturating_mul(K::GROUP);
				let end = start.saturating_add(K::GROUP).min(input_size);
				if start >= end {
					break;
				}
				for (lane, row) in
					lanes.chunks_exact_mut(K::GROUP).zip(block_rows.chunks_exact(input_size))
				{
					for (packed, &w) in lane.iter_mut().zip(row.get(start..end).unwrap_or_default())
					{
						*packed = W::from(w);
					}
				}
			}
		}
		let mut biases = vec![0; blocks.saturating_mul(K::BLOCK_ROWS)];
		for (packed, &bias) in biases.iter_mut().zip(layer.biases()) {
			*packed = bias;
		}
		let lookup = match layer.activation() {
			Activation::Relu => None,
			Activation::Lookup(table) => Some(table.clone()),
		};
		Self {
			input_size,
			output_size,
			groups,
			weights,
			biases,
			requantization: layer.requantization(),
			lookup,
		}
	}
}

impl<W> PackedLayer<W> {
	/// The staged inputs' stride: `groups · GROUP`.
	fn input_stride(&self, group: usize) -> usize {
		self.groups.saturating_mul(group)
	}

	/// The layer's inputs per sample.
	pub fn input_size(&self) -> usize {
		self.input_size
	}

	/// The layer's outputs per sample.
	pub fn output_size(&self) -> usize {
		self.output_size
	}

	/// Groups of inputs per row: the input size over `GROUP`, rounded up to whole groups and
	/// to a multiple of `GROUPS_MULTIPLE`.
	pub fn groups(&self) -> usize {
		self.groups
	}

	/// The packed weights, every block `BLOCK_ROWS` rows wide (see the module docs).
	pub fn weights(&self) -> &[W] {
		self.weights.as_slice()
	}

	/// The biases, then zeros up to a whole block.
	pub fn biases(&self) -> &[i32] {
		&self.biases
	}

	/// The requantization.
	pub fn requantization(&self) -> Requantization {
		self.requantization
	}

	/// The activation's lookup table (`None` for ReLU, which the clamp already is).
	pub fn lookup(&self) -> Option<&[u8; LOOKUP_TABLE_LEN]> {
		self.lookup.as_deref()
	}
}

/// Samples per block for `layers` on `K`: as many as keep the widest staged inputs within
/// [`STAGED_BYTES`], a multiple of the tile height, at most [`MAX_BLOCK_SAMPLES`].
pub(crate) fn block_samples<K: TileKernel>(layers: &[PackedLayer<K::Weight>]) -> usize {
	let widest = layers.iter().map(|l| l.input_stride(K::GROUP)).max().unwrap_or(1).max(1);
	let per_sample = widest.saturating_mul(size_of::<K::Input>());
	let fit = STAGED_BYTES.checked_div(per_sample).unwrap_or(1);
	let samples = fit.clamp(K::TILE_SAMPLES, MAX_BLOCK_SAMPLES.max(K::TILE_SAMPLES));
	samples.saturating_sub(samples.checked_rem(K::TILE_SAMPLES).unwrap_or(0))
}

/// Groups per panel: as many as keep a full block's weights within [`PANEL_BYTES`].
fn panel_groups<K: TileKernel>() -> usize {
	let per_group = K::BLOCK_ROWS.saturating_mul(K::GROUP).saturating_mul(size_of::<K::Weight>());
	PANEL_BYTES.checked_div(per_group).unwrap_or(1).max(1)
}

/// The blocks of a batch, handed out one at a time to the threads that run them: a thread
/// that gets less of the CPU (another process on its core) takes fewer blocks. Blocks are
/// guided: a share of what is left (`1 / (2 · threads)`), in whole tiles, at least one tile
/// and at most the kernel's block; so the first are full blocks, and the last ones, small,
/// even out the threads' finishing times.
pub(crate) struct Work<'a> {
	left: Mutex<Left<'a>>,
	input_size: usize,
	output_size: usize,
	tile: usize,
	max_block: usize,
	threads: usize,
}

/// The samples not handed out yet.
struct Left<'a> {
	inputs: &'a [u8],
	outputs: &'a mut [u8],
}

impl<'a> Work<'a> {
	/// The samples of `inputs` (`input_size` bytes each) and their `outputs` (`output_size`
	/// bytes each), in blocks of up to `max_block` samples, whole tiles of `tile` but for the
	/// last, for `threads` threads.
	pub fn new(
		inputs: &'a [u8],
		input_size: usize,
		outputs: &'a mut [u8],
		output_size: usize,
		tile: usize,
		max_block: usize,
		threads: usize,
	) -> Self {
		Self {
			left: Mutex::new(Left { inputs, outputs }),
			input_size: input_size.max(1),
			output_size,
			tile: tile.max(1),
			max_block: max_block.max(1),
			threads: threads.max(1),
		}
	}

	/// The next block's inputs and outputs, or `None` when none is left (or a thread panicked
	/// while taking one, which it cannot).
	pub fn next(&self) -> Option<(&'a [u8], &'a mut [u8])> {
		let mut left = self.left.lock().ok()?;
		let samples = left.inputs.len().checked_div(self.input_size)?;
		if samples == 0 {
			return None;
		}
		let share = samples.checked_div(self.threads.saturating_mul(2)).unwrap_or(0);
		let whole_tiles = share.saturating_sub(share.checked_rem(self.tile).unwrap_or(0));
		let block = whole_tiles.max(self.tile).min(self.max_block).min(samples);
		let inputs = left.inputs.split_at_checked(block.saturating_mul(self.input_size));
		let outputs = core::mem::take(&mut left.outputs)
			.split_at_mut_checked(block.saturating_mul(self.output_size));
		let ((inputs, inputs_left), (outputs, outputs_left)) = inputs.zip(outputs)?;
		*left = Left { inputs: inputs_left, outputs: outputs_left };
		Some((inputs, outputs))
	}
}

/// Runs the blocks of samples that `work` hands out (each up to `block` samples, back to back,
/// the first layer's input size each) through `layers` into their outputs (the last layer's
/// output size each), on the calling thread, until none is left.
pub(crate) fn infer_blocks<K: TileKernel>(
	kernel: K,
	layers: &[PackedLayer<K::Weight>],
	block: usize,
	work: &Work<'_>,
) -> Result<(), BackendError> {
	let Some(first) = layers.first() else {
		return Ok(());
	};
	let widest_input = layers.iter().map(|l| l.input_stride(K::GROUP)).max().unwrap_or(0);
	let widest_output = layers.iter().map(|l| l.output_size).max().unwrap_or(0);
	let mut staged = AlignedBuf::new(block.saturating_mul(widest_input));
	let staged = staged.as_mut_slice();
	let mut acc = AlignedBuf::new(block.saturating_mul(K::BLOCK_ROWS));
	let acc = acc.as_mut_slice();
	let mut activations = vec![0u8; block.saturating_mul(widest_output)];

	while let Some((block_inputs, block_outputs)) = work.next() {
		let samples = block_inputs.len().checked_div(first.input_size).unwrap_or(0);
		if samples > block {
			return Err(OutOfBounds.into());
		}
		for (index, layer) in layers.iter().enumerate() {
			let source = if index == 0 {
				block_inputs
			} else {
				let len = samples.saturating_mul(layer.input_size);
				activations.get(..len).ok_or(OutOfBounds)?
			};
			let stride = layer.input_stride(K::GROUP);
			stage(source, layer.input_size, staged, stride);
			let destination = if index.saturating_add(1) == layers.len() {
				&mut *block_outputs
			} else {
				let len = samples.saturating_mul(layer.output_size);
				activations.get_mut(..len).ok_or(OutOfBounds)?
			};
			infer_layer_block(kernel, layer, staged, samples, acc, destination)?;
		}
	}
	Ok(())
}

/// Copies rows of `width` bytes from `source` into rows of `stride` elements of `staged`,
/// widening each byte and zeroing the padding.
pub(crate) fn stage<T: Copy + Default + From<u8>>(
	source: &[u8],
	width: usize,
	staged: &mut [T],
	stride: usize,
) {
	if width == 0 || stride == 0 {
		return;
	}
	for (row, staged_row) in source.chunks_exact(width).zip(staged.chunks_exact_mut(stride)) {
		let (values, padding) = staged_row.split_at_mut(width.min(stride));
		for (value, &byte) in values.iter_mut().zip(row) {
			*value = T::from(byte);
		}
		padding.fill(T::default());
	}
}

/// One layer for `samples` staged samples: outputs back to back into `outputs`.
fn infer_layer_block<K: TileKernel>(
	kernel: K,
	layer: &PackedLayer<K::Weight>,
	staged: &[K::Input],
	samples: usize,
	acc: &mut [i32],
	outputs: &mut [u8],
) -> Result<(), BackendError> {
	let stride = layer.input_stride(K::GROUP);
	let block_len = K::BLOCK_ROWS.saturating_mul(stride);
	let panel_groups = panel_groups::<K>();
	let blocks =
		layer.weights().chunks_exact(block_len).zip(layer.biases.chunks_exact(K::BLOCK_ROWS));
	for (block, (weights, biases)) in blocks.enumerate() {
		let first_row = block.saturating_mul(K::BLOCK_ROWS);
		let rows = layer.output_size.saturating_sub(first_row).min(K::BLOCK_ROWS);
		let width = rows.next_multiple_of(K::LANE_ROWS);
		let biases = biases.get(..width).ok_or(OutOfBounds)?;
		for sample_acc in acc.chunks_exact_mut(K::BLOCK_ROWS).take(samples) {
			sample_acc.get_mut(..width).ok_or(OutOfBounds)?.copy_from_slice(biases);
		}

		let mut group = 0;
		while group < layer.groups {
			let groups = panel_groups.min(layer.groups.saturating_sub(group));
			let panel_start = group.saturating_mul(width).saturating_mul(K::GROUP);
			let panel_len = groups.saturating_mul(width).saturating_mul(K::GROUP);
			let panel = weights
				.get(panel_start..panel_start.saturating_add(panel_len))
				.ok_or(OutOfBounds)?;
			let first_input = group.saturating_mul(K::GROUP);
			for tile_start in (0..samples).step_by(K::TILE_SAMPLES) {
				let input_start = tile_start.saturating_mul(stride).saturating_add(first_input);
				let acc_start = tile_start.saturating_mul(K::BLOCK_ROWS);
				kernel.accumulate_tile(Tile {
					samples: K::TILE_SAMPLES.min(samples.saturating_sub(tile_start)),
					width,
					groups,
					inputs: staged.get(input_start..).ok_or(OutOfBounds)?,
					input_stride: stride,
					panel,
					acc: acc.get_mut(acc_start..).ok_or(OutOfBounds)?,
					acc_stride: K::BLOCK_ROWS,
				})?;
			}
			group = group.saturating_add(groups);
		}

		let last_row = first_row.saturating_add(rows);
		let sample_rows =
			acc.chunks_exact(K::BLOCK_ROWS).zip(outputs.chunks_exact_mut(layer.output_size));
		for (sample_acc, sample_outputs) in sample_rows.take(samples) {
			let out = sample_outputs.get_mut(first_row..last_row).ok_or(OutOfBounds)?;
			kernel.requantize(
				sample_acc.get(..rows).ok_or(OutOfBounds)?,
				layer.requantization,
				out,
			)?;
			if let Some(table) = &layer.lookup {
				for value in out {
					*value = table.get(usize::from(*value)).copied().unwrap_or(0);
				}
			}
		}
	}
	Ok(())
}

/// [`reference::requantize`] on each element: the kernels' tail, and the portable kernel.
pub(crate) fn requantize_each(acc: &[i32], requantization: Requantization, out: &mut [u8]) {
	for (value, &sum) in out.iter_mut().zip(acc) {
		*value = reference::requantize(sum, requantization);
	}
}

/// The constants of `rounding_divide_by_pot(x, shift)` as the vector kernels compute it:
/// `(x >> shift) + ((x & mask) > half + (x < 0))`.
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
pub(crate) struct RoundingMasks {
	/// `shift`, at most 31.
	pub shift: i32,
	/// `2^shift - 1`.
	pub mask: i32,
	/// `mask >> 1`.
	pub half: i32,
}

#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
impl RoundingMasks {
	/// The constants for a right shift by `shift` (at most [`crate::model::MAX_SHIFT`]; larger
	/// shifts act as 31, as in the reference).
	pub fn new(shift: u32) -> Self {
		let shift = shift.min(31);
		// 2^shift - 1 ≤ 2^31 - 1 fits an i32.
		let mask = i32::try_from((1i64 << shift).wrapping_sub(1)).unwrap_or(i32::MAX);
		Self { shift: i32::try_from(shift).unwrap_or(31), mask, half: mask >> 1 }
	}
}
