//! Post-training quantization of a [`FloatMlp`] into model format v1.
//!
//! # Scales
//!
//! A real value `r` is represented by an integer `q` with a scale `s`: `r ≈ s · q`. No zero
//! points: inputs and activations are uint8 starting at 0 (ReLU outputs), weights are
//! symmetric int8.
//!
//! * **Inputs**: the dataset's bytes with scale `1/255` (the float model saw `byte / 255`).
//! * **Weights**, per layer: `s_w = max|W| / 127`, `w_q = round(W / s_w)` in `-127..=127`.
//! * **Accumulator** of a layer with input scale `s_in`: scale `s_acc = s_in · s_w`; biases
//!   are int32 in that scale: `b_q = round(b / s_acc)` (must stay within ±2^30).
//! * **Hidden outputs** (ReLU): scale `s_out = s_acc · top / 255`, where `top` is the
//!   layer's largest accumulator over the calibration samples (run through the
//!   already-quantized layers with the evaluator's own integer arithmetic). The
//!   requantization multiplier is `M = s_acc / s_out = 255 / top`, encoded by
//!   [`quantize_multiplier`] (TFLite's `QuantizeMultiplier`) as a Q31 multiplier and a right
//!   shift; the next layer's input scale is the scale that encoded multiplier really implies.
//!   (Clipping at a quantile below the maximum was measured on digits: no better.)
//! * **Logits** (the last layer): only their argmax matters (the evaluator scores
//!   `argmax == label`), and the u8 clamp sends every negative logit to 0. Softmax ignores a
//!   common offset, so the biases get one: over the calibration samples the winning
//!   accumulator `t` lies in `t_lo..=t_hi` (quantiles); the offset maps `t_lo` to 8 and
//!   `M = 239 / (t_hi - t_lo)` maps `t_hi` to 247, so winners are positive and do not
//!   saturate, and their resolution is the whole u8 range. A small grid of quantile pairs is
//!   tried.
//!
//! **Score** of a candidate: on the calibration samples (the training split), the number of
//! samples whose quantized prediction (the evaluator's requantization and argmax, lowest
//! index on ties) equals the float model's, then the number of correct labels; the earlier
//! (wider) candidate wins ties.
//!
//! # `QuantizeMultiplier`
//!
//! TFLite (`tensorflow/lite/kernels/internal/quantization_util.cc`) writes a real multiplier
//! as `q · 2^e / 2^31` with `q` in `[2^30, 2^31)`: `frexp` gives the mantissa in `[0.5, 1)` and
//! `e`; `q = round(mantissa · 2^31)` (half away from zero); a `q` that rounds up to `2^31` is
//! halved and `e` incremented; an `e` below `-31` flushes to `q = 0, e = 0`. Model format v1
//! only shifts right (`shift = -e` in `0..=31`), so a multiplier must be below 1
//! (`e ≤ 0`): [`requantization`] refuses the rest.

use std::ops::Range;

use verity_evaluator::{
	model::{LayerError, ModelError, MAX_ABS_BIAS},
	reference, result, Activation, Dataset, Layer, Model, Requantization,
};

use super::train::{DenseLayer, FloatMlp};

/// The largest real multiplier model format v1 holds: `(2^31 - 1) / 2^31` (multiplier
/// `i32::MAX`, shift 0).
pub const MAX_REAL_MULTIPLIER: f64 = i32::MAX as f64 / TWO_POW_31;

const TWO_POW_31: f64 = 2_147_483_648.0;

/// Where the winning logits of the calibration samples land: `t_lo → LOGIT_LOW`,
/// `t_hi → LOGIT_HIGH`.
const LOGIT_LOW: f64 = 8.0;
const LOGIT_HIGH: f64 = 247.0;

/// Quantile pairs `(low, high)` of the winning accumulators tried for the logits' scale,
/// widest first.
const LOGIT_PERCENTILES: [(f64, f64); 9] = [
	(0.0, 1.0),
	(0.0, 0.99),
	(0.01, 1.0),
	(0.01, 0.99),
	(0.0, 0.95),
	(0.02, 0.98),
	(0.05, 1.0),
	(0.05, 0.95),
	(0.1, 0.9),
];

