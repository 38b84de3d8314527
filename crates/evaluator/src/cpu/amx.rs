//! The AMX kernel (Intel Advanced Matrix Extensions, Sapphire Rapids and later Xeons):
//! `tdpbusd` multiplies a tile of 16 samples × 64 u8 inputs by a tile of 64 inputs × 16 rows
//! of i8 weights and adds the 16 × 16 sums of 64 exact products to i32 accumulators, 16 384
//! multiply-accumulates per instruction. Like `vpdpbusd` it neither rounds nor saturates: the
//! sums are exact i32s (see [`crate::cpu`]), so the results are the reference's bit for bit.
//!
//! # Layout and loop order
//!
//! Weights are packed as for the other kernels (see `tile.rs`) with blocks of 32 rows, every
//! block 32 rows wide (zero rows past the layer's outputs), and groups of 4 inputs rounded up
//! to a multiple of 16, so that the 16 groups × 32 rows × 4 bytes of one step are two
//! `tileloadd` tiles of 16 rows each, 128 bytes apart per group. Inputs are staged per block of
//! samples with 64 zero-padded inputs per step (and 64 more bytes per sample, so that the 16
//! rows of a tile do not all fall into the same L1 sets).
//!
//! One [`AmxTiles::multiply`] call, one `asm!` block, computes a layer for a block of samples:
//!
//! ```text
//! ldtilecfg: tmm0..tmm3 the 2 × 2 accumulator tiles, tmm4, tmm5 inputs, tmm6, tmm7 weights
//! for each block of 32 rows (its weights, 32 rows × all inputs, stay in L1)
//!   for each tile of 32 samples (staged, padded to whole tiles)
//!     tilezero tmm0..tmm3
//!     for each step of 64 inputs: 2 input tiles, 2 weight tiles, 4 × tdpbusd,
//!                                 8 lines of the next block's weights prefetched into L2
//!     tilestored tmm0..tmm3 → acc[sample][row]
//! tilerelease
//! ```
//!
//! The inputs, read once per block of rows, are loaded with the streaming hint (`tileloaddt1`)
//! so that they do not evict the block's weights, which every tile reads, from L1. Every
//! buffer starts on a cache line: a tile row that straddles two lines halves the speed.
//! `ldtilecfg` costs a few hundred cycles, so it runs once per layer and block of samples, not
//! per tile. Padding samples (past the block's last, up to a whole tile) compute garbage that
//! is never read. The biases are added in the requantization (AVX-512, the
//! [`Avx512VnniTiles`] kernel's), which reads each sample's accumulators once.
//!
//! # Safety
//!
//! This is one of the crate's modules with `unsafe` code: `cpuid`, `xgetbv` and the Linux
//! `arch_prctl` system call that asks for the tile data state ([`AmxTiles::detect`]), and the
//! tile instructions, which need those features and the bounds [`plan`] checks. The
//! `asm!` block configures the tiles on entry and releases them on exit, so it leaves the
//! tile state as it found it (nothing else in the process uses tiles: Rust emits no AMX
//! instructions on its own).

#![allow(unsafe_code)]

use core::arch::asm;
use core::arch::x86_64::{__cpuid_count, _xgetbv, CpuidResult};
use std::vec;

use super::{
	avx512::Avx512VnniTiles,
	tile::{stage, AlignedBuf, OutOfBounds, PackedLayer, Packing, Work},
};
use crate::backend::BackendError;

/// The AMX kernel; a value exists only on a CPU that has AMX-TILE, AMX-INT8, AVX-512 F, BW and
/// VNNI, an OS that saves the tile state, and (on Linux) the process's permission to use it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AmxTiles {
	avx512: Avx512VnniTiles,
}

