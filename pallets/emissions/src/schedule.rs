//! The issuance schedule: the block reward, its halvings, and its accrual to the subnets.

use crate::{pallet::*, types::REWARD_PER_STAKE_SCALE};
use polkadot_sdk::{
	frame_support::{defensive, traits::Get},
	sp_runtime::{helpers_128bit::multiply_by_rational_with_rounding, Rounding},
};
use verity_primitives::Balance;

/// The most halvings counted: beyond 127 the threshold `cap − (cap >> k)` is the cap itself.
const MAX_HALVINGS: u32 = 127;

/// The issued amount at which the `k`-th halving happens: `cap · (1 − 2^-k)` rounded up, so
/// that "issued reached it" is exact in integers.
fn threshold(cap: Balance, k: u32) -> Balance {
	cap.saturating_sub(cap.checked_shr(k).unwrap_or(0))
}

impl<T: Config> Pallet<T> {
	/// How many halvings have happened when `issued` has been minted: the number of `k ≥ 1`
	/// with `issued ≥ cap · (1 − 2^-k)` (at most 127).
	pub fn halvings_at(issued: Balance) -> u32 {
		let cap = T::IssuanceCap::get();
		// The thresholds rise with `k`: count until the first one not reached.
		let mut k = 0;
		while k < MAX_HALVINGS && issued >= threshold(cap, k.saturating_add(1)) {
			k = k.saturating_add(1);
		}
		k
	}

	/// The block reward when `issued` has been minted: `BlockReward >> halvings`, and zero
	/// once `issued` reaches the cap.
	pub fn block_reward_at(issued: Balance) -> Balance {
		if issued >= T::IssuanceCap::get() {
			return 0;
		}
		T::BlockReward::get().checked_shr(Self::halvings_at(issued)).unwrap_or(0)
	}

	/// The issued amount at which the next halving happens, when `issued` has been minted; the
	/// cap when no halving is left (the reward is zero, or would be, from there).
	pub fn next_halving_at(issued: Balance) -> Balance {
		let cap = T::IssuanceCap::get();
		if Self::block_reward_at(issued) == 0 {
			return cap;
		}
		let halvings = Self::halvings_at(issued);
		if halvings >= MAX_HALVINGS {
			return cap;
		}
		threshold(cap, halvings.saturating_add(1))
	}

	/// What a block accrues now.
	pub fn block_reward() -> Balance {
		Self::block_reward_at(Issued::<T>::get())
	}

	/// Accrues this block's reward to every subnet at once, in proportion to its permitted
	/// stake: advances [`RewardPerStake`] and [`TotalAccrued`]. Nothing accrues without
	/// permitted stake or once the reward is zero.
	///
	/// Work: O(1), four reads and two writes; see `WeightInfo::on_initialize`.
	pub(crate) fn accrue_block_reward() {
		let total_stake = TotalPermittedStake::<T>::get();
		if total_stake == 0 {
			return;
		}
		let reward = Self::block_reward();
		if reward == 0 {
			return;
		}
		// `reward × SCALE` fits in u128 (`integrity_test`) and `total_stake ≥ 1`.
		let Some(growth) = multiply_by_rational_with_rounding(
			reward,
			REWARD_PER_STAKE_SCALE,
			total_stake,
			Rounding::Down,
		) else {
			defensive!("the reward per stake of one block overflows u128");
			return;
		};
		// Modular accumulators: only differences from a subnet's snapshot matter, and one
		// epoch's worth of growth stays far below 2^128.
		RewardPerStake::<T>::mutate(|acc| *acc = acc.wrapping_add(growth));
		TotalAccrued::<T>::mutate(|acc| *acc = acc.wrapping_add(reward));
	}
}
