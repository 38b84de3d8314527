//! A test runtime: System, Balances and Emissions, with thread-local stand-ins for the stake
//! and subnets pallets.

#![allow(clippy::arithmetic_side_effects)]

use crate::{self as pallet_emissions, pallet::*};
use polkadot_sdk::{
	frame_support::{
		assert_ok, derive_impl,
		traits::{fungible::Mutate, ConstU128, Hooks},
	},
	frame_system, pallet_balances, sp_io,
	sp_runtime::{BuildStorage, DispatchError, DispatchResult, Perbill},
};
use std::{cell::RefCell, collections::BTreeMap};
use verity_primitives::{
	emissions::EmissionSplit,
	stake::SlashOutcome,
	subnets::{Endpoint, Hyperparameters, ModelCommitment, NetUid, Uid},
	traits::{StakeInterface, SubnetsInterface},
	Balance, BlockNumber,
};

pub type AccountId = u64;
type Block = frame_system::mocking::MockBlock<Test>;

polkadot_sdk::frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Emissions: pallet_emissions,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

/// The mock's existential deposit: mints of less into an empty account fail.
pub const ED: Balance = 5;

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type ExistentialDeposit = ConstU128<ED>;
	type AccountStore = System;
	type DustRemoval = Emissions;
}

thread_local! {
	/// Hotkey → owning coldkey, for [`MockStake`].
	static HOTKEY_OWNERS: RefCell<BTreeMap<AccountId, AccountId>> =
		const { RefCell::new(BTreeMap::new()) };
	/// Every reward [`MockStake::distribute_reward`] minted: `(hotkey, amount)`.
	static REWARDS: RefCell<Vec<(AccountId, Balance)>> = const { RefCell::new(Vec::new()) };
	/// Netuid → owning coldkey, for [`MockSubnets`].
	static SUBNET_OWNERS: RefCell<BTreeMap<NetUid, AccountId>> =
		const { RefCell::new(BTreeMap::new()) };
}

/// The stake pallet's stand-in: hotkey owners from a thread-local map; a reward is minted into
/// the hotkey owner's free balance (so total issuance really grows) and recorded.
pub struct MockStake;
impl StakeInterface<AccountId> for MockStake {
	fn hotkey_owner(hotkey: &AccountId) -> Option<AccountId> {
		HOTKEY_OWNERS.with(|owners| owners.borrow().get(hotkey).copied())
	}
	fn bind_hotkey(coldkey: &AccountId, hotkey: &AccountId) -> DispatchResult {
		match Self::hotkey_owner(hotkey) {
			Some(owner) if owner != *coldkey => Err(DispatchError::Other("owned by another")),
			_ => {
				set_hotkey_owner(*hotkey, *coldkey);
				Ok(())
			}
		}
	}
	fn total_stake(_hotkey: &AccountId) -> Balance {
		0
	}
	fn slash(
		_hotkey: &AccountId,
		_fraction: Perbill,
		_beneficiary: Option<(AccountId, Perbill)>,
	) -> SlashOutcome {
		SlashOutcome::default()
	}
	fn distribute_reward(hotkey: &AccountId, amount: Balance) -> Result<Balance, DispatchError> {
		let owner = Self::hotkey_owner(hotkey).ok_or(DispatchError::Other("hotkey not owned"))?;
		let minted = Balances::mint_into(&owner, amount)?;
		REWARDS.with(|rewards| rewards.borrow_mut().push((*hotkey, minted)));
		Ok(minted)
	}
}

