//! Dataset format v1: fixed-size uint8 samples with uint8 labels.
//!
//! # Byte layout (all integers little-endian)
//!
//! ```text
//! offset  size         field
//! 0       4            magic b"VRTD"
//! 4       4            format version u32 = 1
//! 8       4            sample size S u32, in 1..=32 768 (a model's input size)
//! 12      4            sample count N u32, in 1..=2^24
//! 16      4            class count C u32, in 1..=256
//! 20      N·(1+S)      records, in index order: label u8 (< C) ‖ sample u8[S]
//! ```
//!
//! The file ends exactly after the last record. [`Dataset::decode`] checks the header, then
//! the exact length **before** allocating, then every label; it never panics and allocates
//! about the input's length.
//!
//! # Merkle root
//!
//! The dataset root ([`Dataset::root`]) is the Merkle root ([`crate::merkle`]) over `N + 1`
//! leaves: leaf 0 is the 20-byte header (so the root binds the sample size and the counts),
//! and leaf `i + 1` is sample `i`:
//!
//! ```text
//! sample leaf data(i) = i as u32 LE ‖ label u8 ‖ sample u8[S]
//! sample hash(i)      = H(0x00 ‖ sample leaf data(i))      (its Merkle leaf hash)
//! ```
//!
//! The index inside the leaf makes a sample's hash name its position as well as its content.
//! The sample hash is what an evaluation's result leaves carry ([`crate::result`]), so the
//! referee can prove a sample with [`Dataset::prove_sample`] against the committed root.
//!
//! # The demo dataset
//!
//! `data/digits.vrtd` ([`digits`]) is the 8×8 handwritten digits of UCI's "Optical
//! Recognition of Handwritten Digits" (E. Alpaydin, C. Kaynak, 1998; CC BY 4.0), as shipped
//! with scikit-learn: 1797 samples, 64 pixels, 10 classes. Pixels `v` in `0..=16` become
//! `(v · 255 + 8) / 16` (integer division: 0 → 0, 8 → 128, 16 → 255). The records keep the
//! source's order. The split is by index: the first 1438 samples
//! ([`DIGITS_TRAIN`]) are for training, the last 359, a fifth ([`DIGITS_HELD_OUT`]), for
//! evaluation. `examples/convert_digits.rs` regenerates the file.

use alloc::vec::Vec;
use core::{fmt, ops::Range};

use crate::merkle::{self, Hash, MerkleProof};

/// The first four bytes of every dataset.
pub const MAGIC: [u8; 4] = *b"VRTD";
/// The format version this crate reads and writes.
pub const FORMAT_VERSION: u32 = 1;
/// Bytes of the header.
pub const HEADER_LEN: usize = 20;
/// The largest sample: the widest model input.
pub const MAX_SAMPLE_SIZE: u32 = crate::model::MAX_WIDTH;
/// The most samples a dataset may have.
pub const MAX_SAMPLES: u32 = 1 << 24;
/// The most classes: labels are one byte.
pub const MAX_CLASSES: u32 = 256;

/// The demo dataset's bytes: see the module docs.
pub const DIGITS_BYTES: &[u8] = include_bytes!("../data/digits.vrtd");
/// The demo dataset's training samples.
pub const DIGITS_TRAIN: Range<u32> = 0..1438;
/// The demo dataset's held-out samples, the ones evaluations draw from.
pub const DIGITS_HELD_OUT: Range<u32> = 1438..1797;

/// The demo dataset, decoded.
pub fn digits() -> Result<Dataset, DatasetError> {
	Dataset::decode(DIGITS_BYTES)
}

