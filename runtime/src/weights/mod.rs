//! Weights of Verity's own pallets, measured in the wasm runtime by `scripts/bench-pallets.sh`.
//! FRAME's pallets use their upstream `SubstrateWeight`s.

pub mod pallet_emissions;
pub mod pallet_scoring;
pub mod pallet_stake;
pub mod pallet_subnets;
