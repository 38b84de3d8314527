//! The pallet's invariants, checked by `try-runtime` and after every test.

use crate::pallet::*;
use alloc::collections::btree_map::BTreeMap;
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{fungible::InspectHold, Get},
	},
	sp_runtime::{Saturating, TryRuntimeError},
};
use verity_primitives::Balance;

impl<T: Config> Pallet<T> {
	/// Checks every invariant listed in the crate docs.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut held_by_coldkey: BTreeMap<T::AccountId, Balance> = BTreeMap::new();
		let mut active_by_hotkey: BTreeMap<T::AccountId, Balance> = BTreeMap::new();
		let mut ledgers_by_hotkey: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		let mut ledgers_by_coldkey: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		let mut total: Balance = 0;

		for (hotkey, coldkey, ledger) in Ledgers::<T>::iter() {
			ensure!(!ledger.is_empty(), "an empty ledger is stored");
			ensure!(
				ledger.unbonding.iter().all(|chunk| chunk.amount > 0),
				"a ledger stores an empty unbonding chunk"
			);
			ensure!(HotkeyOwner::<T>::contains_key(&hotkey), "a ledger's hotkey has no owner");
			ensure!(
				ColdkeyHotkeys::<T>::contains_key(&coldkey, &hotkey),
				"a ledger is missing from ColdkeyHotkeys"
			);
			let ledger_total = ledger.total();
			held_by_coldkey.entry(coldkey.clone()).or_default().saturating_accrue(ledger_total);
			active_by_hotkey.entry(hotkey.clone()).or_default().saturating_accrue(ledger.active);
			ledgers_by_hotkey.entry(hotkey).or_default().saturating_inc();
			ledgers_by_coldkey.entry(coldkey).or_default().saturating_inc();
			total.saturating_accrue(ledger_total);
		}

		let reason = Self::staked_reason();
		for (coldkey, held) in &held_by_coldkey {
			ensure!(
				T::Currency::balance_on_hold(&reason, coldkey) == *held,
				"a coldkey's hold differs from the sum of its ledgers"
			);
		}
		ensure!(TotalStake::<T>::get() == total, "TotalStake differs from the sum of all ledgers");

		for (hotkey, stake) in TotalHotkeyStake::<T>::iter() {
			ensure!(
				active_by_hotkey.get(&hotkey).copied().unwrap_or(0) == stake,
				"TotalHotkeyStake differs from the sum of the hotkey's active stake"
			);
		}
		for (hotkey, active) in &active_by_hotkey {
			ensure!(
				TotalHotkeyStake::<T>::get(hotkey) == *active,
				"a hotkey's active stake is missing from TotalHotkeyStake"
			);
		}

		let max_stakers = T::MaxStakersPerHotkey::get();
		for (hotkey, count) in Stakers::<T>::iter() {
			ensure!(
				ledgers_by_hotkey.get(&hotkey).copied().unwrap_or(0) == count,
				"Stakers differs from the number of the hotkey's ledgers"
			);
			ensure!(count <= max_stakers, "a hotkey has more than MaxStakersPerHotkey stakers");
		}
		for (hotkey, count) in &ledgers_by_hotkey {
			ensure!(Stakers::<T>::get(hotkey) == *count, "a hotkey's ledgers are not counted");
		}

		let max_hotkeys = T::MaxHotkeysPerColdkey::get();
		for (coldkey, count) in ColdkeyHotkeyCount::<T>::iter() {
			ensure!(
				ledgers_by_coldkey.get(&coldkey).copied().unwrap_or(0) == count,
				"ColdkeyHotkeyCount differs from the number of the coldkey's ledgers"
			);
			ensure!(count <= max_hotkeys, "a coldkey has more than MaxHotkeysPerColdkey hotkeys");
		}
		for (coldkey, count) in &ledgers_by_coldkey {
			ensure!(
				ColdkeyHotkeyCount::<T>::get(coldkey) == *count,
				"a coldkey's ledgers are not counted"
			);
		}
		for (coldkey, hotkey, ()) in ColdkeyHotkeys::<T>::iter() {
			ensure!(
				Ledgers::<T>::contains_key(&hotkey, &coldkey),
				"ColdkeyHotkeys names a ledger that does not exist"
			);
		}

		for hotkey in Takes::<T>::iter_keys() {
			ensure!(HotkeyOwner::<T>::contains_key(&hotkey), "a take is set for an unowned hotkey");
		}
		for hotkey in HotkeyOwner::<T>::iter_keys() {
			ensure!(Takes::<T>::contains_key(&hotkey), "an owned hotkey has no take");
		}

		let candidates = AuthorityCandidates::<T>::count();
		ensure!(
			candidates <= T::MaxAuthorityCandidates::get(),
			"more than MaxAuthorityCandidates candidates"
		);
		ensure!(
			AuthorityCandidates::<T>::iter_keys().count() == candidates as usize,
			"the candidate counter is wrong"
		);
		for hotkey in AuthorityCandidates::<T>::iter_keys() {
			ensure!(HotkeyOwner::<T>::contains_key(&hotkey), "an authority candidate is unowned");
		}
		Ok(())
	}
}
