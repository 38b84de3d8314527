//! Slashing the stake behind a hotkey.

use crate::{pallet::*, types::StakeLedger};
use alloc::vec::Vec;
use polkadot_sdk::{
	frame_support::{
		defensive,
		storage::with_storage_layer,
		traits::{
			fungible::MutateHold,
			tokens::{Fortitude, Precision, Restriction},
		},
	},
	sp_runtime::{Perbill, Saturating},
};
use verity_primitives::{stake::SlashOutcome, traits::BurnLedger, Balance};

impl<T: Config> Pallet<T> {
	/// Takes `fraction` of every ledger on `hotkey` — its active stake and each unbonding chunk,
	/// rounding down — moves `beneficiary.1` of what each coldkey loses to `beneficiary.0`'s free
	/// balance and burns the rest. A transfer the beneficiary cannot receive (say, below the
	/// existential deposit for a new account) is burned instead.
	///
	/// Ledgers are slashed from the largest down, so that the first transfer to a beneficiary
	/// is the largest. Work: one pass over at most [`Config::MaxStakersPerHotkey`] ledgers of
	/// at most [`Config::MaxUnbondingChunks`] chunks each; see `WeightInfo::slash`.
	pub(crate) fn do_slash(
		hotkey: &T::AccountId,
		fraction: Perbill,
		beneficiary: Option<(T::AccountId, Perbill)>,
	) -> SlashOutcome {
		let mut outcome = SlashOutcome::default();
		if fraction.is_zero() {
			return outcome;
		}
		let mut ledgers: Vec<(T::AccountId, StakeLedger<T>)> =
			Ledgers::<T>::iter_prefix(hotkey).collect();
		ledgers.sort_by(|(a_key, a), (b_key, b)| {
			b.total().cmp(&a.total()).then_with(|| a_key.cmp(b_key))
		});

		let reason = Self::staked_reason();
		let mut active_slashed: Balance = 0;
		for (coldkey, mut ledger) in ledgers {
			let from_active = fraction.mul_floor(ledger.active);
			ledger.active.saturating_reduce(from_active);
			let mut taken = from_active;
			for chunk in ledger.unbonding.iter_mut() {
				let from_chunk = fraction.mul_floor(chunk.amount);
				chunk.amount.saturating_reduce(from_chunk);
				taken.saturating_accrue(from_chunk);
			}
			ledger.unbonding.retain(|chunk| chunk.amount > 0);
			if taken == 0 {
				continue;
			}

			let rewarded = match &beneficiary {
				Some((who, share)) => {
					let reward = share.mul_floor(taken);
					if reward > 0 {
						// A failed transfer leaves no trace: its part is burned below.
						with_storage_layer(|| {
							T::Currency::transfer_on_hold(
								&reason,
								&coldkey,
								who,
								reward,
								Precision::Exact,
								Restriction::Free,
								Fortitude::Force,
							)
						})
						.unwrap_or(0)
					} else {
						0
					}
				}
				None => 0,
			};
			let burned = taken.saturating_sub(rewarded);
			if burned > 0 {
				match T::Currency::burn_held(
					&reason,
					&coldkey,
					burned,
					Precision::Exact,
					Fortitude::Force,
				) {
					Ok(done) => {
						T::Burns::note_burned(done);
						if done != burned {
							// The hold equals the sum of the coldkey's ledgers (an invariant).
							defensive!("stake: the hold does not cover a ledger being slashed");
						}
					}
					Err(_) => {
						defensive!("stake: the hold does not cover a ledger being slashed");
					}
				}
			}

			Self::put_ledger(&coldkey, hotkey, ledger, false);
			active_slashed.saturating_accrue(from_active);
			outcome.slashed.saturating_accrue(taken);
			outcome.rewarded.saturating_accrue(rewarded);
			outcome.burned.saturating_accrue(burned);
		}

		Self::decrease_totals(hotkey, active_slashed, outcome.slashed);
		if outcome.slashed > 0 {
			Self::deposit_event(Event::Slashed {
				hotkey: hotkey.clone(),
				slashed: outcome.slashed,
				rewarded: outcome.rewarded,
				burned: outcome.burned,
			});
		}
		outcome
	}
}
