//! The AVX-512 VNNI kernel: `vpdpbusd zmm` adds, in each of 16 lanes, four u8 × i8 products
//! to an i32 accumulator, exactly (no intermediate saturation; see [`crate::cpu`]). One lane
//! is one output row, so one instruction does 16 rows × 4 inputs of one sample.
//!
//! A tile is up to 6 samples × 64 rows: 24 accumulators, 4 weight vectors and one broadcast
//! input in the 32 `zmm` registers. `vpdpbusd zmm` issues once a cycle on Sapphire Rapids
//! (port 0), and this loop keeps it busy: one core's ceiling is 64 multiply-accumulates a cycle
//! whatever the tile (larger tiles only save loads, which are not the bottleneck). The
//! AMX kernel ([`super::amx`]) is the way past it.
//!
//! Requantization runs 16 lanes at a time with exact 64-bit products (`vpmuldq`) and one
//! 64-bit rounding shift; see [`Requantizer`]. The AMX kernel uses it too, with the biases
//! added here ([`Avx512VnniTiles::requantize_biased`]).
//!
//! This is one of the crate's four modules with `unsafe` code: the intrinsics need the
//! features that [`Avx512VnniTiles::detect`] checks, and the loads and stores need the bounds
//! that [`Tile::fits`] checks. Both are checked before any `unsafe` block runs.

#![allow(unsafe_code)]

use core::arch::x86_64::{
	__m128i, __m512i, _mm512_add_epi32, _mm512_add_epi64, _mm512_cvtusepi32_epi8,
	_mm512_dpbusd_epi32, _mm512_loadu_si512, _mm512_mask_shuffle_epi32, _mm512_max_epi32,
	_mm512_mul_epi32, _mm512_set1_epi32, _mm512_set1_epi64, _mm512_setzero_si512,
	_mm512_shuffle_epi32, _mm512_sra_epi64, _mm512_storeu_si512, _mm_cvtsi64_si128,
	_mm_storeu_si128, _MM_PERM_CDAB, _MM_PERM_ENUM,
};

use super::tile::{requantize_each, OutOfBounds, Packing, Tile, TileKernel};
use crate::model::Requantization;

/// The AVX-512 VNNI kernel; a value exists only on a CPU that has its features.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Avx512VnniTiles {
	_detected: (),
}

impl Avx512VnniTiles {
	/// The kernel, if the CPU has AVX-512 F, BW and VNNI.
	pub(crate) fn detect() -> Option<Self> {
		let detected = std::arch::is_x86_feature_detected!("avx512f")
			&& std::arch::is_x86_feature_detected!("avx512bw")
			&& std::arch::is_x86_feature_detected!("avx512vnni");
		detected.then_some(Self { _detected: () })
	}
}

impl Avx512VnniTiles {
	/// `out[i] = reference::requantize(acc[i] + biases[i], requantization)` for every `i`: the
	/// AMX kernel's requantization, which adds the biases here rather than before the sums.
	pub(crate) fn requantize_biased(
		self,
		acc: &[i32],
		biases: &[i32],
		requantization: Requantization,
		out: &mut [u8],
	) -> Result<(), OutOfBounds> {
		if acc.len() != out.len() || biases.len() != out.len() {
			return Err(OutOfBounds);
		}
		// SAFETY: `self` exists only if `detect` found AVX-512 F; the lengths are equal.
		unsafe { requantize_biased(acc, biases, requantization, out) };
		Ok(())
	}
}

/// Rows per `zmm` vector.
const LANES: usize = 16;

impl Packing for Avx512VnniTiles {
	const GROUP: usize = 4;
	const LANE_ROWS: usize = LANES;
	const BLOCK_ROWS: usize = 4 * LANES;
	type Weight = i8;
}

impl TileKernel for Avx512VnniTiles {
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
		// SAFETY: `self` exists only if `detect` found AVX-512 F.
		unsafe { requantize(acc, requantization, out) };
		Ok(())
	}
}

