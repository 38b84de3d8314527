//! The reference backend: the definition of the evaluator's arithmetic, in the simplest
//! loops. It is `no_std` and runs in the runtime as the referee of disputes, so it favours
//! being obviously right over being fast.
//!
//! One output of one layer ([`neuron`]):
//!
//! ```text
//! acc = bias + Σ_i weight[i] · input[i]                  exact i32 (see crate::model bounds)
//! x   = saturating_rounding_doubling_high_mul(acc, multiplier)
//! q   = clamp(rounding_divide_by_pot(x, shift), 0, 255)
//! out = activation(q)                                    ReLU: q; lookup: table[q]
//! ```
//!
//! The two fixed-point steps are gemmlowp's (`fixedpoint.h`), which TFLite uses:
//!
//! * `saturating_rounding_doubling_high_mul(a, b)` = `(a · b + nudge) / 2^31`, with the
//!   product in `i64`, `nudge = 2^30` when `a · b ≥ 0` and `1 - 2^30` otherwise, and the
//!   division truncating toward zero. That is `floor((a · b + 2^30) / 2^31)`: `a · b / 2^31`
//!   rounded to nearest with ties **upward** (0.5 → 1, -0.5 → 0, -1.5 → -1), exactly as
//!   gemmlowp does. It saturates to `i32::MAX` for `a = b = i32::MIN`, which cannot happen
//!   here since multipliers are not negative.
//! * `rounding_divide_by_pot(x, e)` = `x / 2^e` rounded to nearest, ties away from zero.
//!
//! Accumulation uses checked adds although, by the fan-in and bias bounds that
//! [`crate::model`] enforces, no partial sum can leave `i32`: an overflow would be reported
//! as [`BackendError::AccumulatorOverflow`], never wrapped. The fixed-point steps are exact
//! by construction (noted at each step).

use alloc::vec;

use crate::{
	backend::{check_batch, Backend, BackendError},
	model::{Layer, Model, Requantization},
};

/// gemmlowp's `SaturatingRoundingDoublingHighMul`: `a · b / 2^31`, rounded to nearest with
/// ties upward (`floor((a · b + 2^30) / 2^31)`), saturating the single overflowing case
/// `a = b = i32::MIN`.
pub fn saturating_rounding_doubling_high_mul(a: i32, b: i32) -> i32 {
	if a == i32::MIN && b == i32::MIN {
		return i32::MAX;
	}
	// |a · b| ≤ 2^62: exact in i64, and adding the nudge (|nudge| ≤ 2^30) cannot overflow.
	let product = i64::from(a).wrapping_mul(i64::from(b));
	let nudge: i64 = if product >= 0 { 1 << 30 } else { 1 - (1 << 30) };
	let high = product.wrapping_add(nudge).checked_div(1 << 31).unwrap_or(0);
	// |high| ≤ 2^31 - 1 except for the saturated case handled above.
	i32::try_from(high).unwrap_or(i32::MAX)
}

/// gemmlowp's `RoundingDivideByPOT`: `x / 2^exponent`, rounded to nearest with ties away
/// from zero, for `exponent` in `0..=31` (larger exponents are treated as 31).
pub fn rounding_divide_by_pot(x: i32, exponent: u32) -> i32 {
	let exponent = exponent.min(31);
	// 2^exponent - 1 ≤ 2^31 - 1 fits an i32.
	let mask = i32::try_from((1i64 << exponent).wrapping_sub(1)).unwrap_or(i32::MAX);
	let remainder = x & mask;
	let threshold = (mask >> 1).wrapping_add(i32::from(x < 0));
	// For exponent ≥ 1, |x >> exponent| ≤ 2^30, so adding 1 cannot overflow; for exponent 0
	// the mask is 0 and nothing is added.
	(x >> exponent).wrapping_add(i32::from(remainder > threshold))
}

/// The requantized uint8 value of an accumulator, before the activation.
pub fn requantize(acc: i32, requantization: Requantization) -> u8 {
	let scaled = saturating_rounding_doubling_high_mul(acc, requantization.multiplier());
	let shifted = rounding_divide_by_pot(scaled, requantization.shift());
	u8::try_from(shifted.clamp(0, 255)).unwrap_or(u8::MAX)
}

/// The accumulator of one output: `bias + Σ weights[i] · inputs[i]`, or `None` if a partial
/// sum leaves `i32` (impossible within the model bounds) or the lengths differ.
pub fn accumulate(weights: &[i8], bias: i32, inputs: &[u8]) -> Option<i32> {
	if weights.len() != inputs.len() {
		return None;
	}
	let mut acc = bias;
	for (&w, &x) in weights.iter().zip(inputs) {
		// |w · x| ≤ 128 · 255: the product never overflows.
		let product = i32::from(w).checked_mul(i32::from(x))?;
		acc = acc.checked_add(product)?;
	}
	Some(acc)
}

