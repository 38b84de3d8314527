//! Fixed-point arithmetic for the epoch: exact floor divisions and conversions.
//!
//! Every fraction is a [`Fixed`] with 32 fractional bits ([`ONE`] = 2^32). Products of two
//! fractions are taken exactly in `u128` ([`mul_fractions`], [`mul_wide`], [`WideFactor`]) and
//! only divided back at the end, so that sums of products carry no intermediate rounding. Divisions that normalise many values by one
//! sum go through a [`Normaliser`], which replaces the `u128` division by a multiplication with a
//! precomputed reciprocal and one correction step, and still returns the exact floor. The
//! epoch's inner loops use two narrower variants with the same results: [`RowNormaliser`] (a
//! row's `u16` weights, all in `u64`) and [`SumNormaliser`] (a column's sums, one `u64 × u64`
//! high product for any sum up to `2^63`), since `u128` products and divisions are library
//! calls on wasm32.

use crate::{Fixed, U16Fraction, ONE};

/// `2^96`, the numerator of a [`Normaliser`]'s reciprocal.
const TWO_POW_96: u128 = 1 << 96;

/// `2^64`: the largest numerator the reciprocal path of a [`Normaliser`] is exact for.
const TWO_POW_64: u128 = 1 << 64;

/// `2^32`, as the boundary between the [`SumNormaliser`]'s small and medium denominators.
const TWO_POW_32: u64 = 1 << 32;

/// `2^63`: a [`SumNormaliser`]'s remainders stay below `2^64` for denominators up to here.
const TWO_POW_63: u64 = 1 << 63;

/// The exact product of two `u64`s; it cannot overflow: `(2^64 - 1)^2 < 2^128`.
#[cfg(not(target_arch = "wasm32"))]
#[inline(always)]
pub fn mul_wide(a: u64, b: u64) -> u128 {
	u128::from(a).wrapping_mul(u128::from(b))
}

/// The exact product of two `u64`s, from [`mul_hi`] and the low half: wasm32 has no `u128`
/// multiply, and `core`'s is a call that multiplies two full `u128`s.
#[cfg(target_arch = "wasm32")]
#[inline(always)]
pub fn mul_wide(a: u64, b: u64) -> u128 {
	u128::from(mul_hi(a, b)).wrapping_shl(64) | u128::from(a.wrapping_mul(b))
}

/// The high 64 bits of the product of two `u64`s.
#[cfg(not(target_arch = "wasm32"))]
#[inline(always)]
pub fn mul_hi(a: u64, b: u64) -> u64 {
	// The high half of a `u128` below `2^128` fits a `u64`.
	u64::try_from(u128::from(a).wrapping_mul(u128::from(b)).wrapping_shr(64)).unwrap_or(u64::MAX)
}

/// The high 64 bits of the product of two `u64`s (wasm32: four `u64` products of halves).
#[cfg(target_arch = "wasm32")]
#[inline(always)]
pub fn mul_hi(a: u64, b: u64) -> u64 {
	mul_hi_by_halves(a, b)
}

/// The high 64 bits of `a · b` from 32-bit halves, with `u64` arithmetic only.
#[cfg_attr(not(any(target_arch = "wasm32", test)), allow(dead_code))]
#[inline(always)]
pub fn mul_hi_by_halves(a: u64, b: u64) -> u64 {
	const LOW: u64 = (1 << 32) - 1;
	let (a_lo, a_hi) = (a & LOW, a.wrapping_shr(32));
	let (b_lo, b_hi) = (b & LOW, b.wrapping_shr(32));
	// Each product of halves is below `2^64`; `middle < 3 · 2^32`; the high half cannot
	// overflow since the whole product is below `2^128`.
	let low_low = a_lo.wrapping_mul(b_lo);
	let low_high = a_lo.wrapping_mul(b_hi);
	let high_low = a_hi.wrapping_mul(b_lo);
	let middle = low_low.wrapping_shr(32).wrapping_add(low_high & LOW).wrapping_add(high_low & LOW);
	a_hi.wrapping_mul(b_hi)
		.wrapping_add(low_high.wrapping_shr(32))
		.wrapping_add(high_low.wrapping_shr(32))
		.wrapping_add(middle.wrapping_shr(32))
}

