//! Emissions: the issuance schedule's position as the runtime API reports it.

use crate::{subnets::NetUid, Balance};
use alloc::vec::Vec;
use codec::{Decode, Encode};
use polkadot_sdk::sp_runtime::Perbill;
use scale_info::TypeInfo;

/// Where the issuance schedule stands, and what each subnet has accrued.
#[derive(Clone, Encode, Decode, TypeInfo, PartialEq, Eq, Debug)]
pub struct EmissionsView {
	/// Every planck emissions has minted so far (paid out at epochs).
	pub issued: Balance,
	/// The most emissions will ever mint.
	pub cap: Balance,
	/// What a block accrues now.
	pub block_reward: Balance,
	/// How many halvings have happened.
	pub halvings: u32,
	/// The issued amount at which the next halving happens (`cap` when none is left).
	pub next_halving_at: Balance,
	/// Total issuance at genesis.
	pub genesis_issuance: Balance,
	/// Everything burned since genesis (registration burns, slashes, fees, dust).
	pub burned: Balance,
	/// The balances pallet's total issuance now: `genesis_issuance + issued − burned`.
	pub total_issuance: Balance,
	/// The owner / miners / validators split of a subnet's emission.
	pub split: EmissionSplit,
	/// The most of a block's reward one subnet may accrue.
	pub max_subnet_share: Perbill,
	/// Each subnet's standing, by ascending netuid.
	pub subnets: Vec<SubnetEmissionView>,
}

/// How a subnet's emission is divided at each epoch; the parts sum to one.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	codec::DecodeWithMemTracking,
	codec::MaxEncodedLen,
	TypeInfo,
	PartialEq,
	Eq,
	Debug,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct EmissionSplit {
	/// The subnet owner's part.
	pub owner: Perbill,
	/// The miners' part, shared by incentive.
	pub miners: Perbill,
	/// The validators' part, shared by dividends (and with their delegators after take).
	pub validators: Perbill,
}

/// One subnet's standing in the emission schedule.
#[derive(Clone, Encode, Decode, TypeInfo, PartialEq, Eq, Debug)]
pub struct SubnetEmissionView {
	/// The subnet.
	pub netuid: NetUid,
	/// The stake behind its permitted validators at its last epoch: its weight in the split.
	pub permitted_stake: Balance,
	/// What it has accrued since its last epoch, to be paid at the next.
	pub pending: Balance,
	/// Everything it has paid out.
	pub paid: Balance,
}

/// The split a chain starts with: 18% to the subnet owner, 41% to miners, 41% to validators.
pub const DEFAULT_SPLIT: EmissionSplit = EmissionSplit {
	owner: Perbill::from_percent(18),
	miners: Perbill::from_percent(41),
	validators: Perbill::from_percent(41),
};

impl EmissionSplit {
	/// Whether the parts add up to exactly one.
	pub fn is_whole(&self) -> bool {
		let parts = u64::from(self.owner.deconstruct())
			.saturating_add(u64::from(self.miners.deconstruct()))
			.saturating_add(u64::from(self.validators.deconstruct()));
		parts == u64::from(Perbill::one().deconstruct())
	}
}
