//! `commit_weights` and `reveal_weights`.

use super::*;
use crate::{EpochIndex, Error, Event, WeightCommit, WeightCommits, Weights};
use polkadot_sdk::frame_support::{assert_noop, assert_ok};

/// [`subnet_with_permits`] with a commit–reveal period of one epoch.
fn commit_reveal_subnet() -> NetUid {
	let netuid = subnet_with_permits();
	MockSubnets::set_hyperparameters(netuid, |h| h.commit_reveal_period = 1);
	netuid
}

fn commit(hotkey: AccountId, netuid: NetUid, hash: H256) -> DispatchResult {
	Scoring::commit_weights(RuntimeOrigin::signed(hotkey), netuid, hash)
}

#[test]
fn commit_weights_stores_the_commitment_with_the_epoch() {
	ExtBuilder.build_and_execute(|| {
		let netuid = commit_reveal_subnet();
		let hash = commit_hash(V0, netuid, &[2], &[1]);
		assert_ok!(commit(V0, netuid, hash));

		assert_eq!(
			WeightCommits::<Test>::get(netuid, 0),
			Some(WeightCommit { hash, epoch: 1, block: 11 })
		);
		assert_eq!(
			scoring_events(),
			vec![Event::WeightsCommitted { netuid, uid: 0, hotkey: V0, hash }]
		);
	});
}

#[test]
fn reveal_weights_in_the_reveal_epoch_sets_them() {
	ExtBuilder.build_and_execute(|| {
		let netuid = commit_reveal_subnet();
		assert_ok!(commit(V0, netuid, commit_hash(V0, netuid, &[3, 2], &[4, 5])));
		run_to_next_epoch(netuid);
		assert_eq!(EpochIndex::<Test>::get(netuid), 2);
		scoring_events();

		assert_ok!(reveal(V0, netuid, &[3, 2], &[4, 5]));
		assert!(!WeightCommits::<Test>::contains_key(netuid, 0));
		let row = Weights::<Test>::get(netuid, 0).unwrap();
		assert_eq!((row.set_at, row.weights.into_inner()), (21, vec![(2, 5), (3, 4)]));
		assert_eq!(
			scoring_events(),
			vec![Event::WeightsRevealed { netuid, uid: 0, hotkey: V0, entries: 2 }]
		);
	});
}

#[test]
fn reveal_weights_is_not_rate_limited() {
	ExtBuilder.build_and_execute(|| {
		let netuid = commit_reveal_subnet();
		MockSubnets::set_hyperparameters(netuid, |h| h.weights_rate_limit = 1_000);
		assert_ok!(commit(V0, netuid, commit_hash(V0, netuid, &[2], &[1])));
		run_to_next_epoch(netuid);
		assert_ok!(reveal(V0, netuid, &[2], &[1]));
	});
}

#[test]
fn reveal_weights_fails_before_the_reveal_epoch() {
	ExtBuilder.build_and_execute(|| {
		let netuid = commit_reveal_subnet();
		assert_ok!(commit(V0, netuid, commit_hash(V0, netuid, &[2], &[1])));
		run_to_block(20);
		assert_noop!(reveal(V0, netuid, &[2], &[1]), Error::<Test>::RevealTooEarly);
	});
}

#[test]
fn reveal_weights_fails_after_the_reveal_epoch() {
	ExtBuilder.build_and_execute(|| {
		let netuid = commit_reveal_subnet();
		assert_ok!(commit(V0, netuid, commit_hash(V0, netuid, &[2], &[1])));
		run_to_block(31);
		assert_eq!(EpochIndex::<Test>::get(netuid), 3);
		assert_noop!(reveal(V0, netuid, &[2], &[1]), Error::<Test>::RevealTooLate);
	});
}

#[test]
fn reveal_weights_fails_for_other_weights() {
	ExtBuilder.build_and_execute(|| {
		let netuid = commit_reveal_subnet();
		assert_ok!(commit(V0, netuid, commit_hash(V0, netuid, &[2], &[1])));
		run_to_next_epoch(netuid);
		assert_noop!(reveal(V0, netuid, &[2], &[2]), Error::<Test>::CommitMismatch);
		assert_noop!(
			Scoring::reveal_weights(
				RuntimeOrigin::signed(V0),
				netuid,
				uids(&[2]),
				values(&[1]),
				H256::zero(),
				0
			),
			Error::<Test>::CommitMismatch
		);
	});
}

#[test]
fn reveal_weights_fails_without_a_commitment() {
	ExtBuilder.build_and_execute(|| {
		let netuid = commit_reveal_subnet();
		assert_noop!(reveal(V0, netuid, &[2], &[1]), Error::<Test>::NoCommit);
	});
}

