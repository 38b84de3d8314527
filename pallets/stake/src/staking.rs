//! Adding, unbonding and withdrawing stake; takes; authority candidacy.

use crate::{
	pallet::*,
	types::{StakeLedger, UnbondingChunk},
};
use polkadot_sdk::{
	frame_support::{
		ensure,
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, MutateHold},
			tokens::{Fortitude, Precision, Preservation},
		},
	},
	frame_system,
	sp_runtime::{ArithmeticError, DispatchResult, Perbill, Saturating},
};
use verity_primitives::traits::NetworkParametersInterface as _;
use verity_primitives::Balance;

impl<T: Config> Pallet<T> {
	/// The hold reason of all stake.
	pub(crate) fn staked_reason() -> T::RuntimeHoldReason {
		HoldReason::Staked.into()
	}

	/// Makes `coldkey` the owner of the unowned `hotkey`, with the default take.
	pub(crate) fn claim_hotkey(coldkey: &T::AccountId, hotkey: &T::AccountId) {
		HotkeyOwner::<T>::insert(hotkey, coldkey);
		Takes::<T>::insert(hotkey, T::DefaultTake::get());
		Self::deposit_event(Event::HotkeyClaimed {
			coldkey: coldkey.clone(),
			hotkey: hotkey.clone(),
		});
	}

	/// Whether a new ledger of `coldkey` on `hotkey` fits the bounds; the error says which one
	/// it breaks.
	pub(crate) fn ensure_ledger_room(
		coldkey: &T::AccountId,
		hotkey: &T::AccountId,
	) -> DispatchResult {
		ensure!(
			Stakers::<T>::get(hotkey) < T::MaxStakersPerHotkey::get(),
			Error::<T>::TooManyStakers
		);
		ensure!(
			ColdkeyHotkeyCount::<T>::get(coldkey) < T::MaxHotkeysPerColdkey::get(),
			Error::<T>::TooManyHotkeys
		);
		Ok(())
	}

	/// Stores `ledger`, or removes it (and its index entries) when it is empty. `is_new` says
	/// whether no ledger was stored before: the counters then grow. Bounds must have been
	/// checked with [`Self::ensure_ledger_room`].
	pub(crate) fn put_ledger(
		coldkey: &T::AccountId,
		hotkey: &T::AccountId,
		ledger: StakeLedger<T>,
		is_new: bool,
	) {
		match (ledger.is_empty(), is_new) {
			(true, true) => {}
			(true, false) => {
				Ledgers::<T>::remove(hotkey, coldkey);
				ColdkeyHotkeys::<T>::remove(coldkey, hotkey);
				Stakers::<T>::mutate_exists(hotkey, |n| {
					*n = n.map(|n| n.saturating_sub(1)).filter(|n| *n > 0)
				});
				ColdkeyHotkeyCount::<T>::mutate_exists(coldkey, |n| {
					*n = n.map(|n| n.saturating_sub(1)).filter(|n| *n > 0)
				});
			}
			(false, true) => {
				Ledgers::<T>::insert(hotkey, coldkey, ledger);
				ColdkeyHotkeys::<T>::insert(coldkey, hotkey, ());
				Stakers::<T>::mutate(hotkey, |n| n.saturating_inc());
				ColdkeyHotkeyCount::<T>::mutate(coldkey, |n| n.saturating_inc());
			}
			(false, false) => Ledgers::<T>::insert(hotkey, coldkey, ledger),
		}
	}

	/// Adds `amount` to the active stake totals of `hotkey`.
	pub(crate) fn increase_totals(hotkey: &T::AccountId, active: Balance, total: Balance) {
		TotalHotkeyStake::<T>::mutate(hotkey, |t| t.saturating_accrue(active));
		TotalStake::<T>::mutate(|t| t.saturating_accrue(total));
	}

	/// Removes `active` from the hotkey's active total and `total` from the total stake.
	pub(crate) fn decrease_totals(hotkey: &T::AccountId, active: Balance, total: Balance) {
		TotalHotkeyStake::<T>::mutate_exists(hotkey, |t| {
			*t = t.map(|t| t.saturating_sub(active)).filter(|t| *t > 0)
		});
		TotalStake::<T>::mutate(|t| t.saturating_reduce(total));
	}

	/// [`Pallet::add_stake`] without the origin.
	pub(crate) fn do_add_stake(
		coldkey: &T::AccountId,
		hotkey: &T::AccountId,
		amount: Balance,
	) -> DispatchResult {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		let existing = Ledgers::<T>::get(hotkey, coldkey);
		let is_new = existing.is_none();
		let mut ledger = existing.unwrap_or_default();
		let active = ledger.active.checked_add(amount).ok_or(ArithmeticError::Overflow)?;
		ensure!(active >= T::MinStake::get(), Error::<T>::StakeBelowMinimum);
		if is_new {
			Self::ensure_ledger_room(coldkey, hotkey)?;
		}
		ensure!(
			amount
				<= T::Currency::reducible_balance(coldkey, Preservation::Protect, Fortitude::Force),
			Error::<T>::InsufficientBalance
		);
		let owner = HotkeyOwner::<T>::get(hotkey);

		T::Currency::hold(&Self::staked_reason(), coldkey, amount)?;
		if owner.is_none() {
			Self::claim_hotkey(coldkey, hotkey);
		}
		ledger.active = active;
		Self::put_ledger(coldkey, hotkey, ledger, is_new);
		Self::increase_totals(hotkey, amount, amount);
		Self::deposit_event(Event::StakeAdded {
			coldkey: coldkey.clone(),
			hotkey: hotkey.clone(),
			amount,
		});
		Ok(())
	}

