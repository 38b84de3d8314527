//! When epochs run: every tempo, spread over blocks by `MaxEpochWeight`, stale entries ignored.

use super::*;
use crate::{DueEpochs, EpochIndex, EpochSchedule, Event, LastEpochBlock};
use polkadot_sdk::frame_support::BoundedVec;
use verity_primitives::traits::SubnetLifecycle;

/// The blocks of `netuid`'s epochs among `events`.
fn epoch_events(events: &[Event<Test>]) -> Vec<(NetUid, u64)> {
	events
		.iter()
		.filter_map(|e| match e {
			Event::EpochRun { netuid, epoch, .. } => Some((*netuid, *epoch)),
			_ => None,
		})
		.collect()
}

/// Runs to block `n` and returns the `(netuid, epoch)` of the epochs that ran on the way.
fn epochs_until(n: u64) -> Vec<(NetUid, u64)> {
	scoring_events();
	run_to_block(n);
	epoch_events(&scoring_events())
}

#[test]
fn the_first_epoch_runs_one_tempo_after_creation() {
	ExtBuilder.build_and_execute(|| {
		let netuid = MockSubnets::create(OWNER);
		assert_eq!(NextEpochAt::<Test>::get(netuid), Some(11));
		assert_eq!(epochs_until(10), vec![]);
		assert_eq!(epochs_until(11), vec![(netuid, 0)]);
		assert_eq!((EpochIndex::<Test>::get(netuid), LastEpochBlock::<Test>::get(netuid)), (1, 11));
	});
}

#[test]
fn epochs_run_every_tempo() {
	ExtBuilder.build_and_execute(|| {
		let netuid = MockSubnets::create(OWNER);
		run_to_block(11);
		assert_eq!(epochs_until(20), vec![]);
		assert_eq!(epochs_until(21), vec![(netuid, 1)]);
		MockSubnets::set_hyperparameters(netuid, |h| h.tempo = 3);
		assert_eq!(epochs_until(31), vec![(netuid, 2)]);
		assert_eq!(epochs_until(34), vec![(netuid, 3)]);
	});
}

#[test]
fn an_epoch_event_reports_neurons_validators_and_emission() {
	ExtBuilder.build_and_execute(|| {
		let netuid = subnet_with_permits();
		assert_ok_set(V0, netuid, &[2]);
		scoring_events();
		run_to_next_epoch(netuid);
		assert_eq!(
			scoring_events(),
			vec![Event::EpochRun {
				netuid,
				epoch: 1,
				neurons: 5,
				validators: 2,
				emitted: MINER_POOL + VALIDATOR_POOL
			}]
		);
	});
}

fn assert_ok_set(hotkey: AccountId, netuid: NetUid, targets: &[u16]) {
	let weights = vec![1; targets.len()];
	polkadot_sdk::frame_support::assert_ok!(set_weights(hotkey, netuid, targets, &weights));
}

#[test]
fn a_tempo_change_reschedules_the_next_epoch() {
	ExtBuilder.build_and_execute(|| {
		let netuid = MockSubnets::create(OWNER);
		run_to_block(11);
		run_to_block(13);
		MockSubnets::set_hyperparameters(netuid, |h| h.tempo = 4);
		Scoring::on_tempo_changed(netuid, 4);
		assert_eq!(NextEpochAt::<Test>::get(netuid), Some(15));
		assert!(!EpochSchedule::<Test>::contains_key(21));
		// Already past the new tempo: the next block.
		MockSubnets::set_hyperparameters(netuid, |h| h.tempo = 1);
		Scoring::on_tempo_changed(netuid, 1);
		assert_eq!(NextEpochAt::<Test>::get(netuid), Some(14));
		assert_eq!(epochs_until(14), vec![(netuid, 1)]);
		assert_eq!(NextEpochAt::<Test>::get(netuid), Some(15));
	});
}

#[test]
fn due_epochs_wait_for_block_weight_in_order() {
	ExtBuilder.build_and_execute(|| {
		let subnets: Vec<NetUid> = (0..3).map(|_| MockSubnets::create(OWNER)).collect();
		for (i, netuid) in subnets.iter().enumerate() {
			MockSubnets::register(*netuid, 100 + i as u64);
		}
		// Room for two epochs of a one-neuron subnet per block.
		MockMaxEpochWeight::set(Scoring::epoch_weight(1, 2).saturating_mul(2));
		assert_eq!(epochs_until(11), vec![(subnets[0], 0), (subnets[1], 0)]);
		assert_eq!(DueEpochs::<Test>::get().into_inner(), vec![subnets[2]]);
		assert_eq!(epochs_until(12), vec![(subnets[2], 0)]);
		assert!(!DueEpochs::<Test>::exists());
		// The late epoch's successor follows a tempo after it ran.
		assert_eq!(NextEpochAt::<Test>::get(subnets[2]), Some(22));
		assert_eq!(NextEpochAt::<Test>::get(subnets[0]), Some(21));
	});
}

#[test]
fn an_epoch_heavier_than_the_limit_still_runs_alone() {
	ExtBuilder.build_and_execute(|| {
		let a = MockSubnets::create(OWNER);
		let b = MockSubnets::create(OWNER);
		MockMaxEpochWeight::set(polkadot_sdk::frame_support::weights::Weight::from_parts(1, 1));
		assert_eq!(epochs_until(11), vec![(a, 0)]);
		assert_eq!(epochs_until(12), vec![(b, 0)]);
	});
}

#[test]
fn stale_schedule_entries_are_ignored() {
	ExtBuilder.build_and_execute(|| {
		let netuid = MockSubnets::create(OWNER);
		// An entry left at block 5 that is not the subnet's next epoch.
		EpochSchedule::<Test>::insert(5, BoundedVec::truncate_from(vec![netuid]));
		assert_eq!(epochs_until(10), vec![]);
		assert_eq!(epochs_until(11), vec![(netuid, 0)]);
	});
}

#[test]
fn a_dissolved_and_recreated_subnet_keeps_only_its_new_schedule() {
	ExtBuilder.build_and_execute(|| {
		let netuid = MockSubnets::create(OWNER);
		run_to_block(5);
		MockSubnets::dissolve(netuid);
		assert!(!NextEpochAt::<Test>::contains_key(netuid));
		assert!(!EpochSchedule::<Test>::contains_key(11));
		run_to_block(7);
		MockSubnets::create_at(netuid, OWNER);
		assert_eq!(epochs_until(16), vec![]);
		assert_eq!(epochs_until(17), vec![(netuid, 0)]);
	});
}

#[test]
fn a_dissolved_subnet_leaves_the_due_list() {
	ExtBuilder.build_and_execute(|| {
		let a = MockSubnets::create(OWNER);
		let b = MockSubnets::create(OWNER);
		MockMaxEpochWeight::set(polkadot_sdk::frame_support::weights::Weight::from_parts(1, 1));
		run_to_block(11);
		assert_eq!(DueEpochs::<Test>::get().into_inner(), vec![b]);
		MockSubnets::dissolve(b);
		assert!(!DueEpochs::<Test>::exists());
		assert_eq!(epochs_until(21), vec![(a, 1)]);
	});
}
