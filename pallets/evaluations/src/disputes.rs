//! Disputes: revealing leaves, the on-chain referee, and settling by slashing.

use crate::{
	AuditId, AuditOf, Claims, Config, Deadline, DisputeOf, DisputePhase, Disputes, Error, Event,
	Pallet, Revealed, Verdict,
};
use alloc::vec::Vec;
use polkadot_sdk::{
	frame_support::{ensure, traits::Get, BoundedVec},
	sp_core::H256,
	sp_runtime::{traits::Saturating, DispatchResult, Weight},
};
use verity_evaluator::{
	dataset,
	merkle::{self, MerkleProof},
	reference, result, Model,
};
use verity_primitives::{
	evaluations::{
		DatasetSample, EvaluationOutcome, Party, RefereeEvidence, RevealedLeaf,
		MAX_REFEREE_MODEL_BYTES,
	},
	traits::{NetworkParametersInterface, StakeInterface},
	Balance,
};

/// The result root of revealed leaves: `H(0x02 ‖ Merkle root of the hashes ‖ Σ scores ‖
/// count)`, with the sum of the scores; `None` when the sum overflows.
pub fn revealed_root(leaves: &[RevealedLeaf]) -> Option<(H256, u32)> {
	let total = leaves.iter().try_fold(0u32, |sum, (_, score)| sum.checked_add(*score))?;
	let hashes: Vec<merkle::Hash> = leaves.iter().map(|(hash, _)| hash.0).collect();
	let count = u32::try_from(leaves.len()).ok()?;
	Some((H256(result::result_root(&merkle::root(&hashes), total, count)), total))
}

/// The fields of a dataset header: `(sample size, sample count, class count)`, if it is one
/// (dataset format v1).
fn parse_header(header: &[u8; 20]) -> Option<(u32, u32, u32)> {
	let field = |at: usize| -> Option<u32> {
		let bytes: [u8; 4] = header.get(at..at.saturating_add(4))?.try_into().ok()?;
		Some(u32::from_le_bytes(bytes))
	};
	if header.get(..4)? != dataset::MAGIC.as_slice() || field(4)? != dataset::FORMAT_VERSION {
		return None;
	}
	Some((field(8)?, field(12)?, field(16)?))
}

/// A Merkle proof from its siblings.
pub(crate) fn proof(index: u32, leaf_count: u32, siblings: &[H256]) -> MerkleProof {
	MerkleProof { index, leaf_count, siblings: siblings.iter().map(|hash| hash.0).collect() }
}

/// The disputed sample once the referee has checked it against the dataset root.
pub(crate) struct CheckedSample {
	/// Its dataset index, drawn by the referee.
	pub index: u32,
	/// Its hash in the dataset root.
	pub hash: merkle::Hash,
	/// The dataset's sample size and class count.
	pub sample_size: u32,
	/// The dataset's class count.
	pub class_count: u32,
}

/// The validator's or the auditor's, as `party` is.
pub(crate) fn of_party<V>(party: Party, validator: V, auditor: V) -> V {
	match party {
		Party::Validator => validator,
		Party::Auditor => auditor,
	}
}

/// The other party.
pub(crate) fn other(party: Party) -> Party {
	match party {
		Party::Validator => Party::Auditor,
		Party::Auditor => Party::Validator,
	}
}

impl<T: Config> Pallet<T> {
	/// Which party of `dispute` `who` is.
	pub(crate) fn party(dispute: &DisputeOf<T>, who: &T::AccountId) -> Result<Party, Error<T>> {
		if *who == dispute.audit.validator {
			Ok(Party::Validator)
		} else if *who == dispute.audit.auditor {
			Ok(Party::Auditor)
		} else {
			Err(Error::<T>::NotParty)
		}
	}

	/// `reveal_leaves` once the origin is checked.
	pub(crate) fn do_reveal_leaves(
		who: T::AccountId,
		id: AuditId,
		leaves: &[RevealedLeaf],
	) -> DispatchResult {
		let dispute = Disputes::<T>::get(id).ok_or(Error::<T>::UnknownDispute)?;
		ensure!(dispute.phase == DisputePhase::Revealing, Error::<T>::NotRevealing);
		let party = Self::party(&dispute, &who)?;
		ensure!(!Revealed::<T>::contains_key(id, party), Error::<T>::AlreadyRevealed);
		ensure!(leaves.len() == dispute.audit.samples as usize, Error::<T>::WrongLeafCount);
		let (root, total) = revealed_root(leaves).ok_or(Error::<T>::LeavesMismatchRoot)?;
		let matches = match (party, dispute.audit.record.outcome) {
			(Party::Validator, EvaluationOutcome::Evaluated { score, sealed_root }) => {
				ensure!(total == score, Error::<T>::LeavesMismatchScore);
				Self::seal(&root, &dispute.audit.validator) == sealed_root
			}
			// Never drawn for an audit; nothing reveals to it.
			(Party::Validator, EvaluationOutcome::Unavailable) => false,
			(Party::Auditor, _) => root == dispute.auditor_root,
		};
		ensure!(matches, Error::<T>::LeavesMismatchRoot);
		Self::compare_leaves(id, dispute, party, leaves)
	}

