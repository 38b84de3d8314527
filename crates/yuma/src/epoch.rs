//! The epoch itself; see the crate documentation for the steps and formulas.
//!
//! Consensus, clipping and rank work column by column, while the input comes as rows. Instead
//! of transposing the weights (an `n · V` array written in a cache-hostile order), the epoch
//! sweeps the columns once and keeps a cursor into each permitted validator's weights row
//! (ascending by column). Every [`BLOCK`] columns, each cursor copies its entries for the block
//! into a small column-major buffer (a few cache lines of its row at a time), and the columns
//! are then read from that buffer. The working set is `V · BLOCK` weights, whatever `n`. What
//! the rest of the epoch needs of a column is then a handful of numbers ([`ColumnStats`]), so
//! validator trust, dividends and the new bonds are settled row by row: each validator's
//! weights and previous bonds are walked together, its sums stay in registers and its new row
//! is written in order. Products of two fractions are summed exactly in `u128` and divided
//! once; the rows' normalisations use a [`RowNormaliser`] (exact floor), the bonds' column
//! normalisations a [`ColumnScaler`] per divisor (one `u64` multiply per cell).

use alloc::{borrow::Cow, vec, vec::Vec};

use crate::{
	entry,
	fixed::{
		from_u16_fraction, mul_fractions, scale_to_one, to_u16_fraction, ColumnScaler, Normaliser,
		ProductSum, RankParts, RowNormaliser,
	},
	quantile::{weighted_upper_quantile_bucketed, Scratch},
	unpack_entry, EpochInput, EpochOutput, Fixed, SparseRow, ONE,
};

/// The moving-average weight that means "keep only the previous bonds", in millionths.
const MILLION: u64 = 1_000_000;

/// Columns gathered at a time: each row is read 64 entries (four 64-byte cache lines) at a
/// time, and the block of every validator's entries (`4 · 64 · V` bytes, 64 KiB for 256
/// validators) stays in the L2 cache. Measured in wasm on a dense 4096 × 256 epoch, 64 beats 16
/// and 32 (fewer switches between rows) and 128 and 256 (a larger block).
const BLOCK: usize = 64;

/// A permitted validator: its rows, and a cursor into its weights for the column sweep.
struct Validator<'a> {
	/// The validator's UID.
	uid: usize,
	/// `S_i`.
	stake: Fixed,
	/// Divides by the row's weight sum (step 2).
	by_row_sum: RowNormaliser,
	/// The raw weights row, strictly ascending by column, and the next entry the sweep reads.
	weights: Cow<'a, [u32]>,
	next_weight: usize,
	/// The previous bonds row, strictly ascending by column.
	bonds: Cow<'a, [u32]>,
}

impl<'a> Validator<'a> {
	fn new(input: &EpochInput<'a>, uid: usize, stake: Fixed, n: usize) -> Self {
		// What an entry adds to the row sum: nothing for the diagonal and columns from `n` on.
		let counted = |column: u16, w: u16| {
			let column = usize::from(column);
			if column < n && column != uid {
				u64::from(w)
			} else {
				0
			}
		};
		let row_sum = |row: &[u32]| {
			row.iter().fold(0u64, |acc, &word| {
				let (column, w) = unpack_entry(word);
				acc.saturating_add(counted(column, w))
			})
		};
		// One pass over a well-formed row: it is summed as it is checked.
		let raw = input.weights.get(uid).map_or(&[][..], |row| row.as_slice());
		let (_, sorted, sum) =
			raw.iter().fold((-1i32, true, 0u64), |(previous, sorted, acc), &word| {
				let (column, w) = unpack_entry(word);
				let sum = acc.saturating_add(counted(column, w));
				let column = i32::from(column);
				(column, sorted & (column > previous), sum)
			});
		let (weights, row_sum) = if sorted {
			(Cow::Borrowed(raw), sum)
		} else {
			let weights = clean_row(input.weights.get(uid));
			let sum = row_sum(&weights);
			(weights, sum)
		};
		Self {
			uid,
			stake,
			// At most 65536 columns of at most 65535 each: `row_sum < 2^32`, as it requires.
			by_row_sum: RowNormaliser::new(row_sum),
			weights,
			next_weight: 0,
			bonds: clean_row(input.bonds.get(uid)),
		}
	}

