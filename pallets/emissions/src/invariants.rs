//! The pallet's invariants, checked by `try-runtime` and after every test.

use crate::pallet::*;
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{fungible::Inspect, Get},
	},
	sp_runtime::{Saturating, TryRuntimeError},
};
use verity_primitives::Balance;

impl<T: Config> Pallet<T> {
	/// Checks every invariant listed in the crate docs.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let issued = Issued::<T>::get();
		let accounted = GenesisIssuance::<T>::get()
			.checked_add(issued)
			.and_then(|total| total.checked_sub(Burned::<T>::get()))
			.ok_or("GenesisIssuance + Issued − Burned overflows or is negative")?;
		ensure!(
			T::Currency::total_issuance() == accounted,
			"total issuance differs from GenesisIssuance + Issued − Burned"
		);
		ensure!(issued <= T::IssuanceCap::get(), "Issued exceeds IssuanceCap");

		let mut stake: Balance = 0;
		let mut paid: Balance = 0;
		for entry in SubnetEmission::<T>::iter_values() {
			stake.saturating_accrue(entry.permitted_stake);
			paid.saturating_accrue(entry.paid);
		}
		ensure!(
			TotalPermittedStake::<T>::get() == stake,
			"TotalPermittedStake differs from the sum of the entries' permitted stake"
		);
		ensure!(paid <= issued, "the subnets were paid more than Issued");
		Ok(())
	}
}
