//! The epoch itself; see the crate documentation for the steps and formulas.
//!
//! Consensus, clipping, rank, trust and the column normalisation of bonds all work column by
//! column, while the input comes as rows. Instead of transposing the matrix (an `n · V` array
//! written in a cache-hostile order), the epoch sweeps the columns once and keeps a cursor into
//! each permitted validator's weights and bonds rows (both ascending by column). Every
//! [`BLOCK`] columns, each cursor copies its entries for the next block into a small
//! column-major buffer (a cache line of its row at a time), and the columns are then read from
//! that buffer. The working set is `V · BLOCK` entries, whatever `n`; validator trust, dividends
//! and the output bonds
//! accumulate per validator as the sweep goes. Products of two fractions are summed exactly in
//! `u128` and divided once; normalisations use a [`Normaliser`] per sum.

use alloc::{borrow::Cow, vec, vec::Vec};

use super::{
	fixed::{from_u16_fraction, mul_wide, scale_to_one, to_u16_fraction, Normaliser},
	quantile::weighted_upper_quantile,
};
use crate::{
	EpochInput, EpochOutput, Fixed, SparseRow, U16Fraction,
};

/// The moving-average weight that means "keep only the previous bonds", in millionths.
const MILLION: u64 = 1_000_000;

/// Columns gathered at a time: 16 `(u16, u16)` entries fill a 64-byte cache line.
const BLOCK: usize = 64;

/// A permitted validator: its rows, read column by column, and what it accumulates.
struct Validator<'a> {
	/// The validator's UID.
	uid: usize,
	/// `S_i`.
	stake: Fixed,
	/// Divides by the row's weight sum (step 2).
	by_row_sum: Normaliser,
	/// The raw weights row, strictly ascending by column, and the next entry to read.
	weights: Cow<'a, [(u16, u16)]>,
	next_weight: usize,
	/// The previous bonds row, strictly ascending by column, and the next entry to read.
	bonds: Cow<'a, [(u16, U16Fraction)]>,
	next_bond: usize,
	/// `VT_i = Σ_j W̄_ij`.
	trust: Fixed,
	/// `Σ_j B_ij · R_j` with the exact ranks (step 8, before normalisation).
	dividends: u128,
	/// The new bonds, quantised, ascending by column.
	new_bonds: SparseRow<U16Fraction>,
}

impl<'a> Validator<'a> {
	fn new(input: &EpochInput<'a>, uid: usize, stake: Fixed, n: usize) -> Self {
		let weights = clean_row(input.weights.get(uid));
		let bonds = clean_row(input.bonds.get(uid));
		let row_sum = weights
			.iter()
			.filter(|&&(column, _)| usize::from(column) < n && usize::from(column) != uid)
			.fold(0u64, |acc, &(_, w)| acc.saturating_add(u64::from(w)));
		let new_bonds = Vec::with_capacity(weights.len());
		Self {
			uid,
			stake,
			by_row_sum: Normaliser::new(u128::from(row_sum)),
			weights,
			next_weight: 0,
			bonds,
			next_bond: 0,
			trust: 0,
			dividends: 0,
			new_bonds,
		}
	}

	/// Writes the raw weights and previous bonds of columns `first..first + width` into
	/// `block[k · stride + slot]` for column `first + k` (absent entries stay as they are: the
	/// caller zeroes the block), consuming them. Blocks must come in ascending order. The
	/// diagonal weight reads as zero.
	fn fill_block(
		&mut self,
		first: usize,
		width: usize,
		block: &mut [(u16, U16Fraction)],
		stride: usize,
		slot: usize,
	) {
		let end = first.saturating_add(width);
		let position = |column: u16| {
			usize::from(column).wrapping_sub(first).saturating_mul(stride).saturating_add(slot)
		};
		while let Some(&(column, w)) = self.weights.get(self.next_weight) {
			if usize::from(column) >= end {
				break;
			}
			self.next_weight = self.next_weight.saturating_add(1);
			if usize::from(column) != self.uid {
				if let Some(cell) = block.get_mut(position(column)) {
					cell.0 = w;
				}
			}
		}
		while let Some(&(column, b)) = self.bonds.get(self.next_bond) {
			if usize::from(column) >= end {
				break;
			}
			self.next_bond = self.next_bond.saturating_add(1);
			if let Some(cell) = block.get_mut(position(column)) {
				cell.1 = b;
			}
		}
	}
}

/// One non-zero cell of the current column.
#[derive(Clone, Copy)]
struct Cell {
	/// Index into the validators.
	validator: usize,
	/// `S_i`.
	stake: Fixed,
	/// `W_ij`, then (after clipping) `W̄_ij`.
	weight: Fixed,
	/// The previous bond `b_ij`, then `B'_ij`, then the new bond `B_ij`.
	bond: Fixed,
}

