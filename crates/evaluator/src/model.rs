//! Model format v1: a stack of dense int8 layers with uint8 activations.
//!
//! A model maps `input_size` uint8 values through `layer_count` dense layers. Layer `l` has
//! `input_size(l)` inputs (the previous layer's outputs, or the model's input for layer 0) and
//! `output_size(l)` outputs; output `o` is
//!
//! ```text
//! acc      = bias[o] + Σ_i weight[o][i] · input[i]          (i32; int8 × uint8 products)
//! q        = clamp(rounding_rshift(srdhm(acc, multiplier), shift), 0, 255)
//! output_o = q                     when the activation is ReLU (the clamp is the ReLU)
//!            lookup[q]             when the activation is a lookup table
//! ```
//!
//! where `srdhm(acc, m) = floor((acc · m + 2^30) / 2^31)` is gemmlowp's
//! `SaturatingRoundingDoublingHighMul` (ties upward) and `rounding_rshift` its
//! `RoundingDivideByPOT` (ties away from zero). [`crate::reference`] is the definition of
//! this arithmetic. There is no output zero point: activations are uint8 and
//! start at 0.
//!
//! **Logits.** The last layer's outputs are the model's logits: `output_size(last)` uint8
//! values, requantized and activated like every other layer (so every backend handles one
//! kind of layer). The predicted class is the index of the largest logit, the lowest such
//! index on a tie ([`crate::result::argmax`]).
//!
//! # Byte layout (all integers little-endian)
//!
//! ```text
//! offset  size        field
//! 0       4           magic b"VRTM"
//! 4       4           format version u32 = 1
//! 8       4           model family u32 (opaque here; a subnet's evaluation spec names it)
//! 12      4           input size u32
//! 16      4           layer count L u32
//! 20      12·L        layer descriptors, for each layer:
//!                       input size u32, output size u32, activation u32 (0 ReLU, 1 lookup)
//! 20+12L  ...         layer bodies, in order; layer l with I inputs and O outputs:
//!                       O·I  weights i8, row-major (row o holds the I weights of output o)
//!                       4·O  biases i32
//!                       4    multiplier i32 (Q31: the real multiplier is multiplier / 2^31)
//!                       4    shift u32 (right shift after the multiplication)
//!                       256  lookup table u8[256], present only when the activation is 1
//! ```
//!
//! The file ends exactly after the last layer body.
//!
//! # Limits and why accumulation cannot overflow
//!
//! * `1 ≤ L ≤` [`MAX_LAYERS`] (64).
//! * every input and output size is in `1..=`[`MAX_WIDTH`] (32 768), so the fan-in of any
//!   output is at most 32 768 = 2^15.
//! * every bias is in `-`[`MAX_ABS_BIAS`]`..=`[`MAX_ABS_BIAS`] (2^30).
//! * the multiplier is in `0..=i32::MAX` (a scale in `[0, 1)`); the shift is in
//!   `0..=`[`MAX_SHIFT`] (31).
//!
//! One product `weight · input` lies in `[-128 · 255, 127 · 255] = [-32 640, 32 385]`, so
//! `|acc| ≤ 2^15 · 32 640 + 2^30 = 1 069 547 520 + 1 073 741 824 = 2 143 289 344`, which is
//! below `i32::MAX = 2 147 483 647`. The same bound holds for every partial sum in any order,
//! so the accumulator never overflows an `i32`, and every order of summation (tiles, threads,
//! GPU workgroups) gives the same bits. (Even a backend that accumulates with wrapping adds
//! gets the exact sum, as the true sum fits.)
//!
//! # Validation
//!
//! [`Model::decode`] checks the magic, the version and every header field, computes the exact
//! length the header implies and compares it with the input's length **before** allocating
//! anything proportional to the header's claims, then checks every bias, multiplier and shift.
//! It never panics and allocates at most about twice the input's length plus a few KiB.
//!
//! # Merkle leaves
//!
//! The model root ([`Model::root`]) is the Merkle root ([`crate::merkle`]) over these leaves,
//! each the exact bytes of a contiguous part of the encoding, which the leaves partition:
//!
//! ```text
//! leaf 0                 the header (magic to the last descriptor)
//! then for each layer:   one leaf per weight row (I bytes each), O leaves
//!                        the biases (4·O bytes)
//!                        the requantization: multiplier, shift and lookup table if any
//! ```
//!
//! A leaf's meaning comes from its position, which the header fixes: [`ModelHeader::leaf_index`].

use alloc::{boxed::Box, vec::Vec};
use core::{fmt, ops::Range};

use crate::merkle::{self, Hash, MerkleProof};

/// The first four bytes of every model.
pub const MAGIC: [u8; 4] = *b"VRTM";
/// The format version this crate reads and writes.
pub const FORMAT_VERSION: u32 = 1;
/// The most layers a model may have.
pub const MAX_LAYERS: u32 = 64;
/// The most inputs or outputs a layer may have; hence also the largest fan-in.
pub const MAX_WIDTH: u32 = 1 << 15;
/// The largest absolute value of a bias.
pub const MAX_ABS_BIAS: i32 = 1 << 30;
/// The largest right shift of a requantization.
pub const MAX_SHIFT: u32 = 31;
/// Bytes of the fixed part of the header (magic, version, family, input size, layer count).
pub const HEADER_FIXED_LEN: usize = 20;
/// Bytes of one layer descriptor in the header.
pub const LAYER_DESCRIPTOR_LEN: usize = 12;
/// Entries of a lookup-table activation.
pub const LOOKUP_TABLE_LEN: usize = 256;
/// Bytes of the requantization parameters without a lookup table (multiplier and shift).
pub const REQUANTIZATION_LEN: usize = 8;

/// The largest fan-in (inputs summed into one accumulator): [`MAX_WIDTH`].
pub const MAX_FAN_IN: u32 = MAX_WIDTH;
/// The largest absolute value any accumulator or partial sum can take in a valid model:
/// `MAX_FAN_IN · 128 · 255 + MAX_ABS_BIAS = 2 143 289 344 < i32::MAX`.
pub const MAX_ABS_ACCUMULATOR: i64 = (MAX_FAN_IN as i64) * 128 * 255 + (MAX_ABS_BIAS as i64);