/// Why a float model could not be quantized.
#[derive(Clone, Debug, PartialEq)]
pub enum QuantizeError {
	/// A real multiplier is negative, infinite or NaN.
	InvalidMultiplier(f64),
	/// A real multiplier is 1 or more (after rounding), which a right shift cannot express.
	MultiplierNotBelowOne(f64),
	/// A weight or bias is infinite or NaN.
	NotFinite {
		/// The layer, from 0.
		layer: usize,
	},
	/// A quantized bias is outside ±2^30 (the format's bound).
	BiasOutOfRange {
		/// The layer, from 0.
		layer: usize,
		/// The output.
		row: usize,
		/// The quantized bias.
		value: f64,
	},
	/// The float model's shapes do not fit the dataset or each other.
	Shape(String),
	/// No calibration samples.
	NoCalibrationSamples,
	/// The evaluator refused a layer.
	Layer {
		/// The layer, from 0.
		layer: usize,
		/// Why.
		error: LayerError,
	},
	/// The evaluator refused the model.
	Model(ModelError),
	/// The evaluator's arithmetic failed on a calibration sample (cannot happen for a valid
	/// layer).
	Calibration(String),
}

impl std::fmt::Display for QuantizeError {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			Self::InvalidMultiplier(m) => write!(f, "invalid real multiplier {m}"),
			Self::MultiplierNotBelowOne(m) => {
				write!(f, "real multiplier {m} is not below 1; format v1 only shifts right")
			}
			Self::NotFinite { layer } => write!(f, "layer {layer} has a non-finite parameter"),
			Self::BiasOutOfRange { layer, row, value } => write!(
				f,
				"layer {layer}, output {row}: quantized bias {value} is outside ±{MAX_ABS_BIAS}"
			),
			Self::Shape(message) => write!(f, "{message}"),
			Self::NoCalibrationSamples => write!(f, "no calibration samples"),
			Self::Layer { layer, error } => write!(f, "layer {layer}: {error}"),
			Self::Model(error) => write!(f, "{error}"),
			Self::Calibration(message) => write!(f, "calibration: {message}"),
		}
	}
}

impl std::error::Error for QuantizeError {}

/// TFLite's quantized multiplier: the real multiplier is `multiplier · 2^exponent / 2^31`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuantizedMultiplier {
	/// Q31 mantissa in `[2^30, 2^31)`, or 0.
	pub multiplier: i32,
	/// Power of two; negative means a right shift.
	pub exponent: i32,
}

impl QuantizedMultiplier {
	/// The real value this multiplier stands for.
	pub fn real(&self) -> f64 {
		f64::from(self.multiplier) / TWO_POW_31 * 2f64.powi(self.exponent)
	}
}

/// `frexp` for a positive finite normal `x`: `(mantissa, exponent)` with `x = mantissa ·
/// 2^exponent` and `mantissa` in `[0.5, 1)`; `None` for zero, subnormals, negatives,
/// infinities and NaN.
fn frexp(x: f64) -> Option<(f64, i32)> {
	if !(x.is_finite() && x.is_normal() && x > 0.0) {
		return None;
	}
	let bits = x.to_bits();
	// Biased exponent in 1..=2046 for a normal number: fits i32, no overflow below.
	let biased = i32::try_from((bits >> 52) & 0x7ff).ok()?;
	// Replace the exponent with 1022 (the exponent of [0.5, 1)).
	let mantissa = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
	Some((mantissa, biased.checked_sub(1022)?))
}

/// TFLite's `QuantizeMultiplier`: see the module docs. Errors for a negative, infinite or NaN
/// `real`. Zero, subnormals and anything below `2^-32` (after rounding) become `(0, 0)`.
pub fn quantize_multiplier(real: f64) -> Result<QuantizedMultiplier, QuantizeError> {
	if !real.is_finite() || real < 0.0 {
		return Err(QuantizeError::InvalidMultiplier(real));
	}
	let zero = QuantizedMultiplier { multiplier: 0, exponent: 0 };
	let Some((mantissa, exponent)) = frexp(real) else { return Ok(zero) };
	// mantissa · 2^31 is exact (a power-of-two scaling) and in [2^30, 2^31].
	let mut q = (mantissa * TWO_POW_31).round() as i64;
	let mut exponent = exponent;
	if q == 1i64 << 31 {
		q = 1i64 << 30;
		exponent = exponent.saturating_add(1);
	}
	if exponent < -31 {
		return Ok(zero);
	}
	let multiplier = i32::try_from(q).map_err(|_| QuantizeError::InvalidMultiplier(real))?;
	Ok(QuantizedMultiplier { multiplier, exponent })
}

