//! The pallet's invariants (see the module docs), checked by `try_state` and after every
//! unit test.

use crate::{
	Bonds, Config, DueEpochs, EpochIndex, EpochSchedule, LastEpochBlock, NextEpochAt, Pallet,
	Scores, WeightCommits, Weights, WeightsVersionKey,
};
use alloc::{collections::BTreeSet, vec::Vec};
use polkadot_sdk::{
	frame_support::ensure,
	frame_system::{self, pallet_prelude::BlockNumberFor},
	sp_runtime::TryRuntimeError,
};
use verity_primitives::{
	subnets::{NetUid, Uid},
	traits::SubnetsInterface,
};

impl<T: Config> Pallet<T> {
	/// Checks every invariant of the module docs.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let now = frame_system::Pallet::<T>::block_number();
		let subnets: BTreeSet<NetUid> = T::Subnets::netuids().into_iter().collect();
		let exists = |netuid: &NetUid| subnets.contains(netuid);
		Self::check_schedule(now, &subnets)?;

		for netuid in Scores::<T>::iter_keys()
			.chain(EpochIndex::<T>::iter_keys())
			.chain(LastEpochBlock::<T>::iter_keys())
			.chain(WeightsVersionKey::<T>::iter_keys())
			.chain(Weights::<T>::iter_keys().map(|(netuid, _)| netuid))
			.chain(Bonds::<T>::iter_keys().map(|(netuid, _)| netuid))
			.chain(WeightCommits::<T>::iter_keys().map(|(netuid, _)| netuid))
		{
			ensure!(exists(&netuid), "scoring state of a netuid without a subnet");
		}
		for (netuid, scores) in Scores::<T>::iter() {
			ensure!(
				scores.len() <= usize::from(T::Subnets::neuron_count(netuid)),
				"more scores than neurons"
			);
		}
		for (netuid, at) in LastEpochBlock::<T>::iter() {
			ensure!(at <= now, "an epoch ran in the future");
			ensure!(EpochIndex::<T>::get(netuid) > 0, "an epoch block without an epoch");
		}
		for (netuid, uid, row) in Weights::<T>::iter() {
			let count = T::Subnets::neuron_count(netuid);
			ensure!(uid < count, "weights of a UID without a neuron");
			ensure!(!row.weights.is_empty(), "an empty weights row");
			ensure!(row.set_at <= now, "weights set in the future");
			ensure!(row.weights.iter().all(|(_, w)| w != 0), "a zero weight stored");
			Self::check_row(row.weights.iter().map(|(j, _)| j), count)?;
		}
		for (netuid, uid, row) in Bonds::<T>::iter() {
			let count = T::Subnets::neuron_count(netuid);
			ensure!(uid < count, "bonds of a UID without a neuron");
			ensure!(!row.is_empty(), "an empty bonds row");
			Self::check_row(row.iter().map(|(j, _)| j), count)?;
		}
		for (netuid, uid, commit) in WeightCommits::<T>::iter() {
			ensure!(
				uid < T::Subnets::neuron_count(netuid),
				"a commitment of a UID without a neuron"
			);
			ensure!(commit.block <= now, "a commitment in the future");
			ensure!(commit.epoch <= EpochIndex::<T>::get(netuid), "a commitment in a future epoch");
		}
		Ok(())
	}

	/// Every subnet's next epoch is scheduled exactly once: in the schedule at a future block,
	/// or in the due list once its block has come.
	fn check_schedule(
		now: BlockNumberFor<T>,
		subnets: &BTreeSet<NetUid>,
	) -> Result<(), TryRuntimeError> {
		let due = DueEpochs::<T>::get();
		let due_set: BTreeSet<NetUid> = due.iter().copied().collect();
		ensure!(due_set.len() == due.len(), "a subnet due twice");
		for (netuid, at) in NextEpochAt::<T>::iter() {
			ensure!(subnets.contains(&netuid), "an epoch scheduled for a netuid without a subnet");
			if at > now {
				ensure!(!due_set.contains(&netuid), "a subnet due before its block");
				ensure!(
					EpochSchedule::<T>::get(at).contains(&netuid),
					"a future epoch missing from the schedule"
				);
			} else {
				ensure!(due_set.contains(&netuid), "a past epoch neither run nor due");
			}
		}
		for netuid in subnets {
			ensure!(NextEpochAt::<T>::contains_key(netuid), "a subnet without a next epoch");
		}
		for netuid in &due_set {
			ensure!(NextEpochAt::<T>::contains_key(netuid), "a due subnet without a next epoch");
		}
		for (at, list) in EpochSchedule::<T>::iter() {
			ensure!(at > now, "a schedule entry in the past");
			ensure!(!list.is_empty(), "an empty schedule entry");
			let unique: BTreeSet<NetUid> = list.iter().copied().collect();
			ensure!(unique.len() == list.len(), "a subnet scheduled twice in one block");
			for netuid in list {
				ensure!(
					NextEpochAt::<T>::get(netuid) == Some(at),
					"a schedule entry that is not the subnet's next epoch"
				);
			}
		}
		Ok(())
	}

	/// The UIDs of a row are strictly ascending and below `count`.
	fn check_row(uids: impl Iterator<Item = Uid>, count: u16) -> Result<(), TryRuntimeError> {
		let uids: Vec<Uid> = uids.collect();
		ensure!(uids.windows(2).all(|pair| matches!(pair, [a, b] if a < b)), "a row not ascending");
		ensure!(uids.iter().all(|uid| *uid < count), "a row entry on a UID without a neuron");
		Ok(())
	}
}
