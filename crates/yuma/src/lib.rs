//! Yuma-style consensus: one subnet's epoch as a pure, deterministic, fixed-point function.
//!
//! Every tempo, `pallet-scoring` hands [`run_epoch`] the subnet's stake, validator permits,
//! activity, weights and previous bonds, and gets back each neuron's consensus, rank, trust,
//! incentive (the miners' share of emission), validator trust, dividends (the validators' share)
//! and the new bonds. The math follows Bittensor's Yuma consensus document, so results are
//! comparable; it is `no_std` (compiled into the wasm runtime), uses no floats, never panics and
//! gives the same bits on every machine.
//!
//! # Terms and units
//!
//! - `n` is the number of UIDs: `stake.len()`. Every other slice is indexed by UID; a missing
//!   entry (a shorter slice) counts as `false`, zero or an empty row.
//! - Weights and bonds rows are sparse and packed: a [`SparseRow`] holds each `(column, value)`
//!   as one `u32` word, the layout the chain stores rows in, so they cross no conversion.
//! - A fraction is a [`Fixed`] with 32 fractional bits: [`ONE`] = 2^32 is 1.0. On chain, bonds
//!   are stored as [`U16Fraction`]s (`u16::MAX` is 1.0); [`to_u16_fraction`] converts.
//! - Rounding is floor everywhere except [`to_u16_fraction`] (nearest) and the bonds of step 7,
//!   which are within 14 units (`14 · 2^-32`) of the real value.
//!   Products of two fractions are summed exactly in `u128` and divided once, so sums carry no
//!   intermediate rounding.
//! - κ = `kappa / u16::MAX`; α = 1 − `bonds_moving_average` / 10^6 (clamped to `[0, 1]`).
//!
//! # The epoch, step by step
//!
//! 1. **Active validator stake.** `s_i = stake_i` if neuron `i` holds a permit and is active,
//!    else 0. `S_i = s_i / Σ_k s_k` (all zero if `Σ s = 0`). Output: `stake = S`.
//! 2. **Weights.** Only rows of permitted validators count. Entries with column `≥ n` and the
//!    diagonal (a validator's weight on itself) are dropped; each row is normalised:
//!    `W_ij = w_ij / Σ_k w_ik` (an all-zero row stays empty).
//! 3. **Consensus.** Per column `j`, the largest weight that at least a κ-fraction of stake gives
//!    at least:
//!    `C_j = max { x ∈ {0} ∪ {W_ij}_i : Σ_{i : W_ij ≥ x} S_i ≥ κ · Σ_i S_i }`
//!    (missing entries are weight 0; `C = 0` when there is no stake). The comparison is exact:
//!    `65535 · Σ S ≥ kappa · Σ_i S_i` in integers.
//! 4. **Clipping.** `W̄_ij = min(W_ij, C_j)`: weight above consensus earns nothing.
//! 5. **Rank, trust, incentive.** Pre-rank `P_j = Σ_i S_i · W_ij`; rank `R_j = Σ_i S_i · W̄_ij`;
//!    trust `T_j = R_j / P_j` (0 if `P_j = 0`); incentive `I_j = R_j / Σ_k R_k` (all zero if
//!    the sum is 0). Trust and incentive are computed from the exact `u128` sums.
//! 6. **Validator trust.** `VT_i = Σ_j W̄_ij`: how much of validator `i`'s weight survived
//!    clipping (1.0 for a validator that agrees with consensus everywhere).
//! 7. **Bonds.** `ΔB_ij = S_i · W̄_ij / Σ_k S_k · W̄_kj` (column-normalised; a zero column stays
//!    zero). With `b_ij` the previous bonds (as `b · ONE / u16::MAX`, counted only for permitted
//!    rows): `B'_ij = α · ΔB_ij + (1 − α) · b_ij`, then `B_ij = B'_ij / Σ_k B'_kj` (`B'` is
//!    kept scaled by 10^6, since the scale cancels in this quotient). Since `Σ_k ΔB_kj` is one
//!    (zero for a column without rank), the column sum is taken as the exact
//!    `Σ_k B'_kj = α · [R_j > 0] + (1 − α) · Σ_k b_kj`, which needs no pass over the column.
//!    Both column normalisations (`ΔB` and `B`) multiply by a reciprocal of the divisor taken
//!    to 31 bits, without a correction step: each is within 7 units of the real quotient (so
//!    `B` is within 14 of its real value), where an exact floor would cost a 64 × 64-bit high
//!    product per cell (four multiplies on wasm32). Output:
//!    `bonds` = `B` quantised by [`to_u16_fraction`], zeros dropped, rows ascending by column;
//!    rows without a permit are empty.
//! 8. **Dividends.** `D_i = Σ_j B_ij · I_j` (with `B` before quantisation), normalised to sum to
//!    one (all zero if the sum is 0). Since `I_j = R_j / Σ_k R_k`, the normalised `D` is computed
//!    from `Σ_j B_ij · R_j` with the exact ranks: the same quotient, one rounding fewer.
//!
//! Sums that should be one (stake, incentive, dividends) fall short of [`ONE`] by at most one
//! unit per term, from flooring; a bond column's sum is within 14 units per term of [`ONE`].
//!
//! # Cost
//!
//! Steps 2–5 need whole columns: the permitted weights rows are read column by column, 64
//! columns at a time (see `epoch.rs`), and each column's consensus, rank and the divisors of
//! step 7 are kept. Steps 6–8 then need only those per-column values, so they go row by row:
//! each validator's weights and previous bonds are walked together, and its trust, dividends
//! and new bonds row add up in order. Each column's κ-quantile sums the stake per bucket of
//! weights in one pass and searches only the bucket that holds the answer, by a weighted
//! quickselect (`O(V)` for `V` weights in the column, worst case included). Normalisations multiply by a precomputed reciprocal instead of
//! dividing, in `u64` arithmetic (wasm32 has no 128-bit multiply), so the inner loops avoid
//! `u128` products: a product of two fractions is one `u64` multiply, a bond times a column's
//! exact rank two, a column normalisation one. A dense epoch costs `O(n · V)`
//! time and `O(V)` working memory besides its inputs and outputs (`benches/epoch.rs` measures
//! it).
//!
//! # Validator permits
//!
//! [`validator_permits`] gives a permit to the `max_validators` largest stakes among those that
//! are non-zero and at least `min_stake`; equal stakes go to the lower UID.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod epoch;
mod fixed;
mod permits;
mod quantile;

