//! The epoch itself; see the crate documentation for the steps and formulas.
//!
//! Consensus, clipping, rank, trust and the column normalisation of bonds all work column by
//! column, while the input comes as rows. Instead of transposing the matrix (an `n · V` array
//! written in a cache-hostile order), the epoch sweeps the columns once and keeps a cursor into
//! each permitted validator's weights and bonds rows (both ascending by column). Every
//! [`BLOCK`] columns, each cursor copies its entries for the block into a small column-major
//! buffer (a few cache lines of its row at a time), and the columns are then read from that buffer.
//! The working set is `V · BLOCK` entries, whatever `n`; validator trust, dividends and the new
//! bonds (appended to each validator's row, in column order) accumulate per validator as the
//! sweep goes. Products of two fractions are summed exactly in `u128` and divided once; the
//! rows' normalisations use a [`RowNormaliser`] (exact floor), the bonds' column normalisations
//! a [`ColumnScaler`] per sum (one `u64` multiply per cell).

use alloc::{borrow::Cow, vec, vec::Vec};

use crate::{
	entry,
	fixed::{
		from_u16_fraction, mul_fractions, scale_to_one, to_u16_fraction, ColumnScaler, Normaliser,
		ProductSum, RankParts, RowNormaliser,
	},
	quantile::weighted_upper_quantile_bucketed,
	unpack_entry, EpochInput, EpochOutput, Fixed, SparseRow, U16Fraction,
};

/// The moving-average weight that means "keep only the previous bonds", in millionths.
const MILLION: u64 = 1_000_000;

/// Columns gathered at a time: each row is read 64 entries (four 64-byte cache lines) at a
/// time, and the block of every validator's entries (`4 · 64 · V` bytes, 64 KiB for 256
/// validators) stays in the L2 cache. Measured in wasm on a dense 4096 × 256 epoch, 64 beats 16
/// and 32 (fewer switches between rows) and 128 and 256 (a larger block).
const BLOCK: usize = 64;

/// A permitted validator: its rows, read column by column, and what it accumulates.
struct Validator<'a> {
	/// The validator's UID.
	uid: usize,
	/// `S_i`.
	stake: Fixed,
	/// Divides by the row's weight sum (step 2).
	by_row_sum: RowNormaliser,
	/// The raw weights row, strictly ascending by column, and the next entry to read.
	weights: Cow<'a, [u32]>,
	next_weight: usize,
	/// The previous bonds row, strictly ascending by column, and the next entry to read.
	bonds: Cow<'a, [u32]>,
	next_bond: usize,
}

impl<'a> Validator<'a> {
	fn new(input: &EpochInput<'a>, uid: usize, stake: Fixed, n: usize) -> Self {
		let row_sum = |row: &[u32]| {
			row.iter().fold(0u64, |acc, &word| {
				let (column, w) = unpack_entry(word);
				let counted = usize::from(column) < n && usize::from(column) != uid;
				acc.saturating_add(if counted { u64::from(w) } else { 0 })
			})
		};
		// One pass over a well-formed row: it is summed as it is checked.
		let raw = input.weights.get(uid).map_or(&[][..], |row| row.as_slice());
		let (_, sorted, sum) =
			raw.iter().fold((-1i32, true, 0u64), |(previous, sorted, acc), &word| {
				let (column, w) = unpack_entry(word);
				let counted = usize::from(column) < n && usize::from(column) != uid;
				let column = i32::from(column);
				(
					column,
					sorted & (column > previous),
					acc.saturating_add(if counted { u64::from(w) } else { 0 }),
				)
			});
		let (weights, row_sum) = if sorted {
			(Cow::Borrowed(raw), sum)
		} else {
			let weights = clean_row(input.weights.get(uid));
			let sum = row_sum(&weights);
			(weights, sum)
		};
		let bonds = clean_row(input.bonds.get(uid));
		Self {
			uid,
			stake,
			// At most 65536 columns of at most 65535 each: `row_sum < 2^32`, as it requires.
			by_row_sum: RowNormaliser::new(row_sum),
			weights,
			next_weight: 0,
			bonds,
			next_bond: 0,
		}
	}

