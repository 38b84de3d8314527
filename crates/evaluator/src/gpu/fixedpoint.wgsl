// The evaluator's requantization (crate::reference) in 32-bit integer arithmetic, four lanes
// at a time. WGSL has no 64-bit integers, so the high multiplication builds the exact 64-bit
// product out of 16-bit halves. Every u32 and i32 operation here is exact or wraps modulo
// 2^32 (WGSL's defined behaviour), and each step notes why the wrap is the intended value.

// gemmlowp's SaturatingRoundingDoublingHighMul: floor((a·b + 2^30) / 2^31) as an i32, and
// i32::MAX for the one product that does not fit, a = b = i32::MIN.
//
// 1. The unsigned 64-bit product of the bit patterns ua, ub, as (hi, lo) with
//    ua = a1·2^16 + a0, ub = b1·2^16 + b0 (all halves < 2^16):
//      ua·ub = p11·2^32 + (p01 + p10)·2^16 + p00, each pXY = aX·bY ≤ (2^16 - 1)^2 < 2^32.
//    mid = (p00 >> 16) + low16(p01) + low16(p10) < 3·2^16 collects the carries into bit 32;
//    lo = low16(p00) | low16(mid) << 16 and hi = p11 + (p01 >> 16) + (p10 >> 16) + (mid >> 16)
//    are exact: hi < 2^32 because ua·ub < 2^64.
// 2. The signed product a·b, modulo 2^64: a = ua - 2^32·[a < 0] and likewise for b, so
//    a·b ≡ ua·ub - 2^32·(ub·[a < 0] + ua·[b < 0])  (mod 2^64): only hi changes, by
//    wrapping subtractions (mod 2^32). Since |a·b| ≤ 2^62, (hi, lo) is a·b in two's
//    complement, exactly.
// 3. Add the nudge 2^30 to lo, carrying into hi. |a·b + 2^30| < 2^63: no 64-bit overflow.
// 4. floor(s / 2^31) is the arithmetic right shift of the 64-bit s by 31; its low 32 bits are
//    bits 31..62 of s: (hi << 1) | (lo >> 31). The true quotient lies in i32 range for every
//    pair except a = b = i32::MIN (2^62 + 2^30 >> 31 = 2^31), so those 32 bits, read as an
//    i32, are the exact result; the exception saturates to i32::MAX, as gemmlowp does.
fn saturating_rounding_doubling_high_mul(a: vec4<i32>, b: vec4<i32>) -> vec4<i32> {
	let low16 = vec4<u32>(0xffffu);
	let sixteen = vec4<u32>(16u);
	let ua = bitcast<vec4<u32>>(a);
	let ub = bitcast<vec4<u32>>(b);
	let a0 = ua & low16;
	let a1 = ua >> sixteen;
	let b0 = ub & low16;
	let b1 = ub >> sixteen;
	let p00 = a0 * b0;
	let p01 = a0 * b1;
	let p10 = a1 * b0;
	let p11 = a1 * b1;
	let mid = (p00 >> sixteen) + (p01 & low16) + (p10 & low16);
	let lo = (p00 & low16) | (mid << sixteen);
	let unsigned_hi = p11 + (p01 >> sixteen) + (p10 >> sixteen) + (mid >> sixteen);
	let zero = vec4<u32>(0u);
	let negative_a = a < vec4<i32>(0);
	let negative_b = b < vec4<i32>(0);
	let hi = unsigned_hi - select(zero, ub, negative_a) - select(zero, ua, negative_b);
	let nudged_lo = lo + vec4<u32>(0x40000000u);
	// The addition wrapped exactly when the sum is below an addend.
	let carry = select(zero, vec4<u32>(1u), nudged_lo < lo);
	let nudged_hi = hi + carry;
	let high = bitcast<vec4<i32>>((nudged_hi << vec4<u32>(1u)) | (nudged_lo >> vec4<u32>(31u)));
	let min = vec4<u32>(0x80000000u);
	let overflow = (ua == min) & (ub == min);
	return select(high, vec4<i32>(0x7fffffff), overflow);
}

// gemmlowp's RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero;
// exponents above 31 act as 31. For exponent ≥ 1, |x >> exponent| ≤ 2^30, so adding 1 cannot
// overflow; for exponent 0 the mask is 0 and nothing is added.
fn rounding_divide_by_pot(x: vec4<i32>, exponent: vec4<u32>) -> vec4<i32> {
	let e = min(exponent, vec4<u32>(31u));
	// 2^e - 1 ≤ 2^31 - 1: a non-negative i32.
	let mask = bitcast<vec4<i32>>((vec4<u32>(1u) << e) - vec4<u32>(1u));
	let remainder = x & mask;
	let threshold = (mask >> vec4<u32>(1u)) + select(vec4<i32>(0), vec4<i32>(1), x < vec4<i32>(0));
	return (x >> e) + select(vec4<i32>(0), vec4<i32>(1), remainder > threshold);
}

// The requantized uint8 value (in a u32) of each accumulator, before the activation.
fn requantize(acc: vec4<i32>, multiplier: vec4<i32>, shift: vec4<u32>) -> vec4<u32> {
	let scaled = saturating_rounding_doubling_high_mul(acc, multiplier);
	let shifted = rounding_divide_by_pot(scaled, shift);
	return bitcast<vec4<u32>>(clamp(shifted, vec4<i32>(0), vec4<i32>(255)));
}