/// Why bytes are not a valid dataset, or parts do not make one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DatasetError {
	/// The input is shorter than the 20-byte header.
	HeaderTooShort {
		/// The input's length.
		actual: u64,
	},
	/// The first four bytes are not `b"VRTD"`.
	BadMagic([u8; 4]),
	/// The format version is not [`FORMAT_VERSION`].
	UnsupportedVersion(u32),
	/// The sample size is 0 or above [`MAX_SAMPLE_SIZE`].
	SampleSizeOutOfRange(u32),
	/// The sample count is 0 or above [`MAX_SAMPLES`].
	SampleCountOutOfRange(u32),
	/// The class count is 0 or above [`MAX_CLASSES`].
	ClassCountOutOfRange(u32),
	/// The input's length (or the sample bytes given) is not the one the header implies.
	LengthMismatch {
		/// The length the header implies.
		expected: u64,
		/// The length found.
		actual: u64,
	},
	/// A label is not below the class count.
	LabelOutOfRange {
		/// The sample's index.
		index: u32,
		/// Its label.
		label: u8,
	},
}

impl fmt::Display for DatasetError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::HeaderTooShort { actual } => {
				write!(f, "dataset header needs {HEADER_LEN} bytes, got {actual}")
			}
			Self::BadMagic(magic) => write!(f, "bad dataset magic {magic:02x?}"),
			Self::UnsupportedVersion(v) => write!(f, "unsupported dataset format version {v}"),
			Self::SampleSizeOutOfRange(s) => {
				write!(f, "sample size {s} is not in 1..={MAX_SAMPLE_SIZE}")
			}
			Self::SampleCountOutOfRange(n) => {
				write!(f, "sample count {n} is not in 1..={MAX_SAMPLES}")
			}
			Self::ClassCountOutOfRange(c) => {
				write!(f, "class count {c} is not in 1..={MAX_CLASSES}")
			}
			Self::LengthMismatch { expected, actual } => {
				write!(f, "dataset header implies {expected} bytes, got {actual}")
			}
			Self::LabelOutOfRange { index, label } => {
				write!(f, "sample {index} has label {label}, not below the class count")
			}
		}
	}
}

impl core::error::Error for DatasetError {}

/// A validated dataset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dataset {
	sample_size: u32,
	class_count: u32,
	labels: Vec<u8>,
	/// All samples back to back, `sample_size` bytes each.
	samples: Vec<u8>,
}

fn check_shape(sample_size: u32, sample_count: u32, class_count: u32) -> Result<(), DatasetError> {
	if !(1..=MAX_SAMPLE_SIZE).contains(&sample_size) {
		return Err(DatasetError::SampleSizeOutOfRange(sample_size));
	}
	if !(1..=MAX_SAMPLES).contains(&sample_count) {
		return Err(DatasetError::SampleCountOutOfRange(sample_count));
	}
	if !(1..=MAX_CLASSES).contains(&class_count) {
		return Err(DatasetError::ClassCountOutOfRange(class_count));
	}
	Ok(())
}

fn check_labels(labels: &[u8], class_count: u32) -> Result<(), DatasetError> {
	for (index, &label) in (0u32..).zip(labels) {
		if u32::from(label) >= class_count {
			return Err(DatasetError::LabelOutOfRange { index, label });
		}
	}
	Ok(())
}

fn read_u32(bytes: &[u8], offset: usize) -> u32 {
	bytes
		.get(offset..offset.saturating_add(4))
		.and_then(|b| b.try_into().ok())
		.map_or(0, u32::from_le_bytes)
}

/// The Merkle leaf data of sample `index`: `index LE ‖ label ‖ sample`.
pub fn sample_leaf_data(index: u32, label: u8, sample: &[u8]) -> Vec<u8> {
	let mut data = Vec::with_capacity(sample.len().saturating_add(5));
	data.extend_from_slice(&index.to_le_bytes());
	data.push(label);
	data.extend_from_slice(sample);
	data
}

/// The sample hash of sample `index`: its Merkle leaf hash.
pub fn sample_hash(index: u32, label: u8, sample: &[u8]) -> Hash {
	merkle::hash_parts(&[&[merkle::LEAF_PREFIX], &index.to_le_bytes(), &[label], sample])
}

