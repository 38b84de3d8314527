//! A test runtime: System, Balances and this pallet, with a thread-local stand-in for
//! `pallet-stake`.

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]

use crate::{self as pallet_subnets};
use core::cell::RefCell;
use polkadot_sdk::{
	frame_support::{
		self, derive_impl,
		traits::{ConstU128, ConstU16, ConstU64, Hooks},
	},
	frame_system::{self, EnsureRoot},
	pallet_balances, sp_io,
	sp_runtime::{BuildStorage, DispatchError, DispatchResult, Perbill},
};
use std::collections::BTreeMap;
use verity_primitives::{
	stake::SlashOutcome,
	subnets::{
		EvaluationSpec, HyperparameterBounds, Hyperparameters, NetUid, SubnetCreationParameters,
		MAX_UIDS_LIMIT, MAX_VALIDATORS_LIMIT,
	},
	traits::{BurnLedger, StakeInterface, SubnetLifecycle},
	Balance,
};

pub type AccountId = u64;
pub type BlockNumber = u64;
type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Subnets: pallet_subnets,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

/// The least balance an account keeps.
pub const ED: Balance = 10;

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type ExistentialDeposit = ConstU128<ED>;
	type AccountStore = System;
}

/// `MaxSubnetsLimit` in the mock.
pub const MAX_SUBNETS_LIMIT: u16 = 8;
/// `ServeRateLimit` in the mock.
pub const SERVE_RATE_LIMIT: BlockNumber = 10;
/// `MaxModelSize` in the mock.
pub const MAX_MODEL_SIZE: u64 = 1_000_000;

impl pallet_subnets::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Stake = MockStake;
	type Lifecycle = MockLifecycle;
	type Burns = MockLifecycle;
	type GovernanceOrigin = EnsureRoot<AccountId>;
	type Parameters = MockParameters;
	type MaxSubnetsLimit = ConstU16<MAX_SUBNETS_LIMIT>;
	type ServeRateLimit = ConstU64<SERVE_RATE_LIMIT>;
	type MaxModelSize = ConstU64<MAX_MODEL_SIZE>;
	type WeightInfo = ();
}

thread_local! {
	/// hotkey → coldkey.
	static HOTKEY_OWNERS: RefCell<BTreeMap<AccountId, AccountId>> = const { RefCell::new(BTreeMap::new()) };
	/// hotkey → total stake.
	static STAKES: RefCell<BTreeMap<AccountId, Balance>> = const { RefCell::new(BTreeMap::new()) };
	/// Every lifecycle hook called, in order.
	static LIFECYCLE: RefCell<Vec<LifecycleEvent>> = const { RefCell::new(Vec::new()) };
	/// Everything reported burned.
	static BURNED: RefCell<Balance> = const { RefCell::new(0) };
}

/// A lifecycle hook the pallet called.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LifecycleEvent {
	Created(NetUid),
	Replaced(NetUid, u16),
	Dissolved(NetUid),
	TempoChanged(NetUid, u16),
}

/// Records the lifecycle hooks and burns the pallet reports.
pub struct MockLifecycle;

impl MockLifecycle {
	/// The hooks called so far.
	pub fn events() -> Vec<LifecycleEvent> {
		LIFECYCLE.with(|l| l.borrow().clone())
	}

	/// Everything reported burned so far.
	pub fn burned() -> Balance {
		BURNED.with(|b| *b.borrow())
	}

	fn record(event: LifecycleEvent) {
		LIFECYCLE.with(|l| l.borrow_mut().push(event));
	}

	fn reset() {
		LIFECYCLE.with(|l| l.borrow_mut().clear());
		BURNED.with(|b| *b.borrow_mut() = 0);
	}
}

impl SubnetLifecycle for MockLifecycle {
	fn on_subnet_created(netuid: NetUid) {
		Self::record(LifecycleEvent::Created(netuid));
	}
	fn on_neuron_replaced(netuid: NetUid, uid: u16) {
		Self::record(LifecycleEvent::Replaced(netuid, uid));
	}
	fn on_subnet_dissolved(netuid: NetUid) {
		Self::record(LifecycleEvent::Dissolved(netuid));
	}
	fn on_tempo_changed(netuid: NetUid, tempo: u16) {
		Self::record(LifecycleEvent::TempoChanged(netuid, tempo));
	}
	fn subnet_created_weight() -> polkadot_sdk::frame_support::weights::Weight {
		Default::default()
	}
	fn neuron_replaced_weight() -> polkadot_sdk::frame_support::weights::Weight {
		Default::default()
	}
	fn subnet_dissolved_weight() -> polkadot_sdk::frame_support::weights::Weight {
		Default::default()
	}
}