// The bound that makes i32 accumulation exact (see the module docs).
const _: () = assert!(MAX_ABS_ACCUMULATOR <= i32::MAX as i64, "fan-in bound allows i32 overflow");

/// What is wrong with one layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayerError {
	/// The input size is 0 or above [`MAX_WIDTH`].
	InputSizeOutOfRange(u32),
	/// The output size is 0 or above [`MAX_WIDTH`].
	OutputSizeOutOfRange(u32),
	/// The input size differs from the previous layer's output size (or, for layer 0, from
	/// the model's input size).
	InputMismatch {
		/// The size the previous layer (or the model) produces.
		expected: u32,
		/// The size this layer takes.
		actual: u32,
	},
	/// The activation code is neither 0 (ReLU) nor 1 (lookup table).
	UnknownActivation(u32),
	/// The number of weights is not `output size × input size`.
	WeightCount {
		/// `output size × input size`.
		expected: usize,
		/// The number given.
		actual: usize,
	},
	/// The number of biases is not the output size.
	BiasCount {
		/// The output size.
		expected: usize,
		/// The number given.
		actual: usize,
	},
	/// A bias is outside `-MAX_ABS_BIAS..=MAX_ABS_BIAS`.
	BiasOutOfRange {
		/// The output whose bias it is.
		row: u32,
		/// The bias.
		bias: i32,
	},
	/// The multiplier is negative.
	MultiplierOutOfRange(i32),
	/// The shift is above [`MAX_SHIFT`].
	ShiftOutOfRange(u32),
}

/// Why bytes are not a valid model, or parts do not make one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelError {
	/// The input ends inside the header.
	HeaderTooShort {
		/// The header's length (as far as it could be read).
		expected: u64,
		/// The input's length.
		actual: u64,
	},
	/// The first four bytes are not `b"VRTM"`.
	BadMagic([u8; 4]),
	/// The format version is not [`FORMAT_VERSION`].
	UnsupportedVersion(u32),
	/// The model's input size is 0 or above [`MAX_WIDTH`].
	InputSizeOutOfRange(u32),
	/// The model has no layers.
	NoLayers,
	/// The model has more than [`MAX_LAYERS`] layers.
	TooManyLayers(u32),
	/// The input's length is not the one its header implies.
	LengthMismatch {
		/// The length the header implies.
		expected: u64,
		/// The input's length.
		actual: u64,
	},
	/// A layer is invalid.
	Layer {
		/// The layer's index, from 0.
		layer: u32,
		/// What is wrong with it.
		error: LayerError,
	},
}

impl fmt::Display for LayerError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::InputSizeOutOfRange(size) => {
				write!(f, "input size {size} is not in 1..={MAX_WIDTH}")
			}
			Self::OutputSizeOutOfRange(size) => {
				write!(f, "output size {size} is not in 1..={MAX_WIDTH}")
			}
			Self::InputMismatch { expected, actual } => {
				write!(f, "takes {actual} inputs but is given {expected}")
			}
			Self::UnknownActivation(code) => write!(f, "unknown activation {code}"),
			Self::WeightCount { expected, actual } => {
				write!(f, "has {actual} weights instead of {expected}")
			}
			Self::BiasCount { expected, actual } => {
				write!(f, "has {actual} biases instead of {expected}")
			}
			Self::BiasOutOfRange { row, bias } => {
				write!(f, "bias {bias} of output {row} is not within ±{MAX_ABS_BIAS}")
			}
			Self::MultiplierOutOfRange(m) => write!(f, "multiplier {m} is negative"),
			Self::ShiftOutOfRange(s) => write!(f, "shift {s} is above {MAX_SHIFT}"),
		}
	}
}

impl fmt::Display for ModelError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::HeaderTooShort { expected, actual } => {
				write!(f, "model header needs {expected} bytes, got {actual}")
			}
			Self::BadMagic(magic) => write!(f, "bad model magic {magic:02x?}"),
			Self::UnsupportedVersion(v) => write!(f, "unsupported model format version {v}"),
			Self::InputSizeOutOfRange(size) => {
				write!(f, "model input size {size} is not in 1..={MAX_WIDTH}")
			}
			Self::NoLayers => write!(f, "model has no layers"),
			Self::TooManyLayers(n) => write!(f, "model has {n} layers, more than {MAX_LAYERS}"),
			Self::LengthMismatch { expected, actual } => {
				write!(f, "model header implies {expected} bytes, got {actual}")
			}
			Self::Layer { layer, error } => write!(f, "layer {layer}: {error}"),
		}
	}
}

impl core::error::Error for LayerError {}
impl core::error::Error for ModelError {}

/// The nonlinearity applied after requantization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Activation {
	/// Nothing beyond the requantization's clamp to `[0, 255]`, which is the ReLU. Code 0.
	Relu,
	/// `output = table[q]` for the requantized value `q`. Code 1.
	Lookup(Box<[u8; LOOKUP_TABLE_LEN]>),
}

impl Activation {
	/// The activation's code in the layer descriptor.
	pub fn code(&self) -> u32 {
		match self {
			Self::Relu => 0,
			Self::Lookup(_) => 1,
		}
	}

	/// The activation of a requantized value.
	pub fn apply(&self, requantized: u8) -> u8 {
		match self {
			Self::Relu => requantized,
			Self::Lookup(table) => table.get(usize::from(requantized)).copied().unwrap_or(0),
		}
	}
}

/// The kind of a layer's activation, as the header declares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActivationKind {
	/// [`Activation::Relu`], code 0.
	Relu,
	/// [`Activation::Lookup`], code 1: the layer body carries a 256-byte table.
	Lookup,
}

impl ActivationKind {
	/// The kind with this code.
	pub fn from_code(code: u32) -> Result<Self, LayerError> {
		match code {
			0 => Ok(Self::Relu),
			1 => Ok(Self::Lookup),
			other => Err(LayerError::UnknownActivation(other)),
		}
	}

