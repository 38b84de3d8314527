//! Unit tests of the stake pallet on the mock runtime, by topic. Every test runs through
//! `ExtBuilder::build_and_execute`, which checks the invariants afterwards.

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]

mod authorities;
mod genesis;
mod interface;
mod properties;
mod rewards;
mod slashing;
mod staking;
mod take;
