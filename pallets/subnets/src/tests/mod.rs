//! Unit tests, by topic. Every test runs through `ExtBuilder::build_and_execute`, which checks
//! the pallet's invariants (`do_try_state`) after the test body.

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]

mod burn_adjustment;
mod create_subnet;
mod dissolve_subnet;
mod genesis;
mod governance;
mod hyperparameters;
mod interface;
mod invariants;
mod lifecycle;
mod models;
mod operator_profiles;
mod random_calls;
mod register;
mod serve;

use crate::{mock::*, HoldReason};
use polkadot_sdk::frame_support::traits::fungible::InspectHold;
use verity_primitives::{
	subnets::{Endpoint, IpAddress, Protocol},
	Balance,
};

/// What `who` has held as subnet locks.
fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::Subnets(HoldReason::SubnetLock), &who)
}

/// A valid endpoint.
fn endpoint() -> Endpoint {
	Endpoint { ip: IpAddress::V4([10, 0, 0, 1]), port: 8080, protocol: Protocol::Http, version: 1 }
}