	/// The kind's code in the layer descriptor.
	pub fn code(self) -> u32 {
		match self {
			Self::Relu => 0,
			Self::Lookup => 1,
		}
	}

	/// Bytes of the requantization leaf: multiplier, shift and the table if any.
	pub fn requantization_len(self) -> usize {
		match self {
			Self::Relu => REQUANTIZATION_LEN,
			Self::Lookup => REQUANTIZATION_LEN.saturating_add(LOOKUP_TABLE_LEN),
		}
	}
}

/// A layer's fixed-point output scale: `multiplier / 2^31 / 2^shift`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Requantization {
	multiplier: i32,
	shift: u32,
}

impl Requantization {
	/// A requantization with a Q31 `multiplier` in `0..=i32::MAX` and a right `shift` in
	/// `0..=MAX_SHIFT`.
	pub fn new(multiplier: i32, shift: u32) -> Result<Self, LayerError> {
		if multiplier < 0 {
			return Err(LayerError::MultiplierOutOfRange(multiplier));
		}
		if shift > MAX_SHIFT {
			return Err(LayerError::ShiftOutOfRange(shift));
		}
		Ok(Self { multiplier, shift })
	}

	/// The Q31 multiplier.
	pub fn multiplier(&self) -> i32 {
		self.multiplier
	}

	/// The right shift.
	pub fn shift(&self) -> u32 {
		self.shift
	}
}

/// One dense layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layer {
	input_size: u32,
	output_size: u32,
	weights: Vec<i8>,
	biases: Vec<i32>,
	requantization: Requantization,
	activation: Activation,
}

fn check_width(size: u32) -> bool {
	(1..=MAX_WIDTH).contains(&size)
}

impl Layer {
	/// A layer from its parts: `weights` row-major (`output_size` rows of `input_size`),
	/// `output_size` biases, each within `±MAX_ABS_BIAS`.
	pub fn new(
		input_size: u32,
		output_size: u32,
		weights: Vec<i8>,
		biases: Vec<i32>,
		requantization: Requantization,
		activation: Activation,
	) -> Result<Self, LayerError> {
		if !check_width(input_size) {
			return Err(LayerError::InputSizeOutOfRange(input_size));
		}
		if !check_width(output_size) {
			return Err(LayerError::OutputSizeOutOfRange(output_size));
		}
		// Both sizes are at most 2^15, so the product fits.
		let expected = (output_size as usize).saturating_mul(input_size as usize);
		if weights.len() != expected {
			return Err(LayerError::WeightCount { expected, actual: weights.len() });
		}
		if biases.len() != output_size as usize {
			return Err(LayerError::BiasCount {
				expected: output_size as usize,
				actual: biases.len(),
			});
		}
		check_biases(&biases)?;
		Ok(Self { input_size, output_size, weights, biases, requantization, activation })
	}

	/// The number of inputs (the fan-in of every output).
	pub fn input_size(&self) -> u32 {
		self.input_size
	}

	/// The number of outputs.
	pub fn output_size(&self) -> u32 {
		self.output_size
	}

	/// All weights, row-major.
	pub fn weights(&self) -> &[i8] {
		&self.weights
	}

	/// The weights of output `row`, or `None` beyond the last output.
	pub fn row(&self, row: u32) -> Option<&[i8]> {
		let width = self.input_size as usize;
		let start = (row as usize).checked_mul(width)?;
		self.weights.get(start..start.checked_add(width)?)
	}

	/// The biases, one per output.
	pub fn biases(&self) -> &[i32] {
		&self.biases
	}

	/// The requantization parameters.
	pub fn requantization(&self) -> Requantization {
		self.requantization
	}

	/// The activation.
	pub fn activation(&self) -> &Activation {
		&self.activation
	}

	/// The shape of this layer as the header describes it.
	pub fn shape(&self) -> LayerShape {
		LayerShape {
			input_size: self.input_size,
			output_size: self.output_size,
			activation: match self.activation {
				Activation::Relu => ActivationKind::Relu,
				Activation::Lookup(_) => ActivationKind::Lookup,
			},
		}
	}

	fn encode_requantization(&self, out: &mut Vec<u8>) {
		out.extend_from_slice(&self.requantization.multiplier.to_le_bytes());
		out.extend_from_slice(&self.requantization.shift.to_le_bytes());
		if let Activation::Lookup(table) = &self.activation {
			out.extend_from_slice(&table[..]);
		}
	}
}

fn check_biases(biases: &[i32]) -> Result<(), LayerError> {
	for (row, &bias) in (0u32..).zip(biases) {
		if !(-MAX_ABS_BIAS..=MAX_ABS_BIAS).contains(&bias) {
			return Err(LayerError::BiasOutOfRange { row, bias });
		}
	}
	Ok(())
}

/// The shape of one layer, from its header descriptor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayerShape {
	/// The number of inputs.
	pub input_size: u32,
	/// The number of outputs.
	pub output_size: u32,
	/// The activation's kind.
	pub activation: ActivationKind,
}

impl LayerShape {
	/// Bytes of this layer's body.
	pub fn body_len(&self) -> u64 {
		let (inputs, outputs) = (u64::from(self.input_size), u64::from(self.output_size));
		outputs
			.saturating_mul(inputs)
			.saturating_add(outputs.saturating_mul(4))
			.saturating_add(self.activation.requantization_len() as u64)
	}
}

/// One part of a model, as a Merkle leaf.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelPart {
	/// The header: leaf 0.
	Header,
	/// The weights of output `row` of layer `layer`.
	WeightRow {
		/// The layer, from 0.
		layer: u32,
		/// The output, from 0.
		row: u32,
	},
	/// The biases of layer `layer`.
	Biases {
		/// The layer, from 0.
		layer: u32,
	},
	/// The requantization (and lookup table) of layer `layer`.
	Requantization {
		/// The layer, from 0.
		layer: u32,
	},
}

