//! TEMPORARY: the previous implementation, for a differential test. Remove before handing in.
#![allow(clippy::all, dead_code, unused_imports)]
pub mod epoch;
pub mod fixed;
pub mod quantile;

#[cfg(test)]
mod diff {
	#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
	use crate::{EpochInput, SparseRow};
	use alloc::vec::Vec;

	struct Rng(u64);
	impl Rng {
		fn next(&mut self) -> u64 {
			self.0 ^= self.0 >> 12;
			self.0 ^= self.0 << 25;
			self.0 ^= self.0 >> 27;
			self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
		}
		fn below(&mut self, k: u64) -> u64 {
			if k == 0 { 0 } else { self.next() % k }
		}
	}

	fn case(rng: &mut Rng, round: usize) {
		let n = 1 + rng.below(if round % 50 == 0 { 600 } else { 70 }) as usize;
		let style = rng.below(8);
		let stake_max_shift = [0u32, 20, 64, 100, 127][rng.below(5) as usize];
		let stake: Vec<u128> = (0..n)
			.map(|_| {
				let r = rng.below(10);
				if r == 0 { 0 } else if r == 1 && style == 3 { u128::MAX / 3 } else {
					((u128::from(rng.next()) << 64) | u128::from(rng.next())) >> (127 - stake_max_shift.min(127)) }
			})
			.collect();
		let vcount = 1 + rng.below(n as u64 + 2) as usize;
		let permits: Vec<bool> = (0..n).map(|i| i < vcount || rng.below(5) == 0).collect();
		let active: Vec<bool> = (0..n).map(|_| rng.below(8) != 0).collect();
		let mut row = |rng: &mut Rng, i: usize| -> SparseRow<u16> {
			let density = rng.below(4);
			let mut r: SparseRow<u16> = Vec::new();
			for j in 0..(n + 3).min(65536) {
				let keep = match density { 0 => rng.below(10) == 0, 1 => rng.below(2) == 0, _ => true };
				if keep {
					let v = match style { 0 => 1 + rng.below(3) as u16, 1 => u16::MAX, 2 => rng.next() as u16 & 0xff, _ => rng.next() as u16 };
					r.push((j as u16, v));
				}
			}
			if style == 5 && rng.below(3) == 0 { r.reverse(); }
			if style == 6 { r.truncate(1 + (i % 3)); }
			r
		};
		let weights: Vec<SparseRow<u16>> = (0..n).map(|i| if rng.below(6) == 0 { Vec::new() } else { row(rng, i) }).collect();
		let bonds: Vec<SparseRow<u16>> = (0..n).map(|i| if rng.below(3) == 0 { Vec::new() } else { row(rng, i) }).collect();
		let kappa = match rng.below(6) { 0 => 0, 1 => u16::MAX, 2 => 1, _ => rng.next() as u16 };
		let bma = match rng.below(5) { 0 => 0, 1 => 1_000_000, 2 => 2_000_000, _ => rng.below(1_000_001) as u32 };
		let input = EpochInput { stake: &stake, permits: &permits, active: &active, weights: &weights, bonds: &bonds, kappa, bonds_moving_average: bma };
		let new = crate::run_epoch(&input);
		let old = super::epoch::run_epoch(&input);
		assert!(new == old, "round {round} n {n} style {style}");
	}

	#[test]
	fn new_matches_old() {
		let mut rng = Rng(0x1234_5678_9abc_def1);
		for round in 0..6000 {
			case(&mut rng, round);
		}
	}

	#[test]
	fn new_matches_old_dense_bench() {
		let mut rng = Rng(77);
		let n = 1024;
		let stake: Vec<u128> = (0..n).map(|_| u128::from(rng.next() >> 20)).collect();
		let permits: Vec<bool> = (0..n).map(|i| i < 256).collect();
		let active = alloc::vec![true; n];
		let row = |rng: &mut Rng, i: usize| -> SparseRow<u16> { (0..n as u16).filter(|&j| usize::from(j) != i).map(|j| (j, rng.next() as u16)).collect() };
		let weights: Vec<_> = (0..n).map(|i| if i < 256 { row(&mut rng, i) } else { Vec::new() }).collect();
		let bonds: Vec<_> = (0..n).map(|i| if i < 256 { row(&mut rng, i) } else { Vec::new() }).collect();
		for kappa in [0u16, 1, 32767, 50000, u16::MAX] {
			let input = EpochInput { stake: &stake, permits: &permits, active: &active, weights: &weights, bonds: &bonds, kappa, bonds_moving_average: 900_000 };
			assert!(crate::run_epoch(&input) == super::epoch::run_epoch(&input));
		}
	}
}
