//! A test runtime: System and this pallet, with thread-local stand-ins for `pallet-subnets`,
//! `pallet-stake` (stakes that slashes really take, coldkeys that receive the honest share),
//! `pallet-scoring` (epochs, permits and the weights rows evaluations set), the reward issuer
//! and the two randomness sources; and a real model and dataset from `verity-evaluator`.

#![allow(
	clippy::arithmetic_side_effects,
	clippy::indexing_slicing,
	clippy::expect_used,
	clippy::unwrap_used
)]

use crate::{self as pallet_evaluations};
use core::cell::RefCell;
use polkadot_sdk::{
	frame_support::{
		self, derive_impl,
		traits::{Get, Hooks, Randomness},
		weights::Weight,
	},
	frame_system,
	sp_core::H256,
	sp_io::{self, hashing::blake2_256},
	sp_runtime::{
		testing::{TestSignature, UintAuthorityId},
		BuildStorage, DispatchError, DispatchResult, Perbill,
	},
};
use std::collections::BTreeMap;
use verity_evaluator::{
	Activation, Dataset, EvaluationResult, Layer, Model, ReferenceBackend, Requantization,
};
use verity_primitives::{
	evaluations::EvaluationParameters,
	stake::SlashOutcome,
	subnets::{
		default_hyperparameters, Endpoint, EvaluationMode, Hyperparameters, IpAddress,
		ModelCommitment, NetUid, Protocol, Uid,
	},
	traits::{
		EpochObserver, NetworkParametersInterface, RewardIssuer, ScoringInterface, StakeInterface,
		SubnetLifecycle, SubnetsInterface,
	},
	Balance,
};

pub type AccountId = u64;
pub type BlockNumber = u64;
type Block = frame_system::mocking::MockBlock<Test>;
/// The mock's extrinsic: the signer's account and the call.
pub type Extrinsic = frame_system::mocking::MockUncheckedExtrinsic<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Evaluations: pallet_evaluations,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

/// `SlashWeight` in the mock.
pub struct MockSlashWeight;
impl Get<Weight> for MockSlashWeight {
	fn get() -> Weight {
		Weight::from_parts(1_000_000, 0)
	}
}

/// Signing in the mock: `UintAuthorityId(n)` signs for account `n`; extrinsics carry the
/// signer and no signature (the runtime's tests sign for real).
impl frame_system::offchain::SigningTypes for Test {
	type Public = UintAuthorityId;
	type Signature = TestSignature;
}

impl<LocalCall> frame_system::offchain::CreateTransactionBase<LocalCall> for Test
where
	RuntimeCall: From<LocalCall>,
{
	type RuntimeCall = RuntimeCall;
	type Extrinsic = Extrinsic;
}

impl<LocalCall> frame_system::offchain::CreateSignedTransaction<LocalCall> for Test
where
	RuntimeCall: From<LocalCall>,
{
	fn create_signed_transaction<
		C: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>,
	>(
		call: RuntimeCall,
		_public: UintAuthorityId,
		account: AccountId,
		_nonce: u32,
	) -> Option<Extrinsic> {
		Some(Extrinsic::new_signed(call, account, (), ()))
	}
}

/// The mock's evaluation keys: `UintAuthorityId`s (set with `UintAuthorityId::set_all_keys`).
pub struct MockAuthorityId;
impl frame_system::offchain::AppCrypto<UintAuthorityId, TestSignature> for MockAuthorityId {
	type RuntimeAppPublic = UintAuthorityId;
	type GenericPublic = UintAuthorityId;
	type GenericSignature = TestSignature;
}

impl pallet_evaluations::Config for Test {
	type AuthorityId = MockAuthorityId;
	type Subnets = MockSubnets;
	type Stake = MockStake;
	type Scoring = MockScoring;
	type Rewards = MockStake;
	type Parameters = MockParameters;
	type Randomness = MockRandomness;
	type SlashWeight = MockSlashWeight;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockSubnets;
}