/// Samples per `tdpbusd` tile (its rows).
const TILE_ROWS: usize = 16;
/// Samples per register block: two input tiles.
const TILE_SAMPLES: usize = 2 * TILE_ROWS;
/// Output rows per register block: two weight tiles of 16 rows.
const BLOCK_ROWS: usize = 32;
/// Groups of 4 inputs per step: one input tile's 64 bytes.
const STEP_GROUPS: usize = 16;
/// Bytes of one step of a block's weights: 16 groups × 32 rows × 4.
const STEP_BYTES: usize = STEP_GROUPS * BLOCK_ROWS * 4;
/// The most samples staged at a time (per thread): a multiple of [`TILE_SAMPLES`].
const BLOCK_SAMPLES: usize = 128;
/// Bytes added to every staged sample, and i32s to every sample's accumulators: 64 bytes, so
/// that the rows of a tile, 1 KiB or 4 KiB apart otherwise, spread over the L1 sets.
const ROW_PADDING_BYTES: usize = 64;

impl Packing for AmxTiles {
	const GROUP: usize = 4;
	const LANE_ROWS: usize = BLOCK_ROWS;
	const BLOCK_ROWS: usize = BLOCK_ROWS;
	const GROUPS_MULTIPLE: usize = STEP_GROUPS;
	type Weight = i8;
}

impl AmxTiles {
	/// Samples per register block (two input tiles of 16).
	pub(crate) const TILE_SAMPLES: usize = TILE_SAMPLES;

	/// The kernel, if the CPU, the OS and the process allow it: see the type's docs.
	pub(crate) fn detect() -> Option<Self> {
		let avx512 = Avx512VnniTiles::detect()?;
		(cpu_has_amx_int8() && os_saves_tiles() && tiles_permitted()).then_some(Self { avx512 })
	}

	/// The AVX-512 VNNI kernel this CPU also has (its requantization is this kernel's).
	#[cfg(test)]
	pub(crate) fn avx512(self) -> Avx512VnniTiles {
		self.avx512
	}

	/// The most samples in a block: [`BLOCK_SAMPLES`], a multiple of the tile's 32.
	pub(crate) fn block_samples(self) -> usize {
		BLOCK_SAMPLES
	}

	/// Runs the blocks of samples that `work` hands out (each up to `block` samples, back to
	/// back, the first layer's input size each) through `layers` (packed for this kernel) into
	/// their outputs, on the calling thread, until none is left.
	pub(crate) fn infer_blocks(
		self,
		layers: &[PackedLayer<i8>],
		block: usize,
		work: &Work<'_>,
	) -> Result<(), BackendError> {
		let Some(first) = layers.first() else {
			return Ok(());
		};
		// Room for whole tiles: `multiply` computes the padding samples too.
		let padded = block.next_multiple_of(TILE_SAMPLES);
		let widest_input = layers.iter().map(input_stride).max().unwrap_or(0);
		let widest_acc = layers.iter().map(acc_stride).max().unwrap_or(0);
		let widest_output = layers.iter().map(PackedLayer::output_size).max().unwrap_or(0);
		let mut staged = AlignedBuf::new(padded.saturating_mul(widest_input));
		let staged = staged.as_mut_slice();
		let mut acc = AlignedBuf::new(padded.saturating_mul(widest_acc));
		let acc = acc.as_mut_slice();
		let mut activations = vec![0u8; block.saturating_mul(widest_output)];

		while let Some((block_inputs, block_outputs)) = work.next() {
			let samples = block_inputs.len().checked_div(first.input_size()).unwrap_or(0);
			if samples > block {
				return Err(OutOfBounds.into());
			}
			for (index, layer) in layers.iter().enumerate() {
				let source = if index == 0 {
					block_inputs
				} else {
					let len = samples.saturating_mul(layer.input_size());
					activations.get(..len).ok_or(OutOfBounds)?
				};
				let stride = input_stride(layer);
				stage(source, layer.input_size(), staged, stride);
				let acc_stride = acc_stride(layer);
				self.multiply(layer, staged, stride, samples, acc, acc_stride)?;
				let destination = if index.saturating_add(1) == layers.len() {
					&mut *block_outputs
				} else {
					let len = samples.saturating_mul(layer.output_size());
					activations.get_mut(..len).ok_or(OutOfBounds)?
				};
				self.requantize(layer, acc, acc_stride, destination)?;
			}
		}
		Ok(())
	}

