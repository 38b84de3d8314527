//! A test runtime: System and this pallet, with thread-local stand-ins for `pallet-subnets`
//! (which calls this pallet's lifecycle hooks as the real one does), `pallet-stake` and
//! `pallet-emissions`.

#![allow(
	clippy::arithmetic_side_effects,
	clippy::indexing_slicing,
	clippy::expect_used,
	clippy::unwrap_used
)]

use crate::{self as pallet_scoring};
use core::cell::RefCell;
use polkadot_sdk::{
	frame_support::{
		self, derive_impl,
		traits::{ConstU32, ConstU64, Get, Hooks},
		weights::Weight,
	},
	frame_system, sp_io,
	sp_runtime::{BuildStorage, DispatchError, DispatchResult, Perbill, Perquintill},
};
use std::collections::BTreeMap;
use verity_primitives::{
	stake::SlashOutcome,
	subnets::{
		Endpoint, EvaluationMode, EvaluationSpec, Hyperparameters, ModelCommitment, NetUid, Uid,
	},
	traits::{EmissionPayout, EpochPayout, StakeInterface, SubnetLifecycle, SubnetsInterface},
	Balance,
};

pub type AccountId = u64;
pub type BlockNumber = u64;
type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Scoring: pallet_scoring,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

/// `ActivityCutoff` in the mock.
pub const ACTIVITY_CUTOFF: BlockNumber = 50;
/// `MaxSubnets` in the mock.
pub const MAX_SUBNETS: u32 = 8;
/// What the mock's emissions pay miners (by incentive) and validators (by dividends) each
/// epoch.
pub const MINER_POOL: Balance = 410_000;
/// See [`MINER_POOL`].
pub const VALIDATOR_POOL: Balance = 410_000;

impl pallet_scoring::Config for Test {
	type Subnets = MockSubnets;
	type Stake = MockStake;
	type Emissions = MockEmissions;
	type OnEpoch = ();
	type ActivityCutoff = ConstU64<ACTIVITY_CUTOFF>;
	type MaxEpochWeight = MockMaxEpochWeight;
	type MaxSubnets = ConstU32<MAX_SUBNETS>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockSubnets;
}

/// One subnet of the stand-in for `pallet-subnets`.
#[derive(Clone, Debug)]
pub struct MockSubnet {
	pub owner: AccountId,
	pub hyperparameters: Hyperparameters,
	/// `(hotkey, registered_at)` by UID.
	pub neurons: Vec<(AccountId, u32)>,
	pub pruning_scores: Vec<u16>,
}

/// One `pay_epoch` call.
#[derive(Clone, Debug, PartialEq)]
pub struct Payout {
	pub netuid: NetUid,
	pub hotkeys: Vec<AccountId>,
	pub incentive: Vec<Perquintill>,
	pub dividends: Vec<Perquintill>,
	pub permitted_stake: Balance,
}

/// The default `MaxEpochWeight` of the mock: room for far more than the worst epoch.
pub const DEFAULT_MAX_EPOCH_WEIGHT: Weight = Weight::from_parts(4_000_000_000_000, u64::MAX);

thread_local! {
	static SUBNETS: RefCell<BTreeMap<NetUid, MockSubnet>> = const { RefCell::new(BTreeMap::new()) };
	static STAKES: RefCell<BTreeMap<AccountId, Balance>> = const { RefCell::new(BTreeMap::new()) };
	static PAYOUTS: RefCell<Vec<Payout>> = const { RefCell::new(Vec::new()) };
	static MAX_EPOCH_WEIGHT: RefCell<Weight> = const { RefCell::new(DEFAULT_MAX_EPOCH_WEIGHT) };
}

/// `MaxEpochWeight`, which tests may lower.
pub struct MockMaxEpochWeight;

impl MockMaxEpochWeight {
	pub fn set(weight: Weight) {
		MAX_EPOCH_WEIGHT.with(|w| *w.borrow_mut() = weight);
	}
}

impl Get<Weight> for MockMaxEpochWeight {
	fn get() -> Weight {
		MAX_EPOCH_WEIGHT.with(|w| *w.borrow())
	}
}

/// The mock subnets' hyperparameters: tempo 10, 16 UIDs, 2 validators, rate limit 5, no
/// commit–reveal.
pub fn hyperparameters() -> Hyperparameters {
	Hyperparameters {
		tempo: 10,
		max_uids: 16,
		max_validators: 2,
		immunity_period: 0,
		min_burn: 1,
		max_burn: 1,
		target_registrations_per_interval: 1,
		adjustment_interval: 10,
		weights_rate_limit: 5,
		commit_reveal_period: 0,
		kappa: 32_767,
		bonds_moving_average: 900_000,
		min_validator_stake: 0,
		evaluation: EvaluationSpec {
			mode: EvaluationMode::Weights,
			model_family: 1,
			dataset_root: Default::default(),
			samples_per_evaluation: 1,
			audit_probability: Perbill::zero(),
		},
	}
}