/// The model format v1 requantization of `real`: [`quantize_multiplier`] with `shift =
/// -exponent`. Errors: [`QuantizeError::MultiplierNotBelowOne`] when the exponent is positive
/// (`real` ≥ 1 after rounding), and those of [`quantize_multiplier`].
pub fn requantization(real: f64) -> Result<Requantization, QuantizeError> {
	let quantized = quantize_multiplier(real)?;
	if quantized.exponent > 0 {
		return Err(QuantizeError::MultiplierNotBelowOne(real));
	}
	let shift = quantized.exponent.unsigned_abs();
	Requantization::new(quantized.multiplier, shift)
		.map_err(|error| QuantizeError::Layer { layer: 0, error })
}

/// The real value a requantization stands for: `multiplier / 2^31 / 2^shift`.
pub fn requantization_real(requantization: Requantization) -> f64 {
	let shift = i32::try_from(requantization.shift()).unwrap_or(31);
	f64::from(requantization.multiplier()) / TWO_POW_31 * 2f64.powi(shift.saturating_neg())
}

/// What the calibration found.
#[derive(Clone, Debug, PartialEq)]
pub struct Calibration {
	/// Calibration samples.
	pub samples: u32,
	/// Samples on which the quantized model predicts what the float model predicts.
	pub agree_with_float: u32,
	/// Samples the quantized model predicts right.
	pub correct: u32,
	/// The chosen quantile pair of the winning logit accumulators.
	pub logit_quantiles: (f64, f64),
	/// Per layer: the weight scale and the real requantization multiplier.
	pub layers: Vec<(f64, f64)>,
}

/// `round(value)` as an i64, or `None` if not finite or beyond ±2^62.
fn round_to_int(value: f64) -> Option<i64> {
	let rounded = value.round();
	// ±2^62 keeps every later i64 sum exact and the f64 → i64 conversion in range.
	(rounded.is_finite() && rounded.abs() <= 4.6e18).then_some(rounded as i64)
}

fn quantize_weights(weights: &[f32]) -> (Vec<i8>, f64) {
	let max = weights.iter().fold(0.0f64, |m, &w| m.max(f64::from(w).abs()));
	let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
	let quantized = weights
		.iter()
		.map(|&w| {
			let q = (f64::from(w) / scale).round().clamp(-127.0, 127.0);
			// In -127..=127 after the clamp.
			q as i8
		})
		.collect();
	(quantized, scale)
}

fn quantize_biases(
	biases: &[f32],
	accumulator_scale: f64,
	layer: usize,
) -> Result<Vec<i32>, QuantizeError> {
	biases
		.iter()
		.enumerate()
		.map(|(row, &b)| {
			let value = f64::from(b) / accumulator_scale;
			round_to_int(value)
				.and_then(|q| i32::try_from(q).ok())
				.filter(|q| (-MAX_ABS_BIAS..=MAX_ABS_BIAS).contains(q))
				.ok_or(QuantizeError::BiasOutOfRange { layer, row, value })
		})
		.collect()
}

/// The accumulators (bias included) of every output of `weights`/`biases` for one input.
fn accumulators(
	weights: &[i8],
	biases: &[i32],
	input: &[u8],
	layer: usize,
) -> Result<Vec<i32>, QuantizeError> {
	let fan_in = input.len().max(1);
	weights
		.chunks_exact(fan_in)
		.zip(biases)
		.map(|(row, &bias)| {
			reference::accumulate(row, bias, input).ok_or_else(|| {
				QuantizeError::Calibration(format!("accumulator overflow in layer {layer}"))
			})
		})
		.collect()
}

