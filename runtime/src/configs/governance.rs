//! OpenGov: preimages, the scheduler, referenda on Verity's tracks, and conviction voting
//! (see [`crate::governance`]).

use super::*;
use crate::governance::{
	origins::{self, GovernancePace},
	tracks::TracksInfo,
};
use frame_support::traits::{
	fungible::HoldConsideration, tokens::currency::ActiveIssuanceOf, EqualPrivilegeOnly, Imbalance,
	LinearStoragePrice,
};
use frame_system::{EnsureRoot, EnsureSigned};
use polkadot_sdk::{pallet_conviction_voting, pallet_preimage, pallet_referenda, pallet_scheduler};
use verity_primitives::traits::BurnLedger;

/// The pace of governance this chain was started with.
fn pace() -> GovernancePace {
	origins::Pace::<Runtime>::get()
}

impl origins::Config for Runtime {}

parameter_types! {
	/// Held from whoever notes a preimage, per preimage: 1 VRT.
	pub const PreimageBaseDeposit: Balance = VRT;
	/// Held from whoever notes a preimage, per byte: 0.1 milli-VRT (a 1.5 MB runtime costs
	/// 150 VRT while it waits for its referendum).
	pub const PreimageByteDeposit: Balance = 100 * MICRO_VRT;
	pub const PreimageHoldReason: RuntimeHoldReason =
		RuntimeHoldReason::Preimage(pallet_preimage::HoldReason::Preimage);
}

impl pallet_preimage::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = crate::weights::pallet_preimage::WeightInfo<Runtime>;
	type Currency = Balances;
	type ManagerOrigin = EnsureRoot<AccountId>;
	type Consideration = HoldConsideration<
		AccountId,
		Balances,
		PreimageHoldReason,
		LinearStoragePrice<PreimageBaseDeposit, PreimageByteDeposit, Balance>,
	>;
}

parameter_types! {
	/// Scheduled calls (enacted referenda) may use up to 80% of a block.
	pub MaximumSchedulerWeight: Weight = {
		let block = RuntimeBlockWeights::get().max_block;
		let share = Perbill::from_percent(80);
		Weight::from_parts(share.mul_floor(block.ref_time()), share.mul_floor(block.proof_size()))
	};
}

impl pallet_scheduler::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeOrigin = RuntimeOrigin;
	type PalletsOrigin = OriginCaller;
	type RuntimeCall = RuntimeCall;
	type MaximumWeight = MaximumSchedulerWeight;
	// Only referenda (through root) schedule calls.
	type ScheduleOrigin = EnsureRoot<AccountId>;
	type OriginPrivilegeCmp = EqualPrivilegeOnly;
	type MaxScheduledPerBlock = ConstU32<50>;
	type WeightInfo = crate::weights::pallet_scheduler::WeightInfo<Runtime>;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

/// Burns the deposits of killed referenda, through the emissions pallet's account of
/// everything burned (so that total issuance stays explained).
pub struct BurnSlashedDeposits;

impl OnUnbalanced<pallet_balances::NegativeImbalance<Runtime>> for BurnSlashedDeposits {
	fn on_nonzero_unbalanced(slashed: pallet_balances::NegativeImbalance<Runtime>) {
		Emissions::note_burned(slashed.peek());
		drop(slashed);
	}
}

/// The undeciding timeout of a live network.
const LIVE_UNDECIDING_TIMEOUT: BlockNumber = 14 * DAYS;
/// The vote locking period of a live network.
const LIVE_VOTE_LOCKING_PERIOD: BlockNumber = 7 * DAYS;

parameter_types! {
	/// Held from whoever submits a referendum until it is decided: 10 VRT.
	pub const SubmissionDeposit: Balance = 10 * VRT;
	/// A referendum with no decision deposit after this long times out: 14 days (fast: 20
	/// blocks).
	pub UndecidingTimeout: BlockNumber = match pace() {
		GovernancePace::Live => LIVE_UNDECIDING_TIMEOUT,
		GovernancePace::Fast => 20,
	};
	/// A vote with conviction 1x stays locked this long after the referendum ends, 2x twice as
	/// long, and so on: 7 days (fast: 1 block).
	pub VoteLockingPeriod: BlockNumber = match pace() {
		GovernancePace::Live => LIVE_VOTE_LOCKING_PERIOD,
		GovernancePace::Fast => 1,
	};
}

impl pallet_referenda::Config for Runtime {
	type RuntimeCall = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = crate::weights::pallet_referenda::WeightInfo<Runtime>;
	type Scheduler = Scheduler;
	type Currency = Balances;
	type SubmitOrigin = EnsureSigned<AccountId>;
	type CancelOrigin = EnsureRoot<AccountId>;
	type KillOrigin = EnsureRoot<AccountId>;
	type Slash = BurnSlashedDeposits;
	type Votes = pallet_conviction_voting::VotesOf<Runtime>;
	type Tally = pallet_conviction_voting::TallyOf<Runtime>;
	type SubmissionDeposit = SubmissionDeposit;
	type MaxQueued = ConstU32<100>;
	type UndecidingTimeout = UndecidingTimeout;
	type AlarmInterval = ConstU32<1>;
	type Tracks = TracksInfo;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

impl pallet_conviction_voting::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = crate::weights::pallet_conviction_voting::WeightInfo<Runtime>;
	type Currency = Balances;
	type Polls = Referenda;
	type MaxTurnout = ActiveIssuanceOf<Balances, AccountId>;
	type MaxVotes = ConstU32<512>;
	type VoteLockingPeriod = VoteLockingPeriod;
	type BlockNumberProvider = System;
	type VotingHooks = ();
}
