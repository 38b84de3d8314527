//! The optimised CPU backend: [`CpuBackend`] computes exactly what [`crate::reference`]
//! defines, with packed weights, the widest integer dot-product instructions the CPU has
//! (chosen at run time) and every core. Needs the `std` feature.
//!
//! # Kernels
//!
//! | [`Kernel`] | CPU features | inner instruction | one instruction computes |
//! |---|---|---|---|
//! | [`Kernel::Amx`] | AMX-TILE, AMX-INT8, AVX-512 F, BW, VNNI; Linux | `tdpbusd` | 16 samples × 16 rows × 64 inputs, u8 × i8 → i32 |
//! | [`Kernel::Avx512Vnni`] | AVX-512 F, BW, VNNI | `vpdpbusd zmm` | 16 rows × 4 inputs, u8 × i8 → i32 |
//! | [`Kernel::AvxVnni`] | AVX2, AVX-VNNI | `vpdpbusd ymm` (VEX) | 8 rows × 4 inputs, u8 × i8 → i32 |
//! | [`Kernel::Avx2`] | AVX2 | `vpmaddwd ymm` on i16-widened values | 8 rows × 2 inputs, i16 × i16 → i32 |
//! | [`Kernel::Portable`] | none | safe Rust the compiler vectorizes | — |
//!
//! [`Kernel::best`] is the first of these, in this order, that the CPU has at run time
//! (`is_x86_feature_detected!`; for AMX `cpuid`, XCR0 and, on Linux, the process's permission
//! to use the tile state, which detecting it asks for once with `arch_prctl`; only
//! [`Kernel::Portable`] off x86-64); [`CpuBackend::with_kernel`] forces one, which is how the
//! tests check every kernel the machine has against the reference.
//!
//! On a 2-core Sapphire Rapids, 1024→1024→1024→1024 at batch 1024: AVX-512 VNNI reaches about
//! 64 multiply-accumulates per cycle and core, `vpdpbusd zmm`'s issue rate, and AMX several
//! times that (its tiles are limited by how fast L1 and L2 feed them). Note that the AMX
//! permission, once granted, makes Linux require larger alternate signal stacks
//! (`sigaltstack`) in this process, as for any AMX user.
//!
//! # Exactness
//!
//! Every kernel sums exact i32s. One product `u8 · i8` lies in `[-32 640, 32 385]`;
//! `vpdpbusd` (not its saturating sibling `vpdpbusds`) adds four of them to the accumulator
//! with no intermediate rounding or saturation, `tdpbusd` does the same for each of its
//! 16 × 16 accumulators (sums of 64 products, added four at a time), and `vpmaddwd` adds two
//! (at most 65 280 in magnitude; it saturates only for two products of -32 768 · -32 768).
//! The accumulators then add with wrapping i32 adds, which never wrap: by the model's fan-in
//! and bias bounds ([`crate::model::MAX_ABS_ACCUMULATOR`] `= 2^15 · 128 · 255 + 2^30 =
//! 2 143 289 344 < i32::MAX`) every partial sum, in any order, fits (AMX adds the bias last,
//! in the requantization). So tiling, blocking of the inputs and threading cannot change a
//! single bit. AVX2's u8 × i8 instruction `vpmaddubsw` is not used:
//! it saturates pair sums to i16, and `255 · 127 · 2 = 64 770 > 32 767`.
//!
//! Requantization is vectorized too (16 or 8 lanes): exact 64-bit products (`vpmuldq`) for
//! `saturating_rounding_doubling_high_mul` (it cannot saturate: multipliers are not
//! negative), then `rounding_divide_by_pot` (AVX2: the reference's own integer formula;
//! AVX-512: merged with the first rounding into one 64-bit shift, equal after the clamp, see
//! `avx512.rs`), the clamp, and the lookup table byte by byte. The tests compare it with the
//! reference on random and extreme accumulators, multipliers and shifts.
//!
//! # Blocking and threads
//!
//! Weights are packed once per model ([`CpuBackend::prepare`], or once per
//! [`Backend::infer_batch`] call) into row blocks whose lanes hold consecutive inputs of one
//! row, the layout the dot-product instructions want, 64-byte aligned (`tile.rs` has the
//! layout and the loop order: panels of ≤ 32 KiB of weights stay in L1, a block of up to 120
//! samples' inputs in L2; `amx.rs` its own loops over the same layout). A batch is cut into
//! blocks of samples (the kernel's block size, smaller when that would leave a thread without
//! one, whole tiles where that costs no parallelism; shrinking towards one tile as the batch
//! runs out), and each thread, with its own scratch, takes the next block and runs every layer
//! on it until none is left, so a thread that gets less of its core (another process) takes
//! fewer blocks, and the threads finish at about the same time. Batches with less than about 2 M
//! multiply-accumulates per thread use fewer threads. A single sample is never split across
//! threads.

