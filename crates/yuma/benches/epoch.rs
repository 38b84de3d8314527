//! Criterion benchmarks of the epoch on dense subnets: every validator weights every UID.
//!
//! `cargo bench -p verity-yuma` (about two minutes). Weights and previous bonds are random but
//! seeded, so every run measures the same inputs.

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use verity_yuma::{entry, run_epoch, validator_permits, EpochInput, SparseRow};

/// A small deterministic generator (xorshift64*), so the benchmark needs no `rand`.
struct Seeded(u64);

impl Seeded {
	fn next(&mut self) -> u64 {
		self.0 ^= self.0 >> 12;
		self.0 ^= self.0 << 25;
		self.0 ^= self.0 >> 27;
		self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
	}
}

/// Owned inputs of a dense epoch: `n` UIDs, the first `validators` of them permitted.
struct DenseSubnet {
	stake: Vec<u128>,
	permits: Vec<bool>,
	active: Vec<bool>,
	weights: Vec<SparseRow>,
	bonds: Vec<SparseRow>,
}

impl DenseSubnet {
	fn new(n: usize, validators: usize, seed: u64) -> Self {
		let mut rng = Seeded(seed);
		let stake = (0..n).map(|_| u128::from(rng.next() >> 20)).collect();
		let permits = (0..n).map(|i| i < validators).collect();
		let active = vec![true; n];
		let row = |rng: &mut Seeded, i: usize| -> SparseRow {
			(0..n as u16)
				.filter(|&j| usize::from(j) != i)
				.map(|j| entry(j, rng.next() as u16))
				.collect()
		};
		let weights = (0..n).map(|i| if i < validators { row(&mut rng, i) } else { Vec::new() });
		let weights = weights.collect();
		let bonds = (0..n).map(|i| if i < validators { row(&mut rng, i) } else { Vec::new() });
		let bonds = bonds.collect();
		Self { stake, permits, active, weights, bonds }
	}

	fn input(&self) -> EpochInput<'_> {
		EpochInput {
			stake: &self.stake,
			permits: &self.permits,
			active: &self.active,
			weights: &self.weights,
			bonds: &self.bonds,
			kappa: 32_767,
			bonds_moving_average: 900_000,
		}
	}
}

fn dense_epochs(c: &mut Criterion) {
	let mut group = c.benchmark_group("run_epoch_dense");
	group
		.sample_size(10)
		.measurement_time(Duration::from_secs(3))
		.warm_up_time(Duration::from_secs(1));
	for &n in &[256usize, 1024, 4096] {
		for &validators in &[64usize, 256] {
			let subnet = DenseSubnet::new(n, validators, (n * 1000 + validators) as u64);
			group.bench_with_input(
				BenchmarkId::new(format!("n{n}"), format!("v{validators}")),
				&subnet,
				|b, subnet| b.iter(|| run_epoch(&subnet.input())),
			);
		}
	}
	group.finish();
}

fn permits(c: &mut Criterion) {
	let mut rng = Seeded(4096);
	let stake: Vec<u128> = (0..4096).map(|_| u128::from(rng.next() >> 20)).collect();
	let mut group = c.benchmark_group("validator_permits");
	group
		.sample_size(10)
		.measurement_time(Duration::from_secs(2))
		.warm_up_time(Duration::from_secs(1));
	group.bench_function("n4096_v256", |b| b.iter(|| validator_permits(&stake, 256, 1_000)));
	group.finish();
}

criterion_group!(benches, dense_epochs, permits);
criterion_main!(benches);