impl Dataset {
	/// A dataset from its parts: one label per sample, `samples` back to back.
	pub fn new(
		sample_size: u32,
		class_count: u32,
		labels: Vec<u8>,
		samples: Vec<u8>,
	) -> Result<Self, DatasetError> {
		let count = u32::try_from(labels.len()).unwrap_or(u32::MAX);
		check_shape(sample_size, count, class_count)?;
		let expected = u64::from(count).saturating_mul(u64::from(sample_size));
		if samples.len() as u64 != expected {
			return Err(DatasetError::LengthMismatch { expected, actual: samples.len() as u64 });
		}
		check_labels(&labels, class_count)?;
		Ok(Self { sample_size, class_count, labels, samples })
	}

	/// Decodes and validates a dataset. See the module docs for the layout.
	pub fn decode(bytes: &[u8]) -> Result<Self, DatasetError> {
		let actual = bytes.len() as u64;
		let header = bytes.get(..HEADER_LEN).ok_or(DatasetError::HeaderTooShort { actual })?;
		let magic: [u8; 4] = header.get(..4).and_then(|m| m.try_into().ok()).unwrap_or_default();
		if magic != MAGIC {
			return Err(DatasetError::BadMagic(magic));
		}
		let version = read_u32(header, 4);
		if version != FORMAT_VERSION {
			return Err(DatasetError::UnsupportedVersion(version));
		}
		let (sample_size, count, class_count) =
			(read_u32(header, 8), read_u32(header, 12), read_u32(header, 16));
		check_shape(sample_size, count, class_count)?;
		// At most 2^24 · (1 + 2^15) + 20: no overflow.
		let record_len = u64::from(sample_size).saturating_add(1);
		let expected =
			u64::from(count).saturating_mul(record_len).saturating_add(HEADER_LEN as u64);
		if expected != actual {
			return Err(DatasetError::LengthMismatch { expected, actual });
		}
		let records = bytes.get(HEADER_LEN..).unwrap_or_default();
		let mut labels = Vec::with_capacity(count as usize);
		let mut samples = Vec::with_capacity((count as usize).saturating_mul(sample_size as usize));
		for record in records.chunks_exact(record_len as usize) {
			if let Some((&label, sample)) = record.split_first() {
				labels.push(label);
				samples.extend_from_slice(sample);
			}
		}
		check_labels(&labels, class_count)?;
		Ok(Self { sample_size, class_count, labels, samples })
	}

	/// The dataset's bytes; [`Dataset::decode`] gives the dataset back.
	pub fn encode(&self) -> Vec<u8> {
		let mut out = self.header();
		out.reserve(self.labels.len().saturating_add(self.samples.len()));
		for (label, sample) in self.labels.iter().zip(self.samples.chunks_exact(self.width())) {
			out.push(*label);
			out.extend_from_slice(sample);
		}
		out
	}

	/// The 20-byte header: leaf 0 of the dataset root.
	pub fn header(&self) -> Vec<u8> {
		let mut out = Vec::with_capacity(HEADER_LEN);
		out.extend_from_slice(&MAGIC);
		out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
		out.extend_from_slice(&self.sample_size.to_le_bytes());
		out.extend_from_slice(&self.sample_count().to_le_bytes());
		out.extend_from_slice(&self.class_count.to_le_bytes());
		out
	}

	fn width(&self) -> usize {
		// Never 0 for a validated dataset; `chunks_exact(0)` would panic.
		(self.sample_size as usize).max(1)
	}

	/// Bytes per sample.
	pub fn sample_size(&self) -> u32 {
		self.sample_size
	}

	/// The number of samples.
	pub fn sample_count(&self) -> u32 {
		u32::try_from(self.labels.len()).unwrap_or(u32::MAX)
	}

	/// The number of classes.
	pub fn class_count(&self) -> u32 {
		self.class_count
	}

	/// All labels, in index order.
	pub fn labels(&self) -> &[u8] {
		&self.labels
	}

