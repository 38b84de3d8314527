//! Weights for `pallet_subnets`
//!
//! ESTIMATES, NOT MEASUREMENTS: these numbers were written by hand, conservatively (about 2×
//! what similar FRAME calls measure), from the storage each call reads and writes. Replace
//! this file with the output of
//! `verity-node benchmark pallet --pallet=pallet_subnets --extrinsic='*' --steps=50 --repeat=20
//! --output=pallets/subnets/src/weights.rs` on reference hardware; the trait and its functions
//! keep these names.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use polkadot_sdk::{frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}}, frame_system};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_subnets`.
pub trait WeightInfo {
	fn create_subnet() -> Weight;
	fn dissolve_subnet(n: u32, ) -> Weight;
	fn set_hyperparameter() -> Weight;
	fn register(n: u32, ) -> Weight;
	fn serve() -> Weight;
	fn commit_model() -> Weight;
	fn set_operator_profile() -> Weight;
	fn on_initialize(s: u32, ) -> Weight;
}

/// Weights for `pallet_subnets` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Subnets::NetworkParams` (r:1 w:0)
	/// Storage: `Subnets::CounterForSubnets` (r:1 w:1)
	/// Storage: `Subnets::NextNetUid` (r:1 w:1)
	/// Storage: `Subnets::LastLockCost` (r:1 w:1)
	/// Storage: `Subnets::LastLockBlock` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `Subnets::DefaultHyperparameters` (r:1 w:0)
	/// Storage: `Subnets::Subnets` (r:0 w:1)
	/// Storage: `Subnets::RegistrationBurn` (r:0 w:1)
	/// Storage: `Subnets::LastAdjustment` (r:0 w:1)
	fn create_subnet() -> Weight {
		Weight::from_parts(120_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(9_u64))
	}
	/// Storage: `Subnets::Subnets` (r:1 w:1)
	/// Storage: `Subnets::CounterForSubnets` (r:1 w:1)
	/// Storage: `Subnets::NeuronCount` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `Subnets::Neurons` (r:0 w:4096)
	/// Storage: `Subnets::Uids` (r:0 w:4096)
	/// Storage: `Subnets::RegistrationBurn` (r:0 w:1)
	/// Storage: `Subnets::RegistrationsThisInterval` (r:0 w:1)
	/// Storage: `Subnets::LastAdjustment` (r:0 w:1)
	/// The range of component `n` is `[0, 4096]`.
	fn dissolve_subnet(n: u32, ) -> Weight {
		Weight::from_parts(100_000_000, 8_000)
			.saturating_add(Weight::from_parts(30_000_000, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(8_u64))
			.saturating_add(T::DbWeight::get().writes((2_u64).saturating_mul(n.into())))
	}
	/// Storage: `Subnets::Subnets` (r:1 w:1)
	/// Storage: `Subnets::Bounds` (r:1 w:0)
	/// Storage: `Subnets::NeuronCount` (r:1 w:0)
	/// Storage: `Subnets::RegistrationBurn` (r:1 w:1)
	fn set_hyperparameter() -> Weight {
		Weight::from_parts(50_000_000, 6_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Subnets::Subnets` (r:1 w:0)
	/// Storage: `Subnets::Uids` (r:1 w:2)
	/// Storage: `Stake::HotkeyOwner` (r:1 w:1)
	/// Storage: `Subnets::RegistrationBurn` (r:1 w:0)
	/// Storage: `System::Account` (r:1 w:1)
	/// Storage: `Balances::TotalIssuance` (r:1 w:1)
	/// Storage: `Subnets::NeuronCount` (r:1 w:1)
	/// Storage: `Subnets::Neurons` (r:4096 w:1)
	/// Storage: `Subnets::RegistrationsThisInterval` (r:1 w:1)
	/// The range of component `n` is `[1, 4096]`.
	fn register(n: u32, ) -> Weight {
		Weight::from_parts(150_000_000, 12_000)
			.saturating_add(Weight::from_parts(10_000_000, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(9_u64))
			.saturating_add(Weight::from_parts(0, 2_650).saturating_mul(n.into()))
	}
	/// Storage: `Subnets::Subnets` (r:1 w:0)
	/// Storage: `Subnets::Uids` (r:1 w:0)
	/// Storage: `Subnets::Neurons` (r:1 w:1)
	fn serve() -> Weight {
		Weight::from_parts(50_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Subnets::Subnets` (r:1 w:0)
	/// Storage: `Subnets::Uids` (r:1 w:0)
	/// Storage: `Subnets::Neurons` (r:1 w:1)
	fn commit_model() -> Weight {
		Weight::from_parts(50_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Subnets::OperatorProfiles` (r:0 w:1)
	fn set_operator_profile() -> Weight {
		Weight::from_parts(30_000_000, 0)
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Subnets::Subnets` (r:129 w:0)
	/// Storage: `Subnets::LastAdjustment` (r:128 w:128)
	/// Storage: `Subnets::RegistrationsThisInterval` (r:128 w:128)
	/// Storage: `Subnets::RegistrationBurn` (r:128 w:128)
	/// The range of component `s` is `[0, 128]`.
	fn on_initialize(s: u32, ) -> Weight {
		Weight::from_parts(5_000_000, 1_000)
			.saturating_add(Weight::from_parts(25_000_000, 0).saturating_mul(s.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().reads((4_u64).saturating_mul(s.into())))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(s.into())))
			.saturating_add(Weight::from_parts(0, 2_700).saturating_mul(s.into()))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn create_subnet() -> Weight {
		Weight::from_parts(120_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads(8_u64))
			.saturating_add(RocksDbWeight::get().writes(9_u64))
	}
	fn dissolve_subnet(n: u32, ) -> Weight {
		Weight::from_parts(100_000_000, 8_000)
			.saturating_add(Weight::from_parts(30_000_000, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(8_u64))
			.saturating_add(RocksDbWeight::get().writes((2_u64).saturating_mul(n.into())))
	}
	fn set_hyperparameter() -> Weight {
		Weight::from_parts(50_000_000, 6_000)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn register(n: u32, ) -> Weight {
		Weight::from_parts(150_000_000, 12_000)
			.saturating_add(Weight::from_parts(10_000_000, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(8_u64))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes(9_u64))
			.saturating_add(Weight::from_parts(0, 2_650).saturating_mul(n.into()))
	}
	fn serve() -> Weight {
		Weight::from_parts(50_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn commit_model() -> Weight {
		Weight::from_parts(50_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn set_operator_profile() -> Weight {
		Weight::from_parts(30_000_000, 0)
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn on_initialize(s: u32, ) -> Weight {
		Weight::from_parts(5_000_000, 1_000)
			.saturating_add(Weight::from_parts(25_000_000, 0).saturating_mul(s.into()))
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().reads((4_u64).saturating_mul(s.into())))
			.saturating_add(RocksDbWeight::get().writes((3_u64).saturating_mul(s.into())))
			.saturating_add(Weight::from_parts(0, 2_700).saturating_mul(s.into()))
	}
}
