//! The configuration of every pallet in the runtime.
//!
//! Money and time constants come from `verity-primitives`, so that the node, the command line
//! and the runtime agree on them.

pub mod governance;

use super::*;
use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{
		fungible::{Balanced, Credit},
		ConstU128, ConstU32, ConstU64, ConstU8, OnUnbalanced, VariantCountOf,
	},
	weights::{
		constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		ConstantMultiplier, Weight,
	},
};
use frame_system::limits::{BlockLength, BlockWeights};
use pallet_transaction_payment::{FungibleAdapter, Multiplier, TargetedFeeAdjustment};
use polkadot_sdk::{
	pallet_authorship, pallet_babe, pallet_balances, pallet_grandpa, pallet_session, pallet_sudo,
	pallet_timestamp, pallet_utility, sp_core, sp_runtime,
};
use sp_runtime::{
	traits::{Bounded, ConvertInto, OpaqueKeys, Verify},
	FixedPointNumber, Perbill, Perquintill,
};

/// The share of a block's weight and length that ordinary transactions may fill; the rest is
/// kept for operational transactions and inherents.
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

/// The largest block, in bytes: 5 MiB.
const MAX_BLOCK_LENGTH: u32 = 5 * 1024 * 1024;

parameter_types! {
	pub const BlockHashCount: BlockNumber = 2400;
	pub const Version: RuntimeVersion = VERSION;
	/// Two seconds of computation per 6-second block, leaving time to import and gossip it.
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::with_sensible_defaults(
		Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND.saturating_mul(2), u64::MAX),
		NORMAL_DISPATCH_RATIO,
	);
	/// At most 5 MiB of block data.
	pub RuntimeBlockLength: BlockLength = BlockLength::builder()
		.max_length(MAX_BLOCK_LENGTH)
		.modify_max_length_for_class(DispatchClass::Normal, |max| {
			*max = NORMAL_DISPATCH_RATIO.mul_floor(*max)
		})
		.build();
	pub const SS58Prefix: u16 = verity_primitives::SS58_PREFIX;
}

/// Keeps signed transactions from changing total issuance where the emissions pallet cannot see
/// it: `Balances::burn` destroys funds without telling anyone. (Root's balance-forcing calls are
/// not filtered — no filter applies to root — and governance must not use them on a live chain.)
pub struct NoUnaccountedBurns;

impl frame_support::traits::Contains<RuntimeCall> for NoUnaccountedBurns {
	fn contains(call: &RuntimeCall) -> bool {
		!matches!(call, RuntimeCall::Balances(pallet_balances::Call::burn { .. }))
	}
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type BaseCallFilter = NoUnaccountedBurns;
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	/// ParityDB is the node's only database: FRAME's ParityDB figures (8 µs a read, 50 µs a
	/// write) until the chain's own storage benchmark replaces them.
	type DbWeight = ParityDbWeight;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
	/// Measured in this runtime: `set_code` with a runtime of this chain's size (FRAME's
	/// default figure, for a runtime without an embedded version, exceeds a block).
	type SystemWeightInfo = crate::weights::frame_system::WeightInfo<Runtime>;
}

parameter_types! {
	/// BABE epochs and sessions have the same length.
	pub const EpochDuration: u64 = EPOCH_DURATION_IN_SLOTS;
	pub const ExpectedBlockTime: Moment = MILLISECS_PER_BLOCK;
	/// Upper bound on the authority set; the elected set is chosen by stake below this bound.
	pub const MaxAuthorities: u32 = 100;
}

impl pallet_babe::Config for Runtime {
	type EpochDuration = EpochDuration;
	type ExpectedBlockTime = ExpectedBlockTime;
	// Epochs change when the session pallet rotates the authority set.
	type EpochChangeTrigger = pallet_babe::ExternalTrigger;
	type DisabledValidators = Session;
	// The pallet's reference weights (it has no `SubstrateWeight`).
	type WeightInfo = ();
	type MaxAuthorities = MaxAuthorities;
	type MaxNominators = ConstU32<0>;
	// Equivocations are not reported on chain yet: no key-ownership proofs exist.
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_timestamp::Config for Runtime {
	type Moment = Moment;
	type OnTimestampSet = Babe;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = pallet_timestamp::weights::SubstrateWeight<Runtime>;
}

impl pallet_authorship::Config for Runtime {
	type FindAuthor = pallet_session::FindAccountFromAuthorIndex<Self, Babe>;
	type EventHandler = ();
}

impl pallet_balances::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type Balance = Balance;
	// Dust of reaped accounts is burned, and counted as burned by the emissions pallet.
	type DustRemoval = Emissions;
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type ReserveIdentifier = [u8; 8];
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ConstU32<50>;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type DoneSlashHandler = ();
}