mod portable;
mod tile;

#[cfg(target_arch = "x86_64")]
mod amx;
#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;
#[cfg(target_arch = "x86_64")]
mod avxvnni;

use std::{fmt, string::String, thread, vec::Vec};

use crate::{
	backend::{Backend, BackendError},
	model::Model,
};
#[cfg(target_arch = "x86_64")]
use amx::AmxTiles;
#[cfg(target_arch = "x86_64")]
use avx2::Avx2Tiles;
#[cfg(target_arch = "x86_64")]
use avx512::Avx512VnniTiles;
#[cfg(target_arch = "x86_64")]
use avxvnni::AvxVnniTiles;
use portable::PortableTiles;
use tile::{block_samples, infer_blocks, PackedLayer, Packing, TileKernel, Work};

/// Work (multiply-accumulates) below which another thread costs more than it saves.
const MIN_MACS_PER_THREAD: usize = 1 << 21;

/// A kernel: the instruction set the inner loops use. See the module docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kernel {
	/// AMX: `tdpbusd` on 16 × 64-byte tiles (Sapphire Rapids and later Xeons, Linux).
	Amx,
	/// AVX-512 VNNI: `vpdpbusd` on 512-bit vectors.
	Avx512Vnni,
	/// AVX-VNNI: `vpdpbusd` on 256-bit vectors.
	AvxVnni,
	/// AVX2: `vpmaddwd` on values widened to 16 bits.
	Avx2,
	/// Safe Rust, no intrinsics: any CPU.
	Portable,
}

impl Kernel {
	/// Every kernel, fastest first.
	pub const ALL: [Kernel; 5] =
		[Kernel::Amx, Kernel::Avx512Vnni, Kernel::AvxVnni, Kernel::Avx2, Kernel::Portable];

	/// The kernel's short name, as [`CpuBackend`]'s name reports it: `"amx"`, `"avx512vnni"`,
	/// `"avxvnni"`, `"avx2"` or `"portable"`.
	pub fn name(self) -> &'static str {
		match self {
			Kernel::Amx => "amx",
			Kernel::Avx512Vnni => "avx512vnni",
			Kernel::AvxVnni => "avxvnni",
			Kernel::Avx2 => "avx2",
			Kernel::Portable => "portable",
		}
	}

	/// Whether this CPU can run the kernel.
	pub fn is_available(self) -> bool {
		KernelTiles::detect(self).is_some()
	}

	/// The kernels this CPU can run, fastest first; always ends with [`Kernel::Portable`].
	pub fn available() -> Vec<Kernel> {
		Kernel::ALL.into_iter().filter(|kernel| kernel.is_available()).collect()
	}

	/// The fastest kernel this CPU can run.
	pub fn best() -> Kernel {
		Kernel::ALL.into_iter().find(|kernel| kernel.is_available()).unwrap_or(Kernel::Portable)
	}
}

impl fmt::Display for Kernel {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str(self.name())
	}
}

/// [`CpuBackend::with_kernel`] was asked for a kernel this CPU cannot run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KernelUnavailable(pub Kernel);

impl fmt::Display for KernelUnavailable {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		write!(f, "this CPU cannot run the {} kernel", self.0)
	}
}

impl core::error::Error for KernelUnavailable {}