/// The exact product of two fractions `a, b ≤ ONE`: the epoch's `S_i · W_ij` products. On
/// wasm32 (see [`mul_fractions_by_u64`]) one `u64` multiply instead of [`mul_wide`]'s four;
/// natively the 128-bit product is one instruction already.
#[cfg(not(target_arch = "wasm32"))]
#[inline(always)]
pub fn mul_fractions(a: Fixed, b: Fixed) -> u128 {
	mul_wide(a, b)
}

/// The exact product of two fractions `a, b ≤ ONE` (wasm32: [`mul_fractions_by_u64`]).
#[cfg(target_arch = "wasm32")]
#[inline(always)]
pub fn mul_fractions(a: Fixed, b: Fixed) -> u128 {
	mul_fractions_by_u64(a, b)
}

/// `a · b` for fractions `a, b ≤ ONE`, with one `u64` multiply: the product is below `2^64`
/// unless both are [`ONE`], and `2^64` is the only product with bit 64 set (bit 32 is set in a
/// fraction `≤ ONE` only when it is `ONE`), so the low 64 bits and that bit make it exactly.
#[cfg_attr(not(any(target_arch = "wasm32", test)), allow(dead_code))]
#[inline(always)]
pub fn mul_fractions_by_u64(a: Fixed, b: Fixed) -> u128 {
	u128::from((a & b).wrapping_shr(32)).wrapping_shl(64) | u128::from(a.wrapping_mul(b))
}

/// One factor `x < 2^96` to multiply many fractions `b ≤ ONE` by (the dividends' `B_ij · R_j`).
/// On wasm32 it is split in 32-bit parts, `x · b = Σ_k (x_k · b) · 2^(32k)` with each
/// `x_k · b < 2^64`: three `u64` multiplies instead of two 128-bit products.
#[derive(Clone, Copy, Debug)]
pub struct WideFactor {
	#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
	x: u128,
	parts: [u64; 3],
}

impl WideFactor {
	/// `x`'s low 96 bits.
	pub fn new(x: u128) -> Self {
		const LOW: u128 = (1 << 32) - 1;
		let part = |shift: u32| u64::try_from(x.wrapping_shr(shift) & LOW).unwrap_or(0);
		let x = x & ((1 << 96) - 1);
		Self { x, parts: [part(0), part(32), part(64)] }
	}

	/// `x · b`, exactly, for `b ≤ ONE`.
	#[cfg(not(target_arch = "wasm32"))]
	#[inline(always)]
	pub fn mul(&self, b: Fixed) -> u128 {
		// `x < 2^96` and `b ≤ 2^32`: below `2^128`.
		self.x.wrapping_mul(u128::from(b))
	}

	/// `x · b`, exactly, for `b ≤ ONE`.
	#[cfg(target_arch = "wasm32")]
	#[inline(always)]
	pub fn mul(&self, b: Fixed) -> u128 {
		self.mul_by_parts(b)
	}

	/// `x · b` from the 32-bit parts of `x`, for `b ≤ ONE`.
	#[cfg_attr(not(any(target_arch = "wasm32", test)), allow(dead_code))]
	#[inline(always)]
	pub fn mul_by_parts(&self, b: Fixed) -> u128 {
		let [low, middle, high] = self.parts;
		u128::from(low.wrapping_mul(b))
			.wrapping_add(u128::from(middle.wrapping_mul(b)).wrapping_shl(32))
			.wrapping_add(u128::from(high.wrapping_mul(b)).wrapping_shl(64))
	}
}

