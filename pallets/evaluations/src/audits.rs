//! Drawing audits from block randomness, answering them, and expiring what ran out.

use crate::{
	weights::WeightInfo, Audit, AuditDraws, AuditId, Audits, Config, Deadline, Deadlines, Dispute,
	DisputePhase, Disputes, DrawCount, Error, Event, NextAuditId, Pallet,
};
use alloc::vec::Vec;
use codec::Encode;
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{Get, Randomness},
	},
	frame_system::pallet_prelude::BlockNumberFor,
	sp_core::H256,
	sp_io::hashing::blake2_256,
	sp_runtime::{DispatchResult, Weight},
};
use verity_primitives::{
	evaluations::EvaluationOutcome,
	subnets::{NetUid, Uid},
	traits::{
		NetworkParametersInterface, RewardIssuer, ScoringInterface, StakeInterface,
		SubnetsInterface,
	},
};

/// The domain of an audit draw's randomness subject.
const AUDIT_SUBJECT: &[u8] = b"verity/evaluations/audit";

/// Parts per billion: the scale of a `Perbill`.
const BILLION: u64 = 1_000_000_000;

/// The first eight bytes of `bytes` from `at`, little-endian.
fn word(bytes: &[u8; 32], at: usize) -> u64 {
	let mut out = [0u8; 8];
	if let Some(part) = bytes.get(at..at.saturating_add(8)) {
		out.copy_from_slice(part);
	}
	u64::from_le_bytes(out)
}

impl<T: Config> Pallet<T> {
	/// Draws the audits of the batches listed for `now`: each evaluated record with the
	/// subnet's audit probability, from randomness nobody knew when it was submitted.
	pub(crate) fn draw_audits(now: BlockNumberFor<T>) -> Weight {
		let count = DrawCount::<T>::take(now);
		let mut weight = T::DbWeight::get().reads_writes(1, 1);
		for position in 0..count {
			let Some(draw) = AuditDraws::<T>::take(now, position) else {
				continue;
			};
			weight.saturating_accrue(T::WeightInfo::draw_audits(draw.records.len() as u32));
			let subject =
				(AUDIT_SUBJECT, draw.netuid, draw.validator_uid, draw.epoch, position).encode();
			let randomness = match T::Randomness::random(&subject).0 {
				Some(randomness) => randomness,
				// Before the chain's first VRF output: the subject alone.
				None => H256::from(blake2_256(&subject)),
			};
			let Some(hyperparameters) = T::Subnets::hyperparameters(draw.netuid) else {
				continue;
			};
			let validator = draw.validator;
			let probability = u64::from(hyperparameters.evaluation.audit_probability.deconstruct());
			let auditors = Self::auditors(draw.netuid, draw.validator_uid, &validator);
			for (miner, record) in draw.records {
				let roll = blake2_256(&(randomness, miner).encode());
				if word(&roll, 0) % BILLION >= probability {
					continue;
				}
				let count = auditors.len() as u64;
				let pick = word(&roll, 8).checked_rem(count).and_then(|i| usize::try_from(i).ok());
				let Some(auditor) = pick.and_then(|i| auditors.get(i)).cloned() else {
					Self::deposit_event(Event::AuditUnassigned {
						netuid: draw.netuid,
						validator: validator.clone(),
						miner,
					});
					continue;
				};
				let audit = Audit {
					netuid: draw.netuid,
					miner,
					validator_uid: draw.validator_uid,
					validator: validator.clone(),
					auditor,
					record,
					dataset_root: hyperparameters.evaluation.dataset_root,
					samples: hyperparameters.evaluation.samples_per_evaluation,
					deadline: now,
				};
				Self::assign_audit(audit);
			}
		}
		weight
	}

