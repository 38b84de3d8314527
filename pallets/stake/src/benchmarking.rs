//! Benchmarks of the stake pallet, each in its worst case.

use super::*;
use crate::{pallet::*, types::UnbondingChunk};
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{
	assert_ok,
	traits::{fungible::Mutate, Get},
	BoundedVec,
};
use frame_system::RawOrigin;
use polkadot_sdk::frame_benchmarking;
use sp_runtime::{traits::One, Perbill, Saturating};
use verity_primitives::traits::NetworkParametersInterface as _;
use verity_primitives::{traits::StakeInterface, Balance};

const SEED: u32 = 0;

/// Enough to stake many times over.
fn fund<T: Config>(who: &T::AccountId) {
	let amount = T::MinStake::get().saturating_mul(1_000_000).max(1_000_000_000_000_000);
	T::Currency::set_balance(who, amount);
}

/// A funded coldkey.
fn funded_coldkey<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, SEED);
	fund::<T>(&who);
	who
}

/// Ten times the minimum stake.
fn stake_amount<T: Config>() -> Balance {
	T::MinStake::get().saturating_mul(10)
}

/// Fills the ledger of `coldkey` on `hotkey` with all but `free_chunks` of the most unbonding
/// chunks, each unlocking in a different block.
fn fill_unbonding<T: Config>(coldkey: &T::AccountId, hotkey: &T::AccountId, free_chunks: u32) {
	for _ in 0..T::MaxUnbondingChunks::get().saturating_sub(free_chunks) {
		assert_ok!(Pallet::<T>::do_remove_stake(coldkey, hotkey, 1));
		let next = frame_system::Pallet::<T>::block_number().saturating_add(One::one());
		frame_system::Pallet::<T>::set_block_number(next);
	}
}

