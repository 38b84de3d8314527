//! Fixed-point arithmetic for the epoch: floor divisions, column normalisations and
//! conversions.
//!
//! Every fraction is a [`Fixed`] with 32 fractional bits ([`ONE`] = 2^32). Products of two
//! fractions are taken exactly ([`mul_fractions`], [`ProductSum`]) and only divided back at the
//! end, so that sums of products carry no intermediate rounding. Divisions that normalise many
//! values by one sum replace the division by a multiplication with a precomputed reciprocal:
//! [`Normaliser`] (any `u128`) and [`RowNormaliser`] (a row's `u16` weights, in `u64`) add one
//! correction step and return the exact floor; [`ColumnScaler`] (the bonds' column
//! normalisations) skips it and is within a few units. `u128` products and divisions are
//! library calls on wasm32, so the epoch's inner loops stay in `u64` arithmetic.

use crate::{Fixed, U16Fraction, ONE};

/// `2^96`, the numerator of a [`Normaliser`]'s reciprocal.
const TWO_POW_96: u128 = 1 << 96;

/// `2^64`: the largest numerator the reciprocal path of a [`Normaliser`] is exact for.
const TWO_POW_64: u128 = 1 << 64;

/// The exact product of two fractions `a, b ≤ ONE` (the epoch's `S_i · W_ij`), with one `u64`
/// multiply (wasm32 has no 128-bit multiply; `core`'s is a call that multiplies two full
/// `u128`s): the product is below `2^64` unless both are [`ONE`], and `2^64` is the only product
/// with bit 64 set (bit 32 is set in a fraction `≤ ONE` only when it is `ONE`), so the low 64
/// bits and that bit make it exactly.
#[inline(always)]
pub fn mul_fractions(a: Fixed, b: Fixed) -> u128 {
	u128::from((a & b).wrapping_shr(32)).wrapping_shl(64) | u128::from(a.wrapping_mul(b))
}

/// A column's exact rank `R ≤ 2^64` (`ONE · ONE`) split for the dividends' products `B · R`
/// with fractions `B ≤ ONE`: `R = high · 2^32 + low`, `low < 2^32`, `high ≤ 2^32`, so each
/// part times `B` is one `u64` multiply (the high one through [`mul_fractions`], since
/// it reaches `2^64` when both are `ONE`).
#[derive(Clone, Copy, Debug)]
pub struct RankParts {
	low: u64,
	high: u64,
}

impl RankParts {
	/// `rank`, saturated at `2^64`.
	pub fn new(rank: u128) -> Self {
		let rank = rank.min(TWO_POW_64);
		let low = u64::try_from(rank & u128::from(u32::MAX)).unwrap_or(0);
		Self { low, high: u64::try_from(rank.wrapping_shr(32)).unwrap_or(ONE) }
	}
}

/// `Σ B · R` over a validator's columns, exactly, kept as the sums of `B · low` and of
/// `B · high` (each below `2^80` for up to 65536 columns), combined once at the end.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProductSum {
	low: u128,
	high: u128,
}

impl ProductSum {
	/// Adds `bond · rank`, for `bond ≤ ONE`.
	#[inline(always)]
	pub fn add(&mut self, bond: Fixed, rank: RankParts) {
		self.low = self.low.wrapping_add(u128::from(bond.wrapping_mul(rank.low)));
		self.high = self.high.wrapping_add(mul_fractions(bond, rank.high));
	}