	/// Keeps the first party's leaves; with the second's, finds the first position where they
	/// differ and awaits the referee there.
	fn compare_leaves(
		id: AuditId,
		mut dispute: DisputeOf<T>,
		party: Party,
		leaves: &[RevealedLeaf],
	) -> DispatchResult {
		let other = other(party);
		let Some(theirs) = Revealed::<T>::get(id, other) else {
			// At most `samples ≤ MAX_SAMPLES_LIMIT` leaves (checked above): never truncated.
			Revealed::<T>::insert(id, party, BoundedVec::truncate_from(leaves.to_vec()));
			Self::deposit_event(Event::LeavesRevealed { id, party });
			return Ok(());
		};
		let (validator_leaves, auditor_leaves) = match party {
			Party::Validator => (leaves, theirs.as_slice()),
			Party::Auditor => (theirs.as_slice(), leaves),
		};
		let first_difference = validator_leaves
			.iter()
			.zip(auditor_leaves)
			.enumerate()
			.find(|(_, (mine, theirs))| mine != theirs);
		// Different roots over the same number of leaves: some leaf differs.
		let Some((position, (validator_leaf, auditor_leaf))) = first_difference else {
			Self::end_dispute(id);
			Self::deposit_event(Event::DisputeVoid { id });
			return Ok(());
		};
		let params = T::Parameters::evaluation_parameters();
		let position = u32::try_from(position).unwrap_or(u32::MAX);
		let (validator_leaf, auditor_leaf) = (*validator_leaf, *auditor_leaf);
		// The referee runs models up to its bound whole; larger ones are narrowed first.
		let narrowed = dispute.audit.record.model_size > u64::from(MAX_REFEREE_MODEL_BYTES);
		let (phase, window) = if narrowed {
			(DisputePhase::Tracing { position, validator_leaf, auditor_leaf }, params.reveal_window)
		} else {
			(
				DisputePhase::Refereeing { position, validator_leaf, auditor_leaf },
				params.referee_window,
			)
		};
		let deadline =
			Self::schedule_deadline(Self::blocks_from_now(window), Deadline::Dispute(id))?;
		dispute.phase = phase;
		dispute.deadline = deadline;
		Disputes::<T>::insert(id, dispute);
		Revealed::<T>::remove(id, other);
		Self::deposit_event(Event::LeavesRevealed { id, party });
		if narrowed {
			Self::deposit_event(Event::TracesAwaited { id, position, deadline });
		} else {
			Self::deposit_event(Event::RefereeAwaited { id, position, deadline });
		}
		Ok(())
	}

	/// `resolve_dispute` once the origin is checked.
	pub(crate) fn do_resolve_dispute(id: AuditId, evidence: &RefereeEvidence) -> DispatchResult {
		let dispute = Disputes::<T>::get(id).ok_or(Error::<T>::UnknownDispute)?;
		let DisputePhase::Refereeing { position, validator_leaf, auditor_leaf } = dispute.phase
		else {
			return Err(Error::<T>::NotRefereeing.into());
		};
		let (validator_lost, auditor_lost) =
			match Self::referee(&dispute.audit, position, evidence)? {
				Some(correct) => (validator_leaf != correct, auditor_leaf != correct),
				// The committed model cannot run on the subnet's dataset: the validator claimed an
				// evaluation that cannot exist.
				None => (true, false),
			};
		Self::settle(id, &dispute.audit, validator_lost, auditor_lost, Verdict::Referee);
		Ok(())
	}

	/// Checks the disputed sample at `position` of the audited evaluation: the dataset header
	/// and the sample against the dataset root, the sample's index drawn from the record's
	/// seed by the referee itself, its label within the classes.
	pub(crate) fn check_sample(
		audit: &AuditOf<T>,
		position: u32,
		evidence: &DatasetSample,
	) -> Result<CheckedSample, Error<T>> {
		let (sample_size, sample_count, class_count) =
			parse_header(&evidence.dataset_header).ok_or(Error::<T>::BadDatasetHeader)?;
		let leaf_count = sample_count.checked_add(1).ok_or(Error::<T>::BadDatasetHeader)?;
		let dataset_root = audit.dataset_root.0;
		let header_leaf = merkle::hash_leaf(&evidence.dataset_header);
		ensure!(
			proof(0, leaf_count, &evidence.header_proof).verify(&dataset_root, &header_leaf),
			Error::<T>::BadDatasetHeader
		);
		// The samples are drawn from the whole dataset, in selection order.
		let index = crate::evidence::drawn_index(&audit.record.sample_seed, sample_count, position)
			.ok_or(Error::<T>::BadDatasetHeader)?;
		ensure!(
			evidence.sample.len() == sample_size as usize
				&& u32::from(evidence.label) < class_count,
			Error::<T>::BadSample
		);
		let hash = dataset::sample_hash(index, evidence.label, &evidence.sample);
		let sample_leaf = index.checked_add(1).ok_or(Error::<T>::BadSample)?;
		ensure!(
			proof(sample_leaf, leaf_count, &evidence.sample_proof).verify(&dataset_root, &hash),
			Error::<T>::BadSample
		);
		Ok(CheckedSample { index, hash, sample_size, class_count })
	}

