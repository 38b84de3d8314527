//! Unit tests, by topic. Every test runs through `ExtBuilder::build_and_execute`, which checks
//! the pallet's invariants (`do_try_state`) after the test body.

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

mod commit_reveal;
mod consensus;
mod evaluated_weights;
mod invariants;
mod lifecycle;
mod permits;
mod random_calls;
mod schedule;
mod set_weights;
mod stale_entries;
mod uid_rows;
mod version_key;

use crate::{mock::*, NextEpochAt, WeightUids, WeightValues};
use polkadot_sdk::{frame_support::BoundedVec, sp_core::H256, sp_runtime::DispatchResult};
use verity_primitives::subnets::NetUid;

/// The owner of the test subnets.
pub const OWNER: AccountId = 1;
/// Validators (UIDs 0 and 1 of [`subnet_with_permits`]).
pub const V0: AccountId = 10;
pub const V1: AccountId = 11;
/// Miners (UIDs 2, 3 and 4).
pub const M2: AccountId = 20;
pub const M3: AccountId = 21;
pub const M4: AccountId = 22;

/// A subnet (created at block 1, tempo 10) with validators V0 (stake 600) and V1 (stake 400)
/// at UIDs 0 and 1 and stakeless miners at UIDs 2 to 4, after its first epoch (block 11),
/// which granted V0 and V1 their permits. Events are cleared.
pub fn subnet_with_permits() -> NetUid {
	let netuid = MockSubnets::create(OWNER);
	for hotkey in [V0, V1, M2, M3, M4] {
		MockSubnets::register(netuid, hotkey);
	}
	MockStake::set_stake(V0, 600);
	MockStake::set_stake(V1, 400);
	run_to_block(NextEpochAt::<Test>::get(netuid).unwrap());
	assert_eq!(System::block_number(), 11);
	scoring_events();
	netuid
}

pub fn uids(uids: &[u16]) -> WeightUids {
	BoundedVec::truncate_from(uids.to_vec())
}

pub fn values(weights: &[u16]) -> WeightValues {
	BoundedVec::truncate_from(weights.to_vec())
}

/// `set_weights` by `hotkey` with version key 0.
pub fn set_weights(
	hotkey: AccountId,
	netuid: NetUid,
	targets: &[u16],
	weights: &[u16],
) -> DispatchResult {
	Scoring::set_weights(RuntimeOrigin::signed(hotkey), netuid, uids(targets), values(weights), 0)
}

/// The salt the tests commit with.
pub fn salt() -> H256 {
	H256::repeat_byte(42)
}

/// The commitment hash of weights by `hotkey` with [`salt`] and version key 0.
pub fn commit_hash(hotkey: AccountId, netuid: NetUid, targets: &[u16], weights: &[u16]) -> H256 {
	Scoring::weights_commit_hash(&hotkey, netuid, targets, weights, salt(), 0)
}

/// `reveal_weights` by `hotkey` with [`salt`] and version key 0.
pub fn reveal(
	hotkey: AccountId,
	netuid: NetUid,
	targets: &[u16],
	weights: &[u16],
) -> DispatchResult {
	Scoring::reveal_weights(
		RuntimeOrigin::signed(hotkey),
		netuid,
		uids(targets),
		values(weights),
		salt(),
		0,
	)
}

/// Runs blocks up to and including the subnet's next epoch.
pub fn run_to_next_epoch(netuid: NetUid) {
	run_to_block(NextEpochAt::<Test>::get(netuid).unwrap());
}