	/// `acc[s·acc_stride + r] = Σ_i staged[s·input_stride + i] · weight[r][i]` for every row `r`
	/// of `layer` (its packed width: whole blocks of 32) and every sample `s` of the `samples`
	/// rounded up to a whole tile of 32: the rows of `staged` and `acc` past `samples` must exist
	/// (their values do not matter, and the sums computed from them are not to be read).
	fn multiply(
		self,
		layer: &PackedLayer<i8>,
		staged: &[u8],
		input_stride: usize,
		samples: usize,
		acc: &mut [i32],
		acc_stride: usize,
	) -> Result<(), OutOfBounds> {
		let groups = layer.groups();
		let weights = layer.weights();
		let plan = plan(groups, weights, samples, staged, input_stride, acc, acc_stride)
			.ok_or(OutOfBounds)?;
		// SAFETY: `self` exists, so the CPU has AMX-TILE and AMX-INT8 and the process may use the
		// tile state; `plan` checked the bounds `multiply_tiles` needs.
		unsafe { multiply_tiles(&plan, weights.as_ptr(), input_stride, acc.as_mut_ptr()) };
		Ok(())
	}

	/// Every sample's outputs of `layer`: its accumulators (row `s` of `acc`) plus the biases,
	/// requantized, then the lookup table if the layer has one.
	fn requantize(
		self,
		layer: &PackedLayer<i8>,
		acc: &[i32],
		acc_stride: usize,
		outputs: &mut [u8],
	) -> Result<(), OutOfBounds> {
		let width = layer.output_size();
		if width == 0 {
			return Ok(());
		}
		let biases = layer.biases().get(..width).ok_or(OutOfBounds)?;
		for (sample, out) in outputs.chunks_exact_mut(width).enumerate() {
			let start = sample.checked_mul(acc_stride).ok_or(OutOfBounds)?;
			let sums = acc.get(start..start.saturating_add(width)).ok_or(OutOfBounds)?;
			self.avx512.requantize_biased(sums, biases, layer.requantization(), out)?;
			if let Some(table) = layer.lookup() {
				for value in out {
					*value = table.get(usize::from(*value)).copied().unwrap_or(0);
				}
			}
		}
		Ok(())
	}
}

/// A layer's staged input stride in bytes: its padded inputs and [`ROW_PADDING_BYTES`].
fn input_stride(layer: &PackedLayer<i8>) -> usize {
	layer.groups().saturating_mul(AmxTiles::GROUP).saturating_add(ROW_PADDING_BYTES)
}

/// A layer's accumulator stride in i32s: its rows in whole blocks and [`ROW_PADDING_BYTES`].
fn acc_stride(layer: &PackedLayer<i8>) -> usize {
	layer.biases().len().saturating_add(ROW_PADDING_BYTES / 4)
}

/// The [`Plan`] of an [`AmxTiles::multiply`] call, if the shapes are ones the assembly handles
/// (`groups` a positive multiple of 16, `weights` whole blocks of 32 rows, at least one
/// sample) and every byte it reads or writes lies within `staged`, the weights and `acc`; see
/// [`multiply_tiles`].
fn plan(
	groups: usize,
	weights: &[i8],
	samples: usize,
	staged: &[u8],
	input_stride: usize,
	acc: &[i32],
	acc_stride: usize,
) -> Option<Plan> {
	let steps = groups.checked_div(STEP_GROUPS)?;
	let block_bytes = steps.checked_mul(STEP_BYTES)?;
	let blocks = weights.len().checked_div(block_bytes)?;
	let rows = blocks.checked_mul(BLOCK_ROWS)?;
	let tiles = samples.div_ceil(TILE_SAMPLES);
	let padded_samples = tiles.checked_mul(TILE_SAMPLES)?;
	let last = padded_samples.checked_sub(1)?;
	let step_input_bytes = steps.checked_mul(64)?;
	let inputs_end = last.checked_mul(input_stride)?.checked_add(step_input_bytes)?;
	let acc_end = last.checked_mul(acc_stride)?.checked_add(rows)?;
	let acc_stride_bytes = acc_stride.checked_mul(4)?;
	let fits = groups.checked_rem(STEP_GROUPS) == Some(0)
		&& steps >= 1
		&& blocks >= 1
		&& weights.len() == blocks.checked_mul(block_bytes)?
		&& input_stride >= step_input_bytes
		&& acc_stride >= rows
		&& inputs_end <= staged.len()
		&& acc_end <= acc.len();
	fits.then_some(Plan {
		config: &CONFIG,
		inputs: staged.as_ptr(),
		inputs_end: staged.as_ptr().wrapping_add(padded_samples.checked_mul(input_stride)?),
		weights_end: weights.as_ptr().wrapping_add(weights.len()),
		block_bytes,
		step_input_bytes,
		tile_acc_bytes: acc_stride_bytes.checked_mul(TILE_SAMPLES)?,
		tile_input_bytes: input_stride.checked_mul(TILE_SAMPLES)?,
		acc_stride_bytes,
	})
}

