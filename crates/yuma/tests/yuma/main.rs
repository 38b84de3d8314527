//! Integration tests of `verity-yuma`'s public API, by topic:
//!
//! - `edge_cases`: empty, degenerate and malformed inputs, κ at its limits;
//! - `properties`: sums, clipping, dissent, bond convergence, determinism (proptest);
//! - `cross_check`: every output against a straightforward `f64` implementation (proptest);
//! - `permits`: `validator_permits`.
//!
//! `subnet` holds the test subnet type and its proptest strategy.

#![allow(
	clippy::arithmetic_side_effects,
	clippy::indexing_slicing,
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::cast_precision_loss,
	// The reference implementation reads as the formulas: indices i, j over dense matrices.
	clippy::needless_range_loop,
	clippy::manual_checked_ops
)]

mod cross_check;
mod edge_cases;
mod permits;
mod properties;
mod subnet;