/// The subnets pallet's stand-in: subnet owners from a thread-local map.
pub struct MockSubnets;
impl SubnetsInterface<AccountId> for MockSubnets {
	fn netuids() -> Vec<NetUid> {
		SUBNET_OWNERS.with(|owners| owners.borrow().keys().copied().collect())
	}
	fn subnet_owner(netuid: NetUid) -> Option<AccountId> {
		SUBNET_OWNERS.with(|owners| owners.borrow().get(&netuid).copied())
	}
	fn hyperparameters(_netuid: NetUid) -> Option<Hyperparameters> {
		None
	}
	fn neuron_count(_netuid: NetUid) -> u16 {
		0
	}
	fn uid_of(_netuid: NetUid, _hotkey: &AccountId) -> Option<Uid> {
		None
	}
	fn hotkey_of(_netuid: NetUid, _uid: Uid) -> Option<AccountId> {
		None
	}
	fn model_commitment(_netuid: NetUid, _uid: Uid) -> Option<ModelCommitment> {
		None
	}
	fn endpoint(_netuid: NetUid, _uid: Uid) -> Option<Endpoint> {
		None
	}
	fn set_pruning_scores(_netuid: NetUid, _scores: &[u16]) {}
	fn neurons(_netuid: NetUid) -> Vec<(AccountId, BlockNumber)> {
		Vec::new()
	}
}

/// Makes `coldkey` the owner of `hotkey` in the stake stand-in.
pub fn set_hotkey_owner(hotkey: AccountId, coldkey: AccountId) {
	HOTKEY_OWNERS.with(|owners| owners.borrow_mut().insert(hotkey, coldkey));
}

/// Makes `owner` the owner of subnet `netuid` in the subnets stand-in.
pub fn set_subnet_owner(netuid: NetUid, owner: AccountId) {
	SUBNET_OWNERS.with(|owners| owners.borrow_mut().insert(netuid, owner));
}

/// Removes subnet `netuid` from the subnets stand-in.
pub fn remove_subnet(netuid: NetUid) {
	SUBNET_OWNERS.with(|owners| owners.borrow_mut().remove(&netuid));
}

/// Every reward the stake stand-in minted since the test began: `(hotkey, amount)`.
pub fn rewards() -> Vec<(AccountId, Balance)> {
	REWARDS.with(|rewards| rewards.borrow().clone())
}

/// Builds subnets and neurons for the benchmarks in the stand-ins.
#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl verity_primitives::traits::NetworkBenchmarkHelper<AccountId> for MockBenchmarkHelper {
	fn subnet_with_neurons(neurons: u16, _validators: u16) -> (NetUid, Vec<AccountId>) {
		let netuid = SUBNET_OWNERS
			.with(|owners| owners.borrow().keys().next_back().map_or(100, |last| last + 1));
		let owner = 1_000_000 + AccountId::from(netuid);
		assert_ok!(Balances::mint_into(&owner, 1_000));
		set_subnet_owner(netuid, owner);
		let hotkeys = (0..neurons)
			.map(|uid| {
				let hotkey = 10_000_000 + AccountId::from(netuid) * 10_000 + AccountId::from(uid);
				let coldkey = hotkey + 100_000_000;
				assert_ok!(Balances::mint_into(&coldkey, 1_000));
				set_hotkey_owner(hotkey, coldkey);
				hotkey
			})
			.collect();
		(netuid, hotkeys)
	}
}

/// The mock's block reward before halvings.
pub const BLOCK_REWARD: Balance = 1_000;
/// The mock's issuance cap: halvings at 8_000, 12_000, 14_000, 15_000, …
pub const CAP: Balance = 16_000;