	/// The sum (`high · 2^32 + low`, below `2^113`).
	pub fn total(&self) -> u128 {
		self.low.saturating_add(self.high.saturating_mul(1 << 32))
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

/// `num · ONE / den` to within a few units for the terms `num ≤ den` of one column's sum `den ≤
/// 2^64`, with one `u64` multiply and two shifts each: the bonds' normalisations, which the
/// epoch does for every cell and which need no exact floor (they are averaged into the
/// dividends and stored as 16-bit fractions).
///
/// Both `num` and `den` are shifted right by the same `k` that brings `den` below `2^32`
/// (`d = den >> k ≥ 2^31` when `k > 0`), and `n = num >> k ≤ d` is multiplied by `r =
/// floor(2^63 / d)`: `n · r ≤ d · r ≤ 2^63` never overflows, and the result, `n · r / 2^31`, is
/// at most [`ONE`]. It is off from `num · 2^32 / den` by less than 7 units (of `2^-32`): the
/// shifted quotient `n / d` differs from `num / den` by at most `2 / d ≤ 2^-30` (4 units) when
/// `k > 0` (none when `k = 0`), the reciprocal's floor costs less than `n / 2^31 < 2` units,
/// and the last floor one.
#[derive(Clone, Copy, Debug)]
pub struct ColumnScaler {
	shift: u32,
	reciprocal: u64,
}

impl ColumnScaler {
	/// Scales by `1 / den` (every result is `0` when `den = 0`).
	pub fn new(den: u128) -> Self {
		let shift = 128u32.saturating_sub(den.leading_zeros()).saturating_sub(32);
		if shift >= 64 {
			// `den ≥ 2^95`: every `u64` numerator scales to less than 2 units; all give `0`.
			return Self { shift: 0, reciprocal: 0 };
		}
		let reduced = u64::try_from(den.wrapping_shr(shift)).unwrap_or(u64::MAX);
		Self { shift, reciprocal: (1u64 << 63).checked_div(reduced).unwrap_or(0) }
	}

	/// About `num · ONE / den` (see the type), for `num ≤ den`; larger `num` may give more
	/// than [`ONE`].
	#[inline(always)]
	pub fn scale(&self, num: u64) -> Fixed {
		num.wrapping_shr(self.shift).wrapping_mul(self.reciprocal).wrapping_shr(31)
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

/// `floor(x · 10^18 / ONE)`, saturating at `10^18` for `x ≥ ONE`: a fraction in
/// quintillionths (a `Perquintill`'s parts; the same value as its `from_rational(x, ONE)`),
/// in `u64` arithmetic. With `10^18 = 5^18 · 2^18`, the quotient is `floor(x · 5^18 / 2^14)`,
/// taken as `h · 5^18 + floor(l · 5^18 / 2^14)` for `x = h · 2^14 + l` (both products below
/// `2^61`).
#[inline(always)]
pub fn to_quintillionths(x: Fixed) -> u64 {
	const FIVE_POW_18: u64 = 3_814_697_265_625;
	let x = x.min(ONE);
	let (high, low) = (x.wrapping_shr(14), x & ((1 << 14) - 1));
	high.wrapping_mul(FIVE_POW_18).wrapping_add(low.wrapping_mul(FIVE_POW_18).wrapping_shr(14))
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

	/// How far [`ColumnScaler::scale`] may be from the real quotient, in units (see the type).
	const SCALER_ERROR: u64 = 7;

	#[test]
	fn column_scaler_is_within_its_error_bound() {
		let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
		let mut next = || {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			x
		};
		let mut dens: Vec<u128> = vec![1, 2, 3, (1 << 31) - 1, 1 << 31, (1 << 32) - 1, 1 << 32];
		dens.extend([(1 << 32) + 1, (1 << 33) - 1, u128::from(u64::MAX), TWO_POW_64]);
		dens.extend([TWO_POW_64 + 1, 1 << 70, u128::MAX]);
		for _ in 0..20_000 {
			dens.push(u128::from(next() >> (next() % 64)).max(1));
			dens.push(u128::from(next()) << (next() % 64));
		}
		for &den in &dens {
			let scaler = ColumnScaler::new(den);
			let mut nums = vec![0u128, 1, den / 2, den.saturating_sub(1), den];
			nums.extend((0..20).map(|_| u128::from(next()) % den.saturating_add(1)));
			nums.retain(|&num| num <= TWO_POW_64);
			for num in nums {
				// Numerators fit a `u64` (`2^64` saturates, as the epoch's products do).
				let got = u128::from(scaler.scale(u64::try_from(num).unwrap_or(u64::MAX)));
				assert!(got <= u128::from(ONE), "{num} / {den} gave {got}");
				// `|got − num · 2^32 / den| < SCALER_ERROR`, in integers.
				let (scaled, exact) = (got.checked_mul(den), num << 32);
				let Some(scaled) = scaled else { continue };
				let error = scaled.abs_diff(exact);
				assert!(
					error < u128::from(SCALER_ERROR).saturating_mul(den),
					"{num} / {den}: {got}"
				);
			}
		}
		assert_eq!(ColumnScaler::new(0).scale(12345), 0);
	}

	#[test]
	fn products_match_u128() {
		let mut x: u64 = 0x2545_F491_4F6C_DD1D;
		let mut next = || {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			x
		};
		let fractions = [0u64, 1, 2, ONE / 2, ONE - 1, ONE];
		for &a in &fractions {
			for &b in &fractions {
				assert_eq!(mul_fractions(a, b), u128::from(a) * u128::from(b));
				for rank in [0u128, 1, (1 << 32) - 1, 1 << 32, u128::from(u64::MAX), 1 << 64] {
					let mut sum = ProductSum::default();
					sum.add(b, RankParts::new(rank));
					sum.add(a, RankParts::new(rank));
					assert_eq!(sum.total(), rank * u128::from(a) + rank * u128::from(b));
				}
			}
		}
		for _ in 0..200_000 {
			let (a, b) = (next() >> (next() % 64), next());
			let (fa, fb) = (a % (ONE + 1), b % (ONE + 1));
			assert_eq!(mul_fractions(fa, fb), u128::from(fa) * u128::from(fb));
			let rank = u128::from(a) + u128::from(b % 2);
			let mut sum = ProductSum::default();
			for _ in 0..3 {
				sum.add(fb, RankParts::new(rank));
			}
			assert_eq!(sum.total(), 3 * rank * u128::from(fb));
		}
	}

	#[test]
	fn quintillionths_are_the_floor() {
		let reference = |x: u64| {
			let x = u128::from(x.min(ONE));
			u64::try_from(x * 1_000_000_000_000_000_000 / u128::from(ONE)).unwrap()
		};
		let mut x: u64 = 0x0BAD_5EED_1234_5678;
		let mut values = vec![0, 1, 2, (1 << 14) - 1, 1 << 14, ONE / 2, ONE - 1, ONE, ONE + 1];
		values.push(u64::MAX);
		for _ in 0..100_000 {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			values.push(x % (ONE + 1));
		}
		for value in values {
			assert_eq!(to_quintillionths(value), reference(value), "{value}");
		}
		assert_eq!(to_quintillionths(ONE), 1_000_000_000_000_000_000);
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