/// A decoded, validated model header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelHeader {
	/// The model family.
	pub family: u32,
	/// The number of inputs of the model.
	pub input_size: u32,
	/// The layers' shapes, in order (between 1 and [`MAX_LAYERS`]).
	pub layers: Vec<LayerShape>,
}

/// Reads little-endian fields from the front of a byte slice.
struct Reader<'a> {
	bytes: &'a [u8],
	position: usize,
}

impl<'a> Reader<'a> {
	fn new(bytes: &'a [u8]) -> Self {
		Self { bytes, position: 0 }
	}

	fn take(&mut self, len: usize) -> Option<&'a [u8]> {
		let end = self.position.checked_add(len)?;
		let slice = self.bytes.get(self.position..end)?;
		self.position = end;
		Some(slice)
	}

	fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
		self.take(N)?.try_into().ok()
	}

	fn u32(&mut self) -> Option<u32> {
		self.array().map(u32::from_le_bytes)
	}

	fn i32(&mut self) -> Option<i32> {
		self.array().map(i32::from_le_bytes)
	}
}

impl ModelHeader {
	/// Decodes and validates the header at the start of `bytes` (which may continue with the
	/// layer bodies). Checks everything but the total length.
	pub fn decode(bytes: &[u8]) -> Result<Self, ModelError> {
		let actual = bytes.len() as u64;
		let too_short =
			|expected: usize| ModelError::HeaderTooShort { expected: expected as u64, actual };
		let mut reader = Reader::new(bytes);
		let magic: [u8; 4] = reader.array().ok_or(too_short(HEADER_FIXED_LEN))?;
		if magic != MAGIC {
			return Err(ModelError::BadMagic(magic));
		}
		let version = reader.u32().ok_or(too_short(HEADER_FIXED_LEN))?;
		if version != FORMAT_VERSION {
			return Err(ModelError::UnsupportedVersion(version));
		}
		let family = reader.u32().ok_or(too_short(HEADER_FIXED_LEN))?;
		let input_size = reader.u32().ok_or(too_short(HEADER_FIXED_LEN))?;
		if !check_width(input_size) {
			return Err(ModelError::InputSizeOutOfRange(input_size));
		}
		let layer_count = reader.u32().ok_or(too_short(HEADER_FIXED_LEN))?;
		if layer_count == 0 {
			return Err(ModelError::NoLayers);
		}
		if layer_count > MAX_LAYERS {
			return Err(ModelError::TooManyLayers(layer_count));
		}
		// At most 64 descriptors: this cannot overflow.
		let header_len = HEADER_FIXED_LEN
			.saturating_add((layer_count as usize).saturating_mul(LAYER_DESCRIPTOR_LEN));
		if bytes.len() < header_len {
			return Err(too_short(header_len));
		}
		let mut layers = Vec::with_capacity(layer_count as usize);
		let mut expected_input = input_size;
		for layer in 0..layer_count {
			let layer_error = |error| ModelError::Layer { layer, error };
			let (Some(inputs), Some(outputs), Some(code)) =
				(reader.u32(), reader.u32(), reader.u32())
			else {
				return Err(too_short(header_len));
			};
			if !check_width(inputs) {
				return Err(layer_error(LayerError::InputSizeOutOfRange(inputs)));
			}
			if inputs != expected_input {
				return Err(layer_error(LayerError::InputMismatch {
					expected: expected_input,
					actual: inputs,
				}));
			}
			if !check_width(outputs) {
				return Err(layer_error(LayerError::OutputSizeOutOfRange(outputs)));
			}
			let activation = ActivationKind::from_code(code).map_err(layer_error)?;
			layers.push(LayerShape { input_size: inputs, output_size: outputs, activation });
			expected_input = outputs;
		}
		Ok(Self { family, input_size, layers })
	}

	/// Bytes of the header.
	pub fn encoded_len(&self) -> usize {
		HEADER_FIXED_LEN.saturating_add(self.layers.len().saturating_mul(LAYER_DESCRIPTOR_LEN))
	}

	/// The header's bytes.
	pub fn encode(&self) -> Vec<u8> {
		let mut out = Vec::with_capacity(self.encoded_len());
		out.extend_from_slice(&MAGIC);
		out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
		out.extend_from_slice(&self.family.to_le_bytes());
		out.extend_from_slice(&self.input_size.to_le_bytes());
		out.extend_from_slice(&(self.layers.len() as u32).to_le_bytes());
		for shape in &self.layers {
			out.extend_from_slice(&shape.input_size.to_le_bytes());
			out.extend_from_slice(&shape.output_size.to_le_bytes());
			out.extend_from_slice(&shape.activation.code().to_le_bytes());
		}
		out
	}

	/// The length of the whole model this header describes. Cannot overflow: at most 64
	/// layers of at most `2^30 + 2^17 + 264` bytes.
	pub fn model_len(&self) -> u64 {
		self.layers
			.iter()
			.fold(self.encoded_len() as u64, |len, shape| len.saturating_add(shape.body_len()))
	}

	/// The number of Merkle leaves: `1 + Σ (output size + 2)`. At most `1 + 64 · 32 770`.
	pub fn leaf_count(&self) -> u32 {
		self.layers
			.iter()
			.fold(1u32, |count, shape| count.saturating_add(shape.output_size).saturating_add(2))
	}

	/// The position of `part` among the leaves, or `None` if the model has no such part.
	pub fn leaf_index(&self, part: ModelPart) -> Option<u32> {
		let (layer, offset) = match part {
			ModelPart::Header => return Some(0),
			ModelPart::WeightRow { layer, row } => {
				let shape = self.layers.get(layer as usize)?;
				if row >= shape.output_size {
					return None;
				}
				(layer, row)
			}
			ModelPart::Biases { layer } => (layer, self.layers.get(layer as usize)?.output_size),
			ModelPart::Requantization { layer } => {
				(layer, self.layers.get(layer as usize)?.output_size.checked_add(1)?)
			}
		};
		let first =
			self.layers.get(..layer as usize)?.iter().try_fold(1u32, |index, shape| {
				index.checked_add(shape.output_size)?.checked_add(2)
			})?;
		first.checked_add(offset)
	}