/// Where transaction fees go: the fee itself is burned, the tip goes to the block's author.
///
/// Burning the fee keeps authors from profiting by stuffing their own blocks with transactions,
/// and makes every fee visible as a fall in total issuance.
pub struct BurnFeesTipAuthor;

impl OnUnbalanced<Credit<AccountId, Balances>> for BurnFeesTipAuthor {
	fn on_unbalanceds(mut fees_then_tips: impl Iterator<Item = Credit<AccountId, Balances>>) {
		// The fee is burned, through the emissions pallet's account of everything burned.
		if let Some(fee) = fees_then_tips.next() {
			Emissions::on_unbalanced(fee);
		}
		if let Some(tip) = fees_then_tips.next() {
			Self::on_unbalanced(tip);
		}
	}

	fn on_nonzero_unbalanced(tip: Credit<AccountId, Balances>) {
		// A tip without an author, or that cannot be credited (the author account would stay
		// below the existential deposit), is burned as well.
		let unplaced = match Authorship::author() {
			Some(author) => Balances::resolve(&author, tip).err(),
			None => Some(tip),
		};
		if let Some(unplaced) = unplaced {
			Emissions::on_unbalanced(unplaced);
		}
	}
}

parameter_types! {
	/// Fees rise when blocks are fuller than this on average, and fall when emptier.
	pub const TargetBlockFullness: Perquintill = Perquintill::from_percent(25);
	/// How fast the fee multiplier adjusts: about 23% a day at the extremes.
	pub AdjustmentVariable: Multiplier = Multiplier::saturating_from_rational(75, 1_000_000);
	/// Fees never fall below a tenth of the weight price.
	pub MinimumMultiplier: Multiplier = Multiplier::saturating_from_rational(1, 10u128);
	pub MaximumMultiplier: Multiplier = Bounded::max_value();
}

/// Planck charged per unit of `ref_time` weight: a plain transfer costs about 0.01 VRT and a
/// full block of normal transactions about 75 VRT.
pub const WEIGHT_FEE_PER_REF_TIME: Balance = 50;
/// Planck charged per byte of transaction.
pub const LENGTH_FEE_PER_BYTE: Balance = MICRO_VRT;

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OnChargeTransaction = FungibleAdapter<Balances, BurnFeesTipAuthor>;
	type WeightToFee = ConstantMultiplier<Balance, ConstU128<WEIGHT_FEE_PER_REF_TIME>>;
	type LengthToFee = ConstantMultiplier<Balance, ConstU128<LENGTH_FEE_PER_BYTE>>;
	type FeeMultiplierUpdate = TargetedFeeAdjustment<
		Self,
		TargetBlockFullness,
		AdjustmentVariable,
		MinimumMultiplier,
		MaximumMultiplier,
	>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Held from an account that registers session keys, returned when it purges them.
	pub const SessionKeyDeposit: Balance = VRT;
}

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	type ValidatorIdOf = ConvertInto;
	type ShouldEndSession = Babe;
	type NextSessionRotation = Babe;
	// Each session's authorities are the top hotkeys by stake (see `pallet_stake`).
	type SessionManager = Stake;
	type SessionHandler = <SessionKeys as OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	type DisablingStrategy = pallet_session::disabling::UpToLimitWithReEnablingDisablingStrategy;
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type KeyDeposit = SessionKeyDeposit;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	// The pallet's reference weights (it has no `SubstrateWeight`).
	type WeightInfo = ();
	type MaxAuthorities = MaxAuthorities;
	type MaxNominators = ConstU32<0>;
	// No equivocation reports yet (see BABE above), so no set-id history is kept for them.
	type MaxSetIdSessionEntries = ConstU64<0>;
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_utility::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type PalletsOrigin = OriginCaller;
	type WeightInfo = pallet_utility::weights::SubstrateWeight<Runtime>;
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

/// Hotkeys that have registered session keys: the stake pallet elects authorities among them.
pub struct HasSessionKeys;

impl frame_support::traits::Contains<AccountId> for HasSessionKeys {
	fn contains(hotkey: &AccountId) -> bool {
		pallet_session::NextKeys::<Runtime>::contains_key(hotkey)
	}
}

