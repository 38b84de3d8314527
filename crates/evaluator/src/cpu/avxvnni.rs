//! The AVX-VNNI kernel, for CPUs with VNNI but not AVX-512 (Alder Lake and later client
//! cores, Zen 5 desktop parts): the VEX-encoded `vpdpbusd ymm` adds, in each of 8 lanes, four
//! u8 × i8 products to an i32 accumulator, exactly, as the AVX-512 kernel does on 16.
//!
//! A tile is up to 6 samples × 16 rows: 12 accumulators, 2 weight vectors and a broadcast
//! input in the 16 `ymm` registers. Requantization is the AVX2 kernel's.
//!
//! One of the crate's four modules with `unsafe` code: the intrinsics need the features
//! [`AvxVnniTiles::detect`] checks, the loads and stores the bounds [`Tile::fits`] checks.

#![allow(unsafe_code)]

use core::arch::x86_64::{
	_mm256_dpbusd_avx_epi32, _mm256_loadu_si256, _mm256_set1_epi32, _mm256_setzero_si256,
	_mm256_storeu_si256,
};

use super::{
	avx2,
	tile::{OutOfBounds, Packing, Tile, TileKernel},
};
use crate::model::Requantization;

/// The AVX-VNNI kernel; a value exists only on a CPU that has AVX2 and AVX-VNNI.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AvxVnniTiles {
	_detected: (),
}

impl AvxVnniTiles {
	/// The kernel, if the CPU has AVX2 and AVX-VNNI.
	pub(crate) fn detect() -> Option<Self> {
		let detected = std::arch::is_x86_feature_detected!("avx2")
			&& std::arch::is_x86_feature_detected!("avxvnni");
		detected.then_some(Self { _detected: () })
	}
}

/// Rows per `ymm` vector.
const LANES: usize = 8;

impl Packing for AvxVnniTiles {
	const GROUP: usize = 4;
	const LANE_ROWS: usize = LANES;
	const BLOCK_ROWS: usize = 2 * LANES;
	type Weight = i8;
}

impl TileKernel for AvxVnniTiles {
	const TILE_SAMPLES: usize = 6;
	type Input = u8;

	fn accumulate_tile(self, tile: Tile<'_, Self>) -> Result<(), OutOfBounds> {
		if !tile.fits() {
			return Err(OutOfBounds);
		}
		// SAFETY: `self` exists only if `detect` found the features `accumulate` enables, and
		// `fits` checked the bounds it requires.
		unsafe { accumulate(tile) };
		Ok(())
	}

	fn requantize(
		self,
		acc: &[i32],
		requantization: Requantization,
		out: &mut [u8],
	) -> Result<(), OutOfBounds> {
		if acc.len() != out.len() {
			return Err(OutOfBounds);
		}
		// SAFETY: `self` exists only if `detect` found AVX2.
		unsafe { avx2::requantize(acc, requantization, out) };
		Ok(())
	}
}

/// Dispatches a tile to the microkernel of its shape.
///
/// # Safety
///
/// The CPU has AVX2 and AVX-VNNI, and `tile.fits()`.
#[target_feature(enable = "avx2,avxvnni")]
unsafe fn accumulate(tile: Tile<'_, AvxVnniTiles>) {
	// SAFETY (every arm): the caller's guarantees, and the arm's sample and vector counts are
	// the tile's own.
	unsafe {
		match (tile.samples, tile.width.checked_div(LANES).unwrap_or(0)) {
			(1, 1) => microkernel::<1, 1>(tile),
			(1, 2) => microkernel::<1, 2>(tile),
			(2, 1) => microkernel::<2, 1>(tile),
			(2, 2) => microkernel::<2, 2>(tile),
			(3, 1) => microkernel::<3, 1>(tile),
			(3, 2) => microkernel::<3, 2>(tile),
			(4, 1) => microkernel::<4, 1>(tile),
			(4, 2) => microkernel::<4, 2>(tile),
			(5, 1) => microkernel::<5, 1>(tile),
			(5, 2) => microkernel::<5, 2>(tile),
			(6, 1) => microkernel::<6, 1>(tile),
			(6, 2) => microkernel::<6, 2>(tile),
			// `fits` admits no other shape.
			_ => {}
		}
	}
}

/// `S` samples × `V` vectors of 8 rows: the accumulators stay in registers over all groups.
///
/// # Safety
///
/// The CPU has AVX2 and AVX-VNNI, `tile.fits()`, `tile.samples == S` and
/// `tile.width == 8 · V`.
#[target_feature(enable = "avx2,avxvnni")]
// Indices are below the arrays' constant lengths; offsets stay within the sizes `fits`
// checked, so none of this arithmetic overflows.
#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
unsafe fn microkernel<const S: usize, const V: usize>(tile: Tile<'_, AvxVnniTiles>) {
	let inputs = tile.inputs.as_ptr();
	let acc = tile.acc.as_mut_ptr();
	let mut sums = [[_mm256_setzero_si256(); V]; S];
	for (s, sample_sums) in sums.iter_mut().enumerate() {
		for (v, sum) in sample_sums.iter_mut().enumerate() {
			// SAFETY: s < samples and 8·v + 8 ≤ width, so the 8 i32 lie within `acc`.
			*sum = unsafe { _mm256_loadu_si256(acc.add(s * tile.acc_stride + v * LANES).cast()) };
		}
	}
	let mut weights = tile.panel.as_ptr();
	for group in 0..tile.groups {
		let mut w = [_mm256_setzero_si256(); V];
		for (v, w) in w.iter_mut().enumerate() {
			// SAFETY: group < groups: the group's width·4 = V·32 bytes lie within the panel.
			*w = unsafe { _mm256_loadu_si256(weights.add(v * 32).cast()) };
		}
		for (s, sample_sums) in sums.iter_mut().enumerate() {
			// SAFETY: s < samples and 4·group + 4 ≤ 4·groups: within `inputs`.
			let x = unsafe {
				inputs.add(s * tile.input_stride + 4 * group).cast::<i32>().read_unaligned()
			};
			let x = _mm256_set1_epi32(x);
			for (sum, &w) in sample_sums.iter_mut().zip(&w) {
				*sum = _mm256_dpbusd_avx_epi32(*sum, x, w);
			}
		}
		// SAFETY: stays within the panel, or one past its end after the last group.
		weights = unsafe { weights.add(V * 32) };
	}
	for (s, sample_sums) in sums.iter().enumerate() {
		for (v, &sum) in sample_sums.iter().enumerate() {
			// SAFETY: the same 8 i32 the loop above loaded.
			unsafe { _mm256_storeu_si256(acc.add(s * tile.acc_stride + v * LANES).cast(), sum) };
		}
	}
}
