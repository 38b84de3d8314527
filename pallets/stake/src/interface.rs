//! What other pallets and the runtime API see of the stake.

use crate::pallet::*;
use alloc::vec::Vec;
use polkadot_sdk::sp_runtime::{DispatchError, DispatchResult, Perbill, SaturatedConversion};
use verity_primitives::{
	stake::{HotkeyStakeView, SlashOutcome, StakePosition, StakeView, UnbondingChunk},
	traits::StakeInterface,
	Balance,
};

impl<T: Config> Pallet<T> {
	/// The stake `account` holds as a coldkey and attracts as a hotkey, for the runtime API.
	/// Bounded by [`Config::MaxHotkeysPerColdkey`] ledgers.
	pub fn stake_view(account: T::AccountId) -> StakeView<T::AccountId> {
		let positions = ColdkeyHotkeys::<T>::iter_key_prefix(&account)
			.filter_map(|hotkey| {
				let ledger = Ledgers::<T>::get(&hotkey, &account)?;
				Some(StakePosition {
					hotkey,
					active: ledger.active,
					unbonding: ledger
						.unbonding
						.iter()
						.map(|chunk| UnbondingChunk {
							amount: chunk.amount,
							unlocks_at: chunk.unlocks_at.saturated_into::<u32>(),
						})
						.collect::<Vec<_>>(),
				})
			})
			.collect::<Vec<_>>();
		let hotkey = HotkeyOwner::<T>::get(&account).map(|owner| HotkeyStakeView {
			owner,
			total: TotalHotkeyStake::<T>::get(&account),
			take: Takes::<T>::get(&account),
			stakers: Stakers::<T>::get(&account),
			authority_candidate: AuthorityCandidates::<T>::contains_key(&account),
		});
		StakeView { account, positions, hotkey }
	}

	/// The active stake on `hotkey` from all coldkeys.
	pub fn total_stake_of(hotkey: &T::AccountId) -> Balance {
		TotalHotkeyStake::<T>::get(hotkey)
	}
}

impl<T: Config> StakeInterface<T::AccountId> for Pallet<T> {
	fn hotkey_owner(hotkey: &T::AccountId) -> Option<T::AccountId> {
		HotkeyOwner::<T>::get(hotkey)
	}

	fn bind_hotkey(coldkey: &T::AccountId, hotkey: &T::AccountId) -> DispatchResult {
		match HotkeyOwner::<T>::get(hotkey) {
			Some(owner) if &owner == coldkey => Ok(()),
			Some(_) => Err(Error::<T>::HotkeyOwnedByAnotherColdkey.into()),
			None => {
				Self::claim_hotkey(coldkey, hotkey);
				Ok(())
			}
		}
	}

	fn total_stake(hotkey: &T::AccountId) -> Balance {
		Self::total_stake_of(hotkey)
	}

	fn slash(
		hotkey: &T::AccountId,
		fraction: Perbill,
		beneficiary: Option<(T::AccountId, Perbill)>,
	) -> SlashOutcome {
		Self::do_slash(hotkey, fraction, beneficiary)
	}

	fn distribute_reward(hotkey: &T::AccountId, amount: Balance) -> Result<Balance, DispatchError> {
		Self::do_distribute_reward(hotkey, amount)
	}
}