	/// All samples back to back, in index order.
	pub fn samples(&self) -> &[u8] {
		&self.samples
	}

	/// The label of sample `index`.
	pub fn label(&self, index: u32) -> Option<u8> {
		self.labels.get(index as usize).copied()
	}

	/// The bytes of sample `index`.
	pub fn sample(&self, index: u32) -> Option<&[u8]> {
		let start = (index as usize).checked_mul(self.sample_size as usize)?;
		self.samples.get(start..start.checked_add(self.sample_size as usize)?)
	}

	/// The sample hash of sample `index` (its Merkle leaf hash).
	pub fn sample_hash(&self, index: u32) -> Option<Hash> {
		Some(sample_hash(index, self.label(index)?, self.sample(index)?))
	}

	/// The Merkle leaf hashes: the header, then every sample.
	pub fn leaf_hashes(&self) -> Vec<Hash> {
		let mut leaves = Vec::with_capacity(self.labels.len().saturating_add(1));
		leaves.push(merkle::hash_leaf(&self.header()));
		for (index, (label, sample)) in
			(0u32..).zip(self.labels.iter().zip(self.samples.chunks_exact(self.width())))
		{
			leaves.push(sample_hash(index, *label, sample));
		}
		leaves
	}

	/// The dataset root.
	pub fn root(&self) -> Hash {
		merkle::root(&self.leaf_hashes())
	}

	/// A proof of sample `index` (Merkle leaf `index + 1`) against [`Dataset::root`].
	pub fn prove_sample(&self, index: u32) -> Option<MerkleProof> {
		if index >= self.sample_count() {
			return None;
		}
		merkle::prove(&self.leaf_hashes(), index.checked_add(1)?).ok()
	}
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
	use super::*;
	use alloc::vec;

	fn small() -> Dataset {
		Dataset::new(3, 4, vec![0, 3, 1], vec![1, 2, 3, 4, 5, 6, 7, 8, 9]).unwrap()
	}

	fn with_u32(mut bytes: Vec<u8>, offset: usize, value: u32) -> Vec<u8> {
		bytes[offset..offset + 4].copy_from_slice(&value.to_le_bytes());
		bytes
	}

	#[test]
	fn encode_has_the_documented_layout() {
		let bytes = small().encode();
		let mut expected = b"VRTD".to_vec();
		for v in [1u32, 3, 3, 4] {
			expected.extend_from_slice(&v.to_le_bytes());
		}
		expected.extend_from_slice(&[0, 1, 2, 3, 3, 4, 5, 6, 1, 7, 8, 9]);
		assert_eq!(bytes, expected);
	}

	#[test]
	fn decode_round_trips() {
		let d = small();
		assert_eq!(Dataset::decode(&d.encode()).unwrap(), d);
		assert_eq!(d.sample(1), Some(&[4u8, 5, 6][..]));
		assert_eq!(d.label(1), Some(3));
		assert_eq!(d.sample(3), None);
		assert_eq!(d.label(3), None);
	}

	#[test]
	fn decode_fails_on_short_header() {
		let bytes = small().encode();
		for len in [0, 4, 19] {
			assert_eq!(
				Dataset::decode(&bytes[..len]),
				Err(DatasetError::HeaderTooShort { actual: len as u64 })
			);
		}
	}

	#[test]
	fn decode_fails_on_bad_magic() {
		let mut bytes = small().encode();
		bytes[0] = b'X';
		assert_eq!(Dataset::decode(&bytes), Err(DatasetError::BadMagic(*b"XRTD")));
	}

	#[test]
	fn decode_fails_on_unsupported_version() {
		let bytes = with_u32(small().encode(), 4, 2);
		assert_eq!(Dataset::decode(&bytes), Err(DatasetError::UnsupportedVersion(2)));
	}