/// `floor(w · ONE / row_sum)` for the weights `w ≤ 65535` of one row, whose sum is below
/// `2^32` (a row has at most 65536 entries of at most 65535), in `u64` arithmetic only.
///
/// With `r = floor(2^48 / row_sum)`, `w · r < 2^16 · 2^48` does not overflow and
/// `w·2^32/row_sum − 1 < w·r/2^16 ≤ w·2^32/row_sum` (the error is `w·(2^48/row_sum − r)/2^16 <
/// w/2^16 < 1`), so `floor(w·r / 2^16)` is the quotient or one less; the remainder fixes it.
#[derive(Clone, Copy, Debug)]
pub struct RowNormaliser {
	row_sum: u64,
	reciprocal: u64,
}

impl RowNormaliser {
	/// Divides by `row_sum` (every result is `0` when `row_sum = 0`). Results are exact only
	/// for the documented bounds, `row_sum < 2^32` and `w ≤ 65535`.
	pub fn new(row_sum: u64) -> Self {
		Self { row_sum, reciprocal: (1u64 << 48).checked_div(row_sum).unwrap_or(0) }
	}

	/// `floor(w · ONE / row_sum)`, saturating at [`ONE`] when `w ≥ row_sum`; `0` when
	/// `row_sum = 0`.
	#[inline(always)]
	pub fn scale(&self, w: u16) -> Fixed {
		let w = u64::from(w);
		if w >= self.row_sum {
			return if self.row_sum == 0 { 0 } else { ONE };
		}
		let estimate = w.wrapping_mul(self.reciprocal).wrapping_shr(16);
		// `estimate ≤ w·2^32/row_sum`, so the remainder is exact and below `2 · row_sum`.
		let remainder = w.wrapping_shl(32).wrapping_sub(estimate.wrapping_mul(self.row_sum));
		if remainder >= self.row_sum {
			estimate.wrapping_add(1)
		} else {
			estimate
		}
	}
}

/// The size class of a [`SumNormaliser`]'s denominator, which picks its arithmetic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Range {
	/// `den = 0`: every result is `0`.
	Zero,
	/// `1 ≤ den ≤ 2^32`: `num · 2^32 < 2^64`; reciprocal `floor(2^64 / den)` (`den ≥ 2` when used).
	Small,
	/// `2^32 < den ≤ 2^63`: reciprocal `floor(2^96 / den) < 2^64`, remainders below `2^64`.
	Medium,
	/// `2^63 < den < 2^64`: as `Medium`, with the remainder in `u128`.
	Large,
	/// `den = 2^64`: the quotient is `num / 2^32`.
	TwoPow64,
	/// `den > 2^64`: the general [`Normaliser`].
	Huge,
}

/// Computes `floor(num · ONE / den)` for the many terms `num` of one sum `den`, saturating at
/// [`ONE`]: the same results as a [`Normaliser`], but for `den ≤ 2^64` (every sum of a column)
/// the numerator below `den` fits a `u64`, and one `u64 × u64` high product ([`mul_hi`]) with
/// a reciprocal below `2^64` gives the quotient or one less:
///
/// - `den ≤ 2^32`: `N = num · 2^32 < 2^64`, `r = floor(2^64 / den)`; the estimate
///   `floor(N · r / 2^64)` is off by `N · (2^64/den − r) / 2^64 < N / 2^64 < 1`;
/// - `den > 2^32`: `r = floor(2^96 / den) < 2^64`; `floor(num · r / 2^64)` is off by
///   `num · (2^96/den − r) / 2^64 < num / 2^64 < 1`.
///
/// The remainder `num · 2^32 − estimate · den` lies in `[0, 2·den)`: for `den ≤ 2^63` it is
/// computed exactly modulo `2^64`, above that in `u128`. (`den = 2^64` is a shift.)
#[derive(Clone, Copy, Debug)]
pub struct SumNormaliser {
	range: Range,
	/// `den` when it fits a `u64` (every range but `Huge`).
	den: u64,
	reciprocal: u64,
	/// Applied to the numerator before the high product: 32 for `Small`, else 0.
	pre_shift: u32,
	/// The general path, for `Huge`.
	general: Normaliser,
}

