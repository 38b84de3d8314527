//! Every output of `run_epoch` against a straightforward `f64` implementation of the formulas.
//!
//! The reference below follows the crate documentation's steps literally, on dense `n × n`
//! matrices. Steps 1 and 2 (`S` and `W`) it takes as the specification's floored integers
//! (`floor(s_i · 2^32 / Σ s)`, `floor(w_ij · 2^32 / Σ_k w_ik)`), and step 3 evaluates the
//! consensus threshold `65535 · Σ_{W_ij ≥ x} S_i ≥ kappa · Σ S` on those integers converted to
//! `f64`, which is exact (every term is an integer below 2^53). Consensus is a discontinuous
//! function of its inputs — a threshold on a stake sum — so a reference that rounded there
//! would flip `C_j` between neighbouring weights on ties and make the test flaky or meaningless.
//! Everything after consensus (clipping, rank, trust, incentive, validator trust, bonds,
//! dividends) is computed in plain `f64` on real-valued fractions. Output stake is also checked
//! against the real quotient `s_i / Σ s`.
//!
//! Tolerances, and why:
//! - consensus and validator trust must match EXACTLY: both are the same integers (a selection
//!   among the `W_ij`, and sums of `min(W_ij, C_j)`), exactly representable in `f64`;
//! - every other fraction within [`TOLERANCE`] = 1e-8 (absolute, with fractions in `[0, 1]`): the
//!   crate floors each result once from exact integer sums (error below 2^-32 ≈ 2.3e-10 each);
//!   `B`, used by the dividends, goes through two column normalisations per cell, each within
//!   7 · 2^-32 ≈ 1.6e-9 of the real quotient (the second divides by the exact column sum), so
//!   the dividends stay within a few times that (all 2,500 cases also pass at 3e-9). 1e-8 leaves room and still catches any wrong formula
//!   or lost term (a wrong `≥` in the quantile fails within a few cases);
//! - bonds within one `u16` unit (1/65535) of `65535 · B_ij`: rounding to nearest is off by at
//!   most 1/2, plus the tiny errors above when `65535 · B_ij` lies near a half.

use proptest::prelude::*;
use verity_yuma::{Fixed, ONE};

use crate::subnet::{subnet, Subnet};

/// Largest absolute difference allowed between a fraction and the reference.
const TOLERANCE: f64 = 1e-8;

const TWO_POW_32: f64 = 4_294_967_296.0;

/// The reference's outputs, as real numbers (bonds dense, `n × n`).
struct Reference {
	stake: Vec<f64>,
	consensus: Vec<u64>,
	rank: Vec<f64>,
	trust: Vec<f64>,
	incentive: Vec<f64>,
	validator_trust: Vec<u64>,
	dividends: Vec<f64>,
	bonds: Vec<Vec<f64>>,
}

