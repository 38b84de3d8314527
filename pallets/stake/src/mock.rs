//! A test runtime: System, Balances and Stake.

#![allow(clippy::arithmetic_side_effects)]

use crate::{self as pallet_stake, pallet::*};
use polkadot_sdk::{
	frame_support::{
		assert_ok, derive_impl, parameter_types,
		traits::{ConstU128, ConstU32, ConstU64, Contains, Hooks},
	},
	frame_system, pallet_balances, sp_io,
	sp_runtime::{BuildStorage, Perbill},
};
use std::{cell::RefCell, collections::BTreeSet};
use verity_primitives::Balance;

pub type AccountId = u64;
type Block = frame_system::mocking::MockBlock<Test>;

polkadot_sdk::frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Stake: pallet_stake,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

parameter_types! {
	/// The existential deposit of the mock; a test may raise it.
	pub static ExistentialDeposit: Balance = 1;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type ExistentialDeposit = ExistentialDeposit;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

thread_local! {
	/// Hotkeys with session keys registered, for [`SessionKeys`].
	pub static SESSION_KEYS: RefCell<BTreeSet<AccountId>> = const { RefCell::new(BTreeSet::new()) };
	/// Everything the pallet reported burned.
	pub static BURNED: RefCell<Balance> = const { RefCell::new(0) };
}

/// Adds up the burns the pallet reports.
pub struct Burns;
impl verity_primitives::traits::BurnLedger for Burns {
	fn note_burned(amount: Balance) {
		BURNED.with(|burned| *burned.borrow_mut() += amount);
	}
}

/// Everything the pallet reported burned in this test.
pub fn reported_burned() -> Balance {
	BURNED.with(|burned| *burned.borrow())
}

/// The mock's answer to "has this hotkey registered session keys?": a thread-local set.
pub struct SessionKeys;
impl Contains<AccountId> for SessionKeys {
	fn contains(hotkey: &AccountId) -> bool {
		SESSION_KEYS.with(|keys| keys.borrow().contains(hotkey))
	}
}

/// Registers session keys for `hotkeys`.
pub fn register_session_keys(hotkeys: &[AccountId]) {
	SESSION_KEYS.with(|keys| keys.borrow_mut().extend(hotkeys.iter().copied()));
}

pub const MIN_STAKE: Balance = 10;
pub const MAX_STAKERS: u32 = 4;
pub const MAX_HOTKEYS: u32 = 3;
pub const MAX_CHUNKS: u32 = 3;
pub const MIN_UNBONDING: u64 = 5;
pub const TAKE_RATE_LIMIT: u64 = 10;
pub const MAX_AUTHORITIES: u32 = 3;
pub const MAX_CANDIDATES: u32 = 4;

parameter_types! {
	/// The network parameters the mock reads (set by tests in place of governance).
	pub storage MockAuthorityCount: u32 = 2;
	pub storage MockUnbondingPeriod: u64 = UNBONDING;
	pub const MaxTake: Perbill = Perbill::from_percent(18);
	pub const DefaultTake: Perbill = Perbill::from_percent(10);
}

impl Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Burns = Burns;
	type Parameters = MockParameters;
	type SessionKeysRegistered = SessionKeys;
	type MinStake = ConstU128<MIN_STAKE>;
	type MaxStakersPerHotkey = ConstU32<MAX_STAKERS>;
	type MaxHotkeysPerColdkey = ConstU32<MAX_HOTKEYS>;
	type MaxUnbondingChunks = ConstU32<MAX_CHUNKS>;
	type MaxTake = MaxTake;
	type DefaultTake = DefaultTake;
	type TakeIncreaseRateLimit = ConstU64<TAKE_RATE_LIMIT>;
	type MinAuthorities = ConstU32<1>;
	type MaxAuthorities = ConstU32<MAX_AUTHORITIES>;
	type MaxAuthorityCandidates = ConstU32<MAX_CANDIDATES>;
	type WeightInfo = ();
}