	/// Writes the raw weights of columns `first..end` into `block[(column − first) · stride +
	/// slot]` (absent entries stay as they are: the caller zeroes the block), consuming them.
	/// Blocks must come in ascending order. The diagonal weight reads as zero.
	#[inline(never)]
	fn fill_block(
		&mut self,
		first: usize,
		end: usize,
		block: &mut [u16],
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
		let mut taken = 0usize;
		let from = self.next_weight;
		let upto = from.saturating_add(BLOCK).min(self.weights.len());
		for &word in self.weights.get(from..upto).unwrap_or_default() {
			let (column, w) = unpack_entry(word);
			let column = usize::from(column);
			let inside = column < end;
			let index = if inside { position(column) } else { spare };
			if let Some(cell) = block.get_mut(index) {
				*cell = if column == self.uid { 0 } else { w };
			}
			taken = taken.wrapping_add(usize::from(inside));
		}
		self.next_weight = from.saturating_add(taken);
	}

	/// Steps 6–8 for this validator's row, once every column's [`ColumnStats`] is known: walks
	/// its weights and previous bonds together (both ascending by column) and, per column,
	/// clips the weight, normalises `ΔB = S·W̄` by the column's exact rank, takes its moving
	/// average `B'` with the previous bond, normalises that by the column's `Σ_k B'_kj` (both
	/// by a [`ColumnScaler`]), and adds up the clipped weights (its trust), the quantised new
	/// bonds and `B_ij · R_j` with the exact ranks (since `I_j ∝ R_j`, `Σ_j B_ij · R_j`
	/// normalises to the same quotient as `Σ_j B_ij · I_j`, without the rounding of `I`).
	/// `shares` is `(α, 1 − α)` in millionths.
	///
	/// Row by row rather than column by column: the sums stay in registers and the new row is
	/// written in order.
	#[inline(never)]
	fn settle(&self, stats: &[ColumnStats], (new_share, previous_share): (u64, u64)) -> Tally {
		// Past every column: where an exhausted row's cursor reads.
		const PAST: u32 = 1 << 16;
		let (weights, bonds) = (&self.weights[..], &self.bonds[..]);
		let mut trust: Fixed = 0;
		let mut dividends = ProductSum::default();
		// A new bond needs a weight or a previous bond: dense rows never grow.
		let mut new_bonds = Vec::with_capacity(weights.len().max(bonds.len()));
		let (mut next_weight, mut next_bond) = (0usize, 0usize);
		loop {
			let split =
				|word: Option<&u32>| word.map_or((PAST, 0), |&word| (word & 0xFFFF, word >> 16));
			let (weight_column, w) = split(weights.get(next_weight));
			let (bond_column, b) = split(bonds.get(next_bond));
			let column = weight_column.min(bond_column);
			// Columns from `stats.len()` on (and exhausted rows) are past the end.
			let Some(stat) = usize::try_from(column).ok().and_then(|j| stats.get(j)) else {
				break;
			};
			let has_weight = weight_column == column;
			let has_bond = bond_column == column;
			next_weight = next_weight.wrapping_add(usize::from(has_weight));
			next_bond = next_bond.wrapping_add(usize::from(has_bond));
			let counted = has_weight & (column != u32::try_from(self.uid).unwrap_or(PAST));
			let w = u16::try_from(w & u32::from(counted).wrapping_neg()).unwrap_or(0);
			let b = u16::try_from(b & u32::from(has_bond).wrapping_neg()).unwrap_or(0);

			let weight = self.by_row_sum.scale(w).min(stat.consensus);
			// Below `2^64` but for `ONE · ONE`, which saturates (`by_rank` allows for it).
			let product = u64::try_from(mul_fractions(self.stake, weight)).unwrap_or(u64::MAX);
			// `ΔB ≤ ONE`, and at most the real quotient (see `ColumnScaler`).
			let delta = stat.by_rank.scale(product);
			// `B'` in units of `1 / (10^6 · ONE)`: the division by 10^6 cancels in the
			// normalisation, so it is never done (nor rounded). With `α + (1 − α) = 10^6` and
			// both fractions at most `ONE`, `B' ≤ 10^6 · 2^32 < 2^52`: no overflow. `B'_ij` is
			// at most the column's sum, so `B ≤ ONE`.
			let moved = new_share
				.wrapping_mul(delta)
				.wrapping_add(previous_share.wrapping_mul(from_u16_fraction(b)));
			let bond = stat.by_bond_sum.scale(moved);
			trust = trust.wrapping_add(weight);
			dividends.add(bond, stat.rank);
			let quantised = to_u16_fraction(bond);
			if quantised > 0 {
				// `column < 65536`: it indexes `stats`.
				new_bonds.push(entry(u16::try_from(column).unwrap_or(u16::MAX), quantised));
			}
		}
		Tally { trust, dividends, bonds: new_bonds }
	}
}