/// The value at quantile `p` (0..=1) of sorted `values` (nearest rank, rounding down).
fn quantile(sorted: &[i64], p: f64) -> i64 {
	let last = sorted.len().saturating_sub(1);
	let rank = ((last as f64) * p).floor() as usize;
	sorted.get(rank.min(last)).copied().unwrap_or_default()
}

/// The calibration samples, with what the float model predicts for each.
struct CalibrationSet {
	labels: Vec<u8>,
	float_predictions: Vec<usize>,
}

impl CalibrationSet {
	/// `(agreements with the float model, correct labels)` of predicted classes.
	fn score(&self, predictions: impl Iterator<Item = Option<u32>>) -> (u32, u32) {
		let (mut agree, mut correct) = (0u32, 0u32);
		for ((predicted, &label), &float) in
			predictions.zip(&self.labels).zip(&self.float_predictions)
		{
			let predicted = predicted.map(|p| p as usize);
			agree = agree.saturating_add(u32::from(predicted == Some(float)));
			correct = correct.saturating_add(u32::from(predicted == Some(usize::from(label))));
		}
		(agree, correct)
	}
}

/// One quantized layer and what its calibration chose.
struct QuantizedLayer {
	layer: Layer,
	/// Weight scale and real multiplier.
	scales: (f64, f64),
	/// The layer's output scale (the next layer's input scale).
	output_scale: f64,
}

fn to_u32(value: usize, layer: usize) -> Result<u32, QuantizeError> {
	u32::try_from(value).map_err(|_| QuantizeError::Shape(format!("layer {layer} is too wide")))
}

fn check_finite(float: &DenseLayer, layer: usize) -> Result<(), QuantizeError> {
	if float.weights.iter().chain(&float.biases).all(|v| v.is_finite()) {
		Ok(())
	} else {
		Err(QuantizeError::NotFinite { layer })
	}
}

/// Quantizes hidden layer `index` (ReLU) for inputs of scale `input_scale`, mapping its
/// largest accumulator over `activations` to 255.
fn quantize_hidden(
	float: &DenseLayer,
	index: usize,
	activations: &[Vec<u8>],
	input_scale: f64,
) -> Result<QuantizedLayer, QuantizeError> {
	check_finite(float, index)?;
	let (weights, weight_scale) = quantize_weights(&float.weights);
	let accumulator_scale = input_scale * weight_scale;
	let biases = quantize_biases(&float.biases, accumulator_scale, index)?;
	let mut top = 0i32;
	for input in activations {
		top = accumulators(&weights, &biases, input, index)?.into_iter().fold(top, i32::max);
	}
	// M = 255 / top maps `top` to 255; a dead layer (no positive accumulator) gets any
	// multiplier, its outputs are all 0.
	let real = if top > 0 { 255.0 / f64::from(top) } else { 0.5 };
	let requant = requantization(real.min(MAX_REAL_MULTIPLIER))?;
	let represented = requantization_real(requant);
	let layer = Layer::new(
		to_u32(float.inputs, index)?,
		to_u32(float.outputs, index)?,
		weights,
		biases,
		requant,
		Activation::Relu,
	)
	.map_err(|error| QuantizeError::Layer { layer: index, error })?;
	// s_out = s_acc / M, with M as encoded; a zero multiplier keeps the scale (outputs are 0).
	let output_scale =
		if represented > 0.0 { accumulator_scale / represented } else { input_scale };
	Ok(QuantizedLayer { layer, scales: (weight_scale, represented), output_scale })
}

/// The outputs of `layer` for every input, by the evaluator's reference arithmetic.
fn run_layer(
	layer: &Layer,
	activations: &[Vec<u8>],
	index: usize,
) -> Result<Vec<Vec<u8>>, QuantizeError> {
	let layer_index = to_u32(index, index)?;
	activations
		.iter()
		.map(|input| {
			let mut out = vec![0u8; layer.output_size() as usize];
			reference::infer_layer(layer, input, &mut out, layer_index)
				.map(|()| out)
				.map_err(|e| QuantizeError::Calibration(e.to_string()))
		})
		.collect()
}

/// The logits layer with the quantile pair it was calibrated with and its score.
struct CalibratedLogits {
	quantized: QuantizedLayer,
	quantiles: (f64, f64),
	/// `(agreements with the float model, correct labels)` on the calibration set.
	score: (u32, u32),
}