	/// The byte range of every leaf in the encoding, in leaf order.
	pub fn leaf_ranges(&self) -> Vec<Range<usize>> {
		let header_len = self.encoded_len();
		let mut ranges = Vec::with_capacity(self.leaf_count() as usize);
		ranges.push(0..header_len);
		let mut start = header_len;
		let mut push = |len: usize| {
			let end = start.saturating_add(len);
			ranges.push(start..end);
			start = end;
		};
		for shape in &self.layers {
			for _ in 0..shape.output_size {
				push(shape.input_size as usize);
			}
			push((shape.output_size as usize).saturating_mul(4));
			push(shape.activation.requantization_len());
		}
		ranges
	}
}

/// A validated model: a header's shapes with every layer's parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Model {
	family: u32,
	input_size: u32,
	layers: Vec<Layer>,
}

impl Model {
	/// A model from its layers: between 1 and [`MAX_LAYERS`], each taking the previous one's
	/// outputs, the first taking `input_size` inputs.
	pub fn new(family: u32, input_size: u32, layers: Vec<Layer>) -> Result<Self, ModelError> {
		if !check_width(input_size) {
			return Err(ModelError::InputSizeOutOfRange(input_size));
		}
		if layers.is_empty() {
			return Err(ModelError::NoLayers);
		}
		let count = u32::try_from(layers.len()).unwrap_or(u32::MAX);
		if count > MAX_LAYERS {
			return Err(ModelError::TooManyLayers(count));
		}
		let mut expected = input_size;
		for (layer, l) in (0u32..).zip(&layers) {
			if l.input_size != expected {
				return Err(ModelError::Layer {
					layer,
					error: LayerError::InputMismatch { expected, actual: l.input_size },
				});
			}
			expected = l.output_size;
		}
		Ok(Self { family, input_size, layers })
	}

	/// Decodes and validates a model. See the module docs for the layout and the checks.
	pub fn decode(bytes: &[u8]) -> Result<Self, ModelError> {
		let header = ModelHeader::decode(bytes)?;
		let expected = header.model_len();
		let actual = bytes.len() as u64;
		if expected != actual {
			return Err(ModelError::LengthMismatch { expected, actual });
		}
		// From here every read is within `bytes`: the lengths were checked above.
		let mut reader = Reader::new(bytes);
		reader.position = header.encoded_len();
		let mut layers = Vec::with_capacity(header.layers.len());
		for (layer, shape) in (0u32..).zip(&header.layers) {
			let layer_error = |error| ModelError::Layer { layer, error };
			let truncated = ModelError::LengthMismatch { expected, actual };
			let weight_len = (shape.output_size as usize).saturating_mul(shape.input_size as usize);
			let weights: Vec<i8> = reader
				.take(weight_len)
				.ok_or(truncated)?
				.iter()
				.map(|&b| i8::from_le_bytes([b]))
				.collect();
			let biases: Vec<i32> = reader
				.take((shape.output_size as usize).saturating_mul(4))
				.ok_or(truncated)?
				.chunks_exact(4)
				.map(|c| i32::from_le_bytes(c.try_into().unwrap_or_default()))
				.collect();
			check_biases(&biases).map_err(layer_error)?;
			let multiplier = reader.i32().ok_or(truncated)?;
			let shift = reader.u32().ok_or(truncated)?;
			let requantization = Requantization::new(multiplier, shift).map_err(layer_error)?;
			let activation = match shape.activation {
				ActivationKind::Relu => Activation::Relu,
				ActivationKind::Lookup => {
					Activation::Lookup(Box::new(reader.array().ok_or(truncated)?))
				}
			};
			layers.push(Layer {
				input_size: shape.input_size,
				output_size: shape.output_size,
				weights,
				biases,
				requantization,
				activation,
			});
		}
		Ok(Self { family: header.family, input_size: header.input_size, layers })
	}

	/// The model's bytes; [`Model::decode`] gives the model back.
	pub fn encode(&self) -> Vec<u8> {
		let header = self.header();
		let mut out = Vec::with_capacity(header.model_len() as usize);
		out.extend_from_slice(&header.encode());
		for layer in &self.layers {
			out.extend(layer.weights.iter().map(|w| w.to_le_bytes()[0]));
			for bias in &layer.biases {
				out.extend_from_slice(&bias.to_le_bytes());
			}
			layer.encode_requantization(&mut out);
		}
		out
	}

	/// The header describing this model.
	pub fn header(&self) -> ModelHeader {
		ModelHeader {
			family: self.family,
			input_size: self.input_size,
			layers: self.layers.iter().map(Layer::shape).collect(),
		}
	}

	/// The model family.
	pub fn family(&self) -> u32 {
		self.family
	}

	/// The number of inputs.
	pub fn input_size(&self) -> u32 {
		self.input_size
	}

	/// The number of logits: the last layer's output size.
	pub fn output_size(&self) -> u32 {
		self.layers.last().map_or(0, Layer::output_size)
	}

	/// The widest layer output (the scratch a backend needs for one sample).
	pub fn max_width(&self) -> u32 {
		self.layers.iter().map(Layer::output_size).fold(self.input_size, u32::max)
	}

	/// The layers, in order.
	pub fn layers(&self) -> &[Layer] {
		&self.layers
	}

	/// The Merkle leaf hashes over the model's parts, in leaf order.
	pub fn leaf_hashes(&self) -> Vec<Hash> {
		let bytes = self.encode();
		self.header()
			.leaf_ranges()
			.into_iter()
			.map(|range| merkle::hash_leaf(bytes.get(range).unwrap_or(&[])))
			.collect()
	}

	/// The model root: the Merkle root over its parts.
	pub fn root(&self) -> Hash {
		merkle::root(&self.leaf_hashes())
	}

	/// The bytes of `part` (the leaf data) and its proof against [`Model::root`], or `None`
	/// if the model has no such part.
	pub fn prove(&self, part: ModelPart) -> Option<(Vec<u8>, MerkleProof)> {
		self.prove_parts(&[part])?.pop()
	}