	/// Writes the raw weights and previous bonds of columns `first..end` into
	/// `block[(column − first) · stride + slot]` (absent entries stay as they are: the caller
	/// zeroes the block), consuming them. Blocks must come in ascending order. The diagonal
	/// weight reads as zero.
	#[inline(never)]
	fn fill_block(
		&mut self,
		first: usize,
		end: usize,
		block: &mut [(u16, U16Fraction)],
		stride: usize,
		slot: usize,
	) {
		// Columns before `first` were consumed by earlier blocks, so positions are in range;
		// one that were not would just miss `block`.
		let position =
			|column: usize| column.wrapping_sub(first).wrapping_mul(stride).wrapping_add(slot);
		// Sorted rows: the block's entries are the first of the next `BLOCK` (at most). All of
		// those are read, a fixed count, and the ones past the block land in `spare` (never
		// read) instead: no branch depends on where the block ends.
		let spare = block.len().saturating_sub(1);
		let in_block = |column: usize| column < end;
		let mut taken = 0usize;
		let from = self.next_weight;
		let upto = from.saturating_add(BLOCK).min(self.weights.len());
		for &word in self.weights.get(from..upto).unwrap_or_default() {
			let (column, w) = unpack_entry(word);
			let column = usize::from(column);
			let inside = in_block(column);
			let index = if inside { position(column) } else { spare };
			if let Some(cell) = block.get_mut(index) {
				cell.0 = if column == self.uid { 0 } else { w };
			}
			taken = taken.wrapping_add(usize::from(inside));
		}
		self.next_weight = from.saturating_add(taken);
		let mut taken = 0usize;
		let from = self.next_bond;
		let upto = from.saturating_add(BLOCK).min(self.bonds.len());
		for &word in self.bonds.get(from..upto).unwrap_or_default() {
			let (column, b) = unpack_entry(word);
			let column = usize::from(column);
			let inside = in_block(column);
			let index = if inside { position(column) } else { spare };
			if let Some(cell) = block.get_mut(index) {
				cell.1 = b;
			}
			taken = taken.wrapping_add(usize::from(inside));
		}
		self.next_bond = from.saturating_add(taken);
	}
}

/// What a validator accumulates over the columns.
struct Tally {
	/// `VT_i = Σ_j W̄_ij`.
	trust: Fixed,
	/// `Σ_j B_ij · R_j` with the exact ranks (step 8, before normalisation).
	dividends: ProductSum,
	/// The new bonds, quantised, non-zero ones only, ascending by column.
	bonds: SparseRow,
}

/// One non-zero cell of the current column.
#[derive(Clone, Copy, Default)]
struct Cell {
	/// Index into the validators.
	validator: usize,
	/// `S_i`.
	stake: Fixed,
	/// `W_ij`, then (after clipping) `W̄_ij`.
	weight: Fixed,
	/// The previous bond `b_ij`, then `B'_ij`.
	bond: Fixed,
	/// `S_i · W̄_ij` (saturating at `u64::MAX`).
	product: u64,
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
	let v = validators.len();
	// What every column reads of each validator, `(S_i, row normaliser)`, packed together.
	let row_params: Vec<(Fixed, RowNormaliser)> =
		validators.iter().map(|validator| (validator.stake, validator.by_row_sum)).collect();

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
	// What each validator accumulates over the columns.
	let mut tallies: Vec<Tally> = validators
		.iter()
		.map(|validator| Tally {
			trust: 0,
			dividends: ProductSum::default(),
			// A new bond needs a weight or a previous bond: dense rows never grow.
			bonds: Vec::with_capacity(validator.weights.len().max(validator.bonds.len())),
		})
		.collect();
	// Scratch, reused by every column: its cells, and (weight, stake) pairs for the quantile.
	let mut cells: Vec<Cell> = vec![Cell::default(); v];
	let mut pairs: Vec<(Fixed, u64)> = vec![(0, 0); v];
	let mut scratch: Vec<(Fixed, u64)> = vec![(0, 0); v];

	// The raw (weight, bond) of every validator for `BLOCK` columns at a time, column-major
	// (`block[k · v + i]`): each validator's rows are read `BLOCK` entries at a time rather than
	// one entry per column.
	// One spare cell at the end, which `fill_block` writes entries past the block to.
	let mut block: Vec<(u16, U16Fraction)> =
		vec![(0, 0); v.saturating_mul(BLOCK).saturating_add(1)];

