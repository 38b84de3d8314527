//! Weights for `pallet_scoring`
//!
//! ESTIMATES, NOT MEASUREMENTS: these numbers were written by hand, conservatively (about 2×
//! what similar FRAME calls measure; `run_epoch`'s slopes price a dense 4096 × 256 epoch at
//! about 60 ns per matrix entry), from the storage each call reads and writes. Replace this file
//! with the output of
//! `verity-node benchmark pallet --pallet=pallet_scoring --extrinsic='*' --steps=50 --repeat=20
//! --output=pallets/scoring/src/weights.rs` on reference hardware; the trait and its functions
//! keep these names.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use polkadot_sdk::{frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}}, frame_system};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_scoring`.
pub trait WeightInfo {
	fn set_weights(k: u32, ) -> Weight;
	fn commit_weights() -> Weight;
	fn reveal_weights(k: u32, ) -> Weight;
	fn set_weights_version_key() -> Weight;
	fn run_epoch(n: u32, v: u32, ) -> Weight;
	fn on_subnet_created() -> Weight;
	fn on_tempo_changed() -> Weight;
	fn on_neuron_replaced() -> Weight;
	fn on_subnet_dissolved() -> Weight;
	fn set_evaluated_weights() -> Weight;
}

/// Weights for `pallet_scoring` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Subnets::Subnets` (r:1 w:0)
	/// Storage: `Subnets::Uids` (r:1 w:0)
	/// Storage: `Scoring::Scores` (r:1 w:0)
	/// Storage: `Stake::TotalStake` (r:1 w:0)
	/// Storage: `Subnets::NeuronCount` (r:1 w:0)
	/// Storage: `Scoring::WeightsVersionKey` (r:1 w:0)
	/// Storage: `Scoring::Weights` (r:1 w:1)
	/// Storage: `Scoring::WeightCommits` (r:1 w:0)
	/// The range of component `k` is `[1, 4096]`.
	fn set_weights(k: u32, ) -> Weight {
		Weight::from_parts(60_000_000, 120_000)
			.saturating_add(Weight::from_parts(60_000, 4).saturating_mul(k.into()))
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Subnets::Subnets` (r:1 w:0)
	/// Storage: `Subnets::Uids` (r:1 w:0)
	/// Storage: `Scoring::Scores` (r:1 w:0)
	/// Storage: `Stake::TotalStake` (r:1 w:0)
	/// Storage: `Scoring::Weights` (r:1 w:0)
	/// Storage: `Scoring::WeightCommits` (r:1 w:1)
	/// Storage: `Scoring::EpochIndex` (r:1 w:0)
	fn commit_weights() -> Weight {
		Weight::from_parts(60_000_000, 120_000)
			.saturating_add(T::DbWeight::get().reads(7_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Subnets::Subnets` (r:1 w:0)
	/// Storage: `Subnets::Uids` (r:1 w:0)
	/// Storage: `Scoring::WeightCommits` (r:1 w:1)
	/// Storage: `Scoring::EpochIndex` (r:1 w:0)
	/// Storage: `Scoring::Scores` (r:1 w:0)
	/// Storage: `Stake::TotalStake` (r:1 w:0)
	/// Storage: `Subnets::NeuronCount` (r:1 w:0)
	/// Storage: `Scoring::WeightsVersionKey` (r:1 w:0)
	/// Storage: `Scoring::Weights` (r:0 w:1)
	/// The range of component `k` is `[1, 4096]`.
	fn reveal_weights(k: u32, ) -> Weight {
		Weight::from_parts(70_000_000, 120_000)
			.saturating_add(Weight::from_parts(100_000, 4).saturating_mul(k.into()))
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Subnets::Subnets` (r:1 w:0)
	/// Storage: `Scoring::WeightsVersionKey` (r:0 w:1)
	fn set_weights_version_key() -> Weight {
		Weight::from_parts(30_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Subnets::Neurons` (r:4096 w:4096)
	/// Storage: `Stake::TotalStake` (r:4096 w:0)
	/// Storage: `Scoring::Scores` (r:1 w:1)
	/// Storage: `Scoring::LastEpochBlock` (r:1 w:1)
	/// Storage: `Scoring::Weights` (r:256 w:0)
	/// Storage: `Scoring::Bonds` (r:256 w:256)
	/// Storage: `Scoring::EpochIndex` (r:1 w:1)
	/// The range of component `n` is `[1, 4096]`.
	/// The range of component `v` is `[1, 256]`.
	fn run_epoch(n: u32, v: u32, ) -> Weight {
		Weight::from_parts(5_000_000_000, 140_000)
			.saturating_add(Weight::from_parts(20_000_000, 3_000).saturating_mul(n.into()))
			.saturating_add(Weight::from_parts(300_000_000, 33_000).saturating_mul(v.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(v.into())))
			.saturating_add(T::DbWeight::get().writes(3_u64))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(v.into())))
	}
	/// Storage: `Subnets::Subnets` (r:1 w:0)
	/// Storage: `Scoring::NextEpochAt` (r:1 w:1)
	/// Storage: `Scoring::EpochSchedule` (r:1 w:1)
	/// Storage: `Scoring::DueEpochs` (r:1 w:1)
	fn on_subnet_created() -> Weight {
		Weight::from_parts(30_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Scoring::NextEpochAt` (r:1 w:1)
	/// Storage: `Scoring::EpochIndex` (r:1 w:0)
	/// Storage: `Scoring::LastEpochBlock` (r:1 w:0)
	/// Storage: `Scoring::EpochSchedule` (r:2 w:2)
	/// Storage: `Scoring::DueEpochs` (r:1 w:1)
	fn on_tempo_changed() -> Weight {
		Weight::from_parts(30_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Scoring::Weights` (r:0 w:1)
	/// Storage: `Scoring::Bonds` (r:0 w:1)
	/// Storage: `Scoring::WeightCommits` (r:0 w:1)
	/// Storage: `Scoring::Scores` (r:1 w:1)
	fn on_neuron_replaced() -> Weight {
		Weight::from_parts(40_000_000, 70_000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Scoring::NextEpochAt` (r:1 w:1)
	/// Storage: `Scoring::EpochSchedule` (r:1 w:1)
	/// Storage: `Scoring::DueEpochs` (r:1 w:1)
	/// Storage: `Scoring::Weights` (r:0 w:4096)
	/// Storage: `Scoring::Bonds` (r:0 w:4096)
	/// Storage: `Scoring::WeightCommits` (r:0 w:4096)
	/// Storage: `Scoring::Scores` (r:0 w:1)
	/// Storage: `Scoring::EpochIndex` (r:0 w:1)
	/// Storage: `Scoring::LastEpochBlock` (r:0 w:1)
	/// Storage: `Scoring::WeightsVersionKey` (r:0 w:1)
	fn on_subnet_dissolved() -> Weight {
		Weight::from_parts(400_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(12295_u64))
	}
	/// Storage: `Subnets::NeuronCount` (r:1 w:0)
	/// Storage: `Scoring::Weights` (r:1 w:1)
	/// Storage: `Subnets::Keys` (r:1 w:0)
	fn set_evaluated_weights() -> Weight {
		Weight::from_parts(60_000_000, 120_000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn set_weights(k: u32, ) -> Weight {
		Weight::from_parts(60_000_000, 120_000)
			.saturating_add(Weight::from_parts(60_000, 4).saturating_mul(k.into()))
			.saturating_add(RocksDbWeight::get().reads(8_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn commit_weights() -> Weight {
		Weight::from_parts(60_000_000, 120_000)
			.saturating_add(RocksDbWeight::get().reads(7_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn reveal_weights(k: u32, ) -> Weight {
		Weight::from_parts(70_000_000, 120_000)
			.saturating_add(Weight::from_parts(100_000, 4).saturating_mul(k.into()))
			.saturating_add(RocksDbWeight::get().reads(8_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn set_weights_version_key() -> Weight {
		Weight::from_parts(30_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn run_epoch(n: u32, v: u32, ) -> Weight {
		Weight::from_parts(5_000_000_000, 140_000)
			.saturating_add(Weight::from_parts(20_000_000, 3_000).saturating_mul(n.into()))
			.saturating_add(Weight::from_parts(300_000_000, 33_000).saturating_mul(v.into()))
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().reads((2_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().reads((3_u64).saturating_mul(v.into())))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(v.into())))
	}
	fn on_subnet_created() -> Weight {
		Weight::from_parts(30_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn on_tempo_changed() -> Weight {
		Weight::from_parts(30_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads(6_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn on_neuron_replaced() -> Weight {
		Weight::from_parts(40_000_000, 70_000)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn on_subnet_dissolved() -> Weight {
		Weight::from_parts(400_000_000, 10_000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(12295_u64))
	}
	fn set_evaluated_weights() -> Weight {
		Weight::from_parts(60_000_000, 120_000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
}