	/// [`Model::prove`] for each of `parts`, encoding and hashing the model once; `None` if
	/// the model lacks one of them.
	pub fn prove_parts(&self, parts: &[ModelPart]) -> Option<Vec<(Vec<u8>, MerkleProof)>> {
		let header = self.header();
		let ranges = header.leaf_ranges();
		let bytes = self.encode();
		let leaves: Vec<Hash> = ranges
			.iter()
			.map(|range| merkle::hash_leaf(bytes.get(range.clone()).unwrap_or(&[])))
			.collect();
		parts
			.iter()
			.map(|&part| {
				let index = header.leaf_index(part)?;
				let data = bytes.get(ranges.get(index as usize)?.clone())?.to_vec();
				Some((data, merkle::prove(&leaves, index).ok()?))
			})
			.collect()
	}
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
	use super::*;
	use alloc::{string::ToString, vec};

	fn lookup_table() -> Box<[u8; LOOKUP_TABLE_LEN]> {
		let mut table = [0u8; LOOKUP_TABLE_LEN];
		for (i, t) in table.iter_mut().enumerate() {
			*t = 255 - i as u8;
		}
		Box::new(table)
	}

	/// 3 inputs → 2 (ReLU) → 2 (lookup table).
	fn small() -> Model {
		let l0 = Layer::new(
			3,
			2,
			vec![1, -2, 3, -128, 127, 0],
			vec![10, -MAX_ABS_BIAS],
			Requantization::new(1 << 30, 1).unwrap(),
			Activation::Relu,
		)
		.unwrap();
		let l1 = Layer::new(
			2,
			2,
			vec![5, 6, 7, 8],
			vec![MAX_ABS_BIAS, 0],
			Requantization::new(i32::MAX, MAX_SHIFT).unwrap(),
			Activation::Lookup(lookup_table()),
		)
		.unwrap();
		Model::new(42, 3, vec![l0, l1]).unwrap()
	}

	fn put_u32(bytes: &mut [u8], offset: usize, value: u32) {
		bytes[offset..offset + 4].copy_from_slice(&value.to_le_bytes());
	}

	/// Offset of layer 0's body in `small()`'s encoding.
	const BODY0: usize = HEADER_FIXED_LEN + 2 * LAYER_DESCRIPTOR_LEN;

	#[test]
	fn encode_has_the_documented_layout() {
		let bytes = small().encode();
		let mut expected = b"VRTM".to_vec();
		for v in [1u32, 42, 3, 2, 3, 2, 0, 2, 2, 1] {
			expected.extend_from_slice(&v.to_le_bytes());
		}
		expected.extend_from_slice(&[1, 0xfe, 3, 0x80, 0x7f, 0]);
		expected.extend_from_slice(&10i32.to_le_bytes());
		expected.extend_from_slice(&(-MAX_ABS_BIAS).to_le_bytes());
		expected.extend_from_slice(&(1i32 << 30).to_le_bytes());
		expected.extend_from_slice(&1u32.to_le_bytes());
		expected.extend_from_slice(&[5, 6, 7, 8]);
		expected.extend_from_slice(&MAX_ABS_BIAS.to_le_bytes());
		expected.extend_from_slice(&0i32.to_le_bytes());
		expected.extend_from_slice(&i32::MAX.to_le_bytes());
		expected.extend_from_slice(&MAX_SHIFT.to_le_bytes());
		expected.extend_from_slice(&lookup_table()[..]);
		assert_eq!(bytes, expected);
		assert_eq!(small().header().model_len(), bytes.len() as u64);
	}

	#[test]
	fn decode_round_trips() {
		let model = small();
		let decoded = Model::decode(&model.encode()).unwrap();
		assert_eq!(decoded, model);
		assert_eq!(decoded.encode(), model.encode());
		assert_eq!(decoded.family(), 42);
		assert_eq!(decoded.input_size(), 3);
		assert_eq!(decoded.output_size(), 2);
		assert_eq!(decoded.layers()[0].row(1), Some(&[-128i8, 127, 0][..]));
		assert_eq!(decoded.layers()[0].row(2), None);
	}

	#[test]
	fn header_decode_round_trips_and_ignores_the_body() {
		let model = small();
		let bytes = model.encode();
		let header = ModelHeader::decode(&bytes).unwrap();
		assert_eq!(header, model.header());
		assert_eq!(header.encode(), bytes[..BODY0].to_vec());
		assert_eq!(ModelHeader::decode(&bytes[..BODY0]).unwrap(), header);
	}

	#[test]
	fn decode_fails_on_short_header() {
		let bytes = small().encode();
		for len in [0, 3, 4, 19] {
			assert_eq!(
				Model::decode(&bytes[..len]),
				Err(ModelError::HeaderTooShort { expected: 20, actual: len as u64 })
			);
		}
		// The fixed part is there, the descriptors are cut.
		assert_eq!(
			Model::decode(&bytes[..BODY0 - 1]),
			Err(ModelError::HeaderTooShort { expected: BODY0 as u64, actual: BODY0 as u64 - 1 })
		);
	}

	#[test]
	fn decode_fails_on_bad_magic() {
		let mut bytes = small().encode();
		bytes[3] = b'D';
		assert_eq!(Model::decode(&bytes), Err(ModelError::BadMagic(*b"VRTD")));
		// Checked before the length.
		assert_eq!(Model::decode(b"ABCD"), Err(ModelError::BadMagic(*b"ABCD")));
	}

	#[test]
	fn decode_fails_on_unsupported_version() {
		let mut bytes = small().encode();
		for version in [0, 2, u32::MAX] {
			put_u32(&mut bytes, 4, version);
			assert_eq!(Model::decode(&bytes), Err(ModelError::UnsupportedVersion(version)));
		}
	}

	#[test]
	fn decode_fails_on_input_size_out_of_range() {
		let mut bytes = small().encode();
		for size in [0, MAX_WIDTH + 1, u32::MAX] {
			put_u32(&mut bytes, 12, size);
			assert_eq!(Model::decode(&bytes), Err(ModelError::InputSizeOutOfRange(size)));
		}
	}