	// Rows hold `u16` columns, so columns from 65536 on are empty (and stay zero).
	let columns = n.min(usize::from(u16::MAX).saturating_add(1));
	for first in (0..columns).step_by(BLOCK) {
		let end = first.saturating_add(BLOCK).min(columns);
		block.iter_mut().for_each(|cell| *cell = (0, 0));
		for (slot, validator) in validators.iter_mut().enumerate() {
			validator.fill_block(first, end, &mut block, v, slot);
		}
		for (column, raw) in (first..end).zip(block.chunks_exact(v.max(1))) {
			let Some(column_sums) = column_epoch(
				&row_params,
				// `column < 65536`.
				u16::try_from(column).unwrap_or(u16::MAX),
				raw,
				&mut tallies,
				&mut cells,
				&mut pairs,
				&mut scratch,
				(total_stake, need, new_share, previous_share),
			) else {
				continue;
			};
			let (c, pre_rank_sum, rank_sum) = column_sums;
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
	}

	// Step 5: incentive, from the exact ranks.
	let by_total_rank = Normaliser::new(exact_rank.iter().fold(0u128, |a, &r| a.saturating_add(r)));
	let incentive: Vec<Fixed> = exact_rank.iter().map(|&r| by_total_rank.scale(r)).collect();

	// Step 8: normalise the dividends. Neurons without a permit keep zeros and empty bonds.
	let by_total_dividends = Normaliser::new(
		tallies.iter().fold(0u128, |acc, tally| acc.saturating_add(tally.dividends.total())),
	);
	let mut validator_trust = vec![0; n];
	let mut dividends = vec![0; n];
	let mut bonds: Vec<SparseRow> = vec![Vec::new(); n];
	for (validator, tally) in validators.iter().zip(tallies) {
		if let Some(slot) = validator_trust.get_mut(validator.uid) {
			*slot = tally.trust;
		}
		if let Some(slot) = dividends.get_mut(validator.uid) {
			*slot = by_total_dividends.scale(tally.dividends.total());
		}
		if let Some(slot) = bonds.get_mut(validator.uid) {
			*slot = tally.bonds;
		}
	}

	EpochOutput { stake, consensus, rank, trust, incentive, validator_trust, dividends, bonds }
}

/// Steps 2–8 for one column, from the raw `(weight, bond)` of each validator (`raw[i]`) and its
/// `(S_i, row normaliser)` (`row_params[i]`): adds to each validator's tally (trust, dividend
/// sum, quantised new bond) and returns `(C_j, P_j, R_j)` with the exact pre-rank and rank, or
/// `None` for a column without entries (all zero). `params` is `(Σ S, need, α, 1 − α)` (the
/// last two in millionths).
///
/// Sums here cannot overflow, so they wrap (no checks): `Σ_i S_i ≤ ONE` and every fraction is
/// at most `ONE`, so `P_j, R_j ≤ 2^64`, `Σ_i B'_ij ≤ 2^52 · V`, `VT_i ≤ ONE` (a row's floored
/// fractions sum to at most one) and `Σ_j B_ij · R_j < 2^113`.
///
/// Each step is a function of its own, kept out of line: one function with every step inlined
/// has more live values than registers, and the wasm compiler spills them in every loop.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn column_epoch(
	row_params: &[(Fixed, RowNormaliser)],
	column: u16,
	raw: &[(u16, U16Fraction)],
	tallies: &mut [Tally],
	cells: &mut [Cell],
	pairs: &mut [(Fixed, u64)],
	scratch: &mut [(Fixed, u64)],
	params: (u64, u64, u64, u64),
) -> Option<(Fixed, u128, u128)> {
	let (total_stake, need, new_share, previous_share) = params;
	let gathered = gather(row_params, raw, cells, pairs);
	let cells = cells.get_mut(..gathered.cells).filter(|cells| !cells.is_empty())?;
	let pairs = pairs.get_mut(..gathered.pairs).unwrap_or_default();

	// Step 3: consensus.
	let c = if total_stake == 0 {
		0
	} else if need == 0 {
		cells.iter().map(|cell| cell.weight).max().unwrap_or(0)
	} else {
		weighted_upper_quantile_bucketed(pairs, scratch, need, gathered.pairs_stake)
	};

	let rank_sum = clip(cells, c);
	let bond_sum = moving_average(cells, rank_sum, new_share, previous_share);
	tally(cells, column, rank_sum, bond_sum, tallies);
	Some((c, gathered.pre_rank_sum, rank_sum))
}

/// What [`gather`] found in a column.
struct Gathered {
	/// Cells written (non-zero entries).
	cells: usize,
	/// Pairs written (entries with stake and weight).
	pairs: usize,
	/// `P_j = Σ_i S_i·W_ij`, exactly.
	pre_rank_sum: u128,
	/// The pairs' stake: at most `Σ S ≤ ONE`.
	pairs_stake: u64,
}