/// Quantizes the logits layer `index`: the percentile grid of the module docs, each pair
/// scored by the evaluator's own requantization and argmax on the calibration set.
fn quantize_logits(
	float: &DenseLayer,
	index: usize,
	activations: &[Vec<u8>],
	input_scale: f64,
	set: &CalibrationSet,
) -> Result<CalibratedLogits, QuantizeError> {
	check_finite(float, index)?;
	let (weights, weight_scale) = quantize_weights(&float.weights);
	let accumulator_scale = input_scale * weight_scale;
	let biases = quantize_biases(&float.biases, accumulator_scale, index)?;
	let sample_accumulators: Vec<Vec<i32>> = activations
		.iter()
		.map(|input| accumulators(&weights, &biases, input, index))
		.collect::<Result<_, _>>()?;
	// Each sample's winning accumulator.
	let mut winners: Vec<i64> = sample_accumulators
		.iter()
		.map(|accs| i64::from(accs.iter().copied().max().unwrap_or(0)))
		.collect();
	winners.sort_unstable();

	let mut best: Option<CalibratedLogits> = None;
	for quantiles in LOGIT_PERCENTILES {
		let low = quantile(&winners, quantiles.0);
		let high = quantile(&winners, quantiles.1);
		// high ≥ low; a span of at least 1 keeps M finite.
		let span = (high.saturating_sub(low)).max(1) as f64;
		let real = ((LOGIT_HIGH - LOGIT_LOW) / span).min(MAX_REAL_MULTIPLIER);
		let requant = requantization(real)?;
		let represented = requantization_real(requant);
		if represented <= 0.0 {
			continue;
		}
		// The offset that puts `low` at LOGIT_LOW (in accumulator units).
		let Some(offset) = round_to_int(LOGIT_LOW / represented - low as f64) else { continue };
		let shifted: Option<Vec<i32>> = biases
			.iter()
			.map(|&b| {
				i32::try_from(i64::from(b).saturating_add(offset))
					.ok()
					.filter(|b| (-MAX_ABS_BIAS..=MAX_ABS_BIAS).contains(b))
			})
			.collect();
		let Some(shifted) = shifted else { continue };
		// The evaluator's own requantization and argmax of each shifted accumulator.
		let predictions = sample_accumulators.iter().map(|accs| {
			let logits: Vec<u8> = accs
				.iter()
				.map(|&acc| {
					let acc = i32::try_from(i64::from(acc).saturating_add(offset)).unwrap_or(0);
					reference::requantize(acc, requant)
				})
				.collect();
			result::argmax(&logits)
		});
		let score = set.score(predictions);
		if best.as_ref().is_none_or(|b| score > b.score) {
			let layer = Layer::new(
				to_u32(float.inputs, index)?,
				to_u32(float.outputs, index)?,
				weights.clone(),
				shifted,
				requant,
				Activation::Relu,
			)
			.map_err(|error| QuantizeError::Layer { layer: index, error })?;
			let quantized = QuantizedLayer {
				layer,
				scales: (weight_scale, represented),
				output_scale: accumulator_scale / represented,
			};
			best = Some(CalibratedLogits { quantized, quantiles, score });
		}
	}
	best.ok_or_else(|| QuantizeError::Calibration("no logit scale fits the bias bound".into()))
}

