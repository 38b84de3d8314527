//! Weights for `pallet_evaluations`
//!
//! ESTIMATES, NOT MEASUREMENTS: written by hand, conservatively, from the storage each call
//! reads and writes, for unit tests and runtimes without their own measurements. The Verity
//! runtime uses the figures `scripts/bench-pallets.sh pallet_evaluations` measured in wasm
//! (`runtime/src/weights/pallet_evaluations.rs`); the trait and its functions keep these names.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use polkadot_sdk::{frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}}, frame_system};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_evaluations`.
pub trait WeightInfo {
	fn submit_evaluations(n: u32, ) -> Weight;
	fn draw_audits(n: u32, ) -> Weight;
	fn submit_audit_match() -> Weight;
	fn submit_audit_mismatch() -> Weight;
	fn reveal_leaves(k: u32, ) -> Weight;
	fn resolve_dispute(b: u32, ) -> Weight;
	fn reveal_trace() -> Weight;
	fn reveal_layer() -> Weight;
	fn resolve_narrowed() -> Weight;
	fn expire_audit() -> Weight;
	fn expire_dispute() -> Weight;
	fn on_epoch() -> Weight;
	fn on_neuron_replaced() -> Weight;
	fn on_subnet_dissolved() -> Weight;
}

/// Estimated weights for `pallet_evaluations`.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn submit_evaluations(n: u32, ) -> Weight {
		Weight::from_parts(100_000_000, 20_000)
			.saturating_add(Weight::from_parts(200_000_000, 10_000).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(10_u64))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(3_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(n.into())))
	}
	fn draw_audits(n: u32, ) -> Weight {
		Weight::from_parts(200_000_000, 20_000)
			.saturating_add(Weight::from_parts(100_000_000, 10_000).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(600_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(n.into())))
	}
	fn submit_audit_match() -> Weight {
		Weight::from_parts(100_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn submit_audit_mismatch() -> Weight {
		Weight::from_parts(100_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn reveal_leaves(k: u32, ) -> Weight {
		Weight::from_parts(200_000_000, 200_000)
			.saturating_add(Weight::from_parts(5_000_000, 40).saturating_mul(k.into()))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn resolve_dispute(b: u32, ) -> Weight {
		Weight::from_parts(2_000_000_000, 50_000)
			.saturating_add(Weight::from_parts(200_000, 0).saturating_mul(b.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn reveal_trace() -> Weight {
		Weight::from_parts(500_000_000, 40_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn reveal_layer() -> Weight {
		Weight::from_parts(500_000_000, 40_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn resolve_narrowed() -> Weight {
		Weight::from_parts(2_000_000_000, 50_000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	fn expire_audit() -> Weight {
		Weight::from_parts(50_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn expire_dispute() -> Weight {
		Weight::from_parts(100_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn on_epoch() -> Weight {
		Weight::from_parts(50_000_000, 5_000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn on_neuron_replaced() -> Weight {
		Weight::from_parts(500_000_000, 10_000)
			.saturating_add(T::DbWeight::get().writes(4_097_u64))
	}
	fn on_subnet_dissolved() -> Weight {
		Weight::from_parts(5_000_000_000, 10_000)
			.saturating_add(T::DbWeight::get().writes(65_536_u64))
	}
}

// For tests.
impl WeightInfo for () {
	fn submit_evaluations(n: u32, ) -> Weight {
		Weight::from_parts(100_000_000, 20_000)
			.saturating_add(Weight::from_parts(200_000_000, 10_000).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(10, 3))
			.saturating_add(RocksDbWeight::get().reads_writes(3, 1).saturating_mul(n.into()))
	}
	fn draw_audits(n: u32, ) -> Weight {
		Weight::from_parts(200_000_000, 20_000)
			.saturating_add(Weight::from_parts(100_000_000, 10_000).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(600_u64))
	}
	fn submit_audit_match() -> Weight {
		Weight::from_parts(100_000_000, 10_000).saturating_add(RocksDbWeight::get().reads_writes(2, 1))
	}
	fn submit_audit_mismatch() -> Weight {
		Weight::from_parts(100_000_000, 10_000).saturating_add(RocksDbWeight::get().reads_writes(3, 3))
	}
	fn reveal_leaves(k: u32, ) -> Weight {
		Weight::from_parts(200_000_000, 200_000)
			.saturating_add(Weight::from_parts(5_000_000, 40).saturating_mul(k.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(4, 3))
	}
	fn resolve_dispute(b: u32, ) -> Weight {
		Weight::from_parts(2_000_000_000, 50_000)
			.saturating_add(Weight::from_parts(200_000, 0).saturating_mul(b.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(3, 3))
	}
	fn reveal_trace() -> Weight {
		Weight::from_parts(500_000_000, 40_000).saturating_add(RocksDbWeight::get().reads_writes(4, 4))
	}
	fn reveal_layer() -> Weight {
		Weight::from_parts(500_000_000, 40_000).saturating_add(RocksDbWeight::get().reads_writes(4, 4))
	}
	fn resolve_narrowed() -> Weight {
		Weight::from_parts(2_000_000_000, 50_000).saturating_add(RocksDbWeight::get().reads_writes(3, 5))
	}
	fn expire_audit() -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(RocksDbWeight::get().reads_writes(1, 1))
	}
	fn expire_dispute() -> Weight {
		Weight::from_parts(100_000_000, 10_000).saturating_add(RocksDbWeight::get().reads_writes(4, 3))
	}
	fn on_epoch() -> Weight {
		Weight::from_parts(50_000_000, 5_000).saturating_add(RocksDbWeight::get().reads_writes(1, 2))
	}
	fn on_neuron_replaced() -> Weight {
		Weight::from_parts(500_000_000, 10_000).saturating_add(RocksDbWeight::get().writes(4_097_u64))
	}
	fn on_subnet_dissolved() -> Weight {
		Weight::from_parts(5_000_000_000, 10_000).saturating_add(RocksDbWeight::get().writes(65_536_u64))
	}
}