/// Output `row` of `layer` for `inputs` (the layer's input activations). This is the unit the
/// referee computes once a dispute is bisected down to one output element.
pub fn neuron(
	layer: &Layer,
	row: u32,
	inputs: &[u8],
	layer_index: u32,
) -> Result<u8, BackendError> {
	let overflow = BackendError::AccumulatorOverflow { layer: layer_index, row };
	let weights = layer.row(row).ok_or(overflow.clone())?;
	let bias = *layer.biases().get(row as usize).ok_or(overflow.clone())?;
	let acc = accumulate(weights, bias, inputs).ok_or(overflow)?;
	Ok(layer.activation().apply(requantize(acc, layer.requantization())))
}

/// All outputs of `layer` for `inputs`, into `outputs` (`layer.output_size()` bytes).
pub fn infer_layer(
	layer: &Layer,
	inputs: &[u8],
	outputs: &mut [u8],
	layer_index: u32,
) -> Result<(), BackendError> {
	if inputs.len() != layer.input_size() as usize {
		return Err(BackendError::InputLength {
			expected: layer.input_size() as usize,
			actual: inputs.len(),
		});
	}
	if outputs.len() != layer.output_size() as usize {
		return Err(BackendError::OutputLength {
			expected: layer.output_size() as usize,
			actual: outputs.len(),
		});
	}
	for (row, output) in (0u32..).zip(outputs.iter_mut()) {
		*output = neuron(layer, row, inputs, layer_index)?;
	}
	Ok(())
}

/// The logits of one sample: `input` (`model.input_size()` bytes) through every layer, into
/// `logits` (`model.output_size()` bytes).
pub fn infer(model: &Model, input: &[u8], logits: &mut [u8]) -> Result<(), BackendError> {
	if input.len() != model.input_size() as usize {
		return Err(BackendError::InputLength {
			expected: model.input_size() as usize,
			actual: input.len(),
		});
	}
	if logits.len() != model.output_size() as usize {
		return Err(BackendError::OutputLength {
			expected: model.output_size() as usize,
			actual: logits.len(),
		});
	}
	let mut current = input.to_vec();
	for (layer_index, layer) in (0u32..).zip(model.layers()) {
		let mut next = vec![0u8; layer.output_size() as usize];
		infer_layer(layer, &current, &mut next, layer_index)?;
		current = next;
	}
	logits.copy_from_slice(&current);
	Ok(())
}

/// The result leaf of one dataset sample (see [`crate::result`]): runs `sample` (dataset index
/// `index`, label `label`, leaf hash `sample_hash` in the dataset root) through the reference
/// and returns the leaf's hash with the sample's score. What the on-chain referee computes, and
/// what a node checks its own leaf against before bringing the referee its evidence.
pub fn sample_leaf(
	model: &Model,
	index: u32,
	sample_hash: &crate::merkle::Hash,
	label: u8,
	sample: &[u8],
) -> Result<(crate::merkle::Hash, u32), BackendError> {
	let mut logits = vec![0u8; model.output_size() as usize];
	infer(model, sample, &mut logits)?;
	let score = crate::result::score(&logits, label);
	Ok((crate::result::leaf_hash(index, sample_hash, &logits, score), score))
}

/// The reference backend: [`infer`] on each sample in turn.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReferenceBackend;

impl Backend for ReferenceBackend {
	fn name(&self) -> &str {
		"reference"
	}

	fn infer_batch(
		&self,
		model: &Model,
		inputs: &[u8],
		batch: usize,
		outputs: &mut [u8],
	) -> Result<(), BackendError> {
		check_batch(model, inputs, batch, outputs)?;
		if batch == 0 {
			return Ok(());
		}
		// Both sizes are at least 1 for a valid model.
		let input_size = (model.input_size() as usize).max(1);
		let output_size = (model.output_size() as usize).max(1);
		for (input, logits) in
			inputs.chunks_exact(input_size).zip(outputs.chunks_exact_mut(output_size))
		{
			infer(model, input, logits)?;
		}
		Ok(())
	}
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
	use super::*;
	use crate::model::{Activation, MAX_ABS_ACCUMULATOR, MAX_ABS_BIAS, MAX_SHIFT, MAX_WIDTH};
	use alloc::{boxed::Box, vec::Vec};
	use proptest::prelude::*;

	const HALF: i32 = 1 << 30;

	fn srdhm(a: i32, b: i32) -> i32 {
		saturating_rounding_doubling_high_mul(a, b)
	}