parameter_types! {
	/// The least stake one coldkey may place on a hotkey.
	pub const MinStake: Balance = VRT;
	/// The most coldkeys that stake on one hotkey: bounds the work of a slash or a payout.
	pub const MaxStakersPerHotkey: u32 = 512;
	/// The most hotkeys one coldkey stakes on.
	pub const MaxHotkeysPerColdkey: u32 = 64;
	/// The most unbonding chunks one coldkey has on one hotkey at a time.
	pub const MaxUnbondingChunks: u32 = 16;
	/// The shortest unbonding period governance may set. Evaluation challenge windows are
	/// validated against the unbonding period in force, so that stake behind a wrong
	/// evaluation cannot leave before it can be slashed.
	pub const MinUnbondingPeriod: BlockNumber = 10;
	/// The most a hotkey's owner takes from its rewards, and the take of a new hotkey.
	pub const MaxTake: Perbill = Perbill::from_percent(18);
	/// A hotkey's take rises at most once a day.
	pub const TakeIncreaseRateLimit: BlockNumber = DAYS;
	/// The chain never elects fewer block authors than this; with fewer candidates it keeps
	/// the current set.
	pub const MinAuthorities: u32 = 1;
	/// Hotkeys that offer to author blocks.
	pub const MaxAuthorityCandidates: u32 = 1024;
}

impl pallet_stake::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Burns = Emissions;
	type Parameters = NetworkParameters;
	type SessionKeysRegistered = HasSessionKeys;
	type MinStake = MinStake;
	type MaxStakersPerHotkey = MaxStakersPerHotkey;
	type MaxHotkeysPerColdkey = MaxHotkeysPerColdkey;
	type MaxUnbondingChunks = MaxUnbondingChunks;
	type MaxTake = MaxTake;
	type DefaultTake = MaxTake;
	type TakeIncreaseRateLimit = TakeIncreaseRateLimit;
	type MinAuthorities = MinAuthorities;
	type MaxAuthorities = MaxAuthorities;
	type MaxAuthorityCandidates = MaxAuthorityCandidates;
	type WeightInfo = crate::weights::pallet_stake::WeightInfo<Runtime>;
}

parameter_types! {
	/// The most subnets governance may allow.
	pub const MaxSubnetsLimit: u16 = 128;
	/// A neuron updates its endpoint at most once a minute.
	pub const ServeRateLimit: BlockNumber = 10;
	/// The largest model a miner may commit to: 64 MiB.
	pub const MaxModelSize: u64 = 64 * 1024 * 1024;
}

impl pallet_subnets::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Stake = Stake;
	// Scoring keeps weights, bonds and epochs per subnet and UID; emissions keeps each
	// subnet's accrual.
	type Lifecycle = (Scoring, (Emissions, Evaluations));
	type Burns = Emissions;
	type GovernanceOrigin = RootOrNetworkParameters;
	type Parameters = NetworkParameters;
	type MaxSubnetsLimit = MaxSubnetsLimit;
	type ServeRateLimit = ServeRateLimit;
	type MaxModelSize = MaxModelSize;
	type WeightInfo = crate::weights::pallet_subnets::WeightInfo<Runtime>;
}

parameter_types! {
	/// A validator that has not set weights for this many blocks (about 8 hours) counts as
	/// inactive: its stake no longer counts in consensus.
	pub const ActivityCutoff: BlockNumber = 5_000;
	/// Epochs (with their payouts) may take at most three quarters of a block; more due epochs
	/// wait for the next block. The largest subnet's epoch (4,096 UIDs, 256 validators) must
	/// fit: `pallet_scoring`'s integrity test checks it.
	pub MaxEpochWeight: Weight = {
		let block = RuntimeBlockWeights::get().max_block;
		let share = Perbill::from_percent(75);
		Weight::from_parts(share.mul_floor(block.ref_time()), share.mul_floor(block.proof_size()))
	};
	/// Bound on the subnets scoring schedules (= the subnets pallet's limit).
	pub const MaxScoredSubnets: u32 = MaxSubnetsLimit::get() as u32;
}

impl pallet_scoring::Config for Runtime {
	type Subnets = Subnets;
	type Stake = Stake;
	type Emissions = Emissions;
	type OnEpoch = Evaluations;
	type ActivityCutoff = ActivityCutoff;
	type MaxEpochWeight = MaxEpochWeight;
	type MaxSubnets = MaxScoredSubnets;
	type WeightInfo = crate::weights::pallet_scoring::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = crate::benchmarks::NetworkBenchmarkHelper;
}

