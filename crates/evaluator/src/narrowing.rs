//! Narrowing a disputed sample down to one output element, for models too large for the
//! on-chain referee to run whole.
//!
//! Two parties disagree on one sample's leaf. Each reveals its **trace** of the sample: the
//! hash of every layer's outputs ([`activations_hash`]), the last being the logits of its
//! leaf. The first layer whose hashes differ is where one of them went wrong: both reveal that
//! layer's outputs, and the first output element where they differ is all the referee
//! computes ([`element_from_parts`]), from the layer's input (the sample for layer 0, else the
//! previous layer's outputs, which both traced alike) and three leaves of the model root: the
//! element's weight row, the layer's biases and its requantization.
//!
//! ```text
//! activations hash = H(0x03 ‖ outputs u8[width])
//! ```
//!
//! (`0x00`–`0x02` are taken by [`crate::merkle`] and [`crate::result`].)

use alloc::vec::Vec;

use crate::{
	backend::BackendError,
	merkle::{self, Hash},
	model::{
		Activation, Model, Requantization, LOOKUP_TABLE_LEN, MAX_ABS_BIAS, REQUANTIZATION_LEN,
	},
	reference,
};

/// Domain byte that starts an activations hash's preimage.
pub const ACTIVATIONS_PREFIX: u8 = 0x03;

/// The hash of one layer's outputs: `H(0x03 ‖ outputs)`.
pub fn activations_hash(outputs: &[u8]) -> Hash {
	merkle::hash_parts(&[&[ACTIVATIONS_PREFIX], outputs])
}

/// Every layer's outputs for `input`, in layer order: the last are the logits.
pub fn activations(model: &Model, input: &[u8]) -> Result<Vec<Vec<u8>>, BackendError> {
	if input.len() != model.input_size() as usize {
		return Err(BackendError::InputLength {
			expected: model.input_size() as usize,
			actual: input.len(),
		});
	}
	let mut outputs: Vec<Vec<u8>> = Vec::with_capacity(model.layers().len());
	for (layer_index, layer) in (0u32..).zip(model.layers()) {
		let mut next = alloc::vec![0u8; layer.output_size() as usize];
		let current = outputs.last().map_or(input, Vec::as_slice);
		reference::infer_layer(layer, current, &mut next, layer_index)?;
		outputs.push(next);
	}
	Ok(outputs)
}

/// The trace of `input`: the [`activations_hash`] of every layer's outputs.
pub fn trace(model: &Model, input: &[u8]) -> Result<Vec<Hash>, BackendError> {
	Ok(activations(model, input)?.iter().map(|outputs| activations_hash(outputs)).collect())
}

/// The position of the first element where `a` and `b` differ, comparing up to the shorter.
pub fn first_difference<T: PartialEq>(a: &[T], b: &[T]) -> Option<usize> {
	a.iter().zip(b).position(|(x, y)| x != y)
}

/// Why a layer's parts cannot give an output element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartError {
	/// The weight row's length differs from the input's.
	RowLength,
	/// The biases leaf holds no bias for the element, or it is out of range.
	Bias,
	/// The requantization leaf is neither 8 nor 264 bytes, or its multiplier or shift is out of
	/// range.
	Requantization,
}

/// The requantization and activation of a layer from its requantization leaf: multiplier
/// `i32`, shift `u32`, then the lookup table when the activation is one.
pub fn requantization_from_part(part: &[u8]) -> Result<(Requantization, Activation), PartError> {
	let field =
		|at: usize| -> Option<[u8; 4]> { part.get(at..at.checked_add(4)?)?.try_into().ok() };
	let multiplier = i32::from_le_bytes(field(0).ok_or(PartError::Requantization)?);
	let shift = u32::from_le_bytes(field(4).ok_or(PartError::Requantization)?);
	let requantization =
		Requantization::new(multiplier, shift).map_err(|_| PartError::Requantization)?;
	let activation = match part.get(REQUANTIZATION_LEN..) {
		Some([]) => Activation::Relu,
		Some(table) if table.len() == LOOKUP_TABLE_LEN => Activation::Lookup(
			alloc::boxed::Box::new(table.try_into().map_err(|_| PartError::Requantization)?),
		),
		_ => return Err(PartError::Requantization),
	};
	Ok((requantization, activation))
}

/// Output `element` of a layer for `inputs`, from the data of three of the model's leaves:
/// the element's weight row (`int8`, one per input), the layer's biases (`i32` LE each) and
/// its requantization. The arithmetic is [`reference::neuron`]'s.
pub fn element_from_parts(
	row: &[u8],
	biases: &[u8],
	requantization: &[u8],
	element: u32,
	inputs: &[u8],
) -> Result<u8, PartError> {
	if row.len() != inputs.len() {
		return Err(PartError::RowLength);
	}
	let at = (element as usize).checked_mul(4).ok_or(PartError::Bias)?;
	let bias: [u8; 4] = biases
		.get(at..at.checked_add(4).ok_or(PartError::Bias)?)
		.and_then(|bytes| bytes.try_into().ok())
		.ok_or(PartError::Bias)?;
	let bias = i32::from_le_bytes(bias);
	if !(-MAX_ABS_BIAS..=MAX_ABS_BIAS).contains(&bias) {
		return Err(PartError::Bias);
	}
	let (requantization, activation) = requantization_from_part(requantization)?;
	let weights: Vec<i8> = row.iter().map(|&byte| i8::from_le_bytes([byte])).collect();
	// Within the model bounds (fan-in ≤ 2^15, |bias| ≤ 2^30, checked) no sum overflows.
	let acc = reference::accumulate(&weights, bias, inputs).ok_or(PartError::RowLength)?;
	Ok(activation.apply(reference::requantize(acc, requantization)))
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]
mod tests {
	use super::*;
	use crate::model::{Layer, ModelPart};
	use alloc::{boxed::Box, vec};

