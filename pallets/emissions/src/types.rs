//! The types the emissions pallet stores.

use codec::{Decode, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use verity_primitives::Balance;

/// The fixed-point scale of [`crate::RewardPerStake`]: the accumulator counts planck of block
/// reward per planck of permitted stake, times `REWARD_PER_STAKE_SCALE` (10^18).
///
/// A block adds `reward × SCALE / TotalPermittedStake`, rounded down. The rounding loses less
/// than `TotalPermittedStake / SCALE` planck per block across all subnets (under 22 planck with
/// all 21 M VRT staked); that dust is never minted.
pub const REWARD_PER_STAKE_SCALE: u128 = 1_000_000_000_000_000_000;

/// One subnet's place in the accrual: its weight and where the global accumulators stood at its
/// last epoch.
#[derive(Clone, Copy, Default, Encode, Decode, MaxEncodedLen, TypeInfo, PartialEq, Eq, Debug)]
pub struct SubnetEmissionInfo {
	/// The stake behind the subnet's permitted validators, as reported at its last epoch: its
	/// weight in the split of every block reward until its next epoch.
	pub permitted_stake: Balance,
	/// [`crate::RewardPerStake`] at its last epoch.
	pub reward_per_stake: u128,
	/// [`crate::TotalAccrued`] at its last epoch.
	pub accrued: Balance,
	/// Everything minted by its payouts (owner, miners and validators).
	pub paid: Balance,
}