/// Samples per evaluation in the mock subnets.
pub const SAMPLES: u32 = 16;
/// The stake every validator starts with.
pub const STAKE: Balance = 1_000_000;
/// The mock's evaluation parameters: a 0.1% stake minimum so that [`STAKE`] qualifies, 10%
/// slashed, 50% of it to the honest party.
pub fn parameters() -> EvaluationParameters {
	EvaluationParameters {
		min_stake: 1_000,
		audit_reward: 100,
		slash_fraction: Perbill::from_percent(10),
		honest_share: Perbill::from_percent(50),
		evaluation_cost: 1,
		audit_delay: 2,
		audit_window: 10,
		reveal_window: 5,
		referee_window: 5,
	}
}

/// One subnet of the stand-in for `pallet-subnets`.
#[derive(Clone, Debug)]
pub struct MockSubnet {
	pub hyperparameters: Hyperparameters,
	/// `(hotkey, registered_at)` by UID.
	pub neurons: Vec<(AccountId, u32)>,
	pub models: BTreeMap<Uid, ModelCommitment>,
	pub endpoints: BTreeMap<Uid, Endpoint>,
}

thread_local! {
	static SUBNETS: RefCell<BTreeMap<NetUid, MockSubnet>> = const { RefCell::new(BTreeMap::new()) };
	static STAKES: RefCell<BTreeMap<AccountId, Balance>> = const { RefCell::new(BTreeMap::new()) };
	static OWNERS: RefCell<BTreeMap<AccountId, AccountId>> = const { RefCell::new(BTreeMap::new()) };
	static FREE: RefCell<BTreeMap<AccountId, Balance>> = const { RefCell::new(BTreeMap::new()) };
	static BURNED: RefCell<Balance> = const { RefCell::new(0) };
	static EPOCHS: RefCell<BTreeMap<NetUid, u64>> = const { RefCell::new(BTreeMap::new()) };
	static PERMITS: RefCell<BTreeMap<NetUid, Vec<Uid>>> = const { RefCell::new(BTreeMap::new()) };
	static WEIGHTS: RefCell<BTreeMap<(NetUid, Uid), BTreeMap<Uid, u16>>> =
		const { RefCell::new(BTreeMap::new()) };
	static PARAMETERS: RefCell<Option<EvaluationParameters>> = const { RefCell::new(None) };
	static RANDOMNESS: RefCell<(H256, BlockNumber)> = const { RefCell::new((H256::zero(), 0)) };
}

/// The stand-in for `pallet-subnets`.
pub struct MockSubnets;

impl MockSubnets {
	/// Creates a verified subnet under the next free netuid, over `dataset`.
	pub fn create(dataset: &Dataset) -> NetUid {
		let netuid = SUBNETS.with(|s| s.borrow().keys().next_back().map_or(0, |n| n + 1));
		let mut hyperparameters = default_hyperparameters();
		hyperparameters.evaluation.mode = EvaluationMode::Verified;
		hyperparameters.evaluation.dataset_root = H256(dataset.root());
		hyperparameters.evaluation.samples_per_evaluation = SAMPLES;
		hyperparameters.evaluation.audit_probability = Perbill::one();
		let subnet = MockSubnet {
			hyperparameters,
			neurons: Vec::new(),
			models: BTreeMap::new(),
			endpoints: BTreeMap::new(),
		};
		SUBNETS.with(|s| s.borrow_mut().insert(netuid, subnet));
		Evaluations::on_subnet_created(netuid);
		netuid
	}

	/// Registers `hotkey`, owned by `coldkey`, in the next UID, now.
	pub fn register(netuid: NetUid, hotkey: AccountId, coldkey: AccountId) -> Uid {
		let now = System::block_number() as u32;
		OWNERS.with(|o| o.borrow_mut().insert(hotkey, coldkey));
		Self::mutate(netuid, |subnet| {
			subnet.neurons.push((hotkey, now));
			(subnet.neurons.len() - 1) as Uid
		})
	}

	/// Replaces the neuron at `uid` by `hotkey`, as a registration on a full subnet does.
	pub fn replace(netuid: NetUid, uid: Uid, hotkey: AccountId) {
		let now = System::block_number() as u32;
		Self::mutate(netuid, |subnet| {
			subnet.neurons[usize::from(uid)] = (hotkey, now);
			subnet.models.remove(&uid);
		});
		Evaluations::on_neuron_replaced(netuid, uid);
	}