/// What a validator adds up over its row.
struct Tally {
	/// `VT_i = Σ_j W̄_ij`.
	trust: Fixed,
	/// `Σ_j B_ij · R_j` with the exact ranks (step 8, before normalisation).
	dividends: ProductSum,
	/// The new bonds, quantised, non-zero ones only, ascending by column.
	bonds: SparseRow,
}

/// What settling a row needs of each column.
#[derive(Clone, Copy)]
struct ColumnStats {
	/// `C_j`.
	consensus: Fixed,
	/// Divides by the exact rank `R_j` (`ΔB`).
	by_rank: ColumnScaler,
	/// Divides by `Σ_i B'_ij`.
	by_bond_sum: ColumnScaler,
	/// `R_j`, for the dividends' products.
	rank: RankParts,
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

	// Rows hold `u16` columns, so columns from 65536 on are empty (and stay zero).
	let columns = n.min(usize::from(u16::MAX).saturating_add(1));

	// `Σ_i b_ij` per column: the previous bonds of the permitted rows (at most `ONE · V`).
	let mut previous_bond_sums = vec![0u64; columns];
	for validator in &validators {
		for &word in validator.bonds.iter() {
			let (column, b) = unpack_entry(word);
			if let Some(sum) = previous_bond_sums.get_mut(usize::from(column)) {
				*sum = sum.wrapping_add(from_u16_fraction(b));
			}
		}
	}

	let mut consensus = vec![0; n];
	let mut rank = vec![0; n];
	let mut trust = vec![0; n];
	// Exact `u128` ranks `Σ_i S_i·W̄_ij`, for incentive.
	let mut exact_rank = vec![0u128; n];
	let mut stats: Vec<ColumnStats> = Vec::with_capacity(columns);
	// Scratch, reused by every column: its cells `(W_ij, S_i)`, and the quantile's.
	let mut cells: Vec<(Fixed, u64)> = vec![(0, 0); v];
	let mut scratch = Scratch::new(v);

	// The raw weight of every validator for `BLOCK` columns at a time, column-major
	// (`block[k · v + i]`): each validator's row is read `BLOCK` entries at a time rather than
	// one entry per column.
	// One spare cell at the end, which `fill_block` writes entries past the block to.
	let mut block: Vec<u16> = vec![0; v.saturating_mul(BLOCK).saturating_add(1)];

	for first in (0..columns).step_by(BLOCK) {
		let end = first.saturating_add(BLOCK).min(columns);
		block.iter_mut().for_each(|cell| *cell = 0);
		for (slot, validator) in validators.iter_mut().enumerate() {
			validator.fill_block(first, end, &mut block, v, slot);
		}
		for (column, raw) in (first..end).zip(block.chunks_exact(v.max(1))) {
			let (c, pre_rank_sum, rank_sum) =
				column_epoch(&row_params, raw, &mut cells, &mut scratch, (total_stake, need));
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
			// Step 7's `Σ_i B'_ij`, in units of `1 / (10^6 · ONE)` (see `settle`): `Σ_i ΔB_ij`
			// is one (zero for a column without rank), so
			// `Σ_i B'_ij = α · [R_j > 0] + (1 − α) · Σ_i b_ij`.
			let new_sum =
				if rank_sum > 0 { u128::from(new_share).wrapping_mul(u128::from(ONE)) } else { 0 };
			let previous_sum = previous_bond_sums.get(column).copied().unwrap_or(0);
			let bond_sum = new_sum
				.wrapping_add(u128::from(previous_share).wrapping_mul(u128::from(previous_sum)));
			stats.push(ColumnStats {
				consensus: c,
				by_rank: ColumnScaler::new(rank_sum),
				by_bond_sum: ColumnScaler::new(bond_sum),
				rank: RankParts::new(rank_sum),
			});
		}
	}

