//! Benchmarks of every call, the epoch and the lifecycle hooks, each at its worst case.
//!
//! The subnets come from [`Config::BenchmarkHelper`]. Whatever `commit_reveal_period` its
//! subnets have, the weights calls are measured through their bodies with the period the call
//! needs (plus the read of the hyperparameters the call itself does).

use super::*;
use alloc::vec::Vec;
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::BoundedVec,
	frame_system::{self, pallet_prelude::BlockNumberFor, RawOrigin},
	sp_core::H256,
	sp_runtime::traits::Saturating,
};
use verity_primitives::{
	evaluations::MAX_EVALUATIONS_PER_BATCH,
	scoring::NeuronScore,
	subnets::{Hyperparameters, NetUid, Uid, MAX_UIDS_LIMIT, MAX_VALIDATORS_LIMIT},
	traits::{NetworkBenchmarkHelper, ScoringInterface, SubnetLifecycle, SubnetsInterface},
};

/// A dense row over `n` UIDs, different for each `seed`, no zero entry.
fn dense_row(n: u16, seed: u16) -> UidRow {
	let row: Vec<(Uid, u16)> = (0..n)
		.map(|j| (j, (j.wrapping_mul(31) ^ seed).wrapping_rem(1_000).wrapping_add(1)))
		.collect();
	UidRow::truncate_from(row)
}

/// Gives UIDs `0..validators` of the subnet's `n` neurons a validator permit, as an epoch
/// would have.
fn grant_permits<T: Config>(netuid: NetUid, validators: u16, n: u16) {
	let scores: Vec<NeuronScore> = (0..n)
		.map(|uid| NeuronScore { validator_permit: uid < validators, ..Default::default() })
		.collect();
	Scores::<T>::insert(netuid, BoundedVec::truncate_from(scores));
}

/// A subnet of `n` neurons whose UID 0 is a permitted validator; returns the netuid, that
/// validator's hotkey, and its hyperparameters.
fn subnet_with_validator<T: Config>(
	n: u16,
) -> Result<(NetUid, T::AccountId, Hyperparameters), BenchmarkError> {
	let (netuid, hotkeys) = T::BenchmarkHelper::subnet_with_neurons(n, 1);
	let hotkey = hotkeys.first().cloned().ok_or(BenchmarkError::Stop("no neurons"))?;
	let hyperparameters =
		T::Subnets::hyperparameters(netuid).ok_or(BenchmarkError::Stop("no subnet"))?;
	grant_permits::<T>(netuid, 1, n);
	Ok((netuid, hotkey, hyperparameters))
}

/// Gives UID 0 a full weights row set now, then moves past its rate limit.
fn previous_weights<T: Config>(netuid: NetUid, hyperparameters: &Hyperparameters) {
	let now = frame_system::Pallet::<T>::block_number();
	Weights::<T>::insert(
		netuid,
		0,
		WeightsRow { set_at: now, weights: dense_row(MAX_UIDS_LIMIT, 1) },
	);
	let later = now
		.saturating_add(BlockNumberFor::<T>::from(hyperparameters.weights_rate_limit))
		.saturating_add(1u32.into());
	frame_system::Pallet::<T>::set_block_number(later);
}

