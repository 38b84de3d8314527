//! The AVX2 kernel, for CPUs without VNNI: inputs and weights widened to i16 (inputs when
//! staged, weights when packed), then `vpmaddwd` adds, in each of 8 lanes, two i16 × i16
//! products into an i32, exactly: a pair sums to at most 2 · 255 · 128 = 65 280 in magnitude,
//! far from `vpmaddwd`'s only saturating case (both pairs -32 768 · -32 768).
//!
//! AVX2's u8 × i8 instruction, `vpmaddubsw`, is deliberately not used: it saturates each pair
//! sum to i16, and 255 · 127 · 2 = 64 770 > 32 767, so it would clip real models' sums.
//!
//! A tile is up to 4 samples × 16 rows: 8 accumulators, 2 weight vectors, a broadcast input
//! and a product in the 16 `ymm` registers. [`requantize`] is also the AVX-VNNI kernel's.
//!
//! One of the crate's four modules with `unsafe` code: the intrinsics need the features
//! [`Avx2Tiles::detect`] checks, the loads and stores the bounds [`Tile::fits`] checks.

#![allow(unsafe_code)]

use core::arch::x86_64::{
	__m256i, _mm256_add_epi32, _mm256_add_epi64, _mm256_and_si256, _mm256_blend_epi32,
	_mm256_cmpgt_epi32, _mm256_extract_epi64, _mm256_loadu_si256, _mm256_madd_epi16,
	_mm256_max_epi32, _mm256_min_epi32, _mm256_mul_epi32, _mm256_packus_epi16, _mm256_packus_epi32,
	_mm256_permutevar8x32_epi32, _mm256_set1_epi32, _mm256_set1_epi64x, _mm256_setr_epi32,
	_mm256_setzero_si256, _mm256_slli_epi64, _mm256_srai_epi32, _mm256_srav_epi32,
	_mm256_srli_epi64, _mm256_storeu_si256, _mm256_sub_epi32,
};

use super::tile::{requantize_each, OutOfBounds, Packing, RoundingMasks, Tile, TileKernel};
use crate::model::Requantization;

/// The AVX2 kernel; a value exists only on a CPU that has AVX2.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Avx2Tiles {
	_detected: (),
}

impl Avx2Tiles {
	/// The kernel, if the CPU has AVX2.
	pub(crate) fn detect() -> Option<Self> {
		std::arch::is_x86_feature_detected!("avx2").then_some(Self { _detected: () })
	}
}

/// Rows per `ymm` vector.
const LANES: usize = 8;

impl Packing for Avx2Tiles {
	const GROUP: usize = 2;
	const LANE_ROWS: usize = LANES;
	const BLOCK_ROWS: usize = 2 * LANES;
	type Weight = i16;
}

impl TileKernel for Avx2Tiles {
	const TILE_SAMPLES: usize = 4;
	type Input = u16;

	fn accumulate_tile(self, tile: Tile<'_, Self>) -> Result<(), OutOfBounds> {
		if !tile.fits() {
			return Err(OutOfBounds);
		}
		// SAFETY: `self` exists only if `detect` found AVX2, and `fits` checked the bounds
		// `accumulate` requires.
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
		unsafe { requantize(acc, requantization, out) };
		Ok(())
	}
}

/// Dispatches a tile to the microkernel of its shape.
///
/// # Safety
///
/// The CPU has AVX2, and `tile.fits()`.
#[target_feature(enable = "avx2")]
unsafe fn accumulate(tile: Tile<'_, Avx2Tiles>) {
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
			// `fits` admits no other shape.
			_ => {}
		}
	}
}