	fn requant(acc: i32, multiplier: i32, shift: u32) -> u8 {
		requantize(acc, Requantization::new(multiplier, shift).unwrap())
	}

	#[test]
	fn srdhm_saturates_only_min_times_min() {
		assert_eq!(srdhm(i32::MIN, i32::MIN), i32::MAX);
		assert_eq!(srdhm(i32::MIN, i32::MAX), -i32::MAX);
		assert_eq!(srdhm(i32::MAX, i32::MAX), i32::MAX - 1);
		assert_eq!(srdhm(i32::MAX, 0), 0);
		assert_eq!(srdhm(i32::MIN, 1), -1);
	}

	#[test]
	fn srdhm_rounds_ties_upward() {
		// Multiplying by 2^30 halves.
		assert_eq!(srdhm(1, HALF), 1);
		assert_eq!(srdhm(3, HALF), 2);
		assert_eq!(srdhm(-1, HALF), 0);
		assert_eq!(srdhm(-3, HALF), -1);
		assert_eq!(srdhm(4, HALF), 2);
		assert_eq!(srdhm(-4, HALF), -2);
	}

	#[test]
	fn rounding_divide_by_pot_rounds_ties_away_from_zero() {
		assert_eq!(rounding_divide_by_pot(1, 1), 1);
		assert_eq!(rounding_divide_by_pot(-1, 1), -1);
		assert_eq!(rounding_divide_by_pot(3, 1), 2);
		assert_eq!(rounding_divide_by_pot(-3, 1), -2);
		assert_eq!(rounding_divide_by_pot(5, 2), 1);
		assert_eq!(rounding_divide_by_pot(6, 2), 2);
		assert_eq!(rounding_divide_by_pot(-6, 2), -2);
		assert_eq!(rounding_divide_by_pot(-5, 2), -1);
	}

	#[test]
	fn rounding_divide_by_pot_at_shift_zero_and_max() {
		for x in [i32::MIN, -1, 0, 1, i32::MAX] {
			assert_eq!(rounding_divide_by_pot(x, 0), x);
		}
		assert_eq!(rounding_divide_by_pot(i32::MIN, 31), -1);
		assert_eq!(rounding_divide_by_pot(i32::MAX, 31), 1);
		assert_eq!(rounding_divide_by_pot(HALF, 31), 1);
		assert_eq!(rounding_divide_by_pot(HALF - 1, 31), 0);
		assert_eq!(rounding_divide_by_pot(-HALF, 31), -1);
		assert_eq!(rounding_divide_by_pot(-HALF + 1, 31), 0);
		// Exponents above 31 act as 31.
		assert_eq!(rounding_divide_by_pot(i32::MAX, 40), 1);
	}

	#[test]
	fn requantize_saturates_at_0_and_255() {
		assert_eq!(requant(-1, i32::MAX, 0), 0);
		assert_eq!(requant(i32::MIN, i32::MAX, 0), 0);
		assert_eq!(requant(-MAX_ABS_BIAS, HALF, 3), 0);
		assert_eq!(requant(256, i32::MAX, 0), 255);
		assert_eq!(requant(1000, i32::MAX, 0), 255);
		assert_eq!(requant(i32::MAX, i32::MAX, 0), 255);
		// The multiplier just under 1 keeps 0..=255 as they are.
		for v in 0..=255 {
			assert_eq!(requant(v, i32::MAX, 0), v as u8);
		}
	}

	#[test]
	fn requantize_rounds_in_both_steps() {
		// 2^30 halves (ties up), then the shift divides (ties away from zero).
		assert_eq!(requant(3, HALF, 0), 2);
		assert_eq!(requant(6, HALF, 1), 2);
		assert_eq!(requant(10, HALF, 1), 3);
		assert_eq!(requant(9, HALF, 1), 3);
		assert_eq!(requant(7, HALF, 1), 2);
		assert_eq!(requant(510, HALF, 0), 255);
		assert_eq!(requant(511, HALF, 0), 255);
	}

	#[test]
	fn requantize_at_the_extremes_of_multiplier_and_shift() {
		// Multiplier 0: everything is 0.
		for acc in [i32::MIN, -1, 0, 1, i32::MAX] {
			assert_eq!(requant(acc, 0, 0), 0);
		}
		// Multiplier 1 is 2^-31: only the largest accumulators reach 1.
		assert_eq!(requant(i32::MAX, 1, 0), 1);
		assert_eq!(requant(HALF, 1, 0), 1);
		assert_eq!(requant(HALF - 1, 1, 0), 0);
		// Shift 31 after a multiplier near 1: 2^30 is the tie.
		assert_eq!(requant(HALF - 1, i32::MAX, MAX_SHIFT), 0);
		assert_eq!(requant(HALF, i32::MAX, MAX_SHIFT), 1);
		assert_eq!(requant(i32::MAX, i32::MAX, MAX_SHIFT), 1);
		assert_eq!(requant(i32::MIN, i32::MAX, MAX_SHIFT), 0);
	}