impl Config for Test {
	type Currency = Balances;
	type Stake = MockStake;
	type Subnets = MockSubnets;
	type Parameters = MockParameters;
	type BlockReward = ConstU128<BLOCK_REWARD>;
	type IssuanceCap = ConstU128<CAP>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

polkadot_sdk::frame_support::parameter_types! {
	/// The network parameters the mock reads (set by tests in place of governance).
	pub storage MockSplit: EmissionSplit = verity_primitives::emissions::DEFAULT_SPLIT;
	pub storage MockMaxSubnetShare: Perbill = Perbill::one();
}

/// The network parameters of the mock: the split and share cap from the `Mock*` storage
/// parameters, the rest at their production defaults.
pub struct MockParameters;

impl verity_primitives::traits::NetworkParametersInterface<u64> for MockParameters {
	fn authority_count() -> u32 {
		1
	}
	fn unbonding_period() -> u64 {
		10
	}
	fn emission_split() -> EmissionSplit {
		MockSplit::get()
	}
	fn max_subnet_share() -> Perbill {
		MockMaxSubnetShare::get()
	}
	fn subnet_creation() -> verity_primitives::subnets::SubnetCreationParameters {
		Default::default()
	}
	fn hyperparameter_bounds() -> verity_primitives::subnets::HyperparameterBounds {
		verity_primitives::subnets::default_hyperparameter_bounds()
	}
	fn default_hyperparameters() -> Hyperparameters {
		verity_primitives::subnets::default_hyperparameters()
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn set_subnet_creation(_: verity_primitives::subnets::SubnetCreationParameters) {}
}

/// What every funded account holds at genesis.
pub const INITIAL_BALANCE: Balance = 1_000;

/// Subnet owners at genesis: subnet `n` (1..=3) is owned by coldkey `n`.
pub const SUBNETS: [NetUid; 3] = [1, 2, 3];

/// Hotkeys 11..=16 are owned by coldkeys 21..=26 (`hotkey + 10`); hotkey 17 by the unfunded
/// coldkey 27; hotkey 19 has no owner.
pub fn coldkey_of(hotkey: AccountId) -> AccountId {
	hotkey + 10
}

/// Builds the mock's genesis.
pub struct ExtBuilder {
	balances: Vec<(AccountId, Balance)>,
	split: EmissionSplit,
	max_subnet_share: Perbill,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		let funded = (1..=3).chain(21..=26);
		Self {
			balances: funded.map(|who| (who, INITIAL_BALANCE)).collect(),
			split: verity_primitives::emissions::DEFAULT_SPLIT,
			max_subnet_share: Perbill::one(),
		}
	}
}

impl ExtBuilder {
	/// The split at genesis.
	pub fn split(mut self, owner: u32, miners: u32, validators: u32) -> Self {
		self.split = EmissionSplit {
			owner: Perbill::from_percent(owner),
			miners: Perbill::from_percent(miners),
			validators: Perbill::from_percent(validators),
		};
		self
	}

	/// The genesis storage, without running anything on it.
	pub fn build(self) -> sp_io::TestExternalities {
		HOTKEY_OWNERS.with(|owners| {
			let mut owners = owners.borrow_mut();
			owners.clear();
			for hotkey in 11..=17 {
				owners.insert(hotkey, coldkey_of(hotkey));
			}
		});
		SUBNET_OWNERS.with(|owners| {
			*owners.borrow_mut() = SUBNETS.iter().map(|n| (*n, AccountId::from(*n))).collect()
		});
		REWARDS.with(|rewards| rewards.borrow_mut().clear());
		let storage = RuntimeGenesisConfig {
			system: Default::default(),
			balances: pallet_balances::GenesisConfig {
				balances: self.balances,
				..Default::default()
			},
			emissions: Default::default(),
		}
		.build_storage()
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		let (split, max_subnet_share) = (self.split, self.max_subnet_share);
		ext.execute_with(|| {
			MockSplit::set(&split);
			MockMaxSubnetShare::set(&max_subnet_share);
			System::set_block_number(1);
		});
		ext
	}

	/// Runs `test` on the genesis, then checks the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			assert_ok!(Emissions::do_try_state());
		});
	}
}

/// Runs `n` more blocks' `on_initialize`.
pub fn run_blocks(n: u64) {
	for _ in 0..n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Emissions::on_initialize(next);
	}
}

/// The pallet's events since the last call, oldest first.
pub fn emissions_events() -> Vec<Event<Test>> {
	let events = System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Emissions(event) => Some(event),
			_ => None,
		})
		.collect();
	System::reset_events();
	events
}

/// The free balance of `who`.
pub fn free(who: AccountId) -> Balance {
	Balances::free_balance(who)
}

/// A benchmark test runtime.
#[cfg(feature = "runtime-benchmarks")]
pub fn new_bench_ext() -> sp_io::TestExternalities {
	ExtBuilder::default().build()
}