impl SumNormaliser {
	/// A normaliser dividing by `den` (every result is `0` when `den = 0`).
	pub fn new(den: u128) -> Self {
		let Ok(den64) = u64::try_from(den) else {
			let range = if den == TWO_POW_64 { Range::TwoPow64 } else { Range::Huge };
			return Self {
				range,
				den: 0,
				reciprocal: 0,
				pre_shift: 0,
				general: Normaliser::new(den),
			};
		};
		let general = Normaliser { den, reciprocal: 0 };
		let (range, reciprocal) = if den64 == 0 {
			(Range::Zero, 0)
		} else if den64 <= TWO_POW_32 {
			// `den ≥ 2` whenever it is used (`num < den`); `den = 1` only meets `num = 0`.
			let r = TWO_POW_64.checked_div(den).unwrap_or(0);
			(Range::Small, u64::try_from(r).unwrap_or(u64::MAX))
		} else {
			let r = TWO_POW_96.checked_div(den).unwrap_or(0);
			let range = if den64 <= TWO_POW_63 { Range::Medium } else { Range::Large };
			(range, u64::try_from(r).unwrap_or(u64::MAX))
		};
		let pre_shift = if range == Range::Small { 32 } else { 0 };
		Self { range, den: den64, reciprocal, pre_shift, general }
	}

	/// `floor(num · ONE / den)`, saturating at [`ONE`] when `num ≥ den`; `0` when `den = 0`.
	#[inline(always)]
	pub fn scale(&self, num: u128) -> Fixed {
		match self.range {
			Range::Zero => 0,
			Range::Huge => self.general.scale(num),
			Range::Small | Range::Medium => {
				// `num < den` fits a `u64`; past that the answer saturates.
				match u64::try_from(num) {
					Ok(num) if num < self.den => self.scale_below(num),
					_ => ONE,
				}
			}
			Range::Large => {
				// `num < den < 2^64` fits a `u64`; past that the answer saturates.
				let num = match u64::try_from(num) {
					Ok(num) if num < self.den => num,
					_ => return ONE,
				};
				let estimate = mul_hi(num, self.reciprocal);
				// The remainder, below `2 · den < 2^65`, in `u128`.
				let remainder =
					u128::from(num).wrapping_shl(32).wrapping_sub(mul_wide(estimate, self.den));
				if remainder >= u128::from(self.den) {
					estimate.wrapping_add(1)
				} else {
					estimate
				}
			}
			Range::TwoPow64 => match u64::try_from(num) {
				// `floor(num · 2^32 / 2^64)`, exactly.
				Ok(num) => num.wrapping_shr(32),
				Err(_) => ONE,
			},
		}
	}

	/// Whether [`Self::scale_simple`] applies (`1 ≤ den ≤ 2^63`, the usual case), so that a
	/// loop can choose its path once.
	#[inline(always)]
	pub fn is_simple(&self) -> bool {
		matches!(self.range, Range::Small | Range::Medium)
	}

	/// As [`Self::scale`], when [`Self::is_simple`]: no dispatch on the range.
	#[inline(always)]
	pub fn scale_simple(&self, num: u128) -> Fixed {
		match u64::try_from(num) {
			Ok(num) if num < self.den => self.scale_below(num),
			_ => ONE,
		}
	}

	/// As [`Self::scale`] for a `u64` numerator.
	#[inline(always)]
	pub fn scale_u64(&self, num: u64) -> Fixed {
		match self.range {
			Range::Small | Range::Medium if num < self.den => self.scale_below(num),
			Range::Small | Range::Medium => ONE,
			_ => self.scale(u128::from(num)),
		}
	}