/// Step 2 (row normalisation) and the pre-rank, in one pass that writes the column's non-zero
/// entries to `cells` and the quantile's `(weight, stake)` pairs to `pairs` (both at least as
/// long as `raw`). Every entry is written to the next free cell (and pair), which only counts
/// as taken when the entry is non-zero: no branch on the data.
#[inline(never)]
fn gather(
	row_params: &[(Fixed, RowNormaliser)],
	raw: &[(u16, U16Fraction)],
	cells: &mut [Cell],
	pairs: &mut [(Fixed, u64)],
) -> Gathered {
	let mut gathered = Gathered { cells: 0, pairs: 0, pre_rank_sum: 0, pairs_stake: 0 };
	for ((index, &(stake, by_row_sum)), &(w, b)) in row_params.iter().enumerate().zip(raw) {
		let weight = by_row_sum.scale(w);
		if let Some(cell) = cells.get_mut(gathered.cells) {
			*cell =
				Cell { validator: index, stake, weight, bond: from_u16_fraction(b), product: 0 };
		}
		gathered.cells = gathered.cells.wrapping_add(usize::from(w | b != 0));
		gathered.pre_rank_sum = gathered.pre_rank_sum.wrapping_add(mul_fractions(stake, weight));
		if let Some(pair) = pairs.get_mut(gathered.pairs) {
			*pair = (weight, stake);
		}
		let counted = stake > 0 && weight > 0;
		gathered.pairs = gathered.pairs.wrapping_add(usize::from(counted));
		gathered.pairs_stake = gathered.pairs_stake.wrapping_add(if counted { stake } else { 0 });
	}
	gathered
}

/// Steps 4–5: clips each weight at consensus `c` and returns the rank `R_j = Σ_i S_i · W̄_ij`,
/// exactly. Each cell keeps its `S_i · W̄_ij` for step 7.
#[inline(never)]
fn clip(cells: &mut [Cell], c: Fixed) -> u128 {
	let mut rank_sum: u128 = 0;
	for cell in cells.iter_mut() {
		cell.weight = cell.weight.min(c);
		let product = mul_fractions(cell.stake, cell.weight);
		rank_sum = rank_sum.wrapping_add(product);
		// Below `2^64` but for `ONE · ONE`, which saturates (`by_rank` allows for it).
		cell.product = u64::try_from(product).unwrap_or(u64::MAX);
	}
	rank_sum
}

/// Step 7, first half: `ΔB = S·W̄` normalised by its column sum (the exact rank, by a
/// [`ColumnScaler`]), and its moving average `B'` with the previous bonds, kept in each cell.
/// Returns `Σ_i B'_ij`.
#[inline(never)]
fn moving_average(cells: &mut [Cell], rank_sum: u128, new_share: u64, previous_share: u64) -> u128 {
	let by_rank = ColumnScaler::new(rank_sum);
	let mut bond_sum: u128 = 0;
	for cell in cells.iter_mut() {
		let delta = by_rank.scale(cell.product);
		// `B'` in units of `1 / (10^6 · ONE)`: the division by 10^6 cancels in the
		// normalisation, so it is never done (nor rounded). With `α + (1 − α) = 10^6` and both
		// fractions at most `ONE`, `B' ≤ 10^6 · 2^32 < 2^52`: no overflow.
		cell.bond =
			new_share.wrapping_mul(delta).wrapping_add(previous_share.wrapping_mul(cell.bond));
		bond_sum = bond_sum.wrapping_add(u128::from(cell.bond));
	}
	bond_sum
}

/// Step 7, second half, and step 8's sums: `B = B' / Σ B'` (by a [`ColumnScaler`]), added to
/// each validator's tally as its quantised new bond and as `B_ij · R_j` with the exact rank
/// (since `I_j ∝ R_j`, `Σ_j B_ij · R_j` normalises to the same quotient as `Σ_j B_ij · I_j`,
/// without the rounding of `I`), with the validator trust `Σ_j W̄_ij`.
#[inline(never)]
fn tally(cells: &[Cell], column: u16, rank_sum: u128, bond_sum: u128, tallies: &mut [Tally]) {
	let rank_parts = RankParts::new(rank_sum);
	let by_bond_sum = ColumnScaler::new(bond_sum);
	for cell in cells {
		// `B'_ij ≤ Σ_k B'_kj`: at most `ONE`.
		let bond = by_bond_sum.scale(cell.bond);
		if let Some(tally) = tallies.get_mut(cell.validator) {
			tally.trust = tally.trust.wrapping_add(cell.weight);
			tally.dividends.add(bond, rank_parts);
			let quantised = to_u16_fraction(bond);
			if quantised > 0 {
				tally.bonds.push(entry(column, quantised));
			}
		}
	}
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
fn clean_row(row: Option<&SparseRow>) -> Cow<'_, [u32]> {
	let Some(row) = row else { return Cow::Borrowed(&[]) };
	let column = |word: &u32| word & 0xFFFF;
	// No early exit: rows are nearly always sorted, and a plain fold runs faster.
	let sorted =
		row.iter().zip(row.iter().skip(1)).fold(true, |ok, (a, b)| ok & (column(a) < column(b)));
	if sorted {
		return Cow::Borrowed(row);
	}
	let mut sorted = row.clone();
	sorted.sort_by_key(column); // stable: the first of repeats stays first
	sorted.dedup_by_key(|word| column(word));
	Cow::Owned(sorted)
}