/// Dispatches a tile to the microkernel of its shape.
///
/// # Safety
///
/// The CPU has AVX-512 F, BW and VNNI, and `tile.fits()`.
#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
unsafe fn accumulate(tile: Tile<'_, Avx512VnniTiles>) {
	// SAFETY (every arm): the caller's guarantees, and the arm's sample and vector counts are
	// the tile's own.
	unsafe {
		match (tile.samples, tile.width.checked_div(LANES).unwrap_or(0)) {
			(1, 1) => microkernel::<1, 1>(tile),
			(1, 2) => microkernel::<1, 2>(tile),
			(1, 3) => microkernel::<1, 3>(tile),
			(1, 4) => microkernel::<1, 4>(tile),
			(2, 1) => microkernel::<2, 1>(tile),
			(2, 2) => microkernel::<2, 2>(tile),
			(2, 3) => microkernel::<2, 3>(tile),
			(2, 4) => microkernel::<2, 4>(tile),
			(3, 1) => microkernel::<3, 1>(tile),
			(3, 2) => microkernel::<3, 2>(tile),
			(3, 3) => microkernel::<3, 3>(tile),
			(3, 4) => microkernel::<3, 4>(tile),
			(4, 1) => microkernel::<4, 1>(tile),
			(4, 2) => microkernel::<4, 2>(tile),
			(4, 3) => microkernel::<4, 3>(tile),
			(4, 4) => microkernel::<4, 4>(tile),
			(5, 1) => microkernel::<5, 1>(tile),
			(5, 2) => microkernel::<5, 2>(tile),
			(5, 3) => microkernel::<5, 3>(tile),
			(5, 4) => microkernel::<5, 4>(tile),
			(6, 1) => microkernel::<6, 1>(tile),
			(6, 2) => microkernel::<6, 2>(tile),
			(6, 3) => microkernel::<6, 3>(tile),
			(6, 4) => microkernel::<6, 4>(tile),
			// `fits` admits no other shape.
			_ => {}
		}
	}
}

/// `S` samples × `V` vectors of 16 rows: the accumulators stay in registers over all groups.
///
/// # Safety
///
/// The CPU has AVX-512 F, BW and VNNI, `tile.fits()`, `tile.samples == S` and
/// `tile.width == 16 · V`.
#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
// Indices are below the arrays' constant lengths; offsets stay within the sizes `fits`
// checked, so none of this arithmetic overflows.
#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
unsafe fn microkernel<const S: usize, const V: usize>(tile: Tile<'_, Avx512VnniTiles>) {
	let inputs = tile.inputs.as_ptr();
	let acc = tile.acc.as_mut_ptr();
	let mut sums = [[_mm512_setzero_si512(); V]; S];
	for (s, sample_sums) in sums.iter_mut().enumerate() {
		for (v, sum) in sample_sums.iter_mut().enumerate() {
			// SAFETY: s < samples and 16·v + 16 ≤ width, so the 16 i32 lie within `acc`.
			*sum = unsafe { _mm512_loadu_si512(acc.add(s * tile.acc_stride + v * LANES).cast()) };
		}
	}
	let mut weights = tile.panel.as_ptr();
	for group in 0..tile.groups {
		let mut w = [_mm512_setzero_si512(); V];
		for (v, w) in w.iter_mut().enumerate() {
			// SAFETY: group < groups: the group's width·4 = V·64 bytes lie within the panel.
			*w = unsafe { _mm512_loadu_si512(weights.add(v * 64).cast()) };
		}
		for (s, sample_sums) in sums.iter_mut().enumerate() {
			// SAFETY: s < samples and 4·group + 4 ≤ 4·groups: within `inputs`.
			let x = unsafe {
				inputs.add(s * tile.input_stride + 4 * group).cast::<i32>().read_unaligned()
			};
			let x = _mm512_set1_epi32(x);
			for (sum, &w) in sample_sums.iter_mut().zip(&w) {
				*sum = _mm512_dpbusd_epi32(*sum, x, w);
			}
		}
		// SAFETY: stays within the panel, or one past its end after the last group.
		weights = unsafe { weights.add(V * 64) };
	}
	for (s, sample_sums) in sums.iter().enumerate() {
		for (v, &sum) in sample_sums.iter().enumerate() {
			// SAFETY: the same 16 i32 the loop above loaded.
			unsafe { _mm512_storeu_si512(acc.add(s * tile.acc_stride + v * LANES).cast(), sum) };
		}
	}
}

/// [`crate::reference::requantize`] on 16 lanes at a time, the tail element by element.
///
/// # Safety
///
/// The CPU has AVX-512 F, and `out.len() == acc.len()`.
#[target_feature(enable = "avx512f")]
unsafe fn requantize(acc: &[i32], requantization: Requantization, out: &mut [u8]) {
	let requantizer = Requantizer::new(requantization);
	let mut acc_chunks = acc.chunks_exact(LANES);
	let mut out_chunks = out.chunks_exact_mut(LANES);
	for (sums, bytes) in (&mut acc_chunks).zip(&mut out_chunks) {
		// SAFETY: `sums` has exactly 16 i32.
		let sums: __m512i = unsafe { _mm512_loadu_si512(sums.as_ptr().cast()) };
		// SAFETY: `bytes` has exactly 16 bytes.
		unsafe { _mm_storeu_si128(bytes.as_mut_ptr().cast(), requantizer.apply(sums)) };
	}
	requantize_each(acc_chunks.remainder(), requantization, out_chunks.into_remainder());
}

