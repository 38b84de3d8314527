//! Minting rewards as new stake on a hotkey.

use crate::pallet::*;
use alloc::vec::Vec;
use polkadot_sdk::{
	frame_support::{
		storage::with_storage_layer,
		traits::{
			fungible::{Inspect, Mutate, MutateHold},
			tokens::{Fortitude, Preservation},
		},
	},
	sp_runtime::{
		helpers_128bit::multiply_by_rational_with_rounding, DispatchError, DispatchResult,
		Rounding, Saturating,
	},
};
use verity_primitives::Balance;

impl<T: Config> Pallet<T> {
	/// Mints `amount` on `hotkey`: the owner's take (`take.mul_floor(amount)`) and what rounding
	/// leaves go to the owner, the rest to every ledger pro rata to its active stake. With no
	/// active stake on the hotkey everything goes to the owner. Each part is minted into the
	/// coldkey's free balance and then held as active stake; see [`Self::credit_stake`] for
	/// the rare part that stays free. All or nothing: on error nothing is minted.
	///
	/// Work: one pass over at most [`Config::MaxStakersPerHotkey`] ledgers; see
	/// `WeightInfo::distribute_reward`.
	pub(crate) fn do_distribute_reward(
		hotkey: &T::AccountId,
		amount: Balance,
	) -> Result<Balance, DispatchError> {
		let owner = HotkeyOwner::<T>::get(hotkey).ok_or(Error::<T>::HotkeyNotOwned)?;
		if amount == 0 {
			return Ok(0);
		}
		let total = TotalHotkeyStake::<T>::get(hotkey);
		let take = Takes::<T>::get(hotkey).mul_floor(amount);
		let shared = amount.saturating_sub(take);

		let mut shares: Vec<(T::AccountId, Balance)> = Vec::new();
		let mut distributed: Balance = 0;
		if total > 0 {
			for (coldkey, ledger) in Ledgers::<T>::iter_prefix(hotkey) {
				if ledger.active == 0 || coldkey == owner {
					continue;
				}
				// `ledger.active <= total`, so the share is at most `shared`.
				let share = multiply_by_rational_with_rounding(
					shared,
					ledger.active,
					total,
					Rounding::Down,
				)
				.unwrap_or(0);
				distributed.saturating_accrue(share);
				shares.push((coldkey, share));
			}
		}
		// The take, the owner's own pro rata share and the rounding remainder.
		let owner_part = amount.saturating_sub(distributed);
		shares.push((owner, owner_part));

		with_storage_layer(|| {
			for (coldkey, share) in &shares {
				Self::credit_stake(coldkey, hotkey, *share)?;
			}
			Ok::<(), DispatchError>(())
		})?;
		Self::deposit_event(Event::RewardDistributed { hotkey: hotkey.clone(), amount });
		Ok(amount)
	}

	/// Mints `amount` into `coldkey`'s free balance and adds as much of it as can be held to
	/// the coldkey's active stake on `hotkey`. What stays free: the existential deposit of an
	/// account the mint creates, or everything when the coldkey has no ledger on the hotkey and
	/// no room for a new one.
	pub(crate) fn credit_stake(
		coldkey: &T::AccountId,
		hotkey: &T::AccountId,
		amount: Balance,
	) -> DispatchResult {
		if amount == 0 {
			return Ok(());
		}
		let existing = Ledgers::<T>::get(hotkey, coldkey);
		let is_new = existing.is_none();
		let has_room = !is_new || Self::ensure_ledger_room(coldkey, hotkey).is_ok();

		T::Currency::mint_into(coldkey, amount)?;
		if !has_room {
			return Ok(());
		}
		let held = amount.min(T::Currency::reducible_balance(
			coldkey,
			Preservation::Protect,
			Fortitude::Force,
		));
		if held == 0 {
			return Ok(());
		}
		T::Currency::hold(&Self::staked_reason(), coldkey, held)?;
		let mut ledger = existing.unwrap_or_default();
		ledger.active.saturating_accrue(held);
		Self::put_ledger(coldkey, hotkey, ledger, is_new);
		Self::increase_totals(hotkey, held, held);
		Ok(())
	}
}
