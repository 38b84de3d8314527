//! Weights for `pallet_evaluations`: estimates, replaced by `scripts/bench-pallets.sh pallet_evaluations`.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use polkadot_sdk::{frame_support, frame_system};
use frame_support::{traits::Get, weights::Weight};
use core::marker::PhantomData;

/// Weights for `pallet_evaluations` (estimates until measured).
pub struct WeightInfo<T>(PhantomData<T>);
impl<T: frame_system::Config> pallet_evaluations::WeightInfo for WeightInfo<T> {
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