	#[test]
	fn decode_fails_without_layers() {
		let mut bytes = small().encode();
		put_u32(&mut bytes, 16, 0);
		assert_eq!(Model::decode(&bytes), Err(ModelError::NoLayers));
	}

	#[test]
	fn decode_fails_on_too_many_layers() {
		let mut bytes = small().encode();
		for count in [MAX_LAYERS + 1, u32::MAX] {
			put_u32(&mut bytes, 16, count);
			assert_eq!(Model::decode(&bytes), Err(ModelError::TooManyLayers(count)));
		}
	}

	#[test]
	fn decode_fails_on_layer_input_size_out_of_range() {
		let mut bytes = small().encode();
		put_u32(&mut bytes, 20, 0);
		assert_eq!(
			Model::decode(&bytes),
			Err(ModelError::Layer { layer: 0, error: LayerError::InputSizeOutOfRange(0) })
		);
	}

	#[test]
	fn decode_fails_on_layer_output_size_out_of_range() {
		let mut bytes = small().encode();
		for size in [0, MAX_WIDTH + 1] {
			put_u32(&mut bytes, 36, size);
			assert_eq!(
				Model::decode(&bytes),
				Err(ModelError::Layer { layer: 1, error: LayerError::OutputSizeOutOfRange(size) })
			);
		}
	}

	#[test]
	fn decode_fails_when_a_layer_does_not_take_the_previous_outputs() {
		let mut bytes = small().encode();
		put_u32(&mut bytes, 20, 4);
		assert_eq!(
			Model::decode(&bytes),
			Err(ModelError::Layer {
				layer: 0,
				error: LayerError::InputMismatch { expected: 3, actual: 4 }
			})
		);
		let mut bytes = small().encode();
		put_u32(&mut bytes, 32, 3);
		assert_eq!(
			Model::decode(&bytes),
			Err(ModelError::Layer {
				layer: 1,
				error: LayerError::InputMismatch { expected: 2, actual: 3 }
			})
		);
	}

	#[test]
	fn decode_fails_on_unknown_activation() {
		let mut bytes = small().encode();
		put_u32(&mut bytes, 40, 2);
		assert_eq!(
			Model::decode(&bytes),
			Err(ModelError::Layer { layer: 1, error: LayerError::UnknownActivation(2) })
		);
	}

	#[test]
	fn decode_fails_on_length_mismatch() {
		let bytes = small().encode();
		let len = bytes.len() as u64;
		assert_eq!(
			Model::decode(&bytes[..bytes.len() - 1]),
			Err(ModelError::LengthMismatch { expected: len, actual: len - 1 })
		);
		let mut longer = bytes.clone();
		longer.push(0);
		assert_eq!(
			Model::decode(&longer),
			Err(ModelError::LengthMismatch { expected: len, actual: len + 1 })
		);
		// Changing the last activation to ReLU drops the 256-byte table from the expected length.
		let mut relu = bytes.clone();
		put_u32(&mut relu, 40, 0);
		assert_eq!(
			Model::decode(&relu),
			Err(ModelError::LengthMismatch { expected: len - 256, actual: len })
		);
	}

	#[test]
	fn decode_rejects_huge_claims_by_length_alone() {
		// 64 layers of 32 768 × 32 768 in a header of 788 bytes: about 64 GiB claimed.
		let mut header = ModelHeader { family: 0, input_size: MAX_WIDTH, layers: Vec::new() };
		for _ in 0..MAX_LAYERS {
			header.layers.push(LayerShape {
				input_size: MAX_WIDTH,
				output_size: MAX_WIDTH,
				activation: ActivationKind::Lookup,
			});
		}
		let bytes = header.encode();
		let per_layer = (1u64 << 30) + (1 << 17) + 8 + 256;
		assert_eq!(
			Model::decode(&bytes),
			Err(ModelError::LengthMismatch {
				expected: bytes.len() as u64 + 64 * per_layer,
				actual: bytes.len() as u64
			})
		);
		assert_eq!(header.leaf_count(), 1 + 64 * (MAX_WIDTH + 2));
	}

	#[test]
	fn decode_fails_on_bias_out_of_range() {
		let mut bytes = small().encode();
		let bias1 = BODY0 + 6 + 4;
		for bias in [-MAX_ABS_BIAS - 1, MAX_ABS_BIAS + 1, i32::MIN, i32::MAX] {
			bytes[bias1..bias1 + 4].copy_from_slice(&bias.to_le_bytes());
			assert_eq!(
				Model::decode(&bytes),
				Err(ModelError::Layer {
					layer: 0,
					error: LayerError::BiasOutOfRange { row: 1, bias }
				})
			);
		}
	}

	#[test]
	fn decode_fails_on_negative_multiplier() {
		let mut bytes = small().encode();
		let multiplier = BODY0 + 6 + 8;
		for m in [-1, i32::MIN] {
			bytes[multiplier..multiplier + 4].copy_from_slice(&m.to_le_bytes());
			assert_eq!(
				Model::decode(&bytes),
				Err(ModelError::Layer { layer: 0, error: LayerError::MultiplierOutOfRange(m) })
			);
		}
	}

	#[test]
	fn decode_fails_on_shift_out_of_range() {
		let mut bytes = small().encode();
		let shift = BODY0 + 6 + 8 + 4;
		for s in [MAX_SHIFT + 1, u32::MAX] {
			put_u32(&mut bytes, shift, s);
			assert_eq!(
				Model::decode(&bytes),
				Err(ModelError::Layer { layer: 0, error: LayerError::ShiftOutOfRange(s) })
			);
		}
	}

