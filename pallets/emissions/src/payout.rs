//! Paying a subnet's accrued emission at the end of its epoch.

use crate::{pallet::*, types::REWARD_PER_STAKE_SCALE, SubnetEmissionInfo};
use alloc::{vec, vec::Vec};
use polkadot_sdk::{
	frame_support::{storage::with_storage_layer, traits::fungible::Mutate, traits::Get},
	sp_runtime::{
		helpers_128bit::multiply_by_rational_with_rounding, Perquintill, Rounding, Saturating,
	},
};
use verity_primitives::{
	subnets::NetUid,
	traits::NetworkParametersInterface as _,
	traits::{EpochPayout, StakeInterface, SubnetsInterface},
	Balance,
};

impl<T: Config> Pallet<T> {
	/// What the subnet would be paid at an epoch now: zero before its first epoch.
	pub fn pending(netuid: NetUid) -> Balance {
		SubnetEmission::<T>::get(netuid).map_or(0, |entry| Self::pending_of(&entry))
	}

	/// What an entry has accrued since its snapshot: `permitted_stake × (RewardPerStake −
	/// snapshot) / SCALE` rounded down, at most the `max_subnet_share` network parameter of everything accrued since
	/// the snapshot, and at most what is left under [`Config::IssuanceCap`].
	pub(crate) fn pending_of(entry: &SubnetEmissionInfo) -> Balance {
		let growth = RewardPerStake::<T>::get().wrapping_sub(entry.reward_per_stake);
		// Too large for u128 means far above the caps below.
		let by_stake = multiply_by_rational_with_rounding(
			entry.permitted_stake,
			growth,
			REWARD_PER_STAKE_SCALE,
			Rounding::Down,
		)
		.unwrap_or(Balance::MAX);
		let accrued_since = TotalAccrued::<T>::get().wrapping_sub(entry.accrued);
		let by_share = T::Parameters::max_subnet_share().mul_floor(accrued_since);
		let under_cap = T::IssuanceCap::get().saturating_sub(Issued::<T>::get());
		by_stake.min(by_share).min(under_cap)
	}

	/// Pays the subnet what it accrued since its last epoch and takes the new permitted stake
	/// and snapshots; see [`verity_primitives::traits::EmissionPayout::pay_epoch`]. Returns
	/// what each UID received.
	///
	/// Work: one mint per UID with incentive, one `distribute_reward` per UID with dividends;
	/// see `WeightInfo::pay_epoch`.
	pub(crate) fn do_pay_epoch(
		netuid: NetUid,
		payout: EpochPayout<'_, T::AccountId>,
	) -> Vec<Balance> {
		let mut per_uid = vec![0; payout.hotkeys.len()];
		let previous = SubnetEmission::<T>::get(netuid);
		// A subnet seen for the first time accrued nothing yet.
		let pending = previous.as_ref().map_or(0, Self::pending_of);

		let split = T::Parameters::emission_split();
		let owner = Self::pay_owner(netuid, split.owner.mul_floor(pending));
		let miners = Self::pay_miners(&payout, split.miners.mul_floor(pending), &mut per_uid);
		let validators =
			Self::pay_validators(&payout, split.validators.mul_floor(pending), &mut per_uid);
		let minted = owner.saturating_add(miners).saturating_add(validators);
		let unminted = pending.saturating_sub(minted);

		Issued::<T>::mutate(|issued| issued.saturating_accrue(minted));
		let old_stake = previous.as_ref().map_or(0, |entry| entry.permitted_stake);
		TotalPermittedStake::<T>::mutate(|total| {
			*total = total.saturating_sub(old_stake).saturating_add(payout.permitted_stake)
		});
		SubnetEmission::<T>::insert(
			netuid,
			SubnetEmissionInfo {
				permitted_stake: payout.permitted_stake,
				reward_per_stake: RewardPerStake::<T>::get(),
				accrued: TotalAccrued::<T>::get(),
				paid: previous.map_or(0, |entry| entry.paid).saturating_add(minted),
			},
		);
		Self::deposit_event(Event::EpochPaid {
			netuid,
			accrued: pending,
			owner,
			miners,
			validators,
			unminted,
		});
		per_uid
	}

	/// Mints `amount` into the subnet owner's coldkey; returns what was minted (nothing when
	/// the subnet has no owner or the mint fails).
	fn pay_owner(netuid: NetUid, amount: Balance) -> Balance {
		if amount == 0 {
			return 0;
		}
		T::Subnets::subnet_owner(netuid)
			.and_then(|owner| T::Currency::mint_into(&owner, amount).ok())
			.unwrap_or(0)
	}

	/// Shares `pot` among the UIDs by incentive, minted into each hotkey's owning coldkey;
	/// adds each payment to `per_uid` and returns the sum minted.
	fn pay_miners(
		payout: &EpochPayout<'_, T::AccountId>,
		pot: Balance,
		per_uid: &mut [Balance],
	) -> Balance {
		Self::share_pot(payout.hotkeys, payout.incentive, pot, per_uid, |hotkey, amount| {
			T::Stake::hotkey_owner(hotkey)
				.and_then(|coldkey| T::Currency::mint_into(&coldkey, amount).ok())
				.unwrap_or(0)
		})
	}

	/// Shares `pot` among the UIDs by dividends, minted as new stake on each hotkey (shared with
	/// its delegators by the stake pallet); adds each payment to `per_uid` and returns the sum
	/// minted.
	fn pay_validators(
		payout: &EpochPayout<'_, T::AccountId>,
		pot: Balance,
		per_uid: &mut [Balance],
	) -> Balance {
		Self::share_pot(payout.hotkeys, payout.dividends, pot, per_uid, |hotkey, amount| {
			// All or nothing: a distribution that fails leaves no partial mint behind.
			with_storage_layer(|| T::Stake::distribute_reward(hotkey, amount)).unwrap_or(0)
		})
	}

	/// Pays `shares[uid] × pot` (rounded down) to each UID through `pay`, which returns what it
	/// minted. The payments never exceed `pot`, even when `shares` sum above one; shares beyond
	/// the hotkeys are ignored.
	fn share_pot(
		hotkeys: &[T::AccountId],
		shares: &[Perquintill],
		pot: Balance,
		per_uid: &mut [Balance],
		mut pay: impl FnMut(&T::AccountId, Balance) -> Balance,
	) -> Balance {
		let mut allotted: Balance = 0;
		let mut minted: Balance = 0;
		if pot == 0 {
			return 0;
		}
		for ((hotkey, share), paid) in hotkeys.iter().zip(shares).zip(per_uid.iter_mut()) {
			let amount = share.mul_floor(pot).min(pot.saturating_sub(allotted));
			if amount == 0 {
				continue;
			}
			allotted.saturating_accrue(amount);
			let done = pay(hotkey, amount);
			paid.saturating_accrue(done);
			minted.saturating_accrue(done);
		}
		minted
	}
}