/// The stand-in for `pallet-subnets`.
pub struct MockSubnets;

impl MockSubnets {
	/// Creates a subnet owned by `owner` under the next free netuid.
	pub fn create(owner: AccountId) -> NetUid {
		let netuid = SUBNETS.with(|s| s.borrow().keys().next_back().map_or(0, |n| n + 1));
		Self::create_at(netuid, owner);
		netuid
	}

	/// Creates a subnet owned by `owner` under `netuid` (which may have been used before).
	pub fn create_at(netuid: NetUid, owner: AccountId) {
		let subnet = MockSubnet {
			owner,
			hyperparameters: hyperparameters(),
			neurons: Vec::new(),
			pruning_scores: Vec::new(),
		};
		assert!(SUBNETS.with(|s| s.borrow_mut().insert(netuid, subnet)).is_none());
		Scoring::on_subnet_created(netuid);
	}

	/// Dissolves the subnet, as `pallet-subnets` does.
	pub fn dissolve(netuid: NetUid) {
		assert!(SUBNETS.with(|s| s.borrow_mut().remove(&netuid)).is_some());
		Scoring::on_subnet_dissolved(netuid);
	}

	/// Registers `hotkey` on the subnet in a new UID, now.
	pub fn register(netuid: NetUid, hotkey: AccountId) -> Uid {
		let now = System::block_number() as u32;
		Self::mutate(netuid, |subnet| {
			assert!(subnet.neurons.len() < usize::from(subnet.hyperparameters.max_uids));
			subnet.neurons.push((hotkey, now));
			(subnet.neurons.len() - 1) as Uid
		})
	}

	/// Replaces the neuron at `uid` by `hotkey`, now, as a registration on a full subnet
	/// does.
	pub fn replace(netuid: NetUid, uid: Uid, hotkey: AccountId) {
		let now = System::block_number() as u32;
		Self::mutate(netuid, |subnet| subnet.neurons[usize::from(uid)] = (hotkey, now));
		Scoring::on_neuron_replaced(netuid, uid);
	}

	/// Changes the subnet's hyperparameters.
	pub fn set_hyperparameters(netuid: NetUid, change: impl FnOnce(&mut Hyperparameters)) {
		Self::mutate(netuid, |subnet| change(&mut subnet.hyperparameters));
	}

	/// The pruning scores the last epoch set.
	pub fn pruning_scores(netuid: NetUid) -> Vec<u16> {
		SUBNETS.with(|s| s.borrow()[&netuid].pruning_scores.clone())
	}

	fn mutate<R>(netuid: NetUid, f: impl FnOnce(&mut MockSubnet) -> R) -> R {
		SUBNETS.with(|s| f(s.borrow_mut().get_mut(&netuid).expect("subnet exists")))
	}

	fn read<R>(netuid: NetUid, f: impl FnOnce(&MockSubnet) -> R) -> Option<R> {
		SUBNETS.with(|s| s.borrow().get(&netuid).map(f))
	}
}