/// What the assembly of [`multiply_tiles`] reads from memory (there are not registers enough
/// for all of it), at the byte offsets its comments name.
#[repr(C)]
struct Plan {
	/// 0: the tile configuration.
	config: *const TileConfig,
	/// 8: sample 0's staged inputs.
	inputs: *const u8,
	/// 16: `inputs` + whole tiles of samples × input stride.
	inputs_end: *const u8,
	/// 24: the weights' end: whole blocks of 32 rows.
	weights_end: *const i8,
	/// 32: bytes of one block's weights: steps × 2 KiB.
	block_bytes: usize,
	/// 40: bytes of one sample's inputs that the steps read: steps × 64.
	step_input_bytes: usize,
	/// 48: bytes of one tile of 32 samples' accumulators.
	tile_acc_bytes: usize,
	/// 56: bytes of one tile of 32 samples' staged inputs.
	tile_input_bytes: usize,
	/// 64: bytes of one sample's accumulators.
	acc_stride_bytes: usize,
}

/// The `ldtilecfg` operand: palette 1, tiles 0..=7 of 16 rows × 64 bytes.
#[repr(C, align(64))]
struct TileConfig {
	palette: u8,
	start_row: u8,
	reserved: [u8; 14],
	/// Bytes per row of each tile (little-endian `u16`s, as x86 stores them).
	bytes_per_row: [u16; 16],
	rows: [u8; 16],
}

static CONFIG: TileConfig = TileConfig {
	palette: 1,
	start_row: 0,
	reserved: [0; 14],
	bytes_per_row: [64, 64, 64, 64, 64, 64, 64, 64, 0, 0, 0, 0, 0, 0, 0, 0],
	rows: [16, 16, 16, 16, 16, 16, 16, 16, 0, 0, 0, 0, 0, 0, 0, 0],
};

