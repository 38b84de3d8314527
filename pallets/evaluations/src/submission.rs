//! Epoch seeds, and the submission of evaluations.

use crate::{
	weights::WeightInfo, Attestations, AuditDraw, AuditDraws, Config, DrawCount, EpochSeed,
	EpochSeeds, Error, Evaluated, EvaluatedMiners, Event, Pallet, MAX_DRAWS_PER_BLOCK,
	UID_BITMAP_WORDS,
};
use alloc::vec::Vec;
use codec::Encode;
use polkadot_sdk::{
	frame_support::{ensure, traits::Randomness, BoundedVec},
	frame_system,
	sp_core::H256,
	sp_io::hashing::blake2_256,
	sp_runtime::{traits::Saturating, DispatchResult, SaturatedConversion, Weight},
};
use verity_primitives::{
	evaluations::{Attestation, Evaluation, EvaluationOutcome, EvaluationRecord},
	subnets::{EvaluationMode, NetUid, Uid},
	traits::{
		EpochObserver, NetworkParametersInterface, ScoringInterface, StakeInterface,
		SubnetLifecycle, SubnetsInterface,
	},
	BlockNumber,
};

/// The domain of an epoch's randomness subject.
const EPOCH_SUBJECT: &[u8] = b"verity/evaluations/epoch";
/// The domain of a sample seed.
const SAMPLES_DOMAIN: &[u8] = b"verity/evaluations/samples";
/// The domain of a sealed result root.
const SEAL_DOMAIN: &[u8] = b"verity/evaluations/seal";

impl<T: Config> Pallet<T> {
	/// The seed the samples of `validator`'s evaluation of `miner` are drawn from:
	/// `blake2_256(SCALE(domain, randomness, netuid, epoch, miner, validator))`.
	pub fn sample_seed(
		randomness: &H256,
		netuid: NetUid,
		epoch: u64,
		miner: &T::AccountId,
		validator: &T::AccountId,
	) -> H256 {
		(SAMPLES_DOMAIN, randomness, netuid, epoch, miner, validator)
			.using_encoded(blake2_256)
			.into()
	}

	/// The result root `validator` submits, sealed to it:
	/// `blake2_256(SCALE(domain, result_root, validator))`. The auditor's re-executed root must
	/// seal to the same value; the submitted value alone does not give the root away.
	pub fn seal(result_root: &H256, validator: &T::AccountId) -> H256 {
		(SEAL_DOMAIN, result_root, validator).using_encoded(blake2_256).into()
	}

	/// `submit_evaluations` once the origin is checked.
	pub(crate) fn do_submit_evaluations(
		hotkey: T::AccountId,
		netuid: NetUid,
		epoch: u64,
		evaluations: &[Evaluation],
		attestation: Attestation,
	) -> DispatchResult {
		ensure!(!evaluations.is_empty(), Error::<T>::EmptyBatch);
		let hyperparameters =
			T::Subnets::hyperparameters(netuid).ok_or(Error::<T>::SubnetNotFound)?;
		let spec = hyperparameters.evaluation;
		ensure!(spec.mode == EvaluationMode::Verified, Error::<T>::NotVerified);
		let uid = T::Subnets::uid_of(netuid, &hotkey).ok_or(Error::<T>::NotRegistered)?;
		ensure!(T::Scoring::has_validator_permit(netuid, uid), Error::<T>::NoValidatorPermit);
		let params = T::Parameters::evaluation_parameters();
		ensure!(T::Stake::total_stake(&hotkey) >= params.min_stake, Error::<T>::StakeBelowMinimum);
		ensure!(epoch == T::Scoring::epoch_index(netuid), Error::<T>::WrongEpoch);
		let seed = EpochSeeds::<T>::get(netuid, epoch).ok_or(Error::<T>::NoEpochSeed)?;
		let known_since: BlockNumber = seed.known_since.saturated_into();
		let neuron_count = T::Subnets::neuron_count(netuid);
		let now = frame_system::Pallet::<T>::block_number();

		// Miners evaluated earlier in the epoch, and in this batch.
		let mut earlier = Evaluated::<T>::get(netuid, uid)
			.filter(|evaluated| evaluated.epoch == epoch)
			.map_or([0u64; UID_BITMAP_WORDS], |evaluated| evaluated.miners);
		let mut batch = [0u64; UID_BITMAP_WORDS];
		let mut weights: Vec<(Uid, u16)> = Vec::with_capacity(evaluations.len());
		let mut audited: Vec<(Uid, EvaluationRecord)> = Vec::with_capacity(evaluations.len());
		for evaluation in evaluations {
			let miner = evaluation.miner;
			ensure!(miner < neuron_count, Error::<T>::UnknownMiner);
			ensure!(miner != uid, Error::<T>::SelfEvaluation);
			let word = usize::from(miner / 64);
			let bit = 1u64 << (miner % 64);
			let in_batch = batch.get_mut(word).ok_or(Error::<T>::UnknownMiner)?;
			ensure!(*in_batch & bit == 0, Error::<T>::DuplicateMiner);
			*in_batch |= bit;
			let before = earlier.get_mut(word).ok_or(Error::<T>::UnknownMiner)?;
			ensure!(*before & bit == 0, Error::<T>::AlreadyEvaluated);
			*before |= bit;
			let miner_hotkey =
				T::Subnets::hotkey_of(netuid, miner).ok_or(Error::<T>::UnknownMiner)?;
			let model = T::Subnets::model_commitment(netuid, miner);
			match evaluation.outcome {
				EvaluationOutcome::Evaluated { score, .. } => {
					let model = model.ok_or(Error::<T>::NoModel)?;
					ensure!(model.committed_at < known_since, Error::<T>::ModelTooRecent);
					ensure!(score <= spec.samples_per_evaluation, Error::<T>::ScoreAboveSamples);
					// At most `samples_per_evaluation ≤ 4096`.
					weights.push((miner, u16::try_from(score).unwrap_or(u16::MAX)));
					let record = EvaluationRecord {
						epoch,
						submitted_at: now.saturated_into(),
						outcome: evaluation.outcome,
						model_root: model.root,
						model_size: model.size,
						sample_seed: Self::sample_seed(
							&seed.randomness,
							netuid,
							epoch,
							&miner_hotkey,
							&hotkey,
						),
					};
					audited.push((miner, record));
				}
				EvaluationOutcome::Unavailable => weights.push((miner, 0)),
			}
		}

		if !audited.is_empty() && !spec.audit_probability.is_zero() {
			let at = now.saturating_add(params.audit_delay.into());
			let position = DrawCount::<T>::get(at);
			ensure!(position < MAX_DRAWS_PER_BLOCK, Error::<T>::AuditQueueFull);
			// At most one entry per evaluation of the batch: never truncated.
			let draw = AuditDraw {
				netuid,
				validator_uid: uid,
				validator: hotkey.clone(),
				epoch,
				records: BoundedVec::truncate_from(audited),
			};
			AuditDraws::<T>::insert(at, position, draw);
			DrawCount::<T>::insert(at, position.saturating_add(1));
		}
		Evaluated::<T>::insert(netuid, uid, EvaluatedMiners { epoch, miners: earlier });
		let fresh = Attestations::<T>::get(netuid, uid).is_none_or(|(last, _)| last != epoch);
		T::Scoring::set_evaluated_weights(netuid, uid, &weights, fresh);
		let backend = attestation.backend.clone();
		Attestations::<T>::insert(netuid, uid, (epoch, attestation));
		Self::deposit_event(Event::EvaluationsSubmitted {
			netuid,
			epoch,
			validator: hotkey,
			uid,
			count: evaluations.len() as u32,
			backend,
		});
		Ok(())
	}
}