	/// `Small` and `Medium` with `num < den`: every step in `u64`, see the type's doc.
	#[inline(always)]
	fn scale_below(&self, num: u64) -> Fixed {
		// `Small`: `num < den ≤ 2^32`, so `num · 2^32 < 2^64`.
		let estimate = mul_hi(num.wrapping_shl(self.pre_shift), self.reciprocal);
		// The true remainder is in `[0, 2·den) ⊂ [0, 2^64)`: exact modulo `2^64`.
		let remainder = num.wrapping_shl(32).wrapping_sub(estimate.wrapping_mul(self.den));
		if remainder >= self.den {
			estimate.wrapping_add(1)
		} else {
			estimate
		}
	}
}

/// `floor(num · ONE / den)`, saturating at [`ONE`] when `num ≥ den`; `0` when `den = 0`.
///
/// Exact for every `u128` input: when `num · 2^32` would overflow, it divides bit by bit.
pub fn scale_to_one(num: u128, den: u128) -> Fixed {
	if den == 0 {
		return 0;
	}
	if num >= den {
		return ONE;
	}
	if let Some(shifted) = num.checked_mul(u128::from(ONE)) {
		// `num < den`, so the quotient is below `ONE` and fits.
		return shifted.checked_div(den).map_or(0, |q| u64::try_from(q).unwrap_or(ONE));
	}
	// Long division, 32 quotient bits; invariant: `rem < den`.
	let mut rem = num;
	let mut quotient: u64 = 0;
	for _ in 0..32 {
		let carry = rem.leading_zeros() == 0;
		let doubled = rem.wrapping_shl(1);
		quotient = quotient.wrapping_shl(1);
		if carry || doubled >= den {
			// The true value `2·rem` is below `2·den`, so the difference fits; wrapping undoes
			// the lost carry bit.
			rem = doubled.wrapping_sub(den);
			quotient |= 1;
		} else {
			rem = doubled;
		}
	}
	quotient
}

/// Computes `floor(num · ONE / den)` for many `num` and one `den` without a division each time.
///
/// With `r = floor(2^96 / den)` and `num ≤ den`, `num ≤ 2^64`:
/// `q = floor(num · r / 2^64)` satisfies `num · r ≤ 2^96` (no overflow) and
/// `num·2^32/den − 1 < num·r/2^64 ≤ num·2^32/den`, so `q` is the exact quotient or one less;
/// one comparison of the remainder fixes it.
#[derive(Clone, Copy, Debug)]
pub struct Normaliser {
	den: u128,
	reciprocal: u128,
}

impl Normaliser {
	/// A normaliser dividing by `den` (every result is `0` when `den = 0`).
	pub fn new(den: u128) -> Self {
		Self { den, reciprocal: TWO_POW_96.checked_div(den).unwrap_or(0) }
	}

	/// `floor(num · ONE / den)`, saturating at [`ONE`] when `num ≥ den`; `0` when `den = 0`.
	#[inline(always)]
	pub fn scale(&self, num: u128) -> Fixed {
		if self.den == 0 {
			return 0;
		}
		if num >= self.den {
			return ONE;
		}
		if num > TWO_POW_64 {
			return scale_to_one(num, self.den);
		}
		// See the type's doc: no overflow, and `estimate` is the quotient or one less.
		let estimate = num.wrapping_mul(self.reciprocal).wrapping_shr(64);
		let remainder = num.wrapping_shl(32).saturating_sub(estimate.wrapping_mul(self.den));
		let quotient = if remainder >= self.den { estimate.saturating_add(1) } else { estimate };
		u64::try_from(quotient).unwrap_or(ONE)
	}
}

/// `b · ONE / u16::MAX` (floor): a stored [`U16Fraction`] as a [`Fixed`].
#[inline(always)]
pub fn from_u16_fraction(b: U16Fraction) -> Fixed {
	// `2^32 = 65535 · 65537 + 1`, so `b · 2^32 / 65535 = b · 65537 + b / 65535`, whose floor
	// is `b · 65537`, plus one for `b = 65535` (no division, which wasm32 pays for).
	let b = u64::from(b);
	b.wrapping_mul(65_537).wrapping_add(u64::from(b == u64::from(u16::MAX)))
}