#[test]
fn reveal_weights_checks_the_weights_as_set_weights_does() {
	ExtBuilder.build_and_execute(|| {
		let netuid = commit_reveal_subnet();
		assert_ok!(commit(V0, netuid, commit_hash(V0, netuid, &[2, 9], &[1, 1])));
		assert_ok!(commit(V1, netuid, commit_hash(V1, netuid, &[2, 2], &[1, 1])));
		run_to_next_epoch(netuid);
		assert_noop!(reveal(V0, netuid, &[2, 9], &[1, 1]), Error::<Test>::UnknownUid);
		assert_noop!(reveal(V1, netuid, &[2, 2], &[1, 1]), Error::<Test>::DuplicateUid);
	});
}

#[test]
fn reveal_weights_fails_for_an_unknown_subnet_or_hotkey() {
	ExtBuilder.build_and_execute(|| {
		let netuid = commit_reveal_subnet();
		assert_noop!(reveal(V0, 7, &[2], &[1]), Error::<Test>::SubnetNotFound);
		assert_noop!(reveal(99, netuid, &[2], &[1]), Error::<Test>::NotRegistered);
	});
}

#[test]
fn reveal_weights_fails_once_the_permit_is_lost() {
	ExtBuilder.build_and_execute(|| {
		let netuid = commit_reveal_subnet();
		assert_ok!(commit(V1, netuid, commit_hash(V1, netuid, &[2], &[1])));
		// M2 outstakes V1 at the next epoch: V1 loses its permit there.
		MockStake::set_stake(M2, 500);
		run_to_next_epoch(netuid);
		assert_noop!(reveal(V1, netuid, &[2], &[1]), Error::<Test>::NoValidatorPermit);
	});
}

#[test]
fn commit_weights_fails_for_an_unknown_subnet() {
	ExtBuilder.build_and_execute(|| {
		assert_noop!(commit(V0, 7, H256::zero()), Error::<Test>::SubnetNotFound);
	});
}

#[test]
fn commit_weights_fails_with_commit_reveal_disabled() {
	ExtBuilder.build_and_execute(|| {
		let netuid = subnet_with_permits();
		assert_noop!(commit(V0, netuid, H256::zero()), Error::<Test>::CommitRevealDisabled);
	});
}

#[test]
fn commit_weights_fails_for_an_unregistered_hotkey() {
	ExtBuilder.build_and_execute(|| {
		let netuid = commit_reveal_subnet();
		assert_noop!(commit(99, netuid, H256::zero()), Error::<Test>::NotRegistered);
	});
}

#[test]
fn commit_weights_fails_without_a_validator_permit() {
	ExtBuilder.build_and_execute(|| {
		let netuid = commit_reveal_subnet();
		assert_noop!(commit(M3, netuid, H256::zero()), Error::<Test>::NoValidatorPermit);
	});
}

#[test]
fn commit_weights_fails_below_the_minimum_stake() {
	ExtBuilder.build_and_execute(|| {
		let netuid = commit_reveal_subnet();
		MockSubnets::set_hyperparameters(netuid, |h| h.min_validator_stake = 401);
		assert_noop!(commit(V1, netuid, H256::zero()), Error::<Test>::StakeBelowMinimum);
	});
}

#[test]
fn commit_weights_is_rate_limited() {
	ExtBuilder.build_and_execute(|| {
		let netuid = commit_reveal_subnet();
		assert_ok!(commit(V0, netuid, H256::zero()));
		run_to_block(15);
		assert_noop!(commit(V0, netuid, H256::zero()), Error::<Test>::RateLimited);
	});
}

#[test]
fn commit_weights_fails_while_a_commitment_can_be_revealed() {
	ExtBuilder.build_and_execute(|| {
		let netuid = commit_reveal_subnet();
		assert_ok!(commit(V0, netuid, H256::zero()));
		run_to_block(16);
		assert_noop!(commit(V0, netuid, H256::zero()), Error::<Test>::CommitPending);
		run_to_next_epoch(netuid);
		assert_noop!(commit(V0, netuid, H256::zero()), Error::<Test>::CommitPending);
	});
}

#[test]
fn commit_weights_replaces_an_expired_commitment() {
	ExtBuilder.build_and_execute(|| {
		let netuid = commit_reveal_subnet();
		assert_ok!(commit(V0, netuid, H256::zero()));
		run_to_block(31);
		assert_ok!(commit(V0, netuid, H256::repeat_byte(1)));
		assert_eq!(WeightCommits::<Test>::get(netuid, 0).unwrap().epoch, 3);
	});
}

#[test]
fn a_replaced_neurons_commitment_is_gone() {
	ExtBuilder.build_and_execute(|| {
		let netuid = commit_reveal_subnet();
		assert_ok!(commit(V0, netuid, commit_hash(V0, netuid, &[2], &[1])));
		MockSubnets::replace(netuid, 0, 30);
		assert!(!WeightCommits::<Test>::contains_key(netuid, 0));
		run_to_next_epoch(netuid);
		assert_noop!(reveal(30, netuid, &[2], &[1]), Error::<Test>::NoCommit);
	});
}