	/// The referee: recomputes the leaf at `position` of the audited evaluation from the
	/// evidence. Checks the sample ([`Self::check_sample`]) and the model against the
	/// evaluated root, and runs the sample through the evaluator's reference. `None` when the
	/// model does not fit the dataset (input or output size).
	pub fn referee(
		audit: &AuditOf<T>,
		position: u32,
		evidence: &RefereeEvidence,
	) -> Result<Option<RevealedLeaf>, Error<T>> {
		let sample = Self::check_sample(audit, position, &evidence.dataset)?;
		let model = Model::decode(&evidence.model).map_err(|_| Error::<T>::InvalidModel)?;
		ensure!(H256(model.root()) == audit.record.model_root, Error::<T>::ModelRootMismatch);
		if model.input_size() != sample.sample_size || model.output_size() != sample.class_count {
			return Ok(None);
		}
		let (leaf, score) = reference::sample_leaf(
			&model,
			sample.index,
			&sample.hash,
			evidence.dataset.label,
			&evidence.dataset.sample,
		)
		.map_err(|_| Error::<T>::InvalidModel)?;
		Ok(Some((H256(leaf), score)))
	}

	/// Ends a dispute whose phase ran out: a party that did not reveal (leaves, trace or
	/// outputs) loses; when nobody brought the referee its evidence both lose.
	pub(crate) fn expire_dispute(id: AuditId, dispute: DisputeOf<T>) -> Weight {
		let revealed = |party| match dispute.phase {
			DisputePhase::Revealing => Revealed::<T>::contains_key(id, party),
			_ => Claims::<T>::contains_key(id, party),
		};
		if dispute.phase.is_revealing() {
			Self::settle(
				id,
				&dispute.audit,
				!revealed(Party::Validator),
				!revealed(Party::Auditor),
				Verdict::NotRevealed,
			)
		} else {
			Self::settle(id, &dispute.audit, true, true, Verdict::NoEvidence)
		}
	}

	/// Slashes the parties that lost (`slash_fraction` of their stake; `honest_share` of it
	/// to the other party's coldkey when that one did not lose, the rest burned), ends the
	/// dispute and reports it. Returns the weight of the slashes.
	pub(crate) fn settle(
		id: AuditId,
		audit: &AuditOf<T>,
		validator_lost: bool,
		auditor_lost: bool,
		verdict: Verdict,
	) -> Weight {
		let params = T::Parameters::evaluation_parameters();
		let mut weight = Weight::zero();
		let mut rewarded: Balance = 0;
		let mut burned: Balance = 0;
		let mut slash = |loser: &T::AccountId, winner: Option<&T::AccountId>| -> Balance {
			weight.saturating_accrue(T::SlashWeight::get());
			let beneficiary = winner.map(|winner| {
				let coldkey = T::Stake::hotkey_owner(winner).unwrap_or_else(|| winner.clone());
				(coldkey, params.honest_share)
			});
			let outcome = T::Stake::slash(loser, params.slash_fraction, beneficiary);
			rewarded.saturating_accrue(outcome.rewarded);
			burned.saturating_accrue(outcome.burned);
			outcome.slashed
		};
		let validator_slashed = if validator_lost {
			slash(&audit.validator, (!auditor_lost).then_some(&audit.auditor))
		} else {
			0
		};
		let auditor_slashed = if auditor_lost {
			slash(&audit.auditor, (!validator_lost).then_some(&audit.validator))
		} else {
			0
		};
		Self::end_dispute(id);
		Self::deposit_event(Event::DisputeSettled {
			id,
			verdict,
			validator_slashed,
			auditor_slashed,
			rewarded,
			burned,
		});
		weight
	}

	/// Removes a dispute and whatever was revealed for it.
	fn end_dispute(id: AuditId) {
		Disputes::<T>::remove(id);
		for party in [Party::Validator, Party::Auditor] {
			Revealed::<T>::remove(id, party);
			Claims::<T>::remove(id, party);
		}
	}
}
