//! An owned subnet to feed `run_epoch`, and a proptest strategy for random ones.

use proptest::prelude::*;
use verity_yuma::{
	pack_row, run_epoch, unpack_row, EpochInput, EpochOutput, Fixed, SparseRow, ONE,
};

/// A row as `(column, value)` pairs (the crate takes them packed, see [`SparseRow`]).
pub type Pairs = Vec<(u16, u16)>;

/// Everything `EpochInput` borrows, owned.
#[derive(Clone, Debug, Default)]
pub struct Subnet {
	pub stake: Vec<u128>,
	pub permits: Vec<bool>,
	pub active: Vec<bool>,
	pub weights: Vec<Pairs>,
	pub bonds: Vec<Pairs>,
	pub kappa: u16,
	pub bonds_moving_average: u32,
}

impl Subnet {
	/// `n` neurons without stake, permits, weights or bonds; κ = 1/2, no moving average.
	pub fn empty(n: usize) -> Self {
		Self {
			stake: vec![0; n],
			permits: vec![false; n],
			active: vec![true; n],
			weights: vec![Vec::new(); n],
			bonds: vec![Vec::new(); n],
			kappa: u16::MAX / 2,
			bonds_moving_average: 0,
		}
	}

	/// Makes `uid` a permitted, active validator with `stake` and these raw `weights`.
	pub fn validator(mut self, uid: usize, stake: u128, weights: &[(u16, u16)]) -> Self {
		self.stake[uid] = stake;
		self.permits[uid] = true;
		self.active[uid] = true;
		self.weights[uid] = weights.to_vec();
		self
	}

	/// The epoch, with its bonds unpacked.
	pub fn run(&self) -> Output {
		let pack =
			|rows: &[Pairs]| -> Vec<SparseRow> { rows.iter().map(|r| pack_row(r)).collect() };
		let (weights, bonds) = (pack(&self.weights), pack(&self.bonds));
		let out = run_epoch(&EpochInput {
			stake: &self.stake,
			permits: &self.permits,
			active: &self.active,
			weights: &weights,
			bonds: &bonds,
			kappa: self.kappa,
			bonds_moving_average: self.bonds_moving_average,
		});
		Output::from(out)
	}
}

/// An [`EpochOutput`] (its fields through `Deref`) with its bonds also as pairs.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Output {
	pub epoch: EpochOutput,
	pub bonds: Vec<Pairs>,
}

impl From<EpochOutput> for Output {
	fn from(epoch: EpochOutput) -> Self {
		let bonds = epoch.bonds.iter().map(|row| unpack_row(row)).collect();
		Self { epoch, bonds }
	}
}

impl core::ops::Deref for Output {
	type Target = EpochOutput;

	fn deref(&self) -> &EpochOutput {
		&self.epoch
	}
}

/// Σ of a vector of fractions, in `u128`.
pub fn sum(v: &[Fixed]) -> u128 {
	v.iter().map(|&x| u128::from(x)).sum()
}

/// Whether `v` sums to one within one unit per entry (flooring), or is all zero.
pub fn sums_to_one_or_zero(v: &[Fixed]) -> bool {
	let s = sum(v);
	s == 0 || (s <= u128::from(ONE) && u128::from(ONE) - s <= v.len() as u128)
}

/// A valid sparse row: sorted by column, first of repeated columns kept.
fn sparse_row(mut entries: Vec<(u16, u16)>) -> Pairs {
	entries.sort_by_key(|e| e.0);
	entries.dedup_by_key(|e| e.0);
	entries
}

/// A stake: often zero or small, sometimes anything in `u64`.
fn stake() -> impl Strategy<Value = u128> {
	prop_oneof![
		1 => Just(0u128),
		1 => 1..1_000u128,
		3 => any::<u64>().prop_map(u128::from),
	]
}

/// Random subnets of `1..=max_n` neurons with at most `max_validators` permits: random stake,
/// activity, sparsity (including self-weights and columns up to `n + 2`), previous bonds, κ and
/// moving average.
pub fn subnet(max_n: usize, max_validators: usize) -> impl Strategy<Value = Subnet> {
	(1..=max_n).prop_flat_map(move |n| {
		let columns = n as u16 + 3;
		let row = move |max_len: usize| {
			proptest::collection::vec((0..columns, any::<u16>()), 0..=max_len).prop_map(sparse_row)
		};
		let weights = (0..=n + 3).prop_flat_map(move |len| proptest::collection::vec(row(len), n));
		let bonds = prop_oneof![
			1 => Just(vec![Vec::new(); n]),
			2 => (0..=n).prop_flat_map(move |len| proptest::collection::vec(row(len), n)),
		];
		(
			proptest::collection::vec(stake(), n),
			proptest::collection::vec(0..n, 0..=max_validators.min(n)),
			proptest::collection::vec(proptest::bool::weighted(0.85), n),
			weights,
			bonds,
			prop_oneof![Just(0u16), Just(u16::MAX), Just(u16::MAX / 2), any::<u16>()],
			prop_oneof![
				Just(0u32),
				Just(1_000_000u32),
				Just(900_000u32),
				0..=1_000_000u32,
				1_000_000..=u32::MAX,
			],
		)
			.prop_map(move |(stake, validators, active, weights, bonds, kappa, average)| {
				let mut permits = vec![false; n];
				for v in validators {
					permits[v] = true;
				}
				Subnet {
					stake,
					permits,
					active,
					weights,
					bonds,
					kappa,
					bonds_moving_average: average,
				}
			})
	})
}

/// `W`: the row-normalised weights of permitted rows, dense `n × n`, as the spec's integers.
pub fn normalised_weights(subnet: &Subnet) -> Vec<Vec<u64>> {
	let n = subnet.stake.len();
	let mut w = vec![vec![0u64; n]; n];
	for (i, row) in w.iter_mut().enumerate() {
		if !subnet.permits.get(i).copied().unwrap_or(false) {
			continue;
		}
		let entries: Vec<(usize, u64)> = subnet.weights.get(i).map_or(Vec::new(), |r| {
			r.iter()
				.map(|&(j, x)| (usize::from(j), u64::from(x)))
				.filter(|&(j, _)| j < n && j != i)
				.collect()
		});
		let total: u64 = entries.iter().map(|e| e.1).sum();
		for (j, x) in entries {
			if total > 0 {
				row[j] = ((u128::from(x) << 32) / u128::from(total)) as u64;
			}
		}
	}
	w
}