/// The loops of the module docs, in one `asm!` block.
///
/// # Safety
///
/// The CPU has AMX-TILE and AMX-INT8 and the OS lets this process use the tile state; with
/// `steps = plan.step_input_bytes / 64 ≥ 1`, `blocks ≥ 1` blocks of `plan.block_bytes = steps ·
/// 2048` bytes at `weights` (ending at `plan.weights_end`) and `tiles ≥ 1` tiles of 32 samples
/// (`plan.inputs_end = plan.inputs + tiles · plan.tile_input_bytes`, `plan.tile_input_bytes =
/// 32 · input_stride`, `plan.tile_acc_bytes = 32 · plan.acc_stride_bytes`): every sample
/// `s < 32 · tiles` has `steps · 64 ≤ input_stride` readable bytes at `plan.inputs + s ·
/// input_stride`, and `blocks · 128 ≤ plan.acc_stride_bytes` writable bytes at `acc + s ·
/// plan.acc_stride_bytes`.
#[allow(clippy::arithmetic_side_effects)] // only in the comment-free assembly's operands
unsafe fn multiply_tiles(plan: &Plan, weights: *const i8, input_stride: usize, acc: *mut i32) {
	// SAFETY: the caller's guarantees: every tile load reads 16 rows of 64 bytes within the
	// staged inputs (rows `s`, bytes `64·step..64·step + 64` of each) or within a block's
	// weights (16 groups × 128 bytes, at +0 or +64 for rows 0..16 or 16..32), and every tile
	// store writes 16 rows of 64 bytes within the accumulators (rows `s`, i32s `32·block +
	// 0..32` of each). The tiles are configured first and released last.
	unsafe {
		asm!(
			"mov {a0}, [{plan}]",
			"ldtilecfg [{a0}]",
			// Each block of 32 rows.
			"2:",
			"mov {inp}, [{plan} + 8]",
			"mov {accp}, {acc_row}",
			"mov {pf}, {w_block}",
			"add {pf}, [{plan} + 32]",
			// Each tile of 32 samples.
			"3:",
			"tilezero tmm0",
			"tilezero tmm1",
			"tilezero tmm2",
			"tilezero tmm3",
			"mov {a0}, {inp}",
			"mov {a1}, {in_stride}",
			"shl {a1}, 4",
			"add {a1}, {inp}",
			"mov {kend}, {inp}",
			"add {kend}, [{plan} + 40]",
			"mov {w}, {w_block}",
			// Each step of 64 inputs. The inputs, read once per block of rows, are loaded
			// with the streaming hint so that they do not push the block's weights, read by
			// every tile, out of L1; the next block's weights are prefetched into L2, 8
			// lines a step (a block of 32 rows is 32 lines a step, read over ≤ 4 tiles).
			"4:",
			"tileloaddt1 tmm4, [{a0} + {in_stride}*1]",
			"tileloaddt1 tmm5, [{a1} + {in_stride}*1]",
			"tileloadd tmm6, [{w} + {b_stride}*1]",
			"tileloadd tmm7, [{w} + {b_stride}*1 + 64]",
			"tdpbusd tmm0, tmm4, tmm6",
			"tdpbusd tmm1, tmm4, tmm7",
			"prefetcht1 [{pf}]",
			"prefetcht1 [{pf} + 64]",
			"prefetcht1 [{pf} + 128]",
			"prefetcht1 [{pf} + 192]",
			"prefetcht1 [{pf} + 256]",
			"prefetcht1 [{pf} + 320]",
			"prefetcht1 [{pf} + 384]",
			"prefetcht1 [{pf} + 448]",
			"add {pf}, 512",
			"tdpbusd tmm2, tmm5, tmm6",
			"tdpbusd tmm3, tmm5, tmm7",
			"add {a0}, 64",
			"add {a1}, 64",
			"add {w}, {step_bytes}",
			"cmp {a0}, {kend}",
			"jne 4b",
			"mov {kend}, [{plan} + 64]",
			"tilestored [{accp} + {kend}*1], tmm0",
			"tilestored [{accp} + {kend}*1 + 64], tmm1",
			"mov {a1}, {kend}",
			"shl {a1}, 4",
			"add {a1}, {accp}",
			"tilestored [{a1} + {kend}*1], tmm2",
			"tilestored [{a1} + {kend}*1 + 64], tmm3",
			"add {accp}, [{plan} + 48]",
			"add {inp}, [{plan} + 56]",
			"cmp {inp}, [{plan} + 16]",
			"jne 3b",
			"add {w_block}, [{plan} + 32]",
			"add {acc_row}, 128",
			"cmp {w_block}, [{plan} + 24]",
			"jne 2b",
			"tilerelease",
			plan = in(reg) plan,
			in_stride = in(reg) input_stride,
			b_stride = in(reg) BLOCK_ROWS * 4,
			step_bytes = const STEP_BYTES,
			w_block = inout(reg) weights => _,
			acc_row = inout(reg) acc => _,
			inp = out(reg) _,
			accp = out(reg) _,
			pf = out(reg) _,
			a0 = out(reg) _,
			a1 = out(reg) _,
			kend = out(reg) _,
			w = out(reg) _,
			options(nostack),
		);
	}
}

/// `cpuid`.
fn cpuid(leaf: u32, subleaf: u32) -> CpuidResult {
	// SAFETY: every x86-64 CPU has `cpuid`. (Newer Rust declares it safe: hence the allow.)
	#[allow(unused_unsafe)]
	unsafe {
		__cpuid_count(leaf, subleaf)
	}
}

