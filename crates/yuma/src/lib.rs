//! Yuma-style consensus: one subnet's epoch as a pure function (TO BE WRITTEN — see the spec).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;

/// A fraction or amount in unsigned fixed point with 32 fractional bits: [`ONE`] is 1.0.
pub type Fixed = u64;

/// 1.0 in [`Fixed`].
pub const ONE: Fixed = 1 << 32;

/// A fraction in 16 bits, as stored on chain: `u16::MAX` is 1.0.
pub type U16Fraction = u16;

/// A sparse row of a matrix over UIDs: `(column uid, value)`, strictly ascending by column.
pub type SparseRow<V> = Vec<(u16, V)>;

/// Everything one epoch reads. All slices are indexed by UID and have the same length `n`.
pub struct EpochInput<'a> {
	/// The stake behind each neuron's hotkey, in planck.
	pub stake: &'a [u128],
	/// Whether each neuron holds a validator permit (see [`validator_permits`]).
	pub permits: &'a [bool],
	/// Whether each neuron counts as active (set weights recently); an inactive neuron's stake
	/// counts for nothing in this epoch.
	pub active: &'a [bool],
	/// Each neuron's weights as set on chain (raw, not normalised): rows of neurons without a
	/// permit are ignored, entries outside `0..n` are ignored, and a neuron's weight on itself
	/// is ignored. Stale entries (set before the target registered) are removed by the caller.
	pub weights: &'a [SparseRow<u16>],
	/// Each neuron's bonds from the previous epoch (column-normalised, as stored).
	pub bonds: &'a [SparseRow<U16Fraction>],
	/// The stake quantile consensus is taken at: `u16::MAX` is 1.0.
	pub kappa: u16,
	/// The weight of the previous bonds in their moving average, in millionths.
	pub bonds_moving_average: u32,
}

/// Everything one epoch concludes. Every vector has length `n`; fractions are [`Fixed`].
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct EpochOutput {
	/// Stake of active permitted validators, normalised to sum to one (or all zero).
	pub stake: Vec<Fixed>,
	/// Consensus weight of each column (stake-weighted κ-quantile).
	pub consensus: Vec<Fixed>,
	/// Stake-weighted sum of the clipped weights each neuron received (not normalised).
	pub rank: Vec<Fixed>,
	/// Rank after clipping over rank before clipping.
	pub trust: Vec<Fixed>,
	/// Rank normalised to sum to one (or all zero).
	pub incentive: Vec<Fixed>,
	/// Sum of each validator's clipped (row-normalised) weights.
	pub validator_trust: Vec<Fixed>,
	/// Bonds times incentive, normalised to sum to one (or all zero).
	pub dividends: Vec<Fixed>,
	/// The new bonds (column-normalised), quantised for storage.
	pub bonds: Vec<SparseRow<U16Fraction>>,
}

/// Runs one epoch.
pub fn run_epoch(_input: &EpochInput<'_>) -> EpochOutput {
	EpochOutput::default()
}

/// Which neurons hold a validator permit: the `max_validators` largest stakes that are at least
/// `min_stake` (and non-zero); ties go to the lower UID.
pub fn validator_permits(_stake: &[u128], _max_validators: u16, _min_stake: u128) -> Vec<bool> {
	Vec::new()
}

/// `x` (a fraction in [`Fixed`], saturating at 1.0) as a [`U16Fraction`], rounded to nearest.
pub fn to_u16_fraction(_x: Fixed) -> U16Fraction {
	0
}