/// `stakers` coldkeys staking on `hotkey` (the first is the owner), each with a full ledger of
/// unbonding chunks. Returns the coldkeys.
fn staked_hotkey<T: Config>(hotkey: &T::AccountId, stakers: u32) -> Vec<T::AccountId> {
	let mut coldkeys = Vec::new();
	for i in 0..stakers {
		let coldkey = funded_coldkey::<T>("staker", i);
		assert_ok!(Pallet::<T>::do_add_stake(&coldkey, hotkey, stake_amount::<T>()));
		coldkeys.push(coldkey);
	}
	// Write full chunk lists directly: going through `remove_stake` block by block for every
	// staker would only slow the benchmark setup down.
	let now = frame_system::Pallet::<T>::block_number();
	for coldkey in &coldkeys {
		Ledgers::<T>::mutate(hotkey, coldkey, |ledger| {
			if let Some(ledger) = ledger {
				let mut chunks = Vec::new();
				let mut unlocks_at = now;
				for _ in 0..T::MaxUnbondingChunks::get() {
					unlocks_at = unlocks_at.saturating_add(One::one());
					chunks.push(UnbondingChunk::<T> { amount: 1, unlocks_at });
				}
				let moved = Balance::from(T::MaxUnbondingChunks::get());
				ledger.active = ledger.active.saturating_sub(moved);
				ledger.unbonding = BoundedVec::truncate_from(chunks);
				TotalHotkeyStake::<T>::mutate(hotkey, |total| total.saturating_reduce(moved));
			}
		});
	}
	coldkeys
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// A new ledger on an unowned hotkey: claims it and opens every index entry.
	#[benchmark]
	fn add_stake() {
		let coldkey = funded_coldkey::<T>("coldkey", 0);
		let hotkey: T::AccountId = account("hotkey", 0, SEED);
		let amount = stake_amount::<T>();

		#[extrinsic_call]
		_(RawOrigin::Signed(coldkey.clone()), hotkey.clone(), amount);

		assert_eq!(HotkeyOwner::<T>::get(&hotkey), Some(coldkey.clone()));
		assert_eq!(Ledgers::<T>::get(&hotkey, &coldkey).map(|l| l.active), Some(amount));
	}

	/// Unbonding into a ledger with one chunk slot left.
	#[benchmark]
	fn remove_stake() {
		let coldkey = funded_coldkey::<T>("coldkey", 0);
		let hotkey: T::AccountId = account("hotkey", 0, SEED);
		assert_ok!(Pallet::<T>::do_add_stake(&coldkey, &hotkey, stake_amount::<T>()));
		fill_unbonding::<T>(&coldkey, &hotkey, 1);

		#[extrinsic_call]
		_(RawOrigin::Signed(coldkey.clone()), hotkey.clone(), 1);

		let ledger = Ledgers::<T>::get(&hotkey, &coldkey);
		assert_eq!(ledger.map(|l| l.unbonding.len() as u32), Some(T::MaxUnbondingChunks::get()));
	}

	/// Withdrawing a full list of unlocked chunks, which empties and removes the ledger.
	#[benchmark]
	fn withdraw_unbonded() {
		let coldkey = funded_coldkey::<T>("coldkey", 0);
		let hotkey: T::AccountId = account("hotkey", 0, SEED);
		let chunks = Balance::from(T::MaxUnbondingChunks::get());
		let amount = T::MinStake::get().saturating_add(chunks);
		assert_ok!(Pallet::<T>::do_add_stake(&coldkey, &hotkey, amount));
		// All but the last chunk are 1; the last takes the rest, leaving no active stake.
		let start = frame_system::Pallet::<T>::block_number();
		for _ in 1..T::MaxUnbondingChunks::get() {
			assert_ok!(Pallet::<T>::do_remove_stake(&coldkey, &hotkey, 1));
			let next = frame_system::Pallet::<T>::block_number().saturating_add(One::one());
			frame_system::Pallet::<T>::set_block_number(next);
		}
		let rest = Ledgers::<T>::get(&hotkey, &coldkey).map(|l| l.active).unwrap_or_default();
		assert_ok!(Pallet::<T>::do_remove_stake(&coldkey, &hotkey, rest));
		frame_system::Pallet::<T>::set_block_number(
			start
				.saturating_add(T::Parameters::unbonding_period())
				.saturating_add(T::MaxUnbondingChunks::get().into()),
		);

		#[extrinsic_call]
		_(RawOrigin::Signed(coldkey.clone()), hotkey.clone());

		assert!(!Ledgers::<T>::contains_key(&hotkey, &coldkey));
	}

	/// A take increase after an earlier one, past the rate limit.
	#[benchmark]
	fn set_take() {
		let coldkey = funded_coldkey::<T>("coldkey", 0);
		let hotkey: T::AccountId = account("hotkey", 0, SEED);
		assert_ok!(Pallet::<T>::bind_hotkey(&coldkey, &hotkey));
		assert_ok!(Pallet::<T>::do_set_take(&coldkey, &hotkey, Perbill::zero()));
		LastTakeIncrease::<T>::insert(&hotkey, frame_system::Pallet::<T>::block_number());
		let later = frame_system::Pallet::<T>::block_number()
			.saturating_add(T::TakeIncreaseRateLimit::get());
		frame_system::Pallet::<T>::set_block_number(later);
		let take = T::MaxTake::get();

		#[extrinsic_call]
		_(RawOrigin::Signed(coldkey), hotkey.clone(), take);

		assert_eq!(Takes::<T>::get(&hotkey), take);
	}

	/// Joining as the last candidate that fits.
	#[benchmark]
	fn offer_authority() {
		// Genesis may already hold candidates: fill the set up to one free seat.
		let placeholders =
			AuthorityCandidates::<T>::count().saturating_add(1)..T::MaxAuthorityCandidates::get();
		for i in placeholders.clone() {
			let hotkey: T::AccountId = account("candidate", i, SEED);
			AuthorityCandidates::<T>::insert(&hotkey, ());
		}
		let coldkey = funded_coldkey::<T>("coldkey", 0);
		let hotkey: T::AccountId = account("hotkey", 0, SEED);
		assert_ok!(Pallet::<T>::do_add_stake(&coldkey, &hotkey, stake_amount::<T>()));

		#[extrinsic_call]
		_(RawOrigin::Signed(hotkey.clone()));

		assert!(AuthorityCandidates::<T>::contains_key(&hotkey));
		// The placeholder candidates above have no owner; remove them for the invariants.
		for i in placeholders {
			let other: T::AccountId = account("candidate", i, SEED);
			AuthorityCandidates::<T>::remove(&other);
		}
	}

	#[benchmark]
	fn retire_authority() {
		let coldkey = funded_coldkey::<T>("coldkey", 0);
		let hotkey: T::AccountId = account("hotkey", 0, SEED);
		assert_ok!(Pallet::<T>::do_add_stake(&coldkey, &hotkey, stake_amount::<T>()));
		assert_ok!(Pallet::<T>::do_offer_authority(&hotkey));

		#[extrinsic_call]
		_(RawOrigin::Signed(hotkey.clone()));

		assert!(!AuthorityCandidates::<T>::contains_key(&hotkey));
	}

	/// `s` stakers, each with a full list of unbonding chunks, slashed in part with a
	/// beneficiary: every ledger is rewritten, every hold transferred from and burned.
	#[benchmark]
	fn slash(s: Linear<1, { T::MaxStakersPerHotkey::get() }>) {
		let hotkey: T::AccountId = account("hotkey", 0, SEED);
		staked_hotkey::<T>(&hotkey, s);
		let beneficiary = funded_coldkey::<T>("beneficiary", 0);
		let before = TotalStake::<T>::get();

		#[block]
		{
			Pallet::<T>::slash(
				&hotkey,
				Perbill::from_percent(50),
				Some((beneficiary, Perbill::from_percent(50))),
			);
		}

		assert!(TotalStake::<T>::get() < before);
	}

	/// `s` stakers sharing a reward; the owner is one of them.
	#[benchmark]
	fn distribute_reward(s: Linear<1, { T::MaxStakersPerHotkey::get() }>) {
		let hotkey: T::AccountId = account("hotkey", 0, SEED);
		staked_hotkey::<T>(&hotkey, s);
		let amount = stake_amount::<T>().saturating_mul(1_000);
		let before = TotalStake::<T>::get();

		#[block]
		{
			assert_ok!(Pallet::<T>::distribute_reward(&hotkey, amount));
		}

		assert_eq!(TotalStake::<T>::get(), before.saturating_add(amount));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_bench_ext(), crate::mock::Test);
}