/// `k` UIDs, descending (the order the pallet must reverse), with non-zero weights.
fn weights_call(k: u32) -> (Vec<Uid>, Vec<u16>) {
	let uids: Vec<Uid> = (0..k as u16).rev().collect();
	let weights = uids.iter().map(|uid| uid.wrapping_rem(1_000).wrapping_add(1)).collect();
	(uids, weights)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn set_weights(k: Linear<1, { MAX_UIDS_LIMIT as u32 }>) -> Result<(), BenchmarkError> {
		let (netuid, hotkey, mut hyperparameters) = subnet_with_validator::<T>(MAX_UIDS_LIMIT)?;
		hyperparameters.commit_reveal_period = 0;
		previous_weights::<T>(netuid, &hyperparameters);
		let (uids, weights) = weights_call(k);
		let outcome;

		#[block]
		{
			let _ = T::Subnets::hyperparameters(netuid);
			outcome =
				Pallet::<T>::set_weights_with(hotkey, netuid, &uids, &weights, 0, &hyperparameters);
		}

		outcome?;
		assert_eq!(Weights::<T>::get(netuid, 0).map(|row| row.weights.len()), Some(k as usize));
		Ok(())
	}

	#[benchmark]
	fn commit_weights() -> Result<(), BenchmarkError> {
		let (netuid, hotkey, mut hyperparameters) = subnet_with_validator::<T>(MAX_UIDS_LIMIT)?;
		hyperparameters.commit_reveal_period = 1;
		previous_weights::<T>(netuid, &hyperparameters);
		// An expired commitment to replace.
		let block = frame_system::Pallet::<T>::block_number();
		WeightCommits::<T>::insert(
			netuid,
			0,
			WeightCommit { hash: H256::repeat_byte(1), epoch: 0, block },
		);
		frame_system::Pallet::<T>::set_block_number(
			block
				.saturating_add(BlockNumberFor::<T>::from(hyperparameters.weights_rate_limit))
				.saturating_add(1u32.into()),
		);
		EpochIndex::<T>::insert(netuid, 2);
		let hash = H256::repeat_byte(7);
		let outcome;

		#[block]
		{
			let _ = T::Subnets::hyperparameters(netuid);
			outcome = Pallet::<T>::commit_weights_with(hotkey, netuid, hash, &hyperparameters);
		}

		outcome?;
		assert_eq!(WeightCommits::<T>::get(netuid, 0).map(|c| c.hash), Some(hash));
		Ok(())
	}

	#[benchmark]
	fn reveal_weights(k: Linear<1, { MAX_UIDS_LIMIT as u32 }>) -> Result<(), BenchmarkError> {
		let (netuid, hotkey, mut hyperparameters) = subnet_with_validator::<T>(MAX_UIDS_LIMIT)?;
		hyperparameters.commit_reveal_period = 1;
		previous_weights::<T>(netuid, &hyperparameters);
		let (uids, weights) = weights_call(k);
		let salt = H256::repeat_byte(3);
		let hash = Pallet::<T>::weights_commit_hash(&hotkey, netuid, &uids, &weights, salt, 0);
		let block = frame_system::Pallet::<T>::block_number();
		WeightCommits::<T>::insert(netuid, 0, WeightCommit { hash, epoch: 0, block });
		EpochIndex::<T>::insert(netuid, 1);
		let outcome;

		#[block]
		{
			let _ = T::Subnets::hyperparameters(netuid);
			outcome = Pallet::<T>::reveal_weights_with(
				hotkey,
				netuid,
				&uids,
				&weights,
				salt,
				0,
				&hyperparameters,
			);
		}

		outcome?;
		assert!(!WeightCommits::<T>::contains_key(netuid, 0));
		assert_eq!(Weights::<T>::get(netuid, 0).map(|row| row.weights.len()), Some(k as usize));
		Ok(())
	}

	#[benchmark]
	fn set_weights_version_key() -> Result<(), BenchmarkError> {
		let (netuid, _) = T::BenchmarkHelper::subnet_with_neurons(1, 1);
		let owner = T::Subnets::subnet_owner(netuid).ok_or(BenchmarkError::Stop("no subnet"))?;

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), netuid, 7);

		assert_eq!(WeightsVersionKey::<T>::get(netuid), 7);
		Ok(())
	}

	/// `n` neurons, `v` permitted validators each with dense weights and bonds on all of
	/// them.
	#[benchmark]
	fn run_epoch(
		n: Linear<1, { MAX_UIDS_LIMIT as u32 }>,
		v: Linear<1, { MAX_VALIDATORS_LIMIT as u32 }>,
	) -> Result<(), BenchmarkError> {
		let n = n as u16;
		let v = (v as u16).min(n);
		let (netuid, _) = T::BenchmarkHelper::subnet_with_neurons(n, v);
		let hyperparameters =
			T::Subnets::hyperparameters(netuid).ok_or(BenchmarkError::Stop("no subnet"))?;
		grant_permits::<T>(netuid, v, n);
		let registered = frame_system::Pallet::<T>::block_number();
		let set_at = registered.saturating_add(1u32.into());
		for uid in 0..v {
			Weights::<T>::insert(netuid, uid, WeightsRow { set_at, weights: dense_row(n, uid) });
			Bonds::<T>::insert(netuid, uid, dense_row(n, uid.wrapping_add(7)));
		}
		LastEpochBlock::<T>::insert(netuid, set_at);
		EpochIndex::<T>::insert(netuid, 1);
		let now = set_at.saturating_add(1u32.into());
		frame_system::Pallet::<T>::set_block_number(now);

		#[block]
		{
			Pallet::<T>::run_epoch(netuid, now, &hyperparameters);
		}

		assert_eq!(EpochIndex::<T>::get(netuid), 2);
		assert_eq!(Scores::<T>::get(netuid).len(), usize::from(n));
		Ok(())
	}

	#[benchmark]
	fn on_subnet_created() {
		let (netuid, _) = T::BenchmarkHelper::subnet_with_neurons(1, 1);
		// Due, so that the hook also clears the due list.
		DueEpochs::<T>::put(BoundedVec::truncate_from(alloc::vec![netuid]));

		#[block]
		{
			Pallet::<T>::on_subnet_created(netuid);
		}

		assert!(NextEpochAt::<T>::contains_key(netuid));
	}

	/// A scheduled epoch, sharing its block with another subnet's, moved to the next block.
	#[benchmark]
	fn on_tempo_changed() {
		let _ = T::BenchmarkHelper::subnet_with_neurons(1, 1);
		let (netuid, _) = T::BenchmarkHelper::subnet_with_neurons(1, 1);
		EpochIndex::<T>::insert(netuid, 1);
		LastEpochBlock::<T>::insert(netuid, frame_system::Pallet::<T>::block_number());
		let tempo = 1;

		#[block]
		{
			Pallet::<T>::on_tempo_changed(netuid, tempo);
		}

		assert!(NextEpochAt::<T>::contains_key(netuid));
	}

	/// A neuron with weights, bonds and a commitment on a full subnet with scores.
	#[benchmark]
	fn on_neuron_replaced() -> Result<(), BenchmarkError> {
		let (netuid, _, _) = subnet_with_validator::<T>(MAX_UIDS_LIMIT)?;
		let block = frame_system::Pallet::<T>::block_number();
		Weights::<T>::insert(
			netuid,
			0,
			WeightsRow { set_at: block, weights: dense_row(MAX_UIDS_LIMIT, 0) },
		);
		Bonds::<T>::insert(netuid, 0, dense_row(MAX_UIDS_LIMIT, 1));
		WeightCommits::<T>::insert(netuid, 0, WeightCommit { hash: H256::zero(), epoch: 0, block });

		#[block]
		{
			Pallet::<T>::on_neuron_replaced(netuid, 0);
		}

		assert!(!Weights::<T>::contains_key(netuid, 0));
		assert_eq!(Scores::<T>::get(netuid).first().map(|s| s.validator_permit), Some(false));
		Ok(())
	}

	/// A full subnet in which every UID has weights, bonds and a commitment.
	#[benchmark]
	fn on_subnet_dissolved() {
		let (netuid, _) = T::BenchmarkHelper::subnet_with_neurons(MAX_UIDS_LIMIT, 1);
		grant_permits::<T>(netuid, MAX_UIDS_LIMIT, MAX_UIDS_LIMIT);
		let block = frame_system::Pallet::<T>::block_number();
		for uid in 0..MAX_UIDS_LIMIT {
			let row = dense_row(1, uid);
			Weights::<T>::insert(netuid, uid, WeightsRow { set_at: block, weights: row.clone() });
			Bonds::<T>::insert(netuid, uid, row);
			WeightCommits::<T>::insert(
				netuid,
				uid,
				WeightCommit { hash: H256::zero(), epoch: 0, block },
			);
		}
		EpochIndex::<T>::insert(netuid, 1);
		LastEpochBlock::<T>::insert(netuid, block);
		WeightsVersionKey::<T>::insert(netuid, 1);

		#[block]
		{
			Pallet::<T>::on_subnet_dissolved(netuid);
		}

		assert_eq!(Weights::<T>::iter_prefix(netuid).count(), 0);
		assert!(!NextEpochAt::<T>::contains_key(netuid));
	}

	/// A full subnet: a batch of the most evaluations merged into a dense row.
	#[benchmark]
	fn set_evaluated_weights() -> Result<(), BenchmarkError> {
		let (netuid, _, _) = subnet_with_validator::<T>(MAX_UIDS_LIMIT)?;
		let block = frame_system::Pallet::<T>::block_number();
		Weights::<T>::insert(
			netuid,
			0,
			WeightsRow { set_at: block, weights: dense_row(MAX_UIDS_LIMIT, 0) },
		);
		let entries: Vec<(Uid, u16)> =
			(1..=MAX_EVALUATIONS_PER_BATCH as u16).map(|uid| (uid, uid)).collect();

		#[block]
		{
			Pallet::<T>::set_evaluated_weights(netuid, 0, &entries, false);
		}

		let row = Weights::<T>::get(netuid, 0).ok_or(BenchmarkError::Stop("no row"))?;
		assert_eq!(row.weights.len(), usize::from(MAX_UIDS_LIMIT).saturating_sub(1));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