impl SubnetsInterface<AccountId> for MockSubnets {
	fn netuids() -> Vec<NetUid> {
		SUBNETS.with(|s| s.borrow().keys().copied().collect())
	}
	fn subnet_owner(netuid: NetUid) -> Option<AccountId> {
		Self::read(netuid, |s| s.owner)
	}
	fn hyperparameters(netuid: NetUid) -> Option<Hyperparameters> {
		Self::read(netuid, |s| s.hyperparameters)
	}
	fn neuron_count(netuid: NetUid) -> u16 {
		Self::read(netuid, |s| s.neurons.len() as u16).unwrap_or(0)
	}
	fn uid_of(netuid: NetUid, hotkey: &AccountId) -> Option<Uid> {
		Self::read(netuid, |s| s.neurons.iter().position(|(h, _)| h == hotkey))
			.flatten()
			.map(|uid| uid as Uid)
	}
	fn hotkey_of(netuid: NetUid, uid: Uid) -> Option<AccountId> {
		Self::read(netuid, |s| s.neurons.get(usize::from(uid)).map(|(h, _)| *h)).flatten()
	}
	fn model_commitment(_netuid: NetUid, _uid: Uid) -> Option<ModelCommitment> {
		None
	}
	fn endpoint(_netuid: NetUid, _uid: Uid) -> Option<Endpoint> {
		None
	}
	fn set_pruning_scores(netuid: NetUid, scores: &[u16]) {
		let _ = SUBNETS.with(|s| {
			s.borrow_mut().get_mut(&netuid).map(|subnet| {
				subnet.pruning_scores = scores.iter().copied().take(subnet.neurons.len()).collect()
			})
		});
	}
	fn neurons(netuid: NetUid) -> Vec<(AccountId, u32)> {
		Self::read(netuid, |s| s.neurons.clone()).unwrap_or_default()
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl verity_primitives::traits::NetworkBenchmarkHelper<AccountId> for MockSubnets {
	fn subnet_with_neurons(neurons: u16, validators: u16) -> (NetUid, Vec<AccountId>) {
		let netuid = Self::create(0);
		Self::set_hyperparameters(netuid, |h| {
			h.max_uids = neurons.max(1);
			h.max_validators = validators.max(1);
		});
		let hotkeys: Vec<AccountId> =
			(0..neurons).map(|uid| 1_000_000 * (u64::from(netuid) + 1) + u64::from(uid)).collect();
		for (uid, hotkey) in hotkeys.iter().enumerate() {
			Self::register(netuid, *hotkey);
			if uid < usize::from(validators) {
				MockStake::set_stake(*hotkey, 1_000 * (u128::from(validators) - uid as u128));
			}
		}
		(netuid, hotkeys)
	}
}

/// The stand-in for `pallet-stake`: a stake per hotkey.
pub struct MockStake;

impl MockStake {
	pub fn set_stake(hotkey: AccountId, stake: Balance) {
		STAKES.with(|s| s.borrow_mut().insert(hotkey, stake));
	}
}

impl StakeInterface<AccountId> for MockStake {
	fn hotkey_owner(_hotkey: &AccountId) -> Option<AccountId> {
		None
	}
	fn bind_hotkey(_coldkey: &AccountId, _hotkey: &AccountId) -> DispatchResult {
		Ok(())
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
	fn distribute_reward(_hotkey: &AccountId, amount: Balance) -> Result<Balance, DispatchError> {
		Ok(amount)
	}
}

/// The stand-in for `pallet-emissions`: records each payout and pays [`MINER_POOL`] by
/// incentive and [`VALIDATOR_POOL`] by dividends, rounding down.
pub struct MockEmissions;

impl MockEmissions {
	/// The payouts so far, oldest first.
	pub fn payouts() -> Vec<Payout> {
		PAYOUTS.with(|p| p.borrow().clone())
	}
}

impl EmissionPayout<AccountId> for MockEmissions {
	fn pay_epoch(netuid: NetUid, payout: EpochPayout<'_, AccountId>) -> Vec<Balance> {
		PAYOUTS.with(|p| {
			p.borrow_mut().push(Payout {
				netuid,
				hotkeys: payout.hotkeys.to_vec(),
				incentive: payout.incentive.to_vec(),
				dividends: payout.dividends.to_vec(),
				permitted_stake: payout.permitted_stake,
			})
		});
		payout
			.incentive
			.iter()
			.zip(payout.dividends)
			.map(|(i, d)| i.mul_floor(MINER_POOL) + d.mul_floor(VALIDATOR_POOL))
			.collect()
	}
	fn pay_epoch_weight(neurons: u32, validators: u32) -> Weight {
		Weight::from_parts(1_000_000 + 10_000 * u64::from(neurons + validators), 0)
	}
}

/// Builds the test externalities.
#[derive(Default)]
pub struct ExtBuilder;

impl ExtBuilder {
	/// The externalities at block 1, every stand-in empty.
	pub fn build(self) -> sp_io::TestExternalities {
		SUBNETS.with(|s| s.borrow_mut().clear());
		STAKES.with(|s| s.borrow_mut().clear());
		PAYOUTS.with(|p| p.borrow_mut().clear());
		MockMaxEpochWeight::set(DEFAULT_MAX_EPOCH_WEIGHT);
		let storage = RuntimeGenesisConfig { system: Default::default() }.build_storage().unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| System::set_block_number(1));
		ext
	}

	/// Runs `test`, then checks the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			Scoring::do_try_state().unwrap();
		});
	}
}

/// The default externalities (for the benchmarks' test suite).
pub fn new_test_ext() -> sp_io::TestExternalities {
	ExtBuilder.build()
}

/// Runs blocks up to `n`, with this pallet's `on_initialize` in each.
pub fn run_to_block(n: BlockNumber) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Scoring::on_initialize(next);
	}
}

/// Runs `blocks` more blocks.
pub fn run_blocks(blocks: BlockNumber) {
	run_to_block(System::block_number() + blocks);
}

/// This pallet's events since the last call, oldest first.
pub fn scoring_events() -> Vec<crate::Event<Test>> {
	let events = System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Scoring(e) => Some(e),
			_ => None,
		})
		.collect();
	System::reset_events();
	events
}