	#[test]
	fn decode_fails_on_sample_size_out_of_range() {
		for size in [0, MAX_SAMPLE_SIZE + 1, u32::MAX] {
			let bytes = with_u32(small().encode(), 8, size);
			assert_eq!(Dataset::decode(&bytes), Err(DatasetError::SampleSizeOutOfRange(size)));
		}
	}

	#[test]
	fn decode_fails_on_sample_count_out_of_range() {
		for count in [0, MAX_SAMPLES + 1, u32::MAX] {
			let bytes = with_u32(small().encode(), 12, count);
			assert_eq!(Dataset::decode(&bytes), Err(DatasetError::SampleCountOutOfRange(count)));
		}
	}

	#[test]
	fn decode_fails_on_class_count_out_of_range() {
		for classes in [0, MAX_CLASSES + 1] {
			let bytes = with_u32(small().encode(), 16, classes);
			assert_eq!(Dataset::decode(&bytes), Err(DatasetError::ClassCountOutOfRange(classes)));
		}
	}

	#[test]
	fn decode_fails_on_length_mismatch_before_allocating() {
		let bytes = small().encode();
		assert_eq!(
			Dataset::decode(&bytes[..bytes.len() - 1]),
			Err(DatasetError::LengthMismatch { expected: 32, actual: 31 })
		);
		let mut longer = bytes.clone();
		longer.push(0);
		assert_eq!(
			Dataset::decode(&longer),
			Err(DatasetError::LengthMismatch { expected: 32, actual: 33 })
		);
		// A header claiming the maximum is rejected by length alone.
		let huge = with_u32(with_u32(bytes, 8, MAX_SAMPLE_SIZE), 12, MAX_SAMPLES);
		assert_eq!(
			Dataset::decode(&huge),
			Err(DatasetError::LengthMismatch {
				expected: 20 + u64::from(MAX_SAMPLES) * (u64::from(MAX_SAMPLE_SIZE) + 1),
				actual: 32
			})
		);
	}

	#[test]
	fn decode_fails_on_label_out_of_range() {
		let mut bytes = small().encode();
		bytes[20 + 4] = 4;
		assert_eq!(
			Dataset::decode(&bytes),
			Err(DatasetError::LabelOutOfRange { index: 1, label: 4 })
		);
	}

	#[test]
	fn new_checks_its_parts() {
		assert_eq!(
			Dataset::new(3, 4, vec![0, 1], vec![0; 5]),
			Err(DatasetError::LengthMismatch { expected: 6, actual: 5 })
		);
		assert_eq!(Dataset::new(3, 4, vec![], vec![]), Err(DatasetError::SampleCountOutOfRange(0)));
		assert_eq!(
			Dataset::new(1, 2, vec![2], vec![0]),
			Err(DatasetError::LabelOutOfRange { index: 0, label: 2 })
		);
	}

	#[test]
	fn root_covers_header_and_samples() {
		let d = small();
		let leaves = d.leaf_hashes();
		assert_eq!(leaves.len(), 4);
		assert_eq!(leaves[0], merkle::hash_leaf(&d.header()));
		assert_eq!(leaves[2], merkle::hash_leaf(&sample_leaf_data(1, 3, &[4, 5, 6])));
		assert_eq!(d.sample_hash(1), Some(leaves[2]));
		assert_eq!(d.root(), merkle::root(&leaves));
		// Another class count changes the root through the header leaf.
		let other = Dataset::new(3, 5, vec![0, 3, 1], d.samples().to_vec()).unwrap();
		assert_ne!(other.root(), d.root());
	}

	#[test]
	fn every_sample_proves_against_the_root() {
		let d = small();
		let root = d.root();
		for i in 0..3 {
			let proof = d.prove_sample(i).unwrap();
			assert_eq!(proof.index, i + 1);
			assert!(proof.verify(&root, &d.sample_hash(i).unwrap()));
			let forged = sample_hash(i, d.label(i).unwrap() ^ 1, d.sample(i).unwrap());
			assert!(!proof.verify(&root, &forged));
		}
		assert_eq!(d.prove_sample(3), None);
	}
}