/// See [`crate::run_epoch`].
pub fn run_epoch(input: &EpochInput<'_>) -> EpochOutput {
	let n = input.stake.len();

	// Step 1: active validator stake.
	let stake = normalise_stake(input);
	let total_stake = stake.iter().fold(0u64, |acc, &s| acc.saturating_add(s));

	// Step 2 happens as the columns are read: each validator divides by its row sum.
	let mut validators: Vec<Validator<'_>> = stake
		.iter()
		.enumerate()
		.filter(|&(uid, _)| input.permits.get(uid).copied().unwrap_or(false))
		.map(|(uid, &s)| Validator::new(input, uid, s, n))
		.collect();

	// κ · Σ S as an integer threshold: `Σ S' ≥ κ·ΣS  ⇔  65535 · Σ S' ≥ kappa · ΣS
	// ⇔  Σ S' ≥ ceil(kappa · ΣS / 65535)` (the stake sums are integers).
	let need = u128::from(input.kappa)
		.saturating_mul(u128::from(total_stake))
		.saturating_add(u128::from(u16::MAX).saturating_sub(1))
		.checked_div(u128::from(u16::MAX))
		.map_or(0, |t| u64::try_from(t).unwrap_or(u64::MAX));

	// `1 − α` and `α` of the bonds' moving average, in millionths.
	let previous_share = u64::from(input.bonds_moving_average).min(MILLION);
	let new_share = MILLION.saturating_sub(previous_share);

	let mut consensus = vec![0; n];
	let mut rank = vec![0; n];
	let mut trust = vec![0; n];
	// Exact `u128` ranks `Σ_i S_i·W̄_ij`, for incentive.
	let mut exact_rank = vec![0u128; n];
	// Scratch, reused by every column: its cells, and (weight, stake) pairs for the quantile.
	let mut cells: Vec<Cell> = Vec::with_capacity(validators.len());
	let mut pairs: Vec<(Fixed, u64)> = Vec::with_capacity(validators.len());

	// The raw (weight, bond) of every validator for `BLOCK` columns at a time, column-major: each
	// validator's rows are read a cache line at a time rather than one entry per column.
	let stride = validators.len();
	let mut block: Vec<(u16, U16Fraction)> = vec![(0, 0); stride.saturating_mul(BLOCK)];

	// Rows hold `u16` columns, so columns from 65536 on are empty (and stay zero).
	for (column, column_uid) in (0..=u16::MAX).take(n).enumerate() {
		let offset = column.checked_rem(BLOCK).unwrap_or(0);
		if offset == 0 {
			block.iter_mut().for_each(|cell| *cell = (0, 0));
			for (slot, validator) in validators.iter_mut().enumerate() {
				validator.fill_block(column, BLOCK, &mut block, stride, slot);
			}
		}
		let Some(raw) = block.get(offset.saturating_mul(stride)..) else { continue };
		cells.clear();
		for ((index, validator), &(w, b)) in validators.iter().enumerate().zip(raw) {
			if w > 0 || b > 0 {
				cells.push(Cell {
					validator: index,
					stake: validator.stake,
					weight: validator.by_row_sum.scale(u128::from(w)),
					bond: from_u16_fraction(b),
				});
			}
		}
		if cells.is_empty() {
			continue;
		}

		// Step 3: consensus.
		let c = if total_stake == 0 {
			0
		} else if need == 0 {
			cells.iter().map(|cell| cell.weight).max().unwrap_or(0)
		} else {
			pairs.clear();
			pairs.extend(
				cells
					.iter()
					.filter(|cell| cell.stake > 0 && cell.weight > 0)
					.map(|cell| (cell.weight, cell.stake)),
			);
			weighted_upper_quantile(&mut pairs, need)
		};

		// Steps 4–6: clip; pre-rank, rank, validator trust.
		let mut pre_rank_sum: u128 = 0;
		let mut rank_sum: u128 = 0;
		for cell in cells.iter_mut() {
			let clipped = cell.weight.min(c);
			pre_rank_sum = pre_rank_sum.saturating_add(mul_wide(cell.stake, cell.weight));
			rank_sum = rank_sum.saturating_add(mul_wide(cell.stake, clipped));
			cell.weight = clipped;
		}

		// Step 7: ΔB = S·W̄ normalised by its column sum (which is the exact rank), the moving
		// average with the previous bonds, then B normalised by its column sum.
		let by_rank = Normaliser::new(rank_sum);
		let mut bond_sum: u128 = 0;
		for cell in cells.iter_mut() {
			let delta = by_rank.scale(mul_wide(cell.stake, cell.weight));
			// `B'` in units of `1 / (10^6 · ONE)`: the division by 10^6 cancels in the
			// normalisation below, so it is never done (nor rounded). `≤ 10^6 · 2^32 < 2^52`.
			cell.bond = new_share
				.saturating_mul(delta)
				.saturating_add(previous_share.saturating_mul(cell.bond));
			bond_sum = bond_sum.saturating_add(u128::from(cell.bond));
		}

		// Step 8 accumulates `Σ_j B_ij · R_j` with the exact ranks: since `I_j ∝ R_j`, it
		// normalises to the same quotient as `Σ_j B_ij · I_j`, without the rounding of `I`
		// (`B ≤ 2^32`, `R ≤ 2^64`: no overflow). The quantised bonds are the output.
		let by_bond_sum = Normaliser::new(bond_sum);
		for cell in cells.iter() {
			let bond = by_bond_sum.scale(u128::from(cell.bond));
			let Some(validator) = validators.get_mut(cell.validator) else { continue };
			validator.trust = validator.trust.saturating_add(cell.weight);
			validator.dividends =
				validator.dividends.saturating_add(u128::from(bond).saturating_mul(rank_sum));
			let quantised = to_u16_fraction(bond);
			if quantised > 0 {
				validator.new_bonds.push((column_uid, quantised));
			}
		}

		if let Some(slot) = consensus.get_mut(column) {
			*slot = c;
		}
		if let Some(slot) = rank.get_mut(column) {
			// `Σ S·W̄ ≤ ONE · ONE`, so the quotient is at most ONE.
			*slot = u64::try_from(rank_sum.wrapping_shr(32)).unwrap_or(u64::MAX);
		}
		if let Some(slot) = trust.get_mut(column) {
			*slot = scale_to_one(rank_sum, pre_rank_sum);
		}
		if let Some(slot) = exact_rank.get_mut(column) {
			*slot = rank_sum;
		}
	}

	// Step 5: incentive, from the exact ranks.
	let by_total_rank = Normaliser::new(exact_rank.iter().fold(0u128, |a, &r| a.saturating_add(r)));
	let incentive: Vec<Fixed> = exact_rank.iter().map(|&r| by_total_rank.scale(r)).collect();

	// Step 8: normalise the dividends. Neurons without a permit keep zeros and empty bonds.
	let by_total_dividends =
		Normaliser::new(validators.iter().fold(0u128, |acc, v| acc.saturating_add(v.dividends)));
	let mut validator_trust = vec![0; n];
	let mut dividends = vec![0; n];
	let mut bonds: Vec<SparseRow<U16Fraction>> = vec![Vec::new(); n];
	for validator in validators {
		if let Some(slot) = validator_trust.get_mut(validator.uid) {
			*slot = validator.trust;
		}
		if let Some(slot) = dividends.get_mut(validator.uid) {
			*slot = by_total_dividends.scale(validator.dividends);
		}
		if let Some(slot) = bonds.get_mut(validator.uid) {
			*slot = validator.new_bonds;
		}
	}

	EpochOutput { stake, consensus, rank, trust, incentive, validator_trust, dividends, bonds }
}

