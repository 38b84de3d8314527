//! The portable kernel: safe Rust with no intrinsics, for CPUs without the instructions the
//! other kernels need (and for checking them). Its inner loop, `acc[r] += x · w[r]` over a
//! row of the panel, is one the compiler vectorizes for whatever the target's baseline is.

use super::tile::{requantize_each, OutOfBounds, Packing, Tile, TileKernel};
use crate::model::Requantization;

/// Rows whose sums one pass over the inputs keeps in registers.
const LANES: usize = 16;

/// The portable kernel. Always available.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct PortableTiles;

impl Packing for PortableTiles {
	const GROUP: usize = 1;
	const LANE_ROWS: usize = LANES;
	const BLOCK_ROWS: usize = 64;
	type Weight = i8;
}

impl TileKernel for PortableTiles {
	const TILE_SAMPLES: usize = 4;
	type Input = u8;

	fn accumulate_tile(self, tile: Tile<'_, Self>) -> Result<(), OutOfBounds> {
		if !tile.fits() {
			return Err(OutOfBounds);
		}
		let Tile { samples, width, groups, inputs, input_stride, panel, acc, acc_stride } = tile;
		for (sample, sample_acc) in acc.chunks_mut(acc_stride).take(samples).enumerate() {
			let start = sample.saturating_mul(input_stride);
			let inputs = inputs.get(start..start.saturating_add(groups)).ok_or(OutOfBounds)?;
			let sample_acc = sample_acc.get_mut(..width).ok_or(OutOfBounds)?;
			// 16 rows at a time, their sums in a local array the compiler keeps in registers.
			for (lane, lane_acc) in sample_acc.chunks_exact_mut(LANES).enumerate() {
				let mut sums = [0i32; LANES];
				sums.copy_from_slice(lane_acc);
				let first = lane.saturating_mul(LANES);
				for (&input, weights) in inputs.iter().zip(panel.chunks_exact(width)) {
					let weights: &[i8; LANES] = weights
						.get(first..first.saturating_add(LANES))
						.and_then(|w| w.try_into().ok())
						.ok_or(OutOfBounds)?;
					let input = i32::from(input);
					for (sum, &weight) in sums.iter_mut().zip(weights) {
						// Exact: every partial sum is within the model's accumulator bound.
						*sum = sum.wrapping_add(i32::from(weight).wrapping_mul(input));
					}
				}
				lane_acc.copy_from_slice(&sums);
			}
		}
		Ok(())
	}

	fn requantize(
		self,
		acc: &[i32],
		requantization: Requantization,
		out: &mut [u8],
	) -> Result<(), OutOfBounds> {
		if acc.len() != out.len() {
			return Err(OutOfBounds);
		}
		requantize_each(acc, requantization, out);
		Ok(())
	}
}
