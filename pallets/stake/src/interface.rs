//! What other pallets and the runtime API see of the stake.

use crate::pallet::*;
use alloc::vec::Vec;
use codec::{Decode, Encode};
use polkadot_sdk::{
	frame_support::storage::StoragePrefixedMap,
	sp_io,
	sp_runtime::{DispatchError, DispatchResult, Perbill, SaturatedConversion},
};
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

	/// [`Self::total_stake_of`] each of `hotkeys`, in order: the same reads, cheaper. FRAME
	/// hashes a map's prefix again (two host calls) for every key it builds and has the host
	/// allocate every value it reads; here the prefix is hashed once, each key is the prefix
	/// and the hotkey's `Blake2_128Concat` (as [`TotalHotkeyStake`] declares), and each value
	/// is read into a buffer on the stack. An epoch reads the stake of every neuron of a
	/// subnet, up to 4,096.
	pub fn total_stakes_of(hotkeys: &[T::AccountId]) -> Vec<Balance> {
		let prefix = TotalHotkeyStake::<T>::final_prefix();
		let mut key = Vec::with_capacity(prefix.len().saturating_add(16).saturating_add(32));
		hotkeys
			.iter()
			.map(|hotkey| {
				key.clear();
				key.extend_from_slice(&prefix);
				hotkey.using_encoded(|encoded| {
					key.extend_from_slice(&sp_io::hashing::blake2_128(encoded));
					key.extend_from_slice(encoded);
				});
				let mut value = [0u8; core::mem::size_of::<Balance>()];
				match sp_io::storage::read(&key, &mut value, 0) {
					// `ValueQuery`: an absent value is zero.
					None => 0,
					Some(len) if usize::try_from(len).ok() == Some(value.len()) => {
						Balance::decode(&mut &value[..]).unwrap_or_default()
					}
					// Not a balance: the typed read handles (and logs) it.
					Some(_) => TotalHotkeyStake::<T>::get(hotkey),
				}
			})
			.collect()
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

	fn total_stakes(hotkeys: &[T::AccountId]) -> Vec<Balance> {
		Self::total_stakes_of(hotkeys)
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