	/// Dissolves the subnet, as `pallet-subnets` does.
	pub fn dissolve(netuid: NetUid) {
		SUBNETS.with(|s| s.borrow_mut().remove(&netuid));
		Evaluations::on_subnet_dissolved(netuid);
	}

	/// The miner at `uid` commits to `model`, now.
	pub fn commit_model(netuid: NetUid, uid: Uid, model: &Model) {
		let commitment = ModelCommitment {
			root: H256(model.root()),
			size: model.encode().len() as u64,
			format_version: 1,
			committed_at: System::block_number() as u32,
		};
		Self::mutate(netuid, |subnet| subnet.models.insert(uid, commitment));
	}

	/// The neuron at `uid` serves plain HTTP on `127.0.0.1:port`.
	pub fn serve(netuid: NetUid, uid: Uid, port: u16) {
		let endpoint = Endpoint {
			ip: IpAddress::V4([127, 0, 0, 1]),
			port,
			protocol: Protocol::Http,
			version: 1,
		};
		Self::mutate(netuid, |subnet| subnet.endpoints.insert(uid, endpoint));
	}

	/// Changes the subnet's hyperparameters.
	pub fn set_hyperparameters(netuid: NetUid, change: impl FnOnce(&mut Hyperparameters)) {
		Self::mutate(netuid, |subnet| change(&mut subnet.hyperparameters));
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
		Self::read(netuid, |_| 0)
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
	fn model_commitment(netuid: NetUid, uid: Uid) -> Option<ModelCommitment> {
		Self::read(netuid, |s| s.models.get(&uid).copied()).flatten()
	}
	fn endpoint(netuid: NetUid, uid: Uid) -> Option<Endpoint> {
		Self::read(netuid, |s| s.endpoints.get(&uid).copied()).flatten()
	}
	fn set_pruning_scores(_netuid: NetUid, _scores: &[u16]) {}
	fn neurons(netuid: NetUid) -> Vec<(AccountId, u32)> {
		Self::read(netuid, |s| s.neurons.clone()).unwrap_or_default()
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId> for MockSubnets {
	fn verified_subnet(
		neurons: u16,
		validators: u16,
		dataset_root: H256,
		samples: u32,
	) -> (NetUid, Vec<AccountId>) {
		let netuid = Self::create(&dataset());
		Self::set_hyperparameters(netuid, |h| {
			h.evaluation.dataset_root = dataset_root;
			h.evaluation.samples_per_evaluation = samples;
		});
		let hotkeys: Vec<AccountId> =
			(0..neurons).map(|uid| 1_000_000 * (u64::from(netuid) + 1) + u64::from(uid)).collect();
		for (uid, hotkey) in hotkeys.iter().enumerate() {
			Self::register(netuid, *hotkey, *hotkey + 500_000);
			if uid < usize::from(validators) {
				MockStake::set_stake(*hotkey, STAKE);
			}
		}
		MockScoring::set_permits(netuid, (0..validators).collect());
		(netuid, hotkeys)
	}

	fn commit_model(netuid: NetUid, hotkey: &AccountId, root: H256, size: u64) {
		let uid = Self::uid_of(netuid, hotkey).expect("registered");
		let committed_at = System::block_number() as u32;
		let commitment = ModelCommitment { root, size, format_version: 1, committed_at };
		Self::mutate(netuid, |subnet| subnet.models.insert(uid, commitment));
	}
}

/// The stand-in for `pallet-stake` (and the reward issuer): a stake per hotkey, an owner per
/// hotkey, free balances that slashes pay the honest share into, and a burn counter.
pub struct MockStake;

impl MockStake {
	pub fn set_stake(hotkey: AccountId, stake: Balance) {
		STAKES.with(|s| s.borrow_mut().insert(hotkey, stake));
	}
	/// The free balance of `account` (what slashes paid it).
	pub fn free(account: AccountId) -> Balance {
		FREE.with(|f| f.borrow().get(&account).copied().unwrap_or(0))
	}
	/// Everything slashes burned.
	pub fn burned() -> Balance {
		BURNED.with(|b| *b.borrow())
	}
}

impl StakeInterface<AccountId> for MockStake {
	fn hotkey_owner(hotkey: &AccountId) -> Option<AccountId> {
		OWNERS.with(|o| o.borrow().get(hotkey).copied())
	}
	fn bind_hotkey(_coldkey: &AccountId, _hotkey: &AccountId) -> DispatchResult {
		Ok(())
	}
	fn total_stake(hotkey: &AccountId) -> Balance {
		STAKES.with(|s| s.borrow().get(hotkey).copied().unwrap_or(0))
	}
	/// As the real one: takes `fraction` (rounded down), pays `beneficiary.1` of it, burns
	/// the rest.
	fn slash(
		hotkey: &AccountId,
		fraction: Perbill,
		beneficiary: Option<(AccountId, Perbill)>,
	) -> SlashOutcome {
		let stake = Self::total_stake(hotkey);
		let slashed = fraction.mul_floor(stake);
		Self::set_stake(*hotkey, stake - slashed);
		let rewarded = match beneficiary {
			Some((who, share)) => {
				let reward = share.mul_floor(slashed);
				FREE.with(|f| *f.borrow_mut().entry(who).or_default() += reward);
				reward
			}
			None => 0,
		};
		let burned = slashed - rewarded;
		BURNED.with(|b| *b.borrow_mut() += burned);
		SlashOutcome { slashed, rewarded, burned }
	}
	fn distribute_reward(hotkey: &AccountId, amount: Balance) -> Result<Balance, DispatchError> {
		Self::set_stake(*hotkey, Self::total_stake(hotkey) + amount);
		Ok(amount)
	}
}

impl RewardIssuer<AccountId> for MockStake {
	fn issue_reward(hotkey: &AccountId, amount: Balance) -> Balance {
		Self::distribute_reward(hotkey, amount).unwrap_or(0)
	}
	fn issue_reward_weight() -> Weight {
		Weight::from_parts(1_000_000, 0)
	}
}

/// The stand-in for `pallet-scoring`.
pub struct MockScoring;

impl MockScoring {
	/// Gives exactly `uids` of the subnet a validator permit.
	pub fn set_permits(netuid: NetUid, mut uids: Vec<Uid>) {
		uids.sort();
		PERMITS.with(|p| p.borrow_mut().insert(netuid, uids));
	}
	/// Ends the subnet's epoch as scoring does: the index moves on and the pallet is told.
	pub fn end_epoch(netuid: NetUid) {
		let epoch = EPOCHS.with(|e| {
			let mut epochs = e.borrow_mut();
			let epoch = epochs.entry(netuid).or_default();
			*epoch += 1;
			*epoch
		});
		Evaluations::on_epoch(netuid, epoch);
	}
	/// The validator's weights row.
	pub fn weights(netuid: NetUid, uid: Uid) -> Vec<(Uid, u16)> {
		WEIGHTS.with(|w| {
			w.borrow()
				.get(&(netuid, uid))
				.map(|row| row.clone().into_iter().collect())
				.unwrap_or_default()
		})
	}
}

impl ScoringInterface<AccountId> for MockScoring {
	fn epoch_index(netuid: NetUid) -> u64 {
		EPOCHS.with(|e| e.borrow().get(&netuid).copied().unwrap_or(0))
	}
	fn permitted_validators(netuid: NetUid) -> Vec<Uid> {
		PERMITS.with(|p| p.borrow().get(&netuid).cloned().unwrap_or_default())
	}
	fn set_evaluated_weights(netuid: NetUid, uid: Uid, entries: &[(Uid, u16)], fresh: bool) {
		WEIGHTS.with(|w| {
			let mut rows = w.borrow_mut();
			let row = rows.entry((netuid, uid)).or_default();
			if fresh {
				row.clear();
			}
			for &(target, weight) in entries {
				if weight == 0 {
					row.remove(&target);
				} else {
					row.insert(target, weight);
				}
			}
		});
	}
	fn set_evaluated_weights_weight() -> Weight {
		Weight::from_parts(1_000_000, 0)
	}
}

/// The stand-in for `pallet-network-parameters`: [`parameters`], which tests may change.
pub struct MockParameters;

impl MockParameters {
	pub fn set(params: EvaluationParameters) {
		PARAMETERS.with(|p| *p.borrow_mut() = Some(params));
	}
}

impl NetworkParametersInterface<BlockNumber> for MockParameters {
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
	fn subnet_creation() -> verity_primitives::subnets::SubnetCreationParameters {
		Default::default()
	}
	fn hyperparameter_bounds() -> verity_primitives::subnets::HyperparameterBounds {
		verity_primitives::subnets::default_hyperparameter_bounds()
	}
	fn default_hyperparameters() -> Hyperparameters {
		default_hyperparameters()
	}
	fn evaluation_parameters() -> EvaluationParameters {
		PARAMETERS.with(|p| p.borrow().unwrap_or_else(parameters))
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn set_subnet_creation(_params: verity_primitives::subnets::SubnetCreationParameters) {}
}

/// Block randomness: a value tests set and the block number, hashed with the subject, known
/// since the block tests set.
pub struct MockRandomness;

impl MockRandomness {
	pub fn set(randomness: H256, known_since: BlockNumber) {
		RANDOMNESS.with(|r| *r.borrow_mut() = (randomness, known_since));
	}
}

impl Randomness<Option<H256>, BlockNumber> for MockRandomness {
	fn random(subject: &[u8]) -> (Option<H256>, BlockNumber) {
		let (randomness, known_since) = RANDOMNESS.with(|r| *r.borrow());
		let block = System::block_number().to_le_bytes();
		(Some(H256(blake2_256(&[subject, randomness.as_bytes(), &block].concat()))), known_since)
	}
}

/// A dataset of 40 samples of 4 bytes in 3 classes.
pub fn dataset() -> Dataset {
	let count = 40u32;
	let labels: Vec<u8> = (0..count).map(|i| (i % 3) as u8).collect();
	let samples: Vec<u8> = (0..count * 4).map(|i| (i * 37 % 251) as u8).collect();
	Dataset::new(4, 3, labels, samples).expect("a valid dataset")
}

/// A one-layer model over [`dataset`]'s samples, different for each `seed`.
pub fn model(seed: i8) -> Model {
	let weights: Vec<i8> = (0..12).map(|i: i8| i.wrapping_mul(seed).wrapping_sub(5)).collect();
	let layer = Layer::new(
		4,
		3,
		weights,
		vec![0, 3, -2],
		Requantization::new(1 << 30, 4).expect("valid requantization"),
		Activation::Relu,
	)
	.expect("a valid layer");
	Model::new(1, 4, vec![layer]).expect("a valid model")
}

/// The honest evaluation of `model` with `seed`'s samples.
pub fn evaluate(model: &Model, seed: H256) -> EvaluationResult {
	let dataset = dataset();
	verity_evaluator::evaluate(
		&ReferenceBackend,
		model,
		&dataset,
		0..dataset.sample_count(),
		&seed.0,
		SAMPLES,
	)
	.expect("the model fits the dataset")
}

/// Builds the test externalities.
#[derive(Default)]
pub struct ExtBuilder;

impl ExtBuilder {
	/// The externalities at block 1, every stand-in empty.
	pub fn build(self) -> sp_io::TestExternalities {
		SUBNETS.with(|s| s.borrow_mut().clear());
		STAKES.with(|s| s.borrow_mut().clear());
		OWNERS.with(|s| s.borrow_mut().clear());
		FREE.with(|s| s.borrow_mut().clear());
		BURNED.with(|b| *b.borrow_mut() = 0);
		EPOCHS.with(|s| s.borrow_mut().clear());
		PERMITS.with(|s| s.borrow_mut().clear());
		WEIGHTS.with(|s| s.borrow_mut().clear());
		PARAMETERS.with(|p| *p.borrow_mut() = None);
		MockRandomness::set(H256::repeat_byte(9), 0);
		let storage = RuntimeGenesisConfig { system: Default::default() }.build_storage().unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| System::set_block_number(1));
		ext
	}

	/// Runs `test`, then checks the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			Evaluations::do_try_state().unwrap();
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
		Evaluations::on_initialize(next);
	}
}

/// Runs `blocks` more blocks.
pub fn run_blocks(blocks: BlockNumber) {
	run_to_block(System::block_number() + blocks);
}

/// This pallet's events since the last call, oldest first.
pub fn events() -> Vec<crate::Event<Test>> {
	let events = System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Evaluations(e) => Some(e),
			_ => None,
		})
		.collect();
	System::reset_events();
	events
}
