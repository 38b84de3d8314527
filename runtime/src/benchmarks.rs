//! The pallets benchmarked in this runtime, for `verity-node benchmark pallet`.

use super::*;
use alloc::vec::Vec;
use polkadot_sdk::{
	frame_benchmarking::{self, baseline, BenchmarkBatch, BenchmarkConfig, BenchmarkList},
	frame_support::traits::{StorageInfo, StorageInfoTrait, WhitelistedStorageKeys},
	frame_system_benchmarking,
	sp_storage::TrackedStorageKey,
};
use verity_primitives::subnets::NetUid;

type SystemBench = frame_system_benchmarking::Pallet<Runtime>;
type BaselineBench = baseline::Pallet<Runtime>;

impl frame_system_benchmarking::Config for Runtime {}
impl baseline::Config for Runtime {}

frame_benchmarking::define_benchmarks!(
	[frame_benchmarking::baseline, BaselineBench]
	[frame_system, SystemBench]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_utility, Utility]
	[pallet_sudo, Sudo]
	[pallet_stake, Stake]
	[pallet_subnets, Subnets]
	[pallet_scoring, Scoring]
	[pallet_emissions, Emissions]
);

/// The benchmarks this runtime offers and the storage they touch.
pub fn metadata(extra: bool) -> (Vec<BenchmarkList>, Vec<StorageInfo>) {
	let mut list = Vec::<BenchmarkList>::new();
	list_benchmarks!(list, extra);
	(list, AllPalletsWithSystem::storage_info())
}

/// Runs the benchmarks `config` selects.
pub fn dispatch(config: BenchmarkConfig) -> Result<Vec<BenchmarkBatch>, alloc::string::String> {
	let whitelist: Vec<TrackedStorageKey> = AllPalletsWithSystem::whitelisted_storage_keys();
	let mut batches = Vec::<BenchmarkBatch>::new();
	let params = (&config, &whitelist);
	add_benchmarks!(params, batches);
	Ok(batches)
}

/// Builds subnets with registered, staked neurons through the real subnets and stake pallets,
/// for the scoring and emissions benchmarks.
pub struct NetworkBenchmarkHelper;

// Benchmark setup: a failure here is a broken benchmark, which must stop loudly.
#[allow(clippy::expect_used, clippy::arithmetic_side_effects)]
impl verity_primitives::traits::NetworkBenchmarkHelper<AccountId> for NetworkBenchmarkHelper {
	fn subnet_with_neurons(neurons: u16, validators: u16) -> (NetUid, Vec<AccountId>) {
		use polkadot_sdk::frame_support::traits::fungible::Mutate;
		use verity_primitives::{subnets::Hyperparameter, traits::SubnetsInterface};

		let fund = |who: &AccountId| {
			Balances::set_balance(who, 1_000_000_000 * VRT);
		};
		let owner: AccountId = frame_benchmarking::account("subnet-owner", 0, 0);
		fund(&owner);
		let before = Subnets::netuids();
		Subnets::create_subnet(RuntimeOrigin::signed(owner.clone())).expect("subnet created");
		let netuid =
			Subnets::netuids().into_iter().find(|n| !before.contains(n)).expect("a new netuid");
		let bounds = pallet_subnets::Bounds::<Runtime>::get();
		let max_uids = neurons.clamp(bounds.max_uids.0, bounds.max_uids.1);
		let max_validators = validators.clamp(bounds.max_validators.0, max_uids);
		// Validators never above UIDs: shrink the validators first, then set both.
		for param in [
			Hyperparameter::MaxValidators(bounds.max_validators.0),
			Hyperparameter::MaxUids(max_uids),
			Hyperparameter::MaxValidators(max_validators),
		] {
			Subnets::set_hyperparameter(RuntimeOrigin::signed(owner.clone()), netuid, param)
				.expect("hyperparameter inside bounds");
		}
		let mut hotkeys = Vec::with_capacity(usize::from(neurons));
		for i in 0..u32::from(neurons) {
			let coldkey: AccountId = frame_benchmarking::account("coldkey", i, 0);
			let hotkey: AccountId = frame_benchmarking::account("hotkey", i, 0);
			fund(&coldkey);
			Subnets::register(RuntimeOrigin::signed(coldkey.clone()), netuid, hotkey.clone())
				.expect("registered");
			if i < u32::from(validators) {
				let stake = VRT * 1_000 * u128::from(u32::from(validators) - i);
				Stake::add_stake(RuntimeOrigin::signed(coldkey), hotkey.clone(), stake)
					.expect("staked");
			}
			hotkeys.push(hotkey);
		}
		(netuid, hotkeys)
	}
}