/// Step 1: `S_i = s_i / Σ s` (floor) with `s_i` the stake of active permitted neurons.
///
/// Should `Σ s` overflow `u128` (impossible for real balances), every `s_i` is first shifted
/// right by the fewest bits that make it fit, so the result is still a deterministic floor.
fn normalise_stake(input: &EpochInput<'_>) -> Vec<Fixed> {
	let flag = |v: &[bool], i: usize| v.get(i).copied().unwrap_or(false);
	let counted: Vec<u128> = input
		.stake
		.iter()
		.enumerate()
		.map(|(i, &s)| if flag(input.permits, i) && flag(input.active, i) { s } else { 0 })
		.collect();
	for shift in 0..128u32 {
		let total =
			counted.iter().try_fold(0u128, |acc, &s| acc.checked_add(s.wrapping_shr(shift)));
		if let Some(total) = total {
			let by_total = Normaliser::new(total);
			return counted.iter().map(|&s| by_total.scale(s.wrapping_shr(shift))).collect();
		}
	}
	vec![0; counted.len()]
}

/// A row as a slice strictly ascending by column. Rows that break the [`SparseRow`] contract
/// (unsorted or repeated columns) are copied and sorted, keeping the first of repeats.
fn clean_row<V: Copy>(row: Option<&SparseRow<V>>) -> Cow<'_, [(u16, V)]> {
	let Some(row) = row else { return Cow::Borrowed(&[]) };
	if row.windows(2).all(|pair| matches!(pair, [a, b] if a.0 < b.0)) {
		return Cow::Borrowed(row);
	}
	let mut sorted = row.clone();
	sorted.sort_by_key(|&(column, _)| column); // stable: the first of repeats stays first
	sorted.dedup_by_key(|&mut (column, _)| column);
	Cow::Owned(sorted)
}
