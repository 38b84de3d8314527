//! Setting weights: directly, or committed and revealed; the checks both share.

use crate::{
	Config, EpochIndex, Error, Event, Pallet, Scores, UidRow, WeightCommit, WeightCommits, Weights,
	WeightsRow, WeightsRowOf, WeightsVersionKey,
};
use alloc::{vec, vec::Vec};
use codec::{Decode, Encode};
use polkadot_sdk::{
	frame_support::ensure,
	frame_system::{self, pallet_prelude::BlockNumberFor},
	sp_core::H256,
	sp_io::hashing::blake2_256,
	sp_runtime::{traits::Saturating, DispatchError, DispatchResult},
};
use verity_primitives::{
	subnets::{EvaluationMode, Hyperparameters, NetUid, Uid, MAX_UIDS_LIMIT},
	traits::{ScoringInterface, StakeInterface, SubnetsInterface},
};

/// Words of the bitmap that finds duplicate UIDs: one bit per possible UID.
const UID_BITMAP_WORDS: usize = MAX_UIDS_LIMIT as usize / 64;

impl<T: Config> Pallet<T> {
	/// The hash `commit_weights` takes and `reveal_weights` checks:
	/// `blake2_256(SCALE(hotkey, netuid, uids, weights, salt, version_key))`, the slices
	/// encoded as vectors (length prefix, then the items).
	pub fn weights_commit_hash(
		hotkey: &T::AccountId,
		netuid: NetUid,
		uids: &[Uid],
		weights: &[u16],
		salt: H256,
		version_key: u64,
	) -> H256 {
		(hotkey, netuid, uids, weights, salt, version_key).using_encoded(blake2_256).into()
	}

	/// `set_weights` once the subnet's hyperparameters are read.
	pub(crate) fn set_weights_with(
		hotkey: T::AccountId,
		netuid: NetUid,
		uids: &[Uid],
		weights: &[u16],
		version_key: u64,
		hyperparameters: &Hyperparameters,
	) -> DispatchResult {
		ensure!(hyperparameters.commit_reveal_period == 0, Error::<T>::CommitRevealEnabled);
		let uid = T::Subnets::uid_of(netuid, &hotkey).ok_or(Error::<T>::NotRegistered)?;
		Self::ensure_may_set_weights(netuid, uid, &hotkey, hyperparameters)?;
		let now = frame_system::Pallet::<T>::block_number();
		let row = Self::weights_row(netuid, uids, weights, version_key, now)?;
		Self::ensure_not_rate_limited(netuid, uid, hyperparameters, now)?;

		let entries = row.weights.len() as u32;
		Weights::<T>::insert(netuid, uid, row);
		Self::deposit_event(Event::WeightsSet { netuid, uid, hotkey, entries });
		Ok(())
	}

	/// `commit_weights` once the subnet's hyperparameters are read.
	pub(crate) fn commit_weights_with(
		hotkey: T::AccountId,
		netuid: NetUid,
		hash: H256,
		hyperparameters: &Hyperparameters,
	) -> DispatchResult {
		let period = hyperparameters.commit_reveal_period;
		ensure!(period > 0, Error::<T>::CommitRevealDisabled);
		let uid = T::Subnets::uid_of(netuid, &hotkey).ok_or(Error::<T>::NotRegistered)?;
		Self::ensure_may_set_weights(netuid, uid, &hotkey, hyperparameters)?;
		let now = frame_system::Pallet::<T>::block_number();
		Self::ensure_not_rate_limited(netuid, uid, hyperparameters, now)?;
		let epoch = EpochIndex::<T>::get(netuid);
		if let Some(earlier) = WeightCommits::<T>::get(netuid, uid) {
			let reveal_epoch = earlier.epoch.saturating_add(u64::from(period));
			ensure!(epoch > reveal_epoch, Error::<T>::CommitPending);
		}

		WeightCommits::<T>::insert(netuid, uid, WeightCommit { hash, epoch, block: now });
		Self::deposit_event(Event::WeightsCommitted { netuid, uid, hotkey, hash });
		Ok(())
	}