	/// The hotkeys that may audit the validator at `validator_uid`: the subnet's other
	/// permitted validators of another operator, with at least the evaluators' stake.
	fn auditors(netuid: NetUid, validator_uid: Uid, validator: &T::AccountId) -> Vec<T::AccountId> {
		let operator = T::Stake::hotkey_owner(validator);
		let min_stake = T::Parameters::evaluation_parameters().min_stake;
		T::Scoring::permitted_validators(netuid)
			.into_iter()
			.filter(|uid| *uid != validator_uid)
			.filter_map(|uid| T::Subnets::hotkey_of(netuid, uid))
			.filter(|hotkey| {
				T::Stake::hotkey_owner(hotkey) != operator
					&& T::Stake::total_stake(hotkey) >= min_stake
			})
			.collect()
	}

	/// Stores a drawn audit with its deadline `audit_window` blocks from now.
	fn assign_audit(mut audit: crate::AuditOf<T>) {
		let id = NextAuditId::<T>::get();
		let window = T::Parameters::evaluation_parameters().audit_window;
		let Ok(deadline) =
			Self::schedule_deadline(Self::blocks_from_now(window), Deadline::Audit(id))
		else {
			// Every deadline list it could join is full.
			Self::deposit_event(Event::AuditUnassigned {
				netuid: audit.netuid,
				validator: audit.validator,
				miner: audit.miner,
			});
			return;
		};
		audit.deadline = deadline;
		NextAuditId::<T>::put(id.saturating_add(1));
		Self::deposit_event(Event::AuditAssigned {
			id,
			netuid: audit.netuid,
			validator: audit.validator.clone(),
			miner: audit.miner,
			auditor: audit.auditor.clone(),
			deadline,
		});
		Audits::<T>::insert(id, audit);
	}

	/// `submit_audit` once the origin is checked.
	pub(crate) fn do_submit_audit(
		who: T::AccountId,
		id: AuditId,
		result_root: H256,
	) -> DispatchResult {
		let audit = Audits::<T>::get(id).ok_or(Error::<T>::UnknownAudit)?;
		ensure!(who == audit.auditor, Error::<T>::NotAuditor);
		let matches = match audit.record.outcome {
			EvaluationOutcome::Evaluated { sealed_root, .. } => {
				Self::seal(&result_root, &audit.validator) == sealed_root
			}
			EvaluationOutcome::Unavailable => false,
		};
		if matches {
			Audits::<T>::remove(id);
			let reward = T::Parameters::evaluation_parameters().audit_reward;
			let validator_reward = T::Rewards::issue_reward(&audit.validator, reward);
			let auditor_reward = T::Rewards::issue_reward(&audit.auditor, reward);
			Self::deposit_event(Event::AuditMatched { id, validator_reward, auditor_reward });
			return Ok(());
		}
		let window = T::Parameters::evaluation_parameters().reveal_window;
		let deadline =
			Self::schedule_deadline(Self::blocks_from_now(window), Deadline::Dispute(id))?;
		Audits::<T>::remove(id);
		Self::deposit_event(Event::DisputeOpened {
			id,
			validator: audit.validator.clone(),
			auditor: audit.auditor.clone(),
			deadline,
		});
		Disputes::<T>::insert(
			id,
			Dispute { audit, auditor_root: result_root, phase: DisputePhase::Revealing, deadline },
		);
		Ok(())
	}

	/// Expires the audits and dispute phases whose deadline is `now`. Entries of audits
	/// answered or disputes moved on since are stale and skipped.
	pub(crate) fn expire(now: BlockNumberFor<T>) -> Weight {
		let deadlines = Deadlines::<T>::take(now);
		let mut weight = T::DbWeight::get().reads_writes(1, 1);
		for deadline in deadlines {
			match deadline {
				Deadline::Audit(id) => {
					weight.saturating_accrue(T::WeightInfo::expire_audit());
					if Audits::<T>::get(id).is_some_and(|audit| audit.deadline == now) {
						Audits::<T>::remove(id);
						Self::deposit_event(Event::AuditExpired { id });
					}
				}
				Deadline::Dispute(id) => {
					weight.saturating_accrue(T::WeightInfo::expire_dispute());
					if let Some(dispute) = Disputes::<T>::get(id) {
						if dispute.deadline == now {
							weight.saturating_accrue(Self::expire_dispute(id, dispute));
						}
					}
				}
			}
		}
		weight
	}
}
