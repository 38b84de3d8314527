//! Benchmarks of every call and of the registration-burn hook, each at its worst case.

use super::*;
use alloc::{vec, vec::Vec};
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::{
		traits::{fungible::Mutate, Get, Hooks},
		BoundedVec,
	},
	frame_system::{self, pallet_prelude::BlockNumberFor, RawOrigin},
	sp_core::H256,
};
use verity_primitives::{
	currency::VRT,
	subnets::{
		default_hyperparameters, Endpoint, HardwareClass, Hyperparameter, IpAddress, NetUid,
		Protocol, SubnetCreationParameters, MAX_PROVIDER_LEN, MAX_REGION_LEN, MAX_UIDS_LIMIT,
		MODEL_FORMAT_VERSION,
	},
	traits::{NetworkParametersInterface, StakeInterface},
};

const SEED: u32 = 0;

/// Gives `who` far more than any lock or burn a benchmark asks for.
fn fund<T: Config>(who: &T::AccountId) {
	T::Currency::set_balance(who, 1_000_000_000 * VRT);
}

/// Raises the subnet limit to the storage bound, so that benchmarks can always create one.
fn allow_every_subnet<T: Config>() {
	let params = T::Parameters::subnet_creation();
	T::Parameters::set_subnet_creation(SubnetCreationParameters {
		max_subnets: T::MaxSubnetsLimit::get(),
		..params
	});
}

/// Creates a subnet owned by a funded `owner`, whatever subnets genesis created.
fn new_subnet<T: Config>(owner: &T::AccountId) -> Result<NetUid, BenchmarkError> {
	fund::<T>(owner);
	allow_every_subnet::<T>();
	let netuid = NextNetUid::<T>::get();
	Pallet::<T>::create_subnet(RawOrigin::Signed(owner.clone()).into())?;
	Ok(netuid)
}

/// Fills `netuid` with `n` neurons (UIDs `0..n`), registered at block 0, bound to `coldkey`,
/// with pruning scores falling with the UID so that a replacement scan updates its pick at
/// every neuron and picks the last.
fn fill_subnet<T: Config>(
	netuid: NetUid,
	coldkey: &T::AccountId,
	n: u16,
) -> Result<(), BenchmarkError> {
	Subnets::<T>::mutate(netuid, |subnet| {
		if let Some(subnet) = subnet {
			subnet.hyperparameters.max_uids = n.max(1);
			subnet.hyperparameters.max_validators = 1;
			subnet.hyperparameters.immunity_period = 0;
		}
	});
	let mut roster = Vec::with_capacity(usize::from(n));
	for uid in 0..n {
		let hotkey: T::AccountId = account("neuron", u32::from(uid), SEED);
		T::Stake::bind_hotkey(coldkey, &hotkey)?;
		Neurons::<T>::insert(
			netuid,
			uid,
			NeuronInfo {
				hotkey: hotkey.clone(),
				registered_at: BlockNumberFor::<T>::from(0u32),
				endpoint: None,
				last_served: BlockNumberFor::<T>::from(0u32),
				model: None,
			},
		);
		Uids::<T>::insert(netuid, &hotkey, uid);
		roster.push((hotkey, BlockNumberFor::<T>::from(0u32)));
	}
	NeuronCount::<T>::insert(netuid, n);
	Roster::<T>::insert(netuid, BoundedVec::truncate_from(roster));
	let scores: Vec<u16> = (0..n).map(|uid| n.saturating_sub(uid)).collect();
	PruningScores::<T>::insert(netuid, BoundedVec::truncate_from(scores));
	Ok(())
}