/// `S` samples × `V` vectors of 8 rows: the accumulators stay in registers over all groups.
///
/// # Safety
///
/// The CPU has AVX2, `tile.fits()`, `tile.samples == S` and `tile.width == 8 · V`.
#[target_feature(enable = "avx2")]
// Indices are below the arrays' constant lengths; offsets stay within the sizes `fits`
// checked, so none of this arithmetic overflows.
#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
unsafe fn microkernel<const S: usize, const V: usize>(tile: Tile<'_, Avx2Tiles>) {
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
			// SAFETY: group < groups: the group's width·2 = V·16 i16 lie within the panel.
			*w = unsafe { _mm256_loadu_si256(weights.add(v * 16).cast()) };
		}
		for (s, sample_sums) in sums.iter_mut().enumerate() {
			// SAFETY: s < samples and 2·group + 2 ≤ 2·groups: within `inputs`.
			let x = unsafe {
				inputs.add(s * tile.input_stride + 2 * group).cast::<i32>().read_unaligned()
			};
			let x = _mm256_set1_epi32(x);
			for (sum, &w) in sample_sums.iter_mut().zip(&w) {
				*sum = _mm256_add_epi32(*sum, _mm256_madd_epi16(x, w));
			}
		}
		// SAFETY: stays within the panel, or one past its end after the last group.
		weights = unsafe { weights.add(V * 16) };
	}
	for (s, sample_sums) in sums.iter().enumerate() {
		for (v, &sum) in sample_sums.iter().enumerate() {
			// SAFETY: the same 8 i32 the loop above loaded.
			unsafe { _mm256_storeu_si256(acc.add(s * tile.acc_stride + v * LANES).cast(), sum) };
		}
	}
}

/// [`crate::reference::requantize`] on 8 lanes at a time, the tail element by element; the
/// same steps as the AVX-512 kernel's (`vpmuldq` products, bits 31..62, the reference's
/// rounding shift, the clamp), narrowed with two unsigned saturating packs.
///
/// # Safety
///
/// The CPU has AVX2, and `out.len() == acc.len()`.
#[target_feature(enable = "avx2")]
pub(crate) unsafe fn requantize(acc: &[i32], requantization: Requantization, out: &mut [u8]) {
	let masks = RoundingMasks::new(requantization.shift());
	let multiplier = _mm256_set1_epi32(requantization.multiplier());
	let nudge = _mm256_set1_epi64x(1 << 30);
	let mask = _mm256_set1_epi32(masks.mask);
	let half = _mm256_set1_epi32(masks.half);
	let shift = _mm256_set1_epi32(masks.shift);
	let zero = _mm256_setzero_si256();
	let max = _mm256_set1_epi32(255);
	// Dword 0 of each 128-bit half holds 4 result bytes after the packs.
	let gather = _mm256_setr_epi32(0, 4, 0, 0, 0, 0, 0, 0);

	let mut acc_chunks = acc.chunks_exact(LANES);
	let mut out_chunks = out.chunks_exact_mut(LANES);
	for (sums, bytes) in (&mut acc_chunks).zip(&mut out_chunks) {
		// SAFETY: `sums` has exactly 8 i32.
		let sums: __m256i = unsafe { _mm256_loadu_si256(sums.as_ptr().cast()) };
		let even = _mm256_add_epi64(_mm256_mul_epi32(sums, multiplier), nudge);
		let odd =
			_mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64::<32>(sums), multiplier), nudge);
		// Bits 31..62: to the low half of the even lanes, the high half of the odd ones.
		let scaled = _mm256_blend_epi32::<0b1010_1010>(
			_mm256_srli_epi64::<31>(even),
			_mm256_slli_epi64::<1>(odd),
		);
		let remainder = _mm256_and_si256(scaled, mask);
		// (mask >> 1) + 1 for negative values: subtracting the sign (-1 or 0).
		let threshold = _mm256_sub_epi32(half, _mm256_srai_epi32::<31>(scaled));
		let shifted = _mm256_srav_epi32(scaled, shift);
		// -1 where the remainder is above the threshold: subtracting it rounds up.
		let rounded = _mm256_sub_epi32(shifted, _mm256_cmpgt_epi32(remainder, threshold));
		let clamped = _mm256_min_epi32(_mm256_max_epi32(rounded, zero), max);
		let words = _mm256_packus_epi32(clamped, clamped);
		let packed = _mm256_permutevar8x32_epi32(_mm256_packus_epi16(words, words), gather);
		bytes.copy_from_slice(&_mm256_extract_epi64::<0>(packed).to_le_bytes());
	}
	requantize_each(acc_chunks.remainder(), requantization, out_chunks.into_remainder());
}
