//! `set_weights`.

use super::*;
use crate::{weights::WeightInfo, Error, Event, Weights, WeightsVersionKey};
use polkadot_sdk::frame_support::{assert_noop, assert_ok, dispatch::GetDispatchInfo};

#[test]
fn set_weights_stores_the_row_ascending_without_zeros() {
	ExtBuilder.build_and_execute(|| {
		let netuid = subnet_with_permits();
		assert_ok!(set_weights(V0, netuid, &[4, 2, 3], &[5, 0, 7]));

		let row = Weights::<Test>::get(netuid, 0).unwrap();
		assert_eq!(row.set_at, 11);
		assert_eq!(row.weights.into_inner(), vec![(3, 7), (4, 5)]);
		assert_eq!(
			scoring_events(),
			vec![Event::WeightsSet { netuid, uid: 0, hotkey: V0, entries: 2 }]
		);
	});
}

#[test]
fn set_weights_replaces_the_previous_row() {
	ExtBuilder.build_and_execute(|| {
		let netuid = subnet_with_permits();
		assert_ok!(set_weights(V0, netuid, &[2], &[1]));
		run_blocks(5);
		assert_ok!(set_weights(V0, netuid, &[3, 4], &[1, 2]));
		let row = Weights::<Test>::get(netuid, 0).unwrap();
		assert_eq!((row.set_at, row.weights.into_inner()), (16, vec![(3, 1), (4, 2)]));
	});
}

#[test]
fn set_weights_is_charged_by_its_length() {
	ExtBuilder.build_and_execute(|| {
		let call = crate::Call::<Test>::set_weights {
			netuid: 0,
			uids: uids(&[1, 2, 3]),
			weights: values(&[1, 2, 3]),
			version_key: 0,
		};
		assert_eq!(call.get_dispatch_info().call_weight, <() as WeightInfo>::set_weights(3));
	});
}

#[test]
fn set_weights_is_rate_limited() {
	ExtBuilder.build_and_execute(|| {
		let netuid = subnet_with_permits();
		assert_ok!(set_weights(V0, netuid, &[2], &[1]));
		run_to_block(15);
		assert_noop!(set_weights(V0, netuid, &[2], &[1]), Error::<Test>::RateLimited);
		run_to_block(16);
		assert_ok!(set_weights(V0, netuid, &[2], &[1]));
	});
}

#[test]
fn first_set_weights_is_never_rate_limited() {
	ExtBuilder.build_and_execute(|| {
		let netuid = subnet_with_permits();
		MockSubnets::set_hyperparameters(netuid, |h| h.weights_rate_limit = 1_000);
		assert_ok!(set_weights(V0, netuid, &[2], &[1]));
		assert_noop!(set_weights(V0, netuid, &[2], &[1]), Error::<Test>::RateLimited);
	});
}

#[test]
fn set_weights_fails_for_an_unknown_subnet() {
	ExtBuilder.build_and_execute(|| {
		assert_noop!(set_weights(V0, 7, &[2], &[1]), Error::<Test>::SubnetNotFound);
	});
}

#[test]
fn set_weights_fails_with_commit_reveal_enabled() {
	ExtBuilder.build_and_execute(|| {
		let netuid = subnet_with_permits();
		MockSubnets::set_hyperparameters(netuid, |h| h.commit_reveal_period = 1);
		assert_noop!(set_weights(V0, netuid, &[2], &[1]), Error::<Test>::CommitRevealEnabled);
	});
}

#[test]
fn set_weights_fails_for_an_unregistered_hotkey() {
	ExtBuilder.build_and_execute(|| {
		let netuid = subnet_with_permits();
		assert_noop!(set_weights(99, netuid, &[2], &[1]), Error::<Test>::NotRegistered);
	});
}

#[test]
fn set_weights_fails_without_a_validator_permit() {
	ExtBuilder.build_and_execute(|| {
		let netuid = subnet_with_permits();
		assert_noop!(set_weights(M2, netuid, &[3], &[1]), Error::<Test>::NoValidatorPermit);
	});
}

#[test]
fn set_weights_fails_below_the_minimum_stake() {
	ExtBuilder.build_and_execute(|| {
		let netuid = subnet_with_permits();
		MockSubnets::set_hyperparameters(netuid, |h| h.min_validator_stake = 500);
		assert_noop!(set_weights(V1, netuid, &[2], &[1]), Error::<Test>::StakeBelowMinimum);
		assert_ok!(set_weights(V0, netuid, &[2], &[1]));
	});
}

#[test]
fn set_weights_fails_when_lengths_differ() {
	ExtBuilder.build_and_execute(|| {
		let netuid = subnet_with_permits();
		assert_noop!(set_weights(V0, netuid, &[2, 3], &[1]), Error::<Test>::LengthMismatch);
	});
}

#[test]
fn set_weights_fails_with_more_weights_than_neurons() {
	ExtBuilder.build_and_execute(|| {
		let netuid = subnet_with_permits();
		assert_noop!(
			set_weights(V0, netuid, &[0, 1, 2, 3, 4, 4], &[1; 6]),
			Error::<Test>::TooManyWeights
		);
	});
}

#[test]
fn set_weights_fails_for_an_unknown_uid() {
	ExtBuilder.build_and_execute(|| {
		let netuid = subnet_with_permits();
		assert_noop!(set_weights(V0, netuid, &[2, 5], &[1, 1]), Error::<Test>::UnknownUid);
	});
}

#[test]
fn set_weights_fails_for_a_duplicate_uid() {
	ExtBuilder.build_and_execute(|| {
		let netuid = subnet_with_permits();
		assert_noop!(set_weights(V0, netuid, &[3, 2, 3], &[1, 1, 1]), Error::<Test>::DuplicateUid);
	});
}

#[test]
fn set_weights_fails_without_a_non_zero_weight() {
	ExtBuilder.build_and_execute(|| {
		let netuid = subnet_with_permits();
		assert_noop!(set_weights(V0, netuid, &[], &[]), Error::<Test>::NoWeights);
		assert_noop!(set_weights(V0, netuid, &[2, 3], &[0, 0]), Error::<Test>::NoWeights);
	});
}

#[test]
fn set_weights_fails_with_an_outdated_version_key() {
	ExtBuilder.build_and_execute(|| {
		let netuid = subnet_with_permits();
		WeightsVersionKey::<Test>::insert(netuid, 3);
		let set = |key| {
			Scoring::set_weights(RuntimeOrigin::signed(V0), netuid, uids(&[2]), values(&[1]), key)
		};
		assert_noop!(set(2), Error::<Test>::OutdatedVersionKey);
		assert_ok!(set(3));
	});
}
