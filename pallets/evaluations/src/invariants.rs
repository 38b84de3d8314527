//! The pallet's invariants (see the module docs), checked by `try_state` and after every
//! unit test.

use crate::{
	Attestations, AuditDraws, Audits, Claim, Claims, Config, Deadline, Deadlines, DisputePhase,
	Disputes, DrawCount, EpochSeeds, Evaluated, NextAuditId, Pallet, Revealed,
};
use alloc::collections::BTreeSet;
use polkadot_sdk::{frame_support::ensure, frame_system, sp_runtime::TryRuntimeError};
use verity_primitives::{
	subnets::{NetUid, Uid},
	traits::{ScoringInterface, SubnetsInterface},
};

impl<T: Config> Pallet<T> {
	/// Checks every invariant of the module docs.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let now = frame_system::Pallet::<T>::block_number();
		let subnets: BTreeSet<NetUid> = T::Subnets::netuids().into_iter().collect();
		let neuron = |netuid: NetUid, uid: Uid| {
			subnets.contains(&netuid) && uid < T::Subnets::neuron_count(netuid)
		};

		for (netuid, epoch) in EpochSeeds::<T>::iter_keys() {
			ensure!(subnets.contains(&netuid), "a seed of a netuid without a subnet");
			ensure!(epoch <= T::Scoring::epoch_index(netuid), "a seed of a future epoch");
		}
		for (netuid, uid, evaluated) in Evaluated::<T>::iter() {
			ensure!(neuron(netuid, uid), "evaluations of a UID without a neuron");
			ensure!(
				evaluated.epoch <= T::Scoring::epoch_index(netuid),
				"evaluations of a future epoch"
			);
		}
		for (netuid, uid) in Attestations::<T>::iter_keys() {
			ensure!(neuron(netuid, uid), "an attestation of a UID without a neuron");
		}
		for (at, position, draw) in AuditDraws::<T>::iter() {
			ensure!(at > now, "an audit draw in the past");
			ensure!(position < DrawCount::<T>::get(at), "an audit draw beyond its block's count");
			ensure!(!draw.records.is_empty(), "an audit draw without evaluations");
		}

		let next = NextAuditId::<T>::get();
		let listed =
			|at, deadline: Deadline| at > now && Deadlines::<T>::get(at).contains(&deadline);
		for (id, audit) in Audits::<T>::iter() {
			ensure!(id < next, "an audit id not yet given out");
			ensure!(!Disputes::<T>::contains_key(id), "an id both an audit and a dispute");
			ensure!(listed(audit.deadline, Deadline::Audit(id)), "an audit without its deadline");
			ensure!(audit.validator != audit.auditor, "a validator auditing itself");
		}
		for (id, dispute) in Disputes::<T>::iter() {
			ensure!(id < next, "a dispute id not yet given out");
			ensure!(
				listed(dispute.deadline, Deadline::Dispute(id)),
				"a dispute without its deadline"
			);
		}
		let mut revealing = BTreeSet::new();
		for (id, _) in Revealed::<T>::iter_keys() {
			let phase = Disputes::<T>::get(id).map(|dispute| dispute.phase);
			ensure!(phase == Some(DisputePhase::Revealing), "leaves of a dispute not revealing");
			ensure!(revealing.insert(id), "both parties' leaves kept");
		}
		let mut claimed = BTreeSet::new();
		for (id, _, claim) in Claims::<T>::iter() {
			let phase = Disputes::<T>::get(id).map(|dispute| dispute.phase);
			let fits = match (phase, claim) {
				(Some(DisputePhase::Tracing { .. }), Claim::Trace { .. }) => true,
				(Some(DisputePhase::Bisecting { layer, .. }), Claim::Outputs(outputs)) => {
					outputs.len() == layer.shape.1 as usize
				}
				_ => false,
			};
			ensure!(fits, "a claim of a dispute not in its phase");
			ensure!(claimed.insert(id), "both parties' claims kept");
		}
		Ok(())
	}
}