/// A detected kernel: holding one proves the CPU has its features.
#[derive(Clone, Copy, Debug)]
enum KernelTiles {
	#[cfg(target_arch = "x86_64")]
	Amx(AmxTiles),
	#[cfg(target_arch = "x86_64")]
	Avx512Vnni(Avx512VnniTiles),
	#[cfg(target_arch = "x86_64")]
	AvxVnni(AvxVnniTiles),
	#[cfg(target_arch = "x86_64")]
	Avx2(Avx2Tiles),
	Portable(PortableTiles),
}

impl KernelTiles {
	fn detect(kernel: Kernel) -> Option<Self> {
		match kernel {
			#[cfg(target_arch = "x86_64")]
			Kernel::Amx => AmxTiles::detect().map(Self::Amx),
			#[cfg(target_arch = "x86_64")]
			Kernel::Avx512Vnni => Avx512VnniTiles::detect().map(Self::Avx512Vnni),
			#[cfg(target_arch = "x86_64")]
			Kernel::AvxVnni => AvxVnniTiles::detect().map(Self::AvxVnni),
			#[cfg(target_arch = "x86_64")]
			Kernel::Avx2 => Avx2Tiles::detect().map(Self::Avx2),
			Kernel::Portable => Some(Self::Portable(PortableTiles)),
			#[cfg(not(target_arch = "x86_64"))]
			_ => None,
		}
	}

	fn kernel(self) -> Kernel {
		match self {
			#[cfg(target_arch = "x86_64")]
			Self::Amx(_) => Kernel::Amx,
			#[cfg(target_arch = "x86_64")]
			Self::Avx512Vnni(_) => Kernel::Avx512Vnni,
			#[cfg(target_arch = "x86_64")]
			Self::AvxVnni(_) => Kernel::AvxVnni,
			#[cfg(target_arch = "x86_64")]
			Self::Avx2(_) => Kernel::Avx2,
			Self::Portable(_) => Kernel::Portable,
		}
	}
}

/// The optimised CPU backend: see the module docs.
#[derive(Clone, Debug)]
pub struct CpuBackend {
	tiles: KernelTiles,
	threads: usize,
	name: String,
}

impl CpuBackend {
	/// The backend with the fastest kernel this CPU has ([`Kernel::best`]) and one thread per
	/// core the OS lets this process use (`std::thread::available_parallelism`, 1 if unknown).
	pub fn new() -> Self {
		let tiles =
			KernelTiles::detect(Kernel::best()).unwrap_or(KernelTiles::Portable(PortableTiles));
		Self::from_tiles(tiles, default_threads())
	}

	/// The backend with `kernel`, or [`KernelUnavailable`] if this CPU cannot run it; threads
	/// as in [`CpuBackend::new`].
	pub fn with_kernel(kernel: Kernel) -> Result<Self, KernelUnavailable> {
		let tiles = KernelTiles::detect(kernel).ok_or(KernelUnavailable(kernel))?;
		Ok(Self::from_tiles(tiles, default_threads()))
	}

	/// The same backend using at most `threads` threads (the calling one included); 0 counts
	/// as 1.
	pub fn with_threads(self, threads: usize) -> Self {
		Self::from_tiles(self.tiles, threads.max(1))
	}

	fn from_tiles(tiles: KernelTiles, threads: usize) -> Self {
		let name = format!("cpu-{} x{threads} threads", tiles.kernel());
		Self { tiles, threads, name }
	}

	/// The kernel in use.
	pub fn kernel(&self) -> Kernel {
		self.tiles.kernel()
	}

	/// The most threads a batch uses.
	pub fn threads(&self) -> usize {
		self.threads
	}