/// The epoch from the formulas (see the module doc).
fn reference(subnet: &Subnet) -> Reference {
	let n = subnet.stake.len();
	let flag = |v: &[bool], i: usize| v.get(i).copied().unwrap_or(false);
	let permitted = |i: usize| flag(&subnet.permits, i);

	// Step 1.
	let counted: Vec<u128> = (0..n)
		.map(|i| if permitted(i) && flag(&subnet.active, i) { subnet.stake[i] } else { 0 })
		.collect();
	let total: u128 = counted.iter().sum();
	let stake_real: Vec<f64> =
		counted.iter().map(|&s| if total == 0 { 0.0 } else { s as f64 / total as f64 }).collect();
	let stake_int: Vec<u64> =
		counted.iter().map(|&s| if total == 0 { 0 } else { ((s << 32) / total) as u64 }).collect();

	// Step 2 (rows from the strategy are sorted and free of repeats).
	let mut w_int = vec![vec![0u64; n]; n];
	for i in (0..n).filter(|&i| permitted(i)) {
		let row: Vec<(usize, u64)> = subnet.weights.get(i).map_or(Vec::new(), |r| {
			r.iter()
				.map(|&(j, w)| (usize::from(j), u64::from(w)))
				.filter(|&(j, _)| j < n && j != i)
				.collect()
		});
		let row_sum: u64 = row.iter().map(|e| e.1).sum();
		for (j, w) in row {
			if row_sum > 0 {
				w_int[i][j] = ((u128::from(w) << 32) / u128::from(row_sum)) as u64;
			}
		}
	}

	// Step 3, exact in f64 on the integers.
	let s_f: Vec<f64> = stake_int.iter().map(|&s| s as f64).collect();
	let total_s: f64 = s_f.iter().sum();
	let kappa = f64::from(subnet.kappa);
	let consensus: Vec<u64> = (0..n)
		.map(|j| {
			if total_s == 0.0 {
				return 0;
			}
			let mut best = 0u64;
			for x in (0..n).map(|i| w_int[i][j]) {
				let above: f64 = (0..n).filter(|&i| w_int[i][j] >= x).map(|i| s_f[i]).sum();
				if 65535.0 * above >= kappa * total_s {
					best = best.max(x);
				}
			}
			best
		})
		.collect();

	// Steps 4–6 in real numbers.
	let s: Vec<f64> = stake_int.iter().map(|&x| x as f64 / TWO_POW_32).collect();
	let w: Vec<Vec<f64>> =
		w_int.iter().map(|r| r.iter().map(|&x| x as f64 / TWO_POW_32).collect()).collect();
	let c: Vec<f64> = consensus.iter().map(|&x| x as f64 / TWO_POW_32).collect();
	let clipped: Vec<Vec<f64>> =
		(0..n).map(|i| (0..n).map(|j| w[i][j].min(c[j])).collect()).collect();
	let pre_rank: Vec<f64> = (0..n).map(|j| (0..n).map(|i| s[i] * w[i][j]).sum()).collect();
	let rank: Vec<f64> = (0..n).map(|j| (0..n).map(|i| s[i] * clipped[i][j]).sum()).collect();
	let trust: Vec<f64> =
		(0..n).map(|j| if pre_rank[j] > 0.0 { rank[j] / pre_rank[j] } else { 0.0 }).collect();
	let rank_sum: f64 = rank.iter().sum();
	let incentive: Vec<f64> =
		rank.iter().map(|&r| if rank_sum > 0.0 { r / rank_sum } else { 0.0 }).collect();
	let validator_trust: Vec<u64> =
		(0..n).map(|i| (0..n).map(|j| w_int[i][j].min(consensus[j])).sum()).collect();

	// Step 7.
	let average = f64::from(subnet.bonds_moving_average.min(1_000_000)) / 1_000_000.0;
	let alpha = 1.0 - average;
	let mut bonds = vec![vec![0.0f64; n]; n];
	for j in 0..n {
		let delta_sum: f64 = (0..n).map(|i| s[i] * clipped[i][j]).sum();
		for i in (0..n).filter(|&i| permitted(i)) {
			let delta = if delta_sum > 0.0 { s[i] * clipped[i][j] / delta_sum } else { 0.0 };
			let previous = subnet
				.bonds
				.get(i)
				.and_then(|r| r.iter().find(|e| usize::from(e.0) == j))
				.map_or(0.0, |e| f64::from(e.1) / 65535.0);
			bonds[i][j] = alpha * delta + average * previous;
		}
		let column_sum: f64 = (0..n).map(|i| bonds[i][j]).sum();
		for row in bonds.iter_mut() {
			row[j] = if column_sum > 0.0 { row[j] / column_sum } else { 0.0 };
		}
	}

	// Step 8.
	let raw: Vec<f64> = (0..n).map(|i| (0..n).map(|j| bonds[i][j] * incentive[j]).sum()).collect();
	let raw_sum: f64 = raw.iter().sum();
	let dividends = raw.iter().map(|&d| if raw_sum > 0.0 { d / raw_sum } else { 0.0 }).collect();

	Reference {
		stake: stake_real,
		consensus,
		rank,
		trust,
		incentive,
		validator_trust,
		dividends,
		bonds,
	}
}

fn real(x: Fixed) -> f64 {
	x as f64 / TWO_POW_32
}

/// Checks one vector of fractions against the reference, naming the first mismatch.
fn check(name: &str, got: &[Fixed], expected: &[f64]) -> Result<(), TestCaseError> {
	prop_assert_eq!(got.len(), expected.len(), "{} length", name);
	for (uid, (&g, &e)) in got.iter().zip(expected).enumerate() {
		prop_assert!(g <= ONE, "{}[{}] = {} exceeds one", name, uid, g);
		prop_assert!(
			(real(g) - e).abs() <= TOLERANCE,
			"{}[{}]: got {} expected {} (difference {:e})",
			name,
			uid,
			real(g),
			e,
			(real(g) - e).abs()
		);
	}
	Ok(())
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(2500))]

	/// Subnets of up to 64 neurons and 16 validators.
	#[test]
	fn every_output_matches_the_f64_reference(subnet in subnet(64, 16)) {
		let got = subnet.run();
		let expected = reference(&subnet);
		let n = subnet.stake.len();

		check("stake", &got.stake, &expected.stake)?;
		prop_assert_eq!(&got.consensus, &expected.consensus, "consensus");
		check("rank", &got.rank, &expected.rank)?;
		check("trust", &got.trust, &expected.trust)?;
		check("incentive", &got.incentive, &expected.incentive)?;
		prop_assert_eq!(&got.validator_trust, &expected.validator_trust, "validator trust");
		check("dividends", &got.dividends, &expected.dividends)?;

		prop_assert_eq!(got.bonds.len(), n);
		for (i, row) in got.bonds.iter().enumerate() {
			let permitted = subnet.permits.get(i).copied().unwrap_or(false);
			prop_assert!(permitted || row.is_empty(), "bonds of unpermitted {}", i);
			prop_assert!(row.windows(2).all(|p| p[0].0 < p[1].0), "bond row {} not ascending", i);
			let mut dense = vec![0u16; n];
			for &(j, b) in row {
				prop_assert!(usize::from(j) < n && b > 0, "bond ({}, {}) = {}", i, j, b);
				dense[usize::from(j)] = b;
			}
			for j in 0..n {
				let expected = expected.bonds[i][j] * 65535.0;
				prop_assert!(
					(f64::from(dense[j]) - expected).abs() <= 1.0,
					"bond ({}, {}): got {} expected {}", i, j, dense[j], expected
				);
			}
		}
	}
}