	/// `reveal_weights` once the subnet's hyperparameters are read.
	pub(crate) fn reveal_weights_with(
		hotkey: T::AccountId,
		netuid: NetUid,
		uids: &[Uid],
		weights: &[u16],
		salt: H256,
		version_key: u64,
		hyperparameters: &Hyperparameters,
	) -> DispatchResult {
		let uid = T::Subnets::uid_of(netuid, &hotkey).ok_or(Error::<T>::NotRegistered)?;
		let commit = WeightCommits::<T>::get(netuid, uid).ok_or(Error::<T>::NoCommit)?;
		let reveal_epoch =
			commit.epoch.saturating_add(u64::from(hyperparameters.commit_reveal_period));
		let epoch = EpochIndex::<T>::get(netuid);
		ensure!(epoch >= reveal_epoch, Error::<T>::RevealTooEarly);
		ensure!(epoch <= reveal_epoch, Error::<T>::RevealTooLate);
		let hash = Self::weights_commit_hash(&hotkey, netuid, uids, weights, salt, version_key);
		ensure!(hash == commit.hash, Error::<T>::CommitMismatch);
		Self::ensure_may_set_weights(netuid, uid, &hotkey, hyperparameters)?;
		let now = frame_system::Pallet::<T>::block_number();
		let row = Self::weights_row(netuid, uids, weights, version_key, now)?;

		let entries = row.weights.len() as u32;
		WeightCommits::<T>::remove(netuid, uid);
		Weights::<T>::insert(netuid, uid, row);
		Self::deposit_event(Event::WeightsRevealed { netuid, uid, hotkey, entries });
		Ok(())
	}

	/// Checks that the neuron at `uid` may set weights: the subnet takes weights calls (it is
	/// not verified), the neuron got a validator permit in the last epoch and its stake is at
	/// least `min_validator_stake`.
	fn ensure_may_set_weights(
		netuid: NetUid,
		uid: Uid,
		hotkey: &T::AccountId,
		hyperparameters: &Hyperparameters,
	) -> DispatchResult {
		ensure!(
			hyperparameters.evaluation.mode == EvaluationMode::Weights,
			Error::<T>::WeightsFromEvaluations
		);
		let permitted = Scores::<T>::get(netuid)
			.get(usize::from(uid))
			.is_some_and(|score| score.validator_permit);
		ensure!(permitted, Error::<T>::NoValidatorPermit);
		ensure!(
			T::Stake::total_stake(hotkey) >= hyperparameters.min_validator_stake,
			Error::<T>::StakeBelowMinimum
		);
		Ok(())
	}

	/// Checks that the neuron at `uid` neither set nor committed weights in the last
	/// `weights_rate_limit` blocks. Its first weights are always allowed.
	fn ensure_not_rate_limited(
		netuid: NetUid,
		uid: Uid,
		hyperparameters: &Hyperparameters,
		now: BlockNumberFor<T>,
	) -> DispatchResult {
		let last_set = Self::weights_set_at(netuid, uid);
		let last_commit = WeightCommits::<T>::get(netuid, uid).map(|commit| commit.block);
		let last = match (last_set, last_commit) {
			(Some(set), Some(commit)) => Some(set.max(commit)),
			(set, commit) => set.or(commit),
		};
		if let Some(last) = last {
			let limit = BlockNumberFor::<T>::from(hyperparameters.weights_rate_limit);
			ensure!(now >= last.saturating_add(limit), Error::<T>::RateLimited);
		}
		Ok(())
	}