	/// Packs `model`'s weights for this backend's kernel, for running many batches without
	/// packing again.
	pub fn prepare(&self, model: &Model) -> PreparedModel {
		fn pack<K: Packing>(model: &Model) -> Vec<PackedLayer<K::Weight>> {
			model.layers().iter().map(PackedLayer::pack::<K>).collect()
		}
		let layers = match self.tiles {
			#[cfg(target_arch = "x86_64")]
			KernelTiles::Amx(tiles) => PackedLayers::Amx(tiles, pack::<AmxTiles>(model)),
			#[cfg(target_arch = "x86_64")]
			KernelTiles::Avx512Vnni(tiles) => {
				PackedLayers::Avx512Vnni(tiles, pack::<Avx512VnniTiles>(model))
			}
			#[cfg(target_arch = "x86_64")]
			KernelTiles::AvxVnni(tiles) => PackedLayers::AvxVnni(tiles, pack::<AvxVnniTiles>(model)),
			#[cfg(target_arch = "x86_64")]
			KernelTiles::Avx2(tiles) => PackedLayers::Avx2(tiles, pack::<Avx2Tiles>(model)),
			KernelTiles::Portable(tiles) => {
				PackedLayers::Portable(tiles, pack::<PortableTiles>(model))
			}
		};
		let macs_per_sample = model
			.layers()
			.iter()
			.map(|l| (l.input_size() as usize).saturating_mul(l.output_size() as usize))
			.fold(0, usize::saturating_add);
		PreparedModel {
			layers,
			input_size: model.input_size() as usize,
			output_size: model.output_size() as usize,
			macs_per_sample,
			threads: self.threads,
		}
	}
}

impl Default for CpuBackend {
	fn default() -> Self {
		Self::new()
	}
}

fn default_threads() -> usize {
	thread::available_parallelism().map_or(1, usize::from)
}

impl Backend for CpuBackend {
	/// `"cpu-<kernel> x<threads> threads"`, e.g. `"cpu-avx512vnni x2 threads"`.
	fn name(&self) -> &str {
		&self.name
	}

	fn infer_batch(
		&self,
		model: &Model,
		inputs: &[u8],
		batch: usize,
		outputs: &mut [u8],
	) -> Result<(), BackendError> {
		crate::backend::check_batch(model, inputs, batch, outputs)?;
		self.prepare(model).infer_batch(inputs, batch, outputs)
	}
}

/// A model's layers packed for one kernel.
enum PackedLayers {
	#[cfg(target_arch = "x86_64")]
	Amx(AmxTiles, Vec<PackedLayer<i8>>),
	#[cfg(target_arch = "x86_64")]
	Avx512Vnni(Avx512VnniTiles, Vec<PackedLayer<i8>>),
	#[cfg(target_arch = "x86_64")]
	AvxVnni(AvxVnniTiles, Vec<PackedLayer<i8>>),
	#[cfg(target_arch = "x86_64")]
	Avx2(Avx2Tiles, Vec<PackedLayer<i16>>),
	Portable(PortableTiles, Vec<PackedLayer<i8>>),
}

/// A model packed by [`CpuBackend::prepare`]: runs batches like [`Backend::infer_batch`]
/// without packing the weights again.
pub struct PreparedModel {
	layers: PackedLayers,
	input_size: usize,
	output_size: usize,
	macs_per_sample: usize,
	threads: usize,
}

impl fmt::Debug for PreparedModel {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.debug_struct("PreparedModel")
			.field("input_size", &self.input_size)
			.field("output_size", &self.output_size)
			.field("macs_per_sample", &self.macs_per_sample)
			.field("threads", &self.threads)
			.finish_non_exhaustive()
	}
}