/// Whether the CPU has AMX-TILE and AMX-INT8 with palette 1 as [`CONFIG`] uses it: 8 tiles
/// of up to 16 rows × 64 bytes, and `tdpbusd` on 16 × 64-byte operands.
fn cpu_has_amx_int8() -> bool {
	if cpuid(0, 0).eax < 0x1e {
		return false;
	}
	// Leaf 7: EDX bit 24 AMX-TILE, bit 25 AMX-INT8.
	let features = cpuid(7, 0).edx;
	if features & (1 << 24) == 0 || features & (1 << 25) == 0 {
		return false;
	}
	// Leaf 0x1d: the palettes; subleaf 1 is palette 1.
	if cpuid(0x1d, 0).eax < 1 {
		return false;
	}
	let palette = cpuid(0x1d, 1);
	let bytes_per_row = palette.ebx & 0xffff;
	let tiles = palette.ebx >> 16;
	let max_rows = palette.ecx & 0xffff;
	// Leaf 0x1e: the TMUL unit's largest K (rows of B) and N (bytes of a row of B).
	let tmul = cpuid(0x1e, 0);
	let max_k = tmul.ebx & 0xff;
	let max_n = (tmul.ebx >> 8) & 0xffff;
	bytes_per_row >= 64 && tiles >= 8 && max_rows >= 16 && max_k >= 16 && max_n >= 64
}

/// Whether the OS saves and restores the tile configuration and data (XCR0 bits 17 and 18).
fn os_saves_tiles() -> bool {
	// `xgetbv` faults unless the OS set CR4.OSXSAVE (CPUID.1:ECX bit 27).
	if cpuid(1, 0).ecx & (1 << 27) == 0 {
		return false;
	}
	// SAFETY: OSXSAVE is set, so `xgetbv` exists and XCR0 is readable.
	let xcr0 = unsafe { xcr0() };
	xcr0 & (3 << 17) == 3 << 17
}

/// XCR0.
///
/// # Safety
///
/// CR4.OSXSAVE is set.
#[target_feature(enable = "xsave")]
unsafe fn xcr0() -> u64 {
	// SAFETY: the caller's guarantee. (Newer Rust declares it safe here: hence the allow.)
	#[allow(unused_unsafe)]
	unsafe {
		_xgetbv(0)
	}
}

/// Whether this process may use the tile data state: Linux (since 5.16) requires asking for
/// it once per process with `arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA)`; the answer
/// is remembered.
#[cfg(target_os = "linux")]
fn tiles_permitted() -> bool {
	static PERMITTED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
	*PERMITTED.get_or_init(|| {
		const SYS_ARCH_PRCTL: usize = 158;
		const ARCH_GET_XCOMP_PERM: usize = 0x1022;
		const ARCH_REQ_XCOMP_PERM: usize = 0x1023;
		const XFEATURE_XTILEDATA: usize = 18;
		let requested: isize;
		// SAFETY: `arch_prctl(ARCH_REQ_XCOMP_PERM, 18)` changes only the process's permission
		// to use the tile data state, and reads no memory; `syscall` clobbers rcx and r11.
		unsafe {
			asm!(
				"syscall",
				inlateout("rax") SYS_ARCH_PRCTL => requested,
				in("rdi") ARCH_REQ_XCOMP_PERM,
				in("rsi") XFEATURE_XTILEDATA,
				lateout("rcx") _,
				lateout("r11") _,
				options(nostack),
			);
		}
		let mut permitted = 0u64;
		let got: isize;
		// SAFETY: `arch_prctl(ARCH_GET_XCOMP_PERM, &permitted)` writes the permitted features'
		// mask, one u64, to `permitted`; `syscall` clobbers rcx and r11.
		unsafe {
			asm!(
				"syscall",
				inlateout("rax") SYS_ARCH_PRCTL => got,
				in("rdi") ARCH_GET_XCOMP_PERM,
				in("rsi") &raw mut permitted,
				lateout("rcx") _,
				lateout("r11") _,
				options(nostack),
			);
		}
		requested == 0 && got == 0 && permitted & (1 << XFEATURE_XTILEDATA) != 0
	})
}

/// Elsewhere: not known how to ask, so not used.
#[cfg(not(target_os = "linux"))]
fn tiles_permitted() -> bool {
	false
}