	#[test]
	fn layer_new_checks_its_parts() {
		let r = Requantization::new(1, 0).unwrap();
		assert_eq!(
			Layer::new(0, 1, vec![], vec![0], r, Activation::Relu),
			Err(LayerError::InputSizeOutOfRange(0))
		);
		assert_eq!(
			Layer::new(1, MAX_WIDTH + 1, vec![], vec![], r, Activation::Relu),
			Err(LayerError::OutputSizeOutOfRange(MAX_WIDTH + 1))
		);
		assert_eq!(
			Layer::new(2, 2, vec![0; 3], vec![0; 2], r, Activation::Relu),
			Err(LayerError::WeightCount { expected: 4, actual: 3 })
		);
		assert_eq!(
			Layer::new(2, 2, vec![0; 4], vec![0; 3], r, Activation::Relu),
			Err(LayerError::BiasCount { expected: 2, actual: 3 })
		);
		assert_eq!(
			Layer::new(1, 1, vec![0], vec![MAX_ABS_BIAS + 1], r, Activation::Relu),
			Err(LayerError::BiasOutOfRange { row: 0, bias: MAX_ABS_BIAS + 1 })
		);
		assert_eq!(Requantization::new(-5, 0), Err(LayerError::MultiplierOutOfRange(-5)));
		assert_eq!(Requantization::new(0, 32), Err(LayerError::ShiftOutOfRange(32)));
		assert!(Requantization::new(0, 0).is_ok());
		assert!(Requantization::new(i32::MAX, MAX_SHIFT).is_ok());
		assert_eq!(ActivationKind::from_code(7), Err(LayerError::UnknownActivation(7)));
	}

	#[test]
	fn model_new_checks_the_layer_chain() {
		let layers = small().layers().to_vec();
		assert_eq!(Model::new(0, 0, layers.clone()), Err(ModelError::InputSizeOutOfRange(0)));
		assert_eq!(Model::new(0, 3, vec![]), Err(ModelError::NoLayers));
		assert_eq!(
			Model::new(0, 4, layers.clone()),
			Err(ModelError::Layer {
				layer: 0,
				error: LayerError::InputMismatch { expected: 4, actual: 3 }
			})
		);
		assert_eq!(
			Model::new(0, 3, vec![layers[0].clone(), layers[0].clone()]),
			Err(ModelError::Layer {
				layer: 1,
				error: LayerError::InputMismatch { expected: 2, actual: 3 }
			})
		);
		let square = Layer::new(
			2,
			2,
			vec![0; 4],
			vec![0; 2],
			Requantization::new(1, 0).unwrap(),
			Activation::Relu,
		)
		.unwrap();
		assert_eq!(
			Model::new(0, 2, vec![square; MAX_LAYERS as usize + 1]),
			Err(ModelError::TooManyLayers(MAX_LAYERS + 1))
		);
	}

	#[test]
	fn errors_display_their_details() {
		let e = ModelError::Layer { layer: 3, error: LayerError::ShiftOutOfRange(40) };
		assert_eq!(e.to_string(), "layer 3: shift 40 is above 31");
		assert_eq!(
			ModelError::LengthMismatch { expected: 10, actual: 9 }.to_string(),
			"model header implies 10 bytes, got 9"
		);
	}

	#[test]
	fn leaves_partition_the_encoding_in_the_documented_order() {
		let model = small();
		let header = model.header();
		let bytes = model.encode();
		let ranges = header.leaf_ranges();
		assert_eq!(ranges.len() as u32, header.leaf_count());
		assert_eq!(ranges.len(), 1 + (2 + 2) + (2 + 2));
		assert_eq!(ranges[0], 0..BODY0);
		for pair in ranges.windows(2) {
			assert_eq!(pair[0].end, pair[1].start);
		}
		assert_eq!(ranges.last().unwrap().end, bytes.len());
		// Leaf positions.
		assert_eq!(header.leaf_index(ModelPart::Header), Some(0));
		assert_eq!(header.leaf_index(ModelPart::WeightRow { layer: 0, row: 1 }), Some(2));
		assert_eq!(header.leaf_index(ModelPart::Biases { layer: 0 }), Some(3));
		assert_eq!(header.leaf_index(ModelPart::Requantization { layer: 0 }), Some(4));
		assert_eq!(header.leaf_index(ModelPart::WeightRow { layer: 1, row: 0 }), Some(5));
		assert_eq!(header.leaf_index(ModelPart::Requantization { layer: 1 }), Some(8));
		assert_eq!(header.leaf_index(ModelPart::WeightRow { layer: 1, row: 2 }), None);
		assert_eq!(header.leaf_index(ModelPart::Biases { layer: 2 }), None);
		// Leaf contents.
		assert_eq!(&bytes[ranges[2].clone()], &[0x80, 0x7f, 0]);
		assert_eq!(ranges[8].len(), 8 + 256);
	}

	#[test]
	fn every_part_proves_against_the_root() {
		let model = small();
		let root = model.root();
		let parts = [
			ModelPart::Header,
			ModelPart::WeightRow { layer: 0, row: 0 },
			ModelPart::WeightRow { layer: 1, row: 1 },
			ModelPart::Biases { layer: 1 },
			ModelPart::Requantization { layer: 0 },
		];
		for part in parts {
			let (data, proof) = model.prove(part).unwrap();
			assert!(proof.verify(&root, &merkle::hash_leaf(&data)), "{part:?}");
			let mut forged = data.clone();
			forged[0] ^= 1;
			assert!(!proof.verify(&root, &merkle::hash_leaf(&forged)), "{part:?}");
		}
		assert_eq!(model.prove(ModelPart::Biases { layer: 9 }), None);
		// The header leaf is the header's bytes.
		let (header, _) = model.prove(ModelPart::Header).unwrap();
		assert_eq!(ModelHeader::decode(&header).unwrap(), model.header());
	}

	#[test]
	fn root_changes_with_any_byte() {
		let bytes = small().encode();
		let root = small().root();
		// Flip one weight.
		let mut changed = bytes.clone();
		changed[BODY0] ^= 1;
		assert_ne!(Model::decode(&changed).unwrap().root(), root);
		// Flip one lookup entry.
		let mut changed = bytes.clone();
		*changed.last_mut().unwrap() ^= 1;
		assert_ne!(Model::decode(&changed).unwrap().root(), root);
	}
}