	// Steps 6–8 row by row.
	let tallies: Vec<Tally> = validators
		.iter()
		.map(|validator| validator.settle(&stats, (new_share, previous_share)))
		.collect();

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

/// Steps 2–5 for one column, from the raw weight of each validator (`raw[i]`) and its `(S_i,
/// row normaliser)` (`row_params[i]`): returns `(C_j, P_j, R_j)` with the exact pre-rank and
/// rank (all zero for a column without weights). `params` is `(Σ S, need)`.
///
/// Sums here cannot overflow, so they wrap (no checks): `Σ_i S_i ≤ ONE` and every fraction is
/// at most `ONE`, so `P_j, R_j ≤ 2^64`.
///
/// Each step is a function of its own, kept out of line: one function with every step inlined
/// has more live values than registers, and the wasm compiler spills them in every loop.
#[inline(never)]
fn column_epoch(
	row_params: &[(Fixed, RowNormaliser)],
	raw: &[u16],
	cells: &mut [(Fixed, u64)],
	scratch: &mut Scratch,
	(total_stake, need): (u64, u64),
) -> (Fixed, u128, u128) {
	let gathered = gather(row_params, raw, cells);
	let Some(cells) = cells.get_mut(..gathered.cells).filter(|cells| !cells.is_empty()) else {
		return (0, 0, 0);
	};

	// Step 3: consensus.
	let c = if total_stake == 0 {
		0
	} else if need == 0 {
		cells.iter().map(|&(weight, _)| weight).max().unwrap_or(0)
	} else {
		weighted_upper_quantile_bucketed(
			cells,
			|&cell| cell,
			scratch,
			need,
			gathered.weighted_stake,
		)
	};
	(c, gathered.pre_rank_sum, clipped_rank(cells, c))
}

/// What [`gather`] found in a column.
struct Gathered {
	/// Cells written (non-zero weights).
	cells: usize,
	/// `P_j = Σ_i S_i·W_ij`, exactly.
	pre_rank_sum: u128,
	/// The cells' stake: at most `Σ S ≤ ONE`.
	weighted_stake: u64,
}

/// Step 2 (row normalisation) and the pre-rank, in one pass that writes the column's non-zero
/// weights to `cells` as `(W_ij, S_i)` (at least as long as `raw`). Every entry is written to
/// the next free cell, which only counts as taken when the weight is non-zero: no branch on
/// the data.
#[inline(never)]
fn gather(
	row_params: &[(Fixed, RowNormaliser)],
	raw: &[u16],
	cells: &mut [(Fixed, u64)],
) -> Gathered {
	let mut gathered = Gathered { cells: 0, pre_rank_sum: 0, weighted_stake: 0 };
	for (&(stake, by_row_sum), &w) in row_params.iter().zip(raw) {
		let weight = by_row_sum.scale(w);
		if let Some(cell) = cells.get_mut(gathered.cells) {
			*cell = (weight, stake);
		}
		let taken = w != 0;
		gathered.cells = gathered.cells.wrapping_add(usize::from(taken));
		gathered.pre_rank_sum = gathered.pre_rank_sum.wrapping_add(mul_fractions(stake, weight));
		gathered.weighted_stake =
			gathered.weighted_stake.wrapping_add(stake & u64::from(taken).wrapping_neg());
	}
	gathered
}

/// Steps 4–5: the rank `R_j = Σ_i S_i · W̄_ij` of the weights clipped at consensus `c`
/// (`W̄_ij = min(W_ij, c)`), exactly.
#[inline(never)]
fn clipped_rank(cells: &[(Fixed, u64)], c: Fixed) -> u128 {
	cells.iter().fold(0u128, |rank_sum, &(weight, stake)| {
		rank_sum.wrapping_add(mul_fractions(stake, weight.min(c)))
	})
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