	#[test]
	fn negative_accumulators_clamp_to_zero_before_the_table() {
		let mut table = [7u8; 256];
		table[0] = 99;
		let layer = Layer::new(
			1,
			1,
			Vec::from([-128i8]),
			Vec::from([0]),
			Requantization::new(i32::MAX, 0).unwrap(),
			Activation::Lookup(Box::new(table)),
		)
		.unwrap();
		assert_eq!(neuron(&layer, 0, &[255], 0), Ok(99));
		assert_eq!(neuron(&layer, 0, &[0], 0), Ok(99));
	}

	#[test]
	fn worst_case_accumulator_fits() {
		let n = MAX_WIDTH as usize;
		let inputs = alloc::vec![255u8; n];
		let low = accumulate(&alloc::vec![-128i8; n], -MAX_ABS_BIAS, &inputs).unwrap();
		assert_eq!(i64::from(low), -MAX_ABS_ACCUMULATOR);
		assert_eq!(MAX_ABS_ACCUMULATOR, 2_143_289_344);
		let high = accumulate(&alloc::vec![127i8; n], MAX_ABS_BIAS, &inputs).unwrap();
		assert_eq!(i64::from(high), (n as i64) * 127 * 255 + i64::from(MAX_ABS_BIAS));
	}

	#[test]
	fn accumulate_reports_overflow_instead_of_wrapping() {
		// Outside the model bounds (bias i32::MAX), as no valid layer can be.
		assert_eq!(accumulate(&[1], i32::MAX, &[1]), None);
		assert_eq!(accumulate(&[1, 1], 0, &[1]), None);
	}

	#[test]
	fn infer_checks_lengths() {
		let layer = Layer::new(
			2,
			1,
			Vec::from([1i8, 1]),
			Vec::from([0]),
			Requantization::new(i32::MAX, 0).unwrap(),
			Activation::Relu,
		)
		.unwrap();
		let model = Model::new(0, 2, Vec::from([layer])).unwrap();
		let mut out = [0u8; 1];
		assert_eq!(infer(&model, &[3, 4], &mut out), Ok(()));
		assert_eq!(out, [7]);
		assert_eq!(
			infer(&model, &[3], &mut out),
			Err(BackendError::InputLength { expected: 2, actual: 1 })
		);
		assert_eq!(
			infer(&model, &[3, 4], &mut [0u8; 2]),
			Err(BackendError::OutputLength { expected: 1, actual: 2 })
		);
		let backend = ReferenceBackend;
		assert_eq!(
			backend.infer_batch(&model, &[1, 2, 3], 2, &mut [0u8; 2]),
			Err(BackendError::InputLength { expected: 4, actual: 3 })
		);
		assert_eq!(
			backend.infer_batch(&model, &[1, 2, 3, 4], 2, &mut [0u8; 3]),
			Err(BackendError::OutputLength { expected: 2, actual: 3 })
		);
		assert_eq!(
			backend.infer_batch(&model, &[], usize::MAX, &mut []),
			Err(BackendError::BatchTooLarge(usize::MAX))
		);
		let mut outs = [0u8; 2];
		assert_eq!(backend.infer_batch(&model, &[1, 2, 3, 4], 2, &mut outs), Ok(()));
		assert_eq!(outs, [3, 7]);
		assert_eq!(backend.infer_batch(&model, &[], 0, &mut []), Ok(()));
	}

	proptest! {
		#[test]
		fn srdhm_is_floor_of_product_plus_half(a in any::<i32>(), b in any::<i32>()) {
			prop_assume!(!(a == i32::MIN && b == i32::MIN));
			let exact = (i128::from(a) * i128::from(b) + (1 << 30)).div_euclid(1 << 31);
			prop_assert_eq!(i128::from(srdhm(a, b)), exact);
		}

		#[test]
		fn rounding_divide_by_pot_is_round_half_away(x in any::<i32>(), e in 0u32..=31) {
			let magnitude = i64::from(x).abs();
			let rounded = if e == 0 { magnitude } else { (magnitude + (1 << (e - 1))) >> e };
			let expected = if x < 0 { -rounded } else { rounded };
			prop_assert_eq!(i64::from(rounding_divide_by_pot(x, e)), expected);
		}
	}
}