/// Registers a fresh hotkey on `netuid` for a funded `coldkey`.
fn registered_hotkey<T: Config>(
	netuid: NetUid,
	coldkey: &T::AccountId,
) -> Result<T::AccountId, BenchmarkError> {
	let hotkey: T::AccountId = account("hotkey", 0, SEED);
	fund::<T>(coldkey);
	Pallet::<T>::register(RawOrigin::Signed(coldkey.clone()).into(), netuid, hotkey.clone())
		.map_err(|e| e.error)?;
	Ok(hotkey)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn create_subnet() {
		let caller: T::AccountId = whitelisted_caller();
		fund::<T>(&caller);
		allow_every_subnet::<T>();
		let netuid = NextNetUid::<T>::get();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));

		assert_eq!(Subnets::<T>::get(netuid).map(|s| s.owner), Some(caller));
	}

	#[benchmark]
	fn dissolve_subnet(n: Linear<0, { MAX_UIDS_LIMIT as u32 }>) -> Result<(), BenchmarkError> {
		let owner: T::AccountId = whitelisted_caller();
		let netuid = new_subnet::<T>(&owner)?;
		fill_subnet::<T>(netuid, &owner, n as u16)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), netuid);

		assert!(!Subnets::<T>::contains_key(netuid));
		assert_eq!(Neurons::<T>::iter_prefix(netuid).count(), 0);
		Ok(())
	}

	#[benchmark]
	fn set_hyperparameter() -> Result<(), BenchmarkError> {
		let owner: T::AccountId = whitelisted_caller();
		let netuid = new_subnet::<T>(&owner)?;
		let min_burn = T::Parameters::hyperparameter_bounds().burn.0;
		let param = Hyperparameter::MinBurn(min_burn);

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), netuid, param);

		assert_eq!(Subnets::<T>::get(netuid).map(|s| s.hyperparameters.min_burn), Some(min_burn));
		Ok(())
	}

	#[benchmark]
	fn register(n: Linear<1, { MAX_UIDS_LIMIT as u32 }>) -> Result<(), BenchmarkError> {
		let owner: T::AccountId = account("owner", 0, SEED);
		let netuid = new_subnet::<T>(&owner)?;
		fill_subnet::<T>(netuid, &owner, n as u16)?;
		frame_system::Pallet::<T>::set_block_number(10u32.into());
		let caller: T::AccountId = whitelisted_caller();
		fund::<T>(&caller);
		let hotkey: T::AccountId = account("hotkey", 0, SEED);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), netuid, hotkey.clone());

		let replaced = (n as u16).saturating_sub(1);
		assert_eq!(Uids::<T>::get(netuid, &hotkey), Some(replaced));
		Ok(())
	}

	#[benchmark]
	fn serve() -> Result<(), BenchmarkError> {
		let owner: T::AccountId = whitelisted_caller();
		let netuid = new_subnet::<T>(&owner)?;
		let hotkey = registered_hotkey::<T>(netuid, &owner)?;
		let endpoint = Endpoint {
			ip: IpAddress::V6([1; 16]),
			port: 8080,
			protocol: Protocol::Https,
			version: 1,
		};

		#[extrinsic_call]
		_(RawOrigin::Signed(hotkey), netuid, endpoint);

		assert_eq!(Neurons::<T>::get(netuid, 0).and_then(|n| n.endpoint), Some(endpoint));
		Ok(())
	}

	#[benchmark]
	fn commit_model() -> Result<(), BenchmarkError> {
		let owner: T::AccountId = whitelisted_caller();
		let netuid = new_subnet::<T>(&owner)?;
		let hotkey = registered_hotkey::<T>(netuid, &owner)?;
		let size = T::MaxModelSize::get();

		#[extrinsic_call]
		_(RawOrigin::Signed(hotkey), netuid, H256::repeat_byte(7), size, MODEL_FORMAT_VERSION);

		assert!(Neurons::<T>::get(netuid, 0).and_then(|n| n.model).is_some());
		Ok(())
	}

	#[benchmark]
	fn set_operator_profile() {
		let caller: T::AccountId = whitelisted_caller();
		let provider = vec![b'p'; MAX_PROVIDER_LEN as usize];
		let region = vec![b'r'; MAX_REGION_LEN as usize];

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), provider, region, HardwareClass::DatacenterGpu);

		assert!(OperatorProfiles::<T>::contains_key(&caller));
	}

	/// `s` subnets, every one due for a burn adjustment.
	#[benchmark]
	fn on_initialize(s: Linear<0, { T::MaxSubnetsLimit::get() as u32 }>) {
		let owner: T::AccountId = account("owner", 0, SEED);
		let hyperparameters = default_hyperparameters();
		for netuid in 0..s as u16 {
			Subnets::<T>::insert(
				netuid,
				SubnetInfo {
					owner: owner.clone(),
					locked: 0,
					created_at: 0u32.into(),
					hyperparameters,
				},
			);
			RegistrationBurn::<T>::insert(netuid, hyperparameters.min_burn);
			RegistrationsThisInterval::<T>::insert(netuid, 5);
			LastAdjustment::<T>::insert(netuid, BlockNumberFor::<T>::from(0u32));
		}
		let now: BlockNumberFor<T> = 1_000_000u32.into();

		#[block]
		{
			Pallet::<T>::on_initialize(now);
		}

		for netuid in 0..s as u16 {
			assert_eq!(LastAdjustment::<T>::get(netuid), now);
		}
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
