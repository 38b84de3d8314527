//! Unit tests of the emissions pallet on the mock runtime, by topic. Every test runs through
//! `ExtBuilder::build_and_execute`, which checks the invariants afterwards.

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]

mod accrual;
mod burns;
mod genesis;
mod lifecycle;
mod payout;
mod properties;
mod schedule;
mod view;

use crate::mock::*;
use polkadot_sdk::sp_runtime::Perquintill;
use verity_primitives::{
	subnets::NetUid,
	traits::{EmissionPayout, EpochPayout},
	Balance,
};

/// Runs an epoch of `netuid`: pays `incentive` and `dividends` over `hotkeys` and reports
/// `permitted_stake`. Returns what each UID received.
pub(crate) fn pay(
	netuid: NetUid,
	hotkeys: &[AccountId],
	incentive: &[Perquintill],
	dividends: &[Perquintill],
	permitted_stake: Balance,
) -> Vec<Balance> {
	Emissions::pay_epoch(netuid, EpochPayout { hotkeys, incentive, dividends, permitted_stake })
}

/// Runs an epoch of `netuid` without neurons (only the owner is paid) reporting
/// `permitted_stake`; opens the subnet's entry the first time.
pub(crate) fn open(netuid: NetUid, permitted_stake: Balance) {
	pay(netuid, &[], &[], &[], permitted_stake);
}

/// `x` percent as a share.
pub(crate) fn pct(x: u64) -> Perquintill {
	Perquintill::from_percent(x)
}
