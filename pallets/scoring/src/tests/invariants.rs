//! `do_try_state` catches broken state.

use super::*;
use crate::{Bonds, DueEpochs, EpochSchedule, Scores, UidRow, Weights, WeightsRow};
use polkadot_sdk::frame_support::{assert_ok, BoundedVec};

fn broken(corrupt: impl FnOnce(NetUid)) -> bool {
	let mut ext = ExtBuilder.build();
	ext.execute_with(|| {
		let netuid = subnet_with_permits();
		assert_ok!(set_weights(V0, netuid, &[2, 3], &[1, 1]));
		run_to_next_epoch(netuid);
		assert_eq!(Scoring::do_try_state(), Ok(()));
		corrupt(netuid);
		Scoring::do_try_state().is_err()
	})
}

#[test]
fn try_state_catches_weights_on_a_uid_without_a_neuron() {
	assert!(broken(|netuid| {
		Weights::<Test>::mutate(netuid, 0, |row| {
			row.as_mut().unwrap().weights = UidRow::truncate_from(vec![(2, 1), (5, 1)])
		})
	}));
}

#[test]
fn try_state_catches_weights_not_ascending() {
	assert!(broken(|netuid| {
		Weights::<Test>::insert(
			netuid,
			1,
			WeightsRow { set_at: 11, weights: UidRow::truncate_from(vec![(3, 1), (2, 1)]) },
		)
	}));
}

#[test]
fn try_state_catches_bonds_of_a_removed_subnet() {
	assert!(broken(|_| Bonds::<Test>::insert(9, 0, UidRow::truncate_from(vec![(0, 1)]))));
}

#[test]
fn try_state_catches_more_scores_than_neurons() {
	assert!(broken(|netuid| {
		Scores::<Test>::mutate(netuid, |s| s.try_push(Default::default()).unwrap())
	}));
}

#[test]
fn try_state_catches_a_subnet_without_a_next_epoch() {
	assert!(broken(NextEpochAt::<Test>::remove));
}

#[test]
fn try_state_catches_a_subnet_due_twice() {
	assert!(broken(|netuid| {
		DueEpochs::<Test>::put(BoundedVec::truncate_from(vec![netuid, netuid]))
	}));
}

#[test]
fn try_state_catches_a_schedule_entry_in_the_past() {
	assert!(broken(|netuid| {
		EpochSchedule::<Test>::insert(3, BoundedVec::truncate_from(vec![netuid]))
	}));
}