impl BurnLedger for MockLifecycle {
	fn note_burned(amount: Balance) {
		BURNED.with(|b| *b.borrow_mut() += amount);
	}
}

/// `pallet-stake`'s hotkey ownership and stake, in thread-local maps.
pub struct MockStake;

impl MockStake {
	/// Sets the total stake on `hotkey`.
	pub fn set_stake(hotkey: AccountId, stake: Balance) {
		STAKES.with(|s| s.borrow_mut().insert(hotkey, stake));
	}

	/// Forgets every owner and stake (each test starts clean).
	pub fn reset() {
		HOTKEY_OWNERS.with(|o| o.borrow_mut().clear());
		STAKES.with(|s| s.borrow_mut().clear());
		MockLifecycle::reset();
	}
}

impl StakeInterface<AccountId> for MockStake {
	fn hotkey_owner(hotkey: &AccountId) -> Option<AccountId> {
		HOTKEY_OWNERS.with(|o| o.borrow().get(hotkey).copied())
	}

	fn bind_hotkey(coldkey: &AccountId, hotkey: &AccountId) -> DispatchResult {
		HOTKEY_OWNERS.with(|o| {
			let mut owners = o.borrow_mut();
			match owners.get(hotkey) {
				Some(owner) if owner != coldkey => Err(DispatchError::Other("hotkey owned")),
				_ => {
					owners.insert(*hotkey, *coldkey);
					Ok(())
				}
			}
		})
	}

	fn total_stake(hotkey: &AccountId) -> Balance {
		STAKES.with(|s| s.borrow().get(hotkey).copied().unwrap_or(0))
	}

	fn slash(
		_hotkey: &AccountId,
		_fraction: Perbill,
		_beneficiary: Option<(AccountId, Perbill)>,
	) -> SlashOutcome {
		SlashOutcome::default()
	}

	fn distribute_reward(hotkey: &AccountId, amount: Balance) -> Result<Balance, DispatchError> {
		STAKES.with(|s| *s.borrow_mut().entry(*hotkey).or_default() += amount);
		Ok(amount)
	}
}

/// Coldkeys with funds.
pub const ALICE: AccountId = 1;
pub const BOB: AccountId = 2;
pub const CHARLIE: AccountId = 3;
/// A coldkey with nothing.
pub const PAUPER: AccountId = 9;
/// What each funded coldkey starts with.
pub const INITIAL_BALANCE: Balance = 1_000_000;

/// The mock's network parameters: 4 subnets, minimum lock 100, decay over 100 blocks.
pub fn network_params() -> SubnetCreationParameters {
	SubnetCreationParameters { max_subnets: 4, min_lock: 100, lock_reduction_interval: 100 }
}

frame_support::parameter_types! {
	/// The network parameters the mock reads (set by tests in place of governance).
	pub storage MockSubnetCreation: SubnetCreationParameters = network_params();
	pub storage MockBounds: HyperparameterBounds = bounds();
	pub storage MockDefaults: Hyperparameters = defaults();
}

/// The network parameters of the mock: subnet creation, bounds and defaults from the `Mock*`
/// storage parameters.
pub struct MockParameters;