use alloc::vec::Vec;

pub use fixed::{from_u16_fraction, to_quintillionths};

/// A fraction or amount in unsigned fixed point with 32 fractional bits: [`ONE`] is 1.0.
pub type Fixed = u64;

/// 1.0 in [`Fixed`].
pub const ONE: Fixed = 1 << 32;

/// A fraction in 16 bits, as stored on chain: `u16::MAX` is 1.0.
pub type U16Fraction = u16;

/// A sparse row of a matrix over UIDs, strictly ascending by column, as packed entries: each
/// `(column uid, value)` is the word `column | value << 16` (the same four little-endian bytes
/// as the pair of `u16`s, which is how the chain stores rows, so they need no conversion).
pub type SparseRow = Vec<u32>;

/// The packed entry of `(column, value)` (see [`SparseRow`]).
#[inline(always)]
pub fn entry(column: u16, value: u16) -> u32 {
	u32::from(column) | (u32::from(value) << 16)
}

/// The `(column, value)` of a packed entry (see [`SparseRow`]).
#[inline(always)]
pub fn unpack_entry(entry: u32) -> (u16, u16) {
	let low = |bits: u32| u16::try_from(bits & 0xFFFF).unwrap_or(u16::MAX);
	(low(entry), low(entry >> 16))
}

/// A row of `(column, value)` pairs, packed.
pub fn pack_row(pairs: &[(u16, u16)]) -> SparseRow {
	pairs.iter().map(|&(column, value)| entry(column, value)).collect()
}

/// A packed row's `(column, value)` pairs.
pub fn unpack_row(row: &[u32]) -> Vec<(u16, u16)> {
	row.iter().map(|&word| unpack_entry(word)).collect()
}

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
	pub weights: &'a [SparseRow],
	/// Each neuron's bonds from the previous epoch (column-normalised, as stored).
	pub bonds: &'a [SparseRow],
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
	pub bonds: Vec<SparseRow>,
}

/// Runs one epoch: steps 1–8 of the [crate documentation](crate).
///
/// Pure and deterministic; never panics. Slices shorter than `stake` count their missing
/// entries as `false`, zero or empty; rows that break the [`SparseRow`] contract (unsorted or
/// repeated columns) are read sorted, keeping the first of repeated columns.
pub fn run_epoch(input: &EpochInput<'_>) -> EpochOutput {
	epoch::run_epoch(input)
}

/// Which neurons hold a validator permit: the `max_validators` largest stakes that are at least
/// `min_stake` (and non-zero); ties go to the lower UID.
/// Returns one flag per UID (`stake.len()` of them).
pub fn validator_permits(stake: &[u128], max_validators: u16, min_stake: u128) -> Vec<bool> {
	permits::validator_permits(stake, max_validators, min_stake)
}

/// `x` (a fraction in [`Fixed`], saturating at 1.0) as a [`U16Fraction`], rounded to nearest.
/// Halves round up: `to_u16_fraction(from_u16_fraction(b)) == b` for every `b`.
pub fn to_u16_fraction(x: Fixed) -> U16Fraction {
	fixed::to_u16_fraction(x)
}