impl PreparedModel {
	/// Runs `batch` samples, as [`Backend::infer_batch`] does for the model this was prepared
	/// from: `inputs` holds `batch × input size` bytes, `outputs` receives `batch × output
	/// size` bytes, each equal to what [`crate::reference::infer`] computes.
	///
	/// Errors: [`BackendError::BatchTooLarge`], [`BackendError::InputLength`] and
	/// [`BackendError::OutputLength`] as [`crate::backend::check_batch`] reports them, and
	/// [`BackendError::Device`] if a worker thread panicked (a bug).
	pub fn infer_batch(
		&self,
		inputs: &[u8],
		batch: usize,
		outputs: &mut [u8],
	) -> Result<(), BackendError> {
		let expected_inputs =
			batch.checked_mul(self.input_size).ok_or(BackendError::BatchTooLarge(batch))?;
		if inputs.len() != expected_inputs {
			return Err(BackendError::InputLength {
				expected: expected_inputs,
				actual: inputs.len(),
			});
		}
		let expected_outputs =
			batch.checked_mul(self.output_size).ok_or(BackendError::BatchTooLarge(batch))?;
		if outputs.len() != expected_outputs {
			return Err(BackendError::OutputLength {
				expected: expected_outputs,
				actual: outputs.len(),
			});
		}
		if batch == 0 {
			return Ok(());
		}
		match &self.layers {
			#[cfg(target_arch = "x86_64")]
			PackedLayers::Amx(tiles, layers) => {
				let infer = |block: usize, work: &Work<'_>| tiles.infer_blocks(layers, block, work);
				self.run(
					AmxTiles::TILE_SAMPLES,
					tiles.block_samples(),
					infer,
					inputs,
					batch,
					outputs,
				)
			}
			#[cfg(target_arch = "x86_64")]
			PackedLayers::Avx512Vnni(tiles, layers) => {
				self.run_tiles(*tiles, layers, inputs, batch, outputs)
			}
			#[cfg(target_arch = "x86_64")]
			PackedLayers::AvxVnni(tiles, layers) => self.run_tiles(*tiles, layers, inputs, batch, outputs),
			#[cfg(target_arch = "x86_64")]
			PackedLayers::Avx2(tiles, layers) => self.run_tiles(*tiles, layers, inputs, batch, outputs),
			PackedLayers::Portable(tiles, layers) => {
				self.run_tiles(*tiles, layers, inputs, batch, outputs)
			}
		}
	}

	/// [`Self::run`] with the blocked driver of `tile.rs` and a [`TileKernel`].
	fn run_tiles<K: TileKernel>(
		&self,
		kernel: K,
		layers: &[PackedLayer<K::Weight>],
		inputs: &[u8],
		batch: usize,
		outputs: &mut [u8],
	) -> Result<(), BackendError> {
		let infer = |block: usize, work: &Work<'_>| infer_blocks(kernel, layers, block, work);
		let max_block = block_samples::<K>(layers);
		self.run(K::TILE_SAMPLES, max_block, infer, inputs, batch, outputs)
	}

	/// Cuts the batch into blocks and runs them on up to [`Self::threads`] threads (this one
	/// and scoped workers), each taking the next block when it has finished one: see
	/// [`schedule`] and [`Work`]. `infer_blocks(block, work)` runs blocks of up to `block`
	/// samples from `work` until none is left.
	fn run<F>(
		&self,
		tile_samples: usize,
		max_block: usize,
		infer_blocks: F,
		inputs: &[u8],
		batch: usize,
		outputs: &mut [u8],
	) -> Result<(), BackendError>
	where
		F: Fn(usize, &Work<'_>) -> Result<(), BackendError> + Sync,
	{
		let (threads, block) =
			schedule(batch, self.macs_per_sample, self.threads, tile_samples, max_block);
		let work = Work::new(
			inputs,
			self.input_size,
			outputs,
			self.output_size,
			tile_samples,
			block,
			threads,
		);
		let (work, infer_blocks) = (&work, &infer_blocks);
		thread::scope(|scope| {
			let workers: Vec<_> =
				(1..threads).map(|_| scope.spawn(move || infer_blocks(block, work))).collect();
			let here = infer_blocks(block, work);
			workers.into_iter().fold(here, |result, worker| {
				let joined = worker.join().unwrap_or_else(|_| {
					Err(BackendError::Device("cpu backend: a worker thread panicked".into()))
				});
				result.and(joined)
			})
		})
	}
}

/// Threads and samples per block for `batch` samples of `macs_per_sample` multiply-accumulates
/// on up to `threads` threads, with a kernel whose tiles hold `tile_samples` samples and
/// whose blocks hold at most `max_block`: no more threads than samples or than
/// [`MIN_MACS_PER_THREAD`] allows; blocks of `max_block`, smaller when that leaves a thread
/// without a block, then rounded up to whole tiles (or the batch) where that still gives every
/// thread one.
fn schedule(
	batch: usize,
	macs_per_sample: usize,
	threads: usize,
	tile_samples: usize,
	max_block: usize,
) -> (usize, usize) {
	let work = batch.saturating_mul(macs_per_sample);
	let by_work = work.checked_div(MIN_MACS_PER_THREAD).unwrap_or(0).max(1);
	let threads = threads.min(by_work).min(batch).max(1);
	let block = batch.div_ceil(threads).min(max_block).max(1);
	let whole_tiles = block.next_multiple_of(tile_samples.max(1)).min(batch.max(1));
	if whole_tiles <= max_block.max(1)
		&& whole_tiles.saturating_mul(threads.saturating_sub(1)) < batch
	{
		(threads, whole_tiles)
	} else {
		(threads, block)
	}
}

#[cfg(test)]
impl KernelTiles {
	/// The kernel's vector requantization, for comparing it with the reference.
	fn requantize(
		self,
		acc: &[i32],
		requantization: crate::model::Requantization,
		out: &mut [u8],
	) -> Result<(), tile::OutOfBounds> {
		match self {
			#[cfg(target_arch = "x86_64")]
			Self::Amx(tiles) => tiles.avx512().requantize(acc, requantization, out),
			#[cfg(target_arch = "x86_64")]
			Self::Avx512Vnni(tiles) => tiles.requantize(acc, requantization, out),
			#[cfg(target_arch = "x86_64")]
			Self::AvxVnni(tiles) => tiles.requantize(acc, requantization, out),
			#[cfg(target_arch = "x86_64")]
			Self::Avx2(tiles) => tiles.requantize(acc, requantization, out),
			Self::Portable(tiles) => tiles.requantize(acc, requantization, out),
		}
	}
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
	use super::*;
	use crate::{
		model::{Requantization, MAX_ABS_ACCUMULATOR, MAX_SHIFT},
		reference,
	};
	use proptest::prelude::*;