/// `x · u16::MAX / ONE` rounded to nearest (halves up), saturating at `u16::MAX` for `x ≥ ONE`.
#[inline(always)]
pub fn to_u16_fraction(x: Fixed) -> U16Fraction {
	if x >= ONE {
		return u16::MAX;
	}
	// `x < 2^32`, so `x · 65535 + 2^31 < 2^48`.
	let scaled = x.wrapping_mul(u64::from(u16::MAX)).wrapping_add(1 << 31).wrapping_shr(32);
	u16::try_from(scaled).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
	#![allow(clippy::arithmetic_side_effects)]
	use super::*;

	fn reference(num: u128, den: u128) -> u64 {
		if den == 0 {
			0
		} else if num >= den {
			ONE
		} else {
			// Exact in 256 bits, emulated: num < den ≤ 2^128.
			let mut rem = num;
			let mut q = 0u64;
			for _ in 0..32 {
				let carry = rem >> 127 == 1;
				let d = rem << 1;
				q <<= 1;
				if carry || d >= den {
					rem = d.wrapping_sub(den);
					q |= 1;
				} else {
					rem = d;
				}
			}
			q
		}
	}

	#[test]
	fn normaliser_matches_division_on_edges() {
		let dens = [
			1u128,
			2,
			3,
			7,
			65535,
			(1 << 32) - 1,
			1 << 32,
			(1 << 32) + 1,
			1 << 63,
			(1 << 64) - 1,
			1 << 64,
			(1 << 64) + 1,
			1 << 96,
			u128::MAX,
		];
		for &den in &dens {
			let n = Normaliser::new(den);
			for &num in &[0u128, 1, 2, den / 3, den / 2, den.saturating_sub(1), den, den + 1] {
				assert_eq!(n.scale(num), reference(num, den), "{num} / {den}");
				assert_eq!(scale_to_one(num, den), reference(num, den), "{num} / {den}");
			}
		}
	}

	#[test]
	fn normaliser_matches_division_on_pseudorandom_values() {
		let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
		let mut next = || {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			x
		};
		for _ in 0..200_000 {
			let bits = next() % 70;
			let den = (u128::from(next()) << 8 | u128::from(next() & 0xff)) >> (72 - bits.min(72));
			let den = den.max(1);
			let num = u128::from(next()) % (den + 1);
			assert_eq!(Normaliser::new(den).scale(num), reference(num, den), "{num} / {den}");
		}
	}

	#[test]
	fn sum_normaliser_matches_division() {
		let mut x: u64 = 0x0123_4567_89AB_CDEF;
		let mut next = || {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			x
		};
		let mut dens: Vec<u128> = vec![0, 1, 2, 3, 65535, 1 << 31, (1 << 32) - 1, 1 << 32];
		dens.extend([(1 << 32) + 1, (1 << 63) - 1, 1 << 63, (1 << 63) + 1, u128::from(u64::MAX)]);
		dens.extend([1 << 64, (1 << 64) + 1, 1 << 100, u128::MAX]);
		for _ in 0..20_000 {
			let bits = next() % 70;
			let den = (u128::from(next()) << 8 | u128::from(next() & 0xff)) >> (72 - bits.min(72));
			dens.push(den);
		}
		for &den in &dens {
			let n = SumNormaliser::new(den);
			let mut nums = vec![0u128, 1, 2, den / 3, den / 2, den.saturating_sub(1), den];
			nums.extend([den.saturating_add(1), 1 << 64, u128::MAX]);
			for _ in 0..20 {
				nums.push(u128::from(next()) % den.saturating_add(1).max(1));
			}
			for &num in &nums {
				assert_eq!(n.scale(num), reference(num, den), "{num} / {den}");
				if let Ok(small) = u64::try_from(num) {
					assert_eq!(n.scale_u64(small), reference(num, den), "{num} / {den}");
				}
				if n.is_simple() {
					assert_eq!(n.scale_simple(num), reference(num, den), "{num} / {den}");
				}
			}
		}
	}

	#[test]
	fn row_normaliser_matches_division() {
		let mut x: u64 = 0x5555_0123_4567_89AB;
		let mut next = || {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			x
		};
		let mut sums: Vec<u64> = vec![0, 1, 2, 3, 65535, 65536, 1 << 31, (1 << 32) - 1];
		sums.extend([65535 * 65536, 65535 * 65535]);
		for _ in 0..20_000 {
			sums.push(next() >> (32 + next() % 32));
		}
		for &sum in &sums {
			let n = RowNormaliser::new(sum);
			let mut ws = vec![0u16, 1, 2, u16::MAX, u16::MAX - 1];
			ws.extend((0..20).map(|_| next() as u16));
			ws.extend(u16::try_from(sum).ok());
			ws.extend(u16::try_from(sum.saturating_sub(1)).ok());
			for &w in &ws {
				assert_eq!(n.scale(w), reference(u128::from(w), u128::from(sum)), "{w} / {sum}");
			}
		}
	}

	#[test]
	fn products_by_halves_match_u128() {
		let mut x: u64 = 0x2545_F491_4F6C_DD1D;
		let mut next = || {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			x
		};
		let edges = [0u64, 1, 2, u64::MAX, u64::MAX - 1, 1 << 32, (1 << 32) - 1, 1 << 63];
		for &a in &edges {
			for &b in &edges {
				assert_eq!(mul_hi_by_halves(a, b), ((u128::from(a) * u128::from(b)) >> 64) as u64);
			}
		}
		let fractions = [0u64, 1, 2, ONE / 2, ONE - 1, ONE];
		for &a in &fractions {
			for &b in &fractions {
				assert_eq!(mul_fractions(a, b), u128::from(a) * u128::from(b));
				assert_eq!(mul_fractions_by_u64(a, b), u128::from(a) * u128::from(b));
				for x in [0u128, 1, 1 << 64, (1 << 96) - 1, u128::from(u64::MAX)] {
					assert_eq!(WideFactor::new(x).mul(b), x * u128::from(b));
					assert_eq!(WideFactor::new(x).mul_by_parts(b), x * u128::from(b));
				}
			}
		}
		for _ in 0..200_000 {
			let (a, b) = (next() >> (next() % 64), next());
			assert_eq!(mul_hi_by_halves(a, b), ((u128::from(a) * u128::from(b)) >> 64) as u64);
			assert_eq!(mul_hi(a, b), mul_hi_by_halves(a, b));
			assert_eq!(mul_wide(a, b), u128::from(a) * u128::from(b));
			let (fa, fb) = (a % (ONE + 1), b % (ONE + 1));
			assert_eq!(mul_fractions_by_u64(fa, fb), u128::from(fa) * u128::from(fb));
			let x = (u128::from(a) << 32 | u128::from(b)) & ((1u128 << 96) - 1);
			assert_eq!(WideFactor::new(x).mul_by_parts(fb), x * u128::from(fb));
			assert_eq!(WideFactor::new(x).mul(fb), x * u128::from(fb));
		}
	}

	#[test]
	fn u16_fractions_round_trip() {
		for b in 0..=u16::MAX {
			assert_eq!(from_u16_fraction(b), (u64::from(b) << 32) / 65_535);
			assert_eq!(to_u16_fraction(from_u16_fraction(b)), b);
		}
		assert_eq!(to_u16_fraction(ONE), u16::MAX);
		assert_eq!(to_u16_fraction(u64::MAX), u16::MAX);
		assert_eq!(to_u16_fraction(0), 0);
		assert_eq!(to_u16_fraction(ONE / 2), 32768);
	}
}
