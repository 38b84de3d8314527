//! A runtime with only System and this pallet; root (and nothing else) is the parameters origin.

use crate as pallet_network_parameters;
use polkadot_sdk::{
	frame_support::{derive_impl, traits::ConstU16, traits::ConstU32, traits::ConstU64},
	frame_system::{self, EnsureRoot},
	sp_io::TestExternalities,
	sp_runtime::BuildStorage,
};

type Block = frame_system::mocking::MockBlock<Test>;

#[polkadot_sdk::frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(RuntimeCall, RuntimeEvent, RuntimeError, RuntimeOrigin, RuntimeTask)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type NetworkParameters = pallet_network_parameters;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

/// The bounds of the mock's checks.
pub const MIN_AUTHORITIES: u32 = 1;
pub const MAX_AUTHORITIES: u32 = 100;
pub const MIN_UNBONDING: u64 = 10;
pub const MAX_SUBNETS_LIMIT: u16 = 128;

impl pallet_network_parameters::Config for Test {
	type ParametersOrigin = EnsureRoot<u64>;
	type MinAuthorities = ConstU32<MIN_AUTHORITIES>;
	type MaxAuthorities = ConstU32<MAX_AUTHORITIES>;
	type MinUnbondingPeriod = ConstU64<MIN_UNBONDING>;
	type MaxSubnetsLimit = ConstU16<MAX_SUBNETS_LIMIT>;
	type WeightInfo = ();
}

/// The default genesis, at block 1 (so that events are recorded).
pub fn new_test_ext() -> TestExternalities {
	let storage =
		frame_system::GenesisConfig::<Test>::default().build_storage().unwrap_or_default();
	let mut ext = TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test` on the default genesis, then checks the pallet's invariants.
pub fn build_and_execute(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		NetworkParameters::do_try_state().expect("invariants hold");
	});
}