impl verity_primitives::traits::NetworkParametersInterface<BlockNumber> for MockParameters {
	fn authority_count() -> u32 {
		1
	}
	fn unbonding_period() -> BlockNumber {
		10
	}
	fn emission_split() -> verity_primitives::emissions::EmissionSplit {
		verity_primitives::emissions::DEFAULT_SPLIT
	}
	fn max_subnet_share() -> Perbill {
		Perbill::one()
	}
	fn subnet_creation() -> SubnetCreationParameters {
		MockSubnetCreation::get()
	}
	fn hyperparameter_bounds() -> HyperparameterBounds {
		MockBounds::get()
	}
	fn default_hyperparameters() -> Hyperparameters {
		MockDefaults::get()
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn set_subnet_creation(params: SubnetCreationParameters) {
		MockSubnetCreation::set(&params);
	}
}

/// The mock's bounds: small enough for tests to reach both ends.
pub fn bounds() -> HyperparameterBounds {
	HyperparameterBounds {
		tempo: (1, 1_000),
		max_uids: (1, 16),
		max_validators: (1, 8),
		immunity_period: (0, 100),
		burn: (1, 10_000),
		target_registrations_per_interval: (1, 10),
		adjustment_interval: (1, 100),
		weights_rate_limit: (0, 100),
		commit_reveal_period: (0, 10),
		kappa: (0, u16::MAX),
		bonds_moving_average: (0, 999_999),
		min_validator_stake: (0, 1_000),
		samples_per_evaluation: (1, 100),
		audit_probability: (Perbill::zero(), Perbill::from_percent(50)),
	}
}

/// The mock's defaults: 4 UIDs, 3 blocks of immunity, burn 10..=1000 starting at 10, adjusted
/// every 10 blocks towards 2 registrations.
pub fn defaults() -> Hyperparameters {
	let production = verity_primitives::subnets::default_hyperparameters();
	Hyperparameters {
		tempo: 10,
		max_uids: 4,
		max_validators: 2,
		immunity_period: 3,
		min_burn: 10,
		max_burn: 1_000,
		adjustment_interval: 10,
		weights_rate_limit: 5,
		evaluation: EvaluationSpec { samples_per_evaluation: 8, ..production.evaluation },
		..production
	}
}

// The mock's bounds respect the hard limits.
const _: () = assert!(16 <= MAX_UIDS_LIMIT && 8 <= MAX_VALIDATORS_LIMIT);

/// Builds the test externalities.
pub struct ExtBuilder {
	balances: Vec<(AccountId, Balance)>,
	subnets: Vec<(AccountId, Balance)>,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		Self {
			balances: vec![
				(ALICE, INITIAL_BALANCE),
				(BOB, INITIAL_BALANCE),
				(CHARLIE, INITIAL_BALANCE),
			],
			subnets: Vec::new(),
		}
	}
}

impl ExtBuilder {
	/// Gives `who` a balance at genesis.
	pub fn balance(mut self, who: AccountId, amount: Balance) -> Self {
		self.balances.push((who, amount));
		self
	}

	/// Creates a subnet at genesis.
	pub fn subnet(mut self, owner: AccountId, lock: Balance) -> Self {
		self.subnets.push((owner, lock));
		self
	}

	/// The externalities at block 1.
	pub fn build(self) -> sp_io::TestExternalities {
		MockStake::reset();
		let storage = RuntimeGenesisConfig {
			system: Default::default(),
			balances: pallet_balances::GenesisConfig {
				balances: self.balances,
				..Default::default()
			},
			subnets: pallet_subnets::GenesisConfig { subnets: self.subnets },
		}
		.build_storage()
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| System::set_block_number(1));
		ext
	}

	/// Runs `test`, then checks the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			Subnets::do_try_state().unwrap();
		});
	}
}

/// The default externalities (for the benchmarks' test suite).
pub fn new_test_ext() -> sp_io::TestExternalities {
	ExtBuilder::default().build()
}

/// Runs blocks up to `n`, with this pallet's `on_initialize` in each.
pub fn run_to_block(n: BlockNumber) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Subnets::on_initialize(next);
	}
}

/// This pallet's events since the last call, oldest first.
pub fn subnet_events() -> Vec<crate::Event<Test>> {
	let events = System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Subnets(e) => Some(e),
			_ => None,
		})
		.collect();
	System::reset_events();
	events
}

/// Creates a subnet owned by `owner` and returns its netuid.
pub fn create_subnet(owner: AccountId) -> NetUid {
	let netuid = crate::NextNetUid::<Test>::get();
	frame_support::assert_ok!(Subnets::create_subnet(RuntimeOrigin::signed(owner)));
	netuid
}

/// Registers `hotkey` for `coldkey` on `netuid`.
pub fn register(netuid: NetUid, coldkey: AccountId, hotkey: AccountId) {
	frame_support::assert_ok!(Subnets::register(RuntimeOrigin::signed(coldkey), netuid, hotkey));
}
