//! Weights measured in the wasm runtime by `scripts/bench-pallets.sh`: Verity's own pallets,
//! the governance pallets and `frame_system`. The other FRAME pallets use their upstream
//! `SubstrateWeight`s.

pub mod frame_system;
pub mod pallet_conviction_voting;
pub mod pallet_emissions;
pub mod pallet_evaluations;
pub mod pallet_network_parameters;
pub mod pallet_preimage;
pub mod pallet_referenda;
pub mod pallet_scheduler;
pub mod pallet_scoring;
pub mod pallet_stake;
pub mod pallet_subnets;