parameter_types! {
	/// The block reward before any halving: 1 VRT.
	pub const BlockReward: Balance = VRT;
	/// The most VRT emissions will ever mint: 21 million.
	pub const IssuanceCap: Balance = 21_000_000 * VRT;
}

impl pallet_emissions::Config for Runtime {
	type Currency = Balances;
	type Stake = Stake;
	type Subnets = Subnets;
	type Parameters = NetworkParameters;
	type BlockReward = BlockReward;
	type IssuanceCap = IssuanceCap;
	type WeightInfo = crate::weights::pallet_emissions::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = crate::benchmarks::NetworkBenchmarkHelper;
}

/// Root, or a passed referendum of the network-parameters track.
pub type RootOrNetworkParameters = frame_support::traits::EitherOf<
	frame_system::EnsureRoot<AccountId>,
	crate::governance::origins::NetworkParameters,
>;

impl pallet_network_parameters::Config for Runtime {
	type ParametersOrigin = RootOrNetworkParameters;
	type MinAuthorities = MinAuthorities;
	type MaxAuthorities = MaxAuthorities;
	type MinUnbondingPeriod = MinUnbondingPeriod;
	type MaxSubnetsLimit = MaxSubnetsLimit;
	type WeightInfo = crate::weights::pallet_network_parameters::WeightInfo<Runtime>;
}

parameter_types! {
	/// The most one slash of a dispute costs: `pallet-stake`'s slash of a hotkey with the most
	/// stakers.
	pub EvaluationSlashWeight: Weight =
		<crate::weights::pallet_stake::WeightInfo<Runtime> as pallet_stake::WeightInfo>::slash(
			MaxStakersPerHotkey::get(),
		);
}

/// Evaluation keys (key type `veva`): the validator's hotkey, sr25519, with which its node's
/// off-chain worker signs.
pub struct EvaluationAuthority;

impl frame_system::offchain::AppCrypto<<Signature as Verify>::Signer, Signature>
	for EvaluationAuthority
{
	type RuntimeAppPublic = verity_primitives::evaluations::crypto::Public;
	type GenericPublic = sp_core::sr25519::Public;
	type GenericSignature = sp_core::sr25519::Signature;
}

impl frame_system::offchain::SigningTypes for Runtime {
	type Public = <Signature as Verify>::Signer;
	type Signature = Signature;
}

impl<LocalCall> frame_system::offchain::CreateTransactionBase<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	type Extrinsic = UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<LocalCall> frame_system::offchain::CreateSignedTransaction<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	/// A transaction from an off-chain worker: the runtime's extensions, mortal for 64 blocks
	/// from the current one, no tip.
	fn create_signed_transaction<
		C: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>,
	>(
		call: RuntimeCall,
		public: <Signature as Verify>::Signer,
		account: AccountId,
		nonce: Nonce,
	) -> Option<UncheckedExtrinsic> {
		use codec::Encode as _;
		use sp_runtime::{generic::Era, traits::StaticLookup, SaturatedConversion};
		const MORTALITY: u64 = 64;
		let current = System::block_number().saturated_into::<u64>().saturating_sub(1);
		let extension: TxExtension = (
			frame_system::AuthorizeCall::new(),
			frame_system::CheckNonZeroSender::new(),
			frame_system::CheckSpecVersion::new(),
			frame_system::CheckTxVersion::new(),
			frame_system::CheckGenesis::new(),
			frame_system::CheckEra::from(Era::mortal(MORTALITY, current)),
			frame_system::CheckNonce::from(nonce),
			frame_system::CheckWeight::new(),
			pallet_transaction_payment::ChargeTransactionPayment::from(0),
			frame_system::WeightReclaim::new(),
		);
		let payload = SignedPayload::new(call, extension).ok()?;
		let signature = payload.using_encoded(|bytes| C::sign(bytes, public))?;
		let (call, extension, _) = payload.deconstruct();
		let address = <Runtime as frame_system::Config>::Lookup::unlookup(account);
		Some(UncheckedExtrinsic::new_signed(call, address, signature, extension))
	}
}

impl pallet_evaluations::Config for Runtime {
	type AuthorityId = EvaluationAuthority;
	type Subnets = Subnets;
	type Stake = Stake;
	type Scoring = Scoring;
	type Rewards = Emissions;
	type Parameters = NetworkParameters;
	type Randomness = pallet_babe::ParentBlockRandomness<Runtime>;
	type SlashWeight = EvaluationSlashWeight;
	type WeightInfo = crate::weights::pallet_evaluations::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = crate::benchmarks::NetworkBenchmarkHelper;
}