/// Quantizes `mlp` into a model of `family`, calibrated on the samples `calibration` of
/// `dataset` (the training split): see the module docs.
pub fn quantize_mlp(
	mlp: &FloatMlp,
	dataset: &Dataset,
	calibration: Range<u32>,
	family: u32,
) -> Result<(Model, Calibration), QuantizeError> {
	let samples: Vec<(&[u8], u8)> =
		calibration.filter_map(|i| Some((dataset.sample(i)?, dataset.label(i)?))).collect();
	if samples.is_empty() {
		return Err(QuantizeError::NoCalibrationSamples);
	}
	let input_size = dataset.sample_size();
	let Some((last, hidden)) = mlp.layers.split_last() else {
		return Err(QuantizeError::Shape("the model has no layers".into()));
	};
	if mlp.layers.first().map(|l| l.inputs) != Some(input_size as usize) {
		return Err(QuantizeError::Shape(format!(
			"the model's input size is not the dataset's sample size {input_size}"
		)));
	}
	if last.outputs != dataset.class_count() as usize {
		return Err(QuantizeError::Shape(format!(
			"the model has {} logits, the dataset {} classes",
			last.outputs,
			dataset.class_count()
		)));
	}
	let set = CalibrationSet {
		labels: samples.iter().map(|&(_, label)| label).collect(),
		float_predictions: samples.iter().map(|&(sample, _)| mlp.predict(sample)).collect(),
	};

	let mut layers = Vec::with_capacity(mlp.layers.len());
	let mut scales = Vec::with_capacity(mlp.layers.len());
	// The current layer's inputs for every calibration sample, and their scale.
	let mut activations: Vec<Vec<u8>> = samples.iter().map(|(s, _)| s.to_vec()).collect();
	let mut input_scale = 1.0 / 255.0;
	for (index, float) in hidden.iter().enumerate() {
		let quantized = quantize_hidden(float, index, &activations, input_scale)?;
		activations = run_layer(&quantized.layer, &activations, index)?;
		input_scale = quantized.output_scale;
		scales.push(quantized.scales);
		layers.push(quantized.layer);
	}
	let logits = quantize_logits(last, hidden.len(), &activations, input_scale, &set)?;
	let (agree_with_float, correct) = logits.score;
	let logit_quantiles = logits.quantiles;
	scales.push(logits.quantized.scales);
	layers.push(logits.quantized.layer);
	let model = Model::new(family, input_size, layers).map_err(QuantizeError::Model)?;
	let calibration = Calibration {
		samples: u32::try_from(samples.len()).unwrap_or(u32::MAX),
		agree_with_float,
		correct,
		logit_quantiles,
		layers: scales,
	};
	Ok((model, calibration))
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
	use super::*;

	const HALF: i32 = 1 << 30;

	fn qm(real: f64) -> (i32, i32) {
		let q = quantize_multiplier(real).unwrap();
		(q.multiplier, q.exponent)
	}

	#[test]
	fn quantize_multiplier_of_powers_of_two() {
		assert_eq!(qm(0.5), (HALF, 0));
		assert_eq!(qm(0.25), (HALF, -1));
		assert_eq!(qm(1.0), (HALF, 1));
		assert_eq!(qm(2.0), (HALF, 2));
		assert_eq!(qm(2f64.powi(-31)), (HALF, -30));
	}

	#[test]
	fn quantize_multiplier_of_ordinary_values() {
		// 0.75 = 0.75 · 2^0: 0.75 · 2^31 = 1 610 612 736.
		assert_eq!(qm(0.75), (1_610_612_736, 0));
		// 0.1 = 0.8 · 2^-3: round(0.8 · 2^31) = 1 717 986 918.
		assert_eq!(qm(0.1), (1_717_986_918, -3));
		// 1/255 = (128/255) · 2^-7: round(128/255 · 2^31) = round(1 077 952 576.25).
		assert_eq!(qm(1.0 / 255.0), (1_077_952_576, -7));
	}

	#[test]
	fn quantize_multiplier_carries_a_rounded_up_mantissa() {
		// Just below 1: the mantissa rounds to 2^31, which becomes 2^30 · 2^1.
		assert_eq!(qm(1.0 - 2f64.powi(-40)), (HALF, 1));
		// Just below 0.5: 2^30 · 2^0.
		assert_eq!(qm(0.5 - 2f64.powi(-40)), (HALF, 0));
		// Far enough below 1 to stay: (2^31 - 1) / 2^31.
		assert_eq!(qm(MAX_REAL_MULTIPLIER), (i32::MAX, 0));
	}

	#[test]
	fn quantize_multiplier_flushes_tiny_values_to_zero() {
		assert_eq!(qm(0.0), (0, 0));
		assert_eq!(qm(f64::MIN_POSITIVE / 2.0), (0, 0));
		// 2^-32 = 0.5 · 2^-31 is the smallest kept; 2^-33 flushes.
		assert_eq!(qm(2f64.powi(-32)), (HALF, -31));
		assert_eq!(qm(2f64.powi(-33)), (0, 0));
		// Just below 2^-32 rounds up into exponent -31 and is kept.
		assert_eq!(qm(2f64.powi(-32) * (1.0 - 2f64.powi(-40))), (HALF, -31));
	}

	#[test]
	fn quantize_multiplier_refuses_negative_and_non_finite() {
		for real in [-0.5, -f64::MIN_POSITIVE, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
			assert!(matches!(quantize_multiplier(real), Err(QuantizeError::InvalidMultiplier(_))));
		}
	}

	#[test]
	fn requantization_only_shifts_right() {
		assert_eq!(requantization(0.5).unwrap(), Requantization::new(HALF, 0).unwrap());
		assert_eq!(requantization(0.25).unwrap(), Requantization::new(HALF, 1).unwrap());
		assert_eq!(requantization(2f64.powi(-32)).unwrap(), Requantization::new(HALF, 31).unwrap());
		assert_eq!(
			requantization(MAX_REAL_MULTIPLIER).unwrap(),
			Requantization::new(i32::MAX, 0).unwrap()
		);
		assert_eq!(requantization(0.0).unwrap(), Requantization::new(0, 0).unwrap());
		assert_eq!(requantization(1.0), Err(QuantizeError::MultiplierNotBelowOne(1.0)));
		let just_below = 1.0 - 2f64.powi(-40);
		assert_eq!(
			requantization(just_below),
			Err(QuantizeError::MultiplierNotBelowOne(just_below))
		);
		assert_eq!(requantization(3.0), Err(QuantizeError::MultiplierNotBelowOne(3.0)));
	}

	#[test]
	fn quantized_multiplier_is_within_half_an_ulp_of_q31() {
		// Deterministic spread of reals over [2^-32, 1): relative error ≤ 2^-31.
		let mut x = 0x1234_5678_9abc_def0u64;
		for _ in 0..10_000 {
			x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
			// Exponent in -31..=0, mantissa in [0.5, 1).
			let exponent = -((x >> 58) as i32 % 32);
			let mantissa = 0.5 + (x >> 11) as f64 / (1u64 << 54) as f64;
			let real = mantissa * 2f64.powi(exponent);
			let q = quantize_multiplier(real).unwrap();
			assert!((q.real() - real).abs() <= real * 2f64.powi(-31), "{real}: {q:?}");
			assert!(q.multiplier >= HALF, "{real}: {q:?}");
			assert!((-31..=1).contains(&q.exponent), "{real}: {q:?}");
		}
	}

	#[test]
	fn requantize_with_a_quantized_multiplier_rounds_the_product() {
		// The evaluator's integer requantization of acc with M agrees with round(acc · M)
		// within 1 (two roundings) for accumulators in the u8 output range.
		for real in [0.9, 0.5, 0.3, 1.0 / 255.0, 0.001] {
			let requant = requantization(real).unwrap();
			for acc in (0..200_000).step_by(37) {
				let exact = (f64::from(acc) * real).round().clamp(0.0, 255.0);
				let got = f64::from(reference::requantize(acc, requant));
				assert!((got - exact).abs() <= 1.0, "{real} {acc}: {got} vs {exact}");
			}
		}
	}

	#[test]
	fn quantile_is_nearest_rank_down() {
		let values: Vec<i64> = (0..=100).collect();
		assert_eq!(quantile(&values, 0.0), 0);
		assert_eq!(quantile(&values, 0.5), 50);
		assert_eq!(quantile(&values, 0.99), 99);
		assert_eq!(quantile(&values, 1.0), 100);
		assert_eq!(quantile(&[], 0.5), 0);
	}

	#[test]
	fn frexp_matches_the_c_definition() {
		assert_eq!(frexp(1.0), Some((0.5, 1)));
		assert_eq!(frexp(0.5), Some((0.5, 0)));
		assert_eq!(frexp(3.0), Some((0.75, 2)));
		assert_eq!(frexp(0.1), Some((0.8, -3)));
		assert_eq!(frexp(0.0), None);
		assert_eq!(frexp(-1.0), None);
	}
}