/// `out[i] = reference::requantize(acc[i] + biases[i])` on 16 lanes at a time, the tail
/// element by element. The sums are exact: `acc[i] + biases[i]` is a whole accumulator, within
/// [`crate::model::MAX_ABS_ACCUMULATOR`].
///
/// # Safety
///
/// The CPU has AVX-512 F, and `acc`, `biases` and `out` have the same length.
#[target_feature(enable = "avx512f")]
unsafe fn requantize_biased(
	acc: &[i32],
	biases: &[i32],
	requantization: Requantization,
	out: &mut [u8],
) {
	let requantizer = Requantizer::new(requantization);
	let mut acc_chunks = acc.chunks_exact(LANES);
	let mut bias_chunks = biases.chunks_exact(LANES);
	let mut out_chunks = out.chunks_exact_mut(LANES);
	for ((sums, bias), bytes) in (&mut acc_chunks).zip(&mut bias_chunks).zip(&mut out_chunks) {
		// SAFETY: `sums` and `bias` have exactly 16 i32.
		let (sums, bias): (__m512i, __m512i) = unsafe {
			(_mm512_loadu_si512(sums.as_ptr().cast()), _mm512_loadu_si512(bias.as_ptr().cast()))
		};
		let sums = _mm512_add_epi32(sums, bias);
		// SAFETY: `bytes` has exactly 16 bytes.
		unsafe { _mm_storeu_si128(bytes.as_mut_ptr().cast(), requantizer.apply(sums)) };
	}
	let tail = acc_chunks.remainder().iter().zip(bias_chunks.remainder());
	for (value, (&sum, &bias)) in out_chunks.into_remainder().iter_mut().zip(tail) {
		*value = crate::reference::requantize(sum.wrapping_add(bias), requantization);
	}
}

/// The vector form of [`crate::reference::requantize`].
///
/// The reference computes `x = srdhm(acc, m) = floor((acc · m + 2^30) / 2^31)` (its nudged,
/// truncating division is this floor), then `rounding_divide_by_pot(x, e)` (ties away from
/// zero) and the clamp to 0..=255. Because of the clamp, ties away from zero may be ties
/// upward: for `x ≥ 0` they are the same, and for `x < 0` both results are `≤ 0`, so clamp to
/// 0. With `h = 2^(e-1)` (`0` for `e = 0`), `floor((x + h) / 2^e)` nests with the first floor
/// into one: `y = floor((acc · m + 2^30 + h · 2^31) / 2^(31 + e))`. The product is exact in 64
/// bits (`vpmuldq`, on the even lanes and on the odd ones swapped into their place; `|acc · m|
/// < 2^62`) and so is the sum (`< 2^62 + 2^61 + 2^30`); the floor is an arithmetic shift by `31
/// + e ≤ 62` (`vpsraq`). `y` fits an i32 (`-2^31 < y < 2^31` for every i32 `acc` and `m ≥ 0`),
/// so the low halves of the 64-bit results are the values: merged into 16 lanes, raised to 0
/// and narrowed to bytes with unsigned saturation at 255 (`vpmovusdb`).
#[derive(Clone, Copy)]
struct Requantizer {
	multiplier: __m512i,
	nudge: __m512i,
	shift: __m128i,
	zero: __m512i,
}

/// `vpshufd` order that swaps the two 32-bit halves of every 64-bit lane.
const SWAP_HALVES: _MM_PERM_ENUM = _MM_PERM_CDAB;

impl Requantizer {
	#[target_feature(enable = "avx512f")]
	fn new(requantization: Requantization) -> Self {
		// Shifts above 31 act as 31, as in the reference.
		let shift = requantization.shift().min(31);
		// 2^30 + h · 2^31 = 2^30 + 2^(30 + e) for e ≥ 1: at most 2^61 + 2^30.
		let half = if shift == 0 { 0 } else { 1i64 << shift.saturating_add(30) };
		let nudge = (1i64 << 30) | half;
		Self {
			multiplier: _mm512_set1_epi32(requantization.multiplier()),
			nudge: _mm512_set1_epi64(nudge),
			shift: _mm_cvtsi64_si128(i64::from(shift.saturating_add(31))),
			zero: _mm512_setzero_si512(),
		}
	}

	/// The 16 requantized bytes of 16 accumulators.
	#[target_feature(enable = "avx512f")]
	#[inline]
	fn apply(&self, sums: __m512i) -> __m128i {
		let even = _mm512_mul_epi32(sums, self.multiplier);
		let odd = _mm512_mul_epi32(_mm512_shuffle_epi32::<SWAP_HALVES>(sums), self.multiplier);
		let even = _mm512_sra_epi64(_mm512_add_epi64(even, self.nudge), self.shift);
		let odd = _mm512_sra_epi64(_mm512_add_epi64(odd, self.nudge), self.shift);
		// The odd results' low halves into the odd 32-bit lanes.
		let merged = _mm512_mask_shuffle_epi32::<SWAP_HALVES>(even, 0xaaaa, odd);
		_mm512_cvtusepi32_epi8(_mm512_max_epi32(merged, self.zero))
	}
}