	fn model() -> Model {
		let mut table = [0u8; LOOKUP_TABLE_LEN];
		for (i, t) in table.iter_mut().enumerate() {
			*t = (i as u8).wrapping_mul(3);
		}
		let first = Layer::new(
			3,
			4,
			(0..12).map(|i: i8| i * 7 - 40).collect(),
			vec![5, -9, 100, 0],
			Requantization::new(1 << 30, 2).unwrap(),
			Activation::Lookup(Box::new(table)),
		)
		.unwrap();
		let second = Layer::new(
			4,
			2,
			(0..8).map(|i: i8| 20 - i * 5).collect(),
			vec![-3, 7],
			Requantization::new(i32::MAX, 3).unwrap(),
			Activation::Relu,
		)
		.unwrap();
		Model::new(0, 3, vec![first, second]).unwrap()
	}

	#[test]
	fn activations_end_with_the_logits() {
		let model = model();
		let input = [9u8, 200, 31];
		let outputs = activations(&model, &input).unwrap();
		assert_eq!(outputs.len(), 2);
		let mut logits = [0u8; 2];
		reference::infer(&model, &input, &mut logits).unwrap();
		assert_eq!(outputs[1], logits);
		let hashes = trace(&model, &input).unwrap();
		assert_eq!(hashes, vec![activations_hash(&outputs[0]), activations_hash(&outputs[1])]);
		assert_ne!(activations_hash(&logits), merkle::hash_leaf(&logits));
		assert_eq!(
			activations(&model, &[1, 2]),
			Err(BackendError::InputLength { expected: 3, actual: 2 })
		);
	}

	#[test]
	fn every_element_from_the_models_proven_parts_is_the_references() {
		let model = model();
		let root = model.root();
		let input = [9u8, 200, 31];
		let outputs = activations(&model, &input).unwrap();
		for (layer, layer_outputs) in (0u32..).zip(&outputs) {
			let layer_input = if layer == 0 { &input[..] } else { &outputs[layer as usize - 1] };
			let (biases, biases_proof) = model.prove(ModelPart::Biases { layer }).unwrap();
			let (requantization, requantization_proof) =
				model.prove(ModelPart::Requantization { layer }).unwrap();
			assert!(biases_proof.verify(&root, &merkle::hash_leaf(&biases)));
			assert!(requantization_proof.verify(&root, &merkle::hash_leaf(&requantization)));
			for (element, &expected) in (0u32..).zip(layer_outputs) {
				let (row, proof) =
					model.prove(ModelPart::WeightRow { layer, row: element }).unwrap();
				assert!(proof.verify(&root, &merkle::hash_leaf(&row)));
				let value =
					element_from_parts(&row, &biases, &requantization, element, layer_input);
				assert_eq!(value, Ok(expected), "layer {layer} element {element}");
			}
		}
	}

	#[test]
	fn malformed_parts_are_refused() {
		let model = model();
		let (row, _) = model.prove(ModelPart::WeightRow { layer: 1, row: 0 }).unwrap();
		let (biases, _) = model.prove(ModelPart::Biases { layer: 1 }).unwrap();
		let (requantization, _) = model.prove(ModelPart::Requantization { layer: 1 }).unwrap();
		let input = [1u8, 2, 3, 4];
		assert!(element_from_parts(&row, &biases, &requantization, 1, &input).is_ok());
		assert_eq!(
			element_from_parts(&row[1..], &biases, &requantization, 0, &input),
			Err(PartError::RowLength)
		);
		assert_eq!(
			element_from_parts(&row, &biases, &requantization, 2, &input),
			Err(PartError::Bias)
		);
		let mut out_of_range = biases.clone();
		out_of_range[..4].copy_from_slice(&(MAX_ABS_BIAS + 1).to_le_bytes());
		assert_eq!(
			element_from_parts(&row, &out_of_range, &requantization, 0, &input),
			Err(PartError::Bias)
		);
		assert_eq!(
			element_from_parts(&row, &biases, &requantization[..7], 0, &input),
			Err(PartError::Requantization)
		);
		let mut long = requantization.clone();
		long.push(0);
		assert_eq!(
			element_from_parts(&row, &biases, &long, 0, &input),
			Err(PartError::Requantization)
		);
		let mut negative = requantization.clone();
		negative[..4].copy_from_slice(&(-1i32).to_le_bytes());
		assert_eq!(requantization_from_part(&negative), Err(PartError::Requantization));
		let mut shift = requantization.clone();
		shift[4..8].copy_from_slice(&32u32.to_le_bytes());
		assert_eq!(requantization_from_part(&shift), Err(PartError::Requantization));
	}

	#[test]
	fn first_difference_compares_up_to_the_shorter() {
		assert_eq!(first_difference(&[1, 2, 3], &[1, 2, 4]), Some(2));
		assert_eq!(first_difference(&[1, 2], &[1, 2, 3]), None);
		assert_eq!(first_difference::<u8>(&[], &[]), None);
	}
}