	fn available_tiles() -> Vec<KernelTiles> {
		Kernel::available().into_iter().filter_map(KernelTiles::detect).collect()
	}

	/// Checks every available kernel's requantization of `acc` against the reference.
	fn check_requantize(acc: &[i32], multiplier: i32, shift: u32) {
		let requantization = Requantization::new(multiplier, shift).unwrap();
		let expected: Vec<u8> =
			acc.iter().map(|&a| reference::requantize(a, requantization)).collect();
		for tiles in available_tiles() {
			let mut out = vec![0u8; acc.len()];
			tiles.requantize(acc, requantization, &mut out).unwrap();
			assert_eq!(out, expected, "{:?} m={multiplier} shift={shift}", tiles.kernel());
		}
	}

	#[test]
	fn vector_requantization_matches_the_reference_at_the_edges() {
		let max = MAX_ABS_ACCUMULATOR as i32;
		let mut acc = vec![i32::MIN, i32::MAX, -max, max, 0, 1, -1, 1 << 30, -(1 << 30)];
		// Ties of both rounding steps around small and large values.
		for base in [0, 1 << 7, 1 << 15, 1 << 22, 1 << 29] {
			for delta in -3..=3 {
				acc.push(base + delta);
				acc.push(-base + delta);
			}
		}
		for multiplier in [0, 1, 2, 1 << 30, (1 << 30) + 1, i32::MAX - 1, i32::MAX] {
			for shift in 0..=MAX_SHIFT {
				check_requantize(&acc, multiplier, shift);
			}
		}
	}

	proptest! {
		#[test]
		fn vector_requantization_matches_the_reference(
			acc in proptest::collection::vec(any::<i32>(), 0..40),
			multiplier in 0..=i32::MAX,
			shift in 0..=MAX_SHIFT,
		) {
			check_requantize(&acc, multiplier, shift);
		}
	}