impl<T: Config> EpochObserver for Pallet<T> {
	/// Fixes the randomness of the subnet's new epoch and forgets the previous epoch's (its
	/// records keep their own seeds).
	fn on_epoch(netuid: NetUid, epoch: u64) {
		let subject = (EPOCH_SUBJECT, netuid, epoch).encode();
		let (randomness, known_since) = T::Randomness::random(&subject);
		// Before the chain's first VRF output: the subject alone.
		let randomness = randomness.unwrap_or_else(|| H256(blake2_256(&subject)));
		EpochSeeds::<T>::insert(netuid, epoch, EpochSeed { randomness, known_since });
		if let Some(previous) = epoch.checked_sub(1) {
			EpochSeeds::<T>::remove(netuid, previous);
		}
		Self::deposit_event(Event::EpochSeeded { netuid, epoch, randomness });
	}

	fn on_epoch_weight() -> Weight {
		T::WeightInfo::on_epoch()
	}
}

impl<T: Config> SubnetLifecycle for Pallet<T> {
	/// Nothing: the subnet's first seed comes with its first epoch.
	fn on_subnet_created(_netuid: NetUid) {}

	/// Forgets which miners the UID's previous neuron evaluated, and its attestation. Its
	/// draws, audits and disputes go on: they carry its hotkey.
	fn on_neuron_replaced(netuid: NetUid, uid: Uid) {
		Evaluated::<T>::remove(netuid, uid);
		Attestations::<T>::remove(netuid, uid);
	}

	/// Forgets the subnet's seeds, evaluated-miner sets and attestations. Its pending draws
	/// find no subnet and draw nothing; its audits and disputes go on: they carry what they
	/// need.
	fn on_subnet_dissolved(netuid: NetUid) {
		// At most two seeds and one entry per UID each, all removed in one go.
		let _ = EpochSeeds::<T>::clear_prefix(netuid, u32::MAX, None);
		let _ = Evaluated::<T>::clear_prefix(netuid, u32::MAX, None);
		let _ = Attestations::<T>::clear_prefix(netuid, u32::MAX, None);
	}

	fn subnet_created_weight() -> Weight {
		Weight::zero()
	}

	fn neuron_replaced_weight() -> Weight {
		T::WeightInfo::on_neuron_replaced()
	}

	fn subnet_dissolved_weight() -> Weight {
		T::WeightInfo::on_subnet_dissolved()
	}
}

/// How many blocks after the intended one a deadline may be moved to when that block's list is
/// full.
const DEADLINE_PROBES: u32 = 16;

impl<T: Config> Pallet<T> {
	/// Lists `deadline` at `at`, or at the first of the next blocks with room; returns the
	/// block it was listed at.
	pub(crate) fn schedule_deadline(
		at: polkadot_sdk::frame_system::pallet_prelude::BlockNumberFor<T>,
		deadline: crate::Deadline,
	) -> Result<polkadot_sdk::frame_system::pallet_prelude::BlockNumberFor<T>, Error<T>> {
		let mut at = at;
		for _ in 0..DEADLINE_PROBES {
			if crate::Deadlines::<T>::mutate(at, |list| list.try_push(deadline).is_ok()) {
				return Ok(at);
			}
			at = at.saturating_add(1u32.into());
		}
		Err(Error::<T>::DeadlineQueueFull)
	}

	/// The current block plus `blocks`.
	pub(crate) fn blocks_from_now(
		blocks: BlockNumber,
	) -> polkadot_sdk::frame_system::pallet_prelude::BlockNumberFor<T> {
		frame_system::Pallet::<T>::block_number().saturating_add(blocks.into())
	}
}