	/// [`Pallet::remove_stake`] without the origin.
	pub(crate) fn do_remove_stake(
		coldkey: &T::AccountId,
		hotkey: &T::AccountId,
		amount: Balance,
	) -> DispatchResult {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		let mut ledger = Ledgers::<T>::get(hotkey, coldkey).ok_or(Error::<T>::NoStake)?;
		let remaining = ledger.active.checked_sub(amount).ok_or(Error::<T>::InsufficientStake)?;
		ensure!(
			remaining == 0 || remaining >= T::MinStake::get(),
			Error::<T>::RemainingStakeBelowMinimum
		);
		let unlocks_at = frame_system::Pallet::<T>::block_number()
			.saturating_add(T::Parameters::unbonding_period());
		match ledger.unbonding.last_mut() {
			Some(last) if last.unlocks_at == unlocks_at => last.amount.saturating_accrue(amount),
			_ => ledger
				.unbonding
				.try_push(UnbondingChunk { amount, unlocks_at })
				.map_err(|_| Error::<T>::TooManyUnbondingChunks)?,
		}
		ledger.active = remaining;

		Self::put_ledger(coldkey, hotkey, ledger, false);
		Self::decrease_totals(hotkey, amount, 0);
		Self::deposit_event(Event::StakeUnbonding {
			coldkey: coldkey.clone(),
			hotkey: hotkey.clone(),
			amount,
			unlocks_at,
		});
		Ok(())
	}

	/// [`Pallet::withdraw_unbonded`] without the origin.
	pub(crate) fn do_withdraw_unbonded(
		coldkey: &T::AccountId,
		hotkey: &T::AccountId,
	) -> DispatchResult {
		let mut ledger = Ledgers::<T>::get(hotkey, coldkey).ok_or(Error::<T>::NoStake)?;
		let now = frame_system::Pallet::<T>::block_number();
		let mut amount: Balance = 0;
		ledger.unbonding.retain(|chunk| {
			let unlocked = chunk.unlocks_at <= now;
			if unlocked {
				amount.saturating_accrue(chunk.amount);
			}
			!unlocked
		});
		ensure!(amount > 0, Error::<T>::NothingToWithdraw);

		T::Currency::release(&Self::staked_reason(), coldkey, amount, Precision::Exact)?;
		Self::put_ledger(coldkey, hotkey, ledger, false);
		Self::decrease_totals(hotkey, 0, amount);
		Self::deposit_event(Event::StakeWithdrawn {
			coldkey: coldkey.clone(),
			hotkey: hotkey.clone(),
			amount,
		});
		Ok(())
	}

	/// [`Pallet::set_take`] without the origin.
	pub(crate) fn do_set_take(
		coldkey: &T::AccountId,
		hotkey: &T::AccountId,
		take: Perbill,
	) -> DispatchResult {
		let owner = HotkeyOwner::<T>::get(hotkey).ok_or(Error::<T>::HotkeyNotOwned)?;
		ensure!(&owner == coldkey, Error::<T>::NotHotkeyOwner);
		ensure!(take <= T::MaxTake::get(), Error::<T>::TakeTooHigh);
		let now = frame_system::Pallet::<T>::block_number();
		let increase = take > Takes::<T>::get(hotkey);
		if increase {
			if let Some(last) = LastTakeIncrease::<T>::get(hotkey) {
				ensure!(
					now >= last.saturating_add(T::TakeIncreaseRateLimit::get()),
					Error::<T>::TakeIncreaseRateLimited
				);
			}
		}

		Takes::<T>::insert(hotkey, take);
		if increase {
			LastTakeIncrease::<T>::insert(hotkey, now);
		}
		Self::deposit_event(Event::TakeSet { hotkey: hotkey.clone(), take });
		Ok(())
	}

	/// [`Pallet::offer_authority`] without the origin.
	pub(crate) fn do_offer_authority(hotkey: &T::AccountId) -> DispatchResult {
		ensure!(HotkeyOwner::<T>::contains_key(hotkey), Error::<T>::HotkeyNotOwned);
		ensure!(TotalHotkeyStake::<T>::get(hotkey) > 0, Error::<T>::HotkeyHasNoStake);
		ensure!(!AuthorityCandidates::<T>::contains_key(hotkey), Error::<T>::AlreadyCandidate);
		ensure!(
			AuthorityCandidates::<T>::count() < T::MaxAuthorityCandidates::get(),
			Error::<T>::TooManyCandidates
		);

		AuthorityCandidates::<T>::insert(hotkey, ());
		Self::deposit_event(Event::AuthorityOffered { hotkey: hotkey.clone() });
		Ok(())
	}
}