	/// The AVX-512 requantization with the biases added (the AMX kernel's), against the
	/// reference on the whole accumulator, split into two halves that sum to it.
	#[cfg(target_arch = "x86_64")]
	#[test]
	fn biased_vector_requantization_matches_the_reference() {
		let Some(tiles) = avx512::Avx512VnniTiles::detect() else {
			return;
		};
		let max = MAX_ABS_ACCUMULATOR as i32;
		let mut acc = vec![i32::MIN, i32::MAX, -max, max, 0, 1, -1, 1 << 30, -(1 << 30)];
		for base in [0, 1 << 7, 1 << 15, 1 << 22, 1 << 29] {
			for delta in -3..=3 {
				acc.push(base + delta);
				acc.push(-base + delta);
			}
		}
		let biases: Vec<i32> = acc.iter().map(|&a| a / 2).collect();
		let sums: Vec<i32> = acc.iter().zip(&biases).map(|(&a, &b)| a - b).collect();
		for multiplier in [0, 1, 2, 1 << 30, (1 << 30) + 1, i32::MAX - 1, i32::MAX] {
			for shift in 0..=MAX_SHIFT {
				let requantization = Requantization::new(multiplier, shift).unwrap();
				let expected: Vec<u8> =
					acc.iter().map(|&a| reference::requantize(a, requantization)).collect();
				let mut out = vec![0u8; acc.len()];
				tiles.requantize_biased(&sums, &biases, requantization, &mut out).unwrap();
				assert_eq!(out, expected, "m={multiplier} shift={shift}");
			}
		}
	}

	#[test]
	fn schedule_uses_every_thread_for_big_batches() {
		// 1024 samples of 3 M MACs on 4 threads: blocks of the kernel's 120 (9 of them).
		assert_eq!(schedule(1024, 3 << 20, 4, 6, 120), (4, 120));
		// 300 samples on 4 threads: 75 each, rounded up to 78 (whole tiles of 6): 4 blocks.
		assert_eq!(schedule(300, 3 << 20, 4, 6, 120), (4, 78));
		// Not rounded when that would leave a thread without a block: 7 samples, 7 threads.
		assert_eq!(schedule(7, 1 << 30, 7, 6, 120), (7, 1));
		// Tiles of 32, blocks of 128: 100 samples on 2 threads, 50 each, rounded up to 64.
		assert_eq!(schedule(100, 1 << 30, 2, 32, 128), (2, 64));
		// 40 samples on 2 threads: 20 each; 32 would leave the second thread only 8, still
		// one block each.
		assert_eq!(schedule(40, 1 << 30, 2, 32, 128), (2, 32));
	}

	/// The blocks `Work` hands out for `batch` one-byte samples.
	fn blocks(batch: usize, tile: usize, max_block: usize, threads: usize) -> Vec<usize> {
		let inputs = vec![0u8; batch];
		let mut outputs = vec![0u8; 2 * batch];
		let work = Work::new(&inputs, 1, &mut outputs, 2, tile, max_block, threads);
		std::iter::from_fn(|| work.next())
			.map(|(inputs, outputs)| {
				assert_eq!(outputs.len(), 2 * inputs.len());
				inputs.len()
			})
			.collect()
	}

	#[test]
	fn work_hands_out_full_blocks_then_smaller_ones() {
		let sizes = blocks(1024, 32, 128, 2);
		assert_eq!(sizes.iter().sum::<usize>(), 1024);
		assert!(sizes.iter().all(|&s| s <= 128 && s % 32 == 0), "{sizes:?}");
		assert_eq!(sizes[..4], [128; 4]);
		assert_eq!(sizes.last(), Some(&32));
		// A ragged end: the last block takes what is left.
		let sizes = blocks(1000, 6, 120, 4);
		assert_eq!(sizes.iter().sum::<usize>(), 1000);
		assert!(sizes[..sizes.len() - 1].iter().all(|&s| s % 6 == 0), "{sizes:?}");
		assert_eq!(blocks(5, 32, 128, 2), [5]);
		assert_eq!(blocks(0, 32, 128, 2), Vec::<usize>::new());
	}

	#[test]
	fn schedule_keeps_small_work_on_one_thread() {
		assert_eq!(schedule(100, 64 * 10, 8, 6, 120), (1, 100));
		assert_eq!(schedule(1000, 64 * 10, 8, 6, 120), (1, 120));
		assert_eq!(schedule(1, 1 << 30, 8, 6, 120), (1, 1));
		// 4 M MACs in all: two threads.
		assert_eq!(schedule(4, 1 << 20, 8, 1, 120), (2, 2));
		assert_eq!(schedule(0, 1, 8, 6, 120), (1, 1));
	}
}
