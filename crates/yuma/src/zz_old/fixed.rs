//! Fixed-point arithmetic for the epoch: exact floor divisions and conversions.
//!
//! Every fraction is a [`Fixed`] with 32 fractional bits ([`ONE`] = 2^32). Products of two
//! fractions are taken exactly in `u128` ([`mul_wide`]) and only divided back at the end, so that
//! sums of products carry no intermediate rounding. Divisions that normalise many values by one
//! sum go through a [`Normaliser`], which replaces the `u128` division by a multiplication with a
//! precomputed reciprocal and one correction step, and still returns the exact floor.

use crate::{Fixed, U16Fraction, ONE};

/// `2^96`, the numerator of a [`Normaliser`]'s reciprocal.
const TWO_POW_96: u128 = 1 << 96;

/// `2^64`: the largest numerator the reciprocal path of a [`Normaliser`] is exact for.
const TWO_POW_64: u128 = 1 << 64;

/// The exact product of two `u64`s; it cannot overflow: `(2^64 - 1)^2 < 2^128`.
#[inline(always)]
pub fn mul_wide(a: u64, b: u64) -> u128 {
	u128::from(a).wrapping_mul(u128::from(b))
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
	// `b · 2^32 < 2^48`, and the divisor is a non-zero constant.
	u64::from(b).wrapping_shl(32).checked_div(u64::from(u16::MAX)).unwrap_or(0)
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
	fn u16_fractions_round_trip() {
		for b in 0..=u16::MAX {
			assert_eq!(to_u16_fraction(from_u16_fraction(b)), b);
		}
		assert_eq!(to_u16_fraction(ONE), u16::MAX);
		assert_eq!(to_u16_fraction(u64::MAX), u16::MAX);
		assert_eq!(to_u16_fraction(0), 0);
		assert_eq!(to_u16_fraction(ONE / 2), 32768);
	}
}