/// The network parameters of the mock: the authority count and unbonding period from the
/// `Mock*` storage parameters, the rest at their production defaults.
pub struct MockParameters;

impl verity_primitives::traits::NetworkParametersInterface<u64> for MockParameters {
	fn authority_count() -> u32 {
		MockAuthorityCount::get()
	}
	fn unbonding_period() -> u64 {
		MockUnbondingPeriod::get()
	}
	fn emission_split() -> verity_primitives::emissions::EmissionSplit {
		verity_primitives::emissions::DEFAULT_SPLIT
	}
	fn max_subnet_share() -> Perbill {
		Perbill::one()
	}
	fn subnet_creation() -> verity_primitives::subnets::SubnetCreationParameters {
		Default::default()
	}
	fn hyperparameter_bounds() -> verity_primitives::subnets::HyperparameterBounds {
		verity_primitives::subnets::default_hyperparameter_bounds()
	}
	fn default_hyperparameters() -> verity_primitives::subnets::Hyperparameters {
		verity_primitives::subnets::default_hyperparameters()
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn set_subnet_creation(_: verity_primitives::subnets::SubnetCreationParameters) {}
}

/// The unbonding period the mock's genesis sets.
pub const UNBONDING: u64 = 20;
/// Every account the tests fund: 1..=20 hold [`INITIAL_BALANCE`] each.
pub const INITIAL_BALANCE: Balance = 1_000;

/// Builds the mock's genesis.
pub struct ExtBuilder {
	balances: Vec<(AccountId, Balance)>,
	stakes: Vec<(AccountId, AccountId, Balance)>,
	candidates: Vec<AccountId>,
	authority_count: u32,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		Self {
			balances: (1..=20).map(|who| (who, INITIAL_BALANCE)).collect(),
			stakes: Vec::new(),
			candidates: Vec::new(),
			authority_count: 2,
		}
	}
}

impl ExtBuilder {
	/// Stake at genesis: `(coldkey, hotkey, amount)`.
	pub fn stakes(mut self, stakes: &[(AccountId, AccountId, Balance)]) -> Self {
		self.stakes = stakes.to_vec();
		self
	}

	/// Authority candidates at genesis.
	pub fn candidates(mut self, candidates: &[AccountId]) -> Self {
		self.candidates = candidates.to_vec();
		self
	}

	/// The authority count at genesis.
	pub fn authority_count(mut self, count: u32) -> Self {
		self.authority_count = count;
		self
	}

	/// The genesis storage, without running anything on it.
	pub fn build(self) -> sp_io::TestExternalities {
		SESSION_KEYS.with(|keys| keys.borrow_mut().clear());
		ExistentialDeposit::set(1);
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_balances::GenesisConfig::<Test> { balances: self.balances, ..Default::default() }
			.assimilate_storage(&mut storage)
			.unwrap();
		let authority_count = self.authority_count;
		pallet_stake::GenesisConfig::<Test> {
			stakes: self.stakes,
			authority_candidates: self.candidates,
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| {
			MockAuthorityCount::set(&authority_count);
			System::set_block_number(1);
		});
		ext
	}

	/// Runs `test` on the genesis, then checks the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		BURNED.with(|burned| *burned.borrow_mut() = 0);
		self.build().execute_with(|| {
			test();
			assert_ok!(Stake::do_try_state());
		});
	}
}

/// Moves to block `n`.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Stake::on_initialize(next);
	}
}

/// The pallet's events since the last call, oldest first.
pub fn stake_events() -> Vec<Event<Test>> {
	let events = System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Stake(event) => Some(event),
			_ => None,
		})
		.collect();
	System::reset_events();
	events
}

/// The balance `who` holds as stake.
pub fn staked(who: AccountId) -> Balance {
	use polkadot_sdk::frame_support::traits::fungible::InspectHold;
	Balances::balance_on_hold(&HoldReason::Staked.into(), &who)
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
