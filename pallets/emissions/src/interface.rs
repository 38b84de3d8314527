//! What the pallet offers the rest of the runtime: payouts to `pallet-scoring`, the subnet
//! lifecycle to `pallet-subnets`, the burn ledger to every pallet that burns, the fee and dust
//! sink to `pallet-balances` and transaction payment, and the runtime API's view.

use crate::{pallet::*, weights::WeightInfo};
use alloc::vec::Vec;
use polkadot_sdk::{
	frame_support::storage::with_storage_layer,
	frame_support::traits::{
		fungible::{self, Inspect},
		Get, Imbalance, OnUnbalanced,
	},
	sp_runtime::{Saturating, Weight},
};
use verity_primitives::{
	emissions::{EmissionsView, SubnetEmissionView},
	subnets::{NetUid, Uid},
	traits::NetworkParametersInterface as _,
	traits::{
		BurnLedger, EmissionPayout, EpochPayout, RewardIssuer, StakeInterface, SubnetLifecycle,
	},
	Balance,
};

impl<T: Config> EmissionPayout<T::AccountId> for Pallet<T> {
	fn pay_epoch(netuid: NetUid, payout: EpochPayout<'_, T::AccountId>) -> Vec<Balance> {
		Self::do_pay_epoch(netuid, payout)
	}

	fn pay_epoch_weight(neurons: u32, validators: u32) -> Weight {
		T::WeightInfo::pay_epoch(neurons, validators)
	}
}

impl<T: Config> RewardIssuer<T::AccountId> for Pallet<T> {
	/// Mints as stake on `hotkey` (shared with its delegators), at most what is left under
	/// [`Config::IssuanceCap`], and counts it as [`Issued`]. A failed distribution mints
	/// nothing.
	fn issue_reward(hotkey: &T::AccountId, amount: Balance) -> Balance {
		let amount = amount.min(T::IssuanceCap::get().saturating_sub(Issued::<T>::get()));
		if amount == 0 {
			return 0;
		}
		let minted =
			with_storage_layer(|| T::Stake::distribute_reward(hotkey, amount)).unwrap_or(0);
		if minted > 0 {
			Issued::<T>::mutate(|issued| issued.saturating_accrue(minted));
			Self::deposit_event(Event::RewardIssued { hotkey: hotkey.clone(), amount: minted });
		}
		minted
	}

	fn issue_reward_weight() -> Weight {
		T::WeightInfo::issue_reward()
	}
}

impl<T: Config> SubnetLifecycle for Pallet<T> {
	/// Nothing: the subnet's entry opens at its first epoch.
	fn on_subnet_created(_netuid: NetUid) {}

	/// Nothing: payouts follow the UIDs' hotkeys at each epoch.
	fn on_neuron_replaced(_netuid: NetUid, _uid: Uid) {}

	/// Removes the subnet's entry and its weight from the accrual. What it had pending is
	/// forfeited: never minted.
	fn on_subnet_dissolved(netuid: NetUid) {
		let Some(entry) = SubnetEmission::<T>::take(netuid) else {
			return;
		};
		let pending = Self::pending_of(&entry);
		TotalPermittedStake::<T>::mutate(|total| total.saturating_reduce(entry.permitted_stake));
		Self::deposit_event(Event::EmissionForfeited { netuid, pending });
	}

	fn subnet_created_weight() -> Weight {
		Weight::zero()
	}

	fn neuron_replaced_weight() -> Weight {
		Weight::zero()
	}

	fn subnet_dissolved_weight() -> Weight {
		T::WeightInfo::on_subnet_dissolved()
	}
}

impl<T: Config> BurnLedger for Pallet<T> {
	fn note_burned(amount: Balance) {
		Burned::<T>::mutate(|burned| burned.saturating_accrue(amount));
	}
}

/// Burns the credit (dropping it lowers total issuance) and counts it as burned: transaction
/// fees and the dust of reaped accounts go this way.
impl<T: Config> OnUnbalanced<fungible::Credit<T::AccountId, T::Currency>> for Pallet<T> {
	fn on_nonzero_unbalanced(credit: fungible::Credit<T::AccountId, T::Currency>) {
		Self::note_burned(credit.peek());
		drop(credit);
	}
}

impl<T: Config> Pallet<T> {
	/// Where the issuance schedule stands and what each subnet has accrued, for the runtime
	/// API. Reads every subnet's entry: not for use in a block.
	pub fn emissions_view() -> EmissionsView {
		let issued = Issued::<T>::get();
		let mut subnets: Vec<SubnetEmissionView> = SubnetEmission::<T>::iter()
			.map(|(netuid, entry)| SubnetEmissionView {
				netuid,
				permitted_stake: entry.permitted_stake,
				pending: Self::pending_of(&entry),
				paid: entry.paid,
			})
			.collect();
		subnets.sort_by_key(|subnet| subnet.netuid);
		EmissionsView {
			issued,
			cap: T::IssuanceCap::get(),
			block_reward: Self::block_reward_at(issued),
			halvings: Self::halvings_at(issued),
			next_halving_at: Self::next_halving_at(issued),
			genesis_issuance: GenesisIssuance::<T>::get(),
			burned: Burned::<T>::get(),
			total_issuance: T::Currency::total_issuance(),
			split: T::Parameters::emission_split(),
			max_subnet_share: T::Parameters::max_subnet_share(),
			subnets,
		}
	}
}