	/// Validates `uids` and `weights` and turns them into a row set at `now`: ascending by UID,
	/// zero weights dropped. Linear in the UIDs, with a bitmap for duplicates and a dense
	/// buffer over the neurons for the order, instead of a sort.
	fn weights_row(
		netuid: NetUid,
		uids: &[Uid],
		weights: &[u16],
		version_key: u64,
		now: BlockNumberFor<T>,
	) -> Result<WeightsRowOf<T>, DispatchError> {
		ensure!(uids.len() == weights.len(), Error::<T>::LengthMismatch);
		let neuron_count = T::Subnets::neuron_count(netuid);
		ensure!(uids.len() <= usize::from(neuron_count), Error::<T>::TooManyWeights);
		let mut seen = [0u64; UID_BITMAP_WORDS];
		let mut dense = vec![0u16; usize::from(neuron_count)];
		let mut non_zero = 0usize;
		for (&uid, &weight) in uids.iter().zip(weights) {
			ensure!(uid < neuron_count, Error::<T>::UnknownUid);
			let word = seen.get_mut(usize::from(uid / 64)).ok_or(Error::<T>::UnknownUid)?;
			let bit = 1u64 << (uid % 64);
			ensure!(*word & bit == 0, Error::<T>::DuplicateUid);
			*word |= bit;
			if let Some(slot) = dense.get_mut(usize::from(uid)) {
				*slot = weight;
			}
			if weight != 0 {
				non_zero = non_zero.saturating_add(1);
			}
		}
		ensure!(non_zero > 0, Error::<T>::NoWeights);
		ensure!(version_key >= WeightsVersionKey::<T>::get(netuid), Error::<T>::OutdatedVersionKey);

		let mut row = alloc::vec::Vec::with_capacity(non_zero);
		for (uid, weight) in (0..=Uid::MAX).zip(dense) {
			if weight != 0 {
				row.push((uid, weight));
			}
		}
		// At most `neuron_count ≤ MAX_UIDS_LIMIT` entries: never truncated.
		Ok(WeightsRow { set_at: now, weights: UidRow::truncate_from(row) })
	}

	/// The block the neuron at `uid` last set its weights in, read without decoding its row
	/// (`set_at` is the row's first field).
	pub(crate) fn weights_set_at(netuid: NetUid, uid: Uid) -> Option<BlockNumberFor<T>> {
		let key = Weights::<T>::hashed_key_for(netuid, uid);
		// Room for any block number type up to `u128`; unread bytes stay zero.
		let mut head = [0u8; 16];
		polkadot_sdk::sp_io::storage::read(&key, &mut head, 0)?;
		BlockNumberFor::<T>::decode(&mut &head[..]).ok()
	}
}

impl<T: Config> ScoringInterface<T::AccountId> for Pallet<T> {
	fn epoch_index(netuid: NetUid) -> u64 {
		EpochIndex::<T>::get(netuid)
	}

	fn permitted_validators(netuid: NetUid) -> Vec<Uid> {
		Scores::<T>::get(netuid)
			.iter()
			.zip(0..=Uid::MAX)
			.filter(|(score, _)| score.validator_permit)
			.map(|(_, uid)| uid)
			.collect()
	}

	fn has_validator_permit(netuid: NetUid, uid: Uid) -> bool {
		Scores::<T>::get(netuid).get(usize::from(uid)).is_some_and(|score| score.validator_permit)
	}

	/// Writes the row as set now, with the UIDs ascending; no rate limit or version key
	/// applies (the evaluations pallet has checked the submission).
	fn set_evaluated_weights(netuid: NetUid, uid: Uid, entries: &[(Uid, u16)], fresh: bool) {
		let neuron_count = T::Subnets::neuron_count(netuid);
		let mut dense = vec![0u16; usize::from(neuron_count)];
		if !fresh {
			if let Some(row) = Weights::<T>::get(netuid, uid) {
				for (target, weight) in row.weights.iter() {
					if let Some(slot) = dense.get_mut(usize::from(target)) {
						*slot = weight;
					}
				}
			}
		}
		for &(target, weight) in entries {
			if let Some(slot) = dense.get_mut(usize::from(target)) {
				*slot = weight;
			}
		}
		let row: Vec<(Uid, u16)> = (0..=Uid::MAX)
			.zip(dense)
			.filter(|(target, weight)| *weight != 0 && *target != uid)
			.collect();
		if row.is_empty() {
			Weights::<T>::remove(netuid, uid);
			return;
		}
		let now = frame_system::Pallet::<T>::block_number();
		let entries = row.len() as u32;
		// At most `neuron_count ≤ MAX_UIDS_LIMIT` entries: never truncated.
		Weights::<T>::insert(
			netuid,
			uid,
			WeightsRow { set_at: now, weights: UidRow::truncate_from(row) },
		);
		if let Some(hotkey) = T::Subnets::hotkey_of(netuid, uid) {
			Self::deposit_event(Event::WeightsSet { netuid, uid, hotkey, entries });
		}
	}

	fn set_evaluated_weights_weight() -> polkadot_sdk::frame_support::weights::Weight {
		<T::WeightInfo as crate::WeightInfo>::set_evaluated_weights()
	}
}
