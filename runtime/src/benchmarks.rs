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

impl frame_system_benchmarking::Config for Runtime {
	/// A runtime upgrade of this chain's size: FRAME's default sample is a runtime without an
	/// embedded version, which the node must compile to read its version (minutes), while every
	/// Verity runtime carries its version in a custom section (see [`upgrade_blob`]).
	fn prepare_set_code_data() -> Vec<u8> {
		upgrade_blob()
	}
}

/// The uncompressed size of the runtime `set_code` is benchmarked with: 4 MiB, above this
/// runtime's 3 MiB.
const UPGRADE_BLOB_SIZE: usize = 4 * 1024 * 1024;

/// A wasm module as `set_code` sees a Verity runtime upgrade: a `runtime_version` custom section
/// with this runtime's version and the next `spec_version`, padded by another custom section to
/// [`UPGRADE_BLOB_SIZE`] bytes. (`set_code` reads the version from the section and stores the
/// code; it does not run it. The node stores runtimes zstd-compressed; decompressing 3 MiB takes
/// a few milliseconds more than this uncompressed blob.)
fn upgrade_blob() -> Vec<u8> {
	use codec::Encode;

	fn leb128(mut value: usize, out: &mut Vec<u8>) {
		loop {
			let byte = (value & 0x7f) as u8;
			value = value.wrapping_shr(7);
			if value == 0 {
				out.push(byte);
				return;
			}
			out.push(byte | 0x80);
		}
	}
	fn custom_section(name: &str, contents: &[u8], out: &mut Vec<u8>) {
		let mut body = Vec::new();
		leb128(name.len(), &mut body);
		body.extend_from_slice(name.as_bytes());
		body.extend_from_slice(contents);
		out.push(0);
		leb128(body.len(), out);
		out.extend_from_slice(&body);
	}

	let mut version = VERSION;
	version.spec_version = version.spec_version.saturating_add(1);
	let mut blob = b"\0asm\x01\0\0\0".to_vec();
	custom_section("runtime_version", &version.encode(), &mut blob);
	let padding = UPGRADE_BLOB_SIZE.saturating_sub(blob.len()).saturating_sub(16);
	custom_section("padding", &alloc::vec![0xa5; padding], &mut blob);
	blob
}
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
	[pallet_evaluations, Evaluations]
	[pallet_network_parameters, NetworkParameters]
	[pallet_preimage, Preimage]
	[pallet_scheduler, Scheduler]
	[pallet_referenda, Referenda]
	[pallet_conviction_voting, ConvictionVoting]
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
		let bounds = pallet_network_parameters::Bounds::<Runtime>::get();
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

#[allow(clippy::expect_used)]
impl pallet_evaluations::BenchmarkHelper<AccountId> for NetworkBenchmarkHelper {
	fn verified_subnet(
		neurons: u16,
		validators: u16,
		dataset_root: polkadot_sdk::sp_core::H256,
		samples: u32,
	) -> (NetUid, Vec<AccountId>) {
		use verity_primitives::{
			scoring::NeuronScore,
			subnets::{EvaluationMode, Hyperparameter},
			traits::NetworkBenchmarkHelper as _,
		};
		let (netuid, hotkeys) = Self::subnet_with_neurons(neurons, validators);
		let owner: AccountId = frame_benchmarking::account("subnet-owner", 0, 0);
		for param in [
			Hyperparameter::EvaluationMode(EvaluationMode::Verified),
			Hyperparameter::DatasetRoot(dataset_root),
			Hyperparameter::SamplesPerEvaluation(samples),
			Hyperparameter::AuditProbability(polkadot_sdk::sp_runtime::Perbill::one()),
		] {
			Subnets::set_hyperparameter(RuntimeOrigin::signed(owner.clone()), netuid, param)
				.expect("hyperparameter inside bounds");
		}
		let scores: Vec<NeuronScore> = (0..neurons)
			.map(|uid| NeuronScore { validator_permit: uid < validators, ..Default::default() })
			.collect();
		pallet_scoring::Scores::<Runtime>::insert(
			netuid,
			polkadot_sdk::frame_support::BoundedVec::truncate_from(scores),
		);
		(netuid, hotkeys)
	}

	fn commit_model(
		netuid: NetUid,
		hotkey: &AccountId,
		root: polkadot_sdk::sp_core::H256,
		size: u64,
	) {
		Subnets::commit_model(
			RuntimeOrigin::signed(hotkey.clone()),
			netuid,
			root,
			size,
			verity_primitives::subnets::MODEL_FORMAT_VERSION,
		)
		.expect("model committed");
	}
}
