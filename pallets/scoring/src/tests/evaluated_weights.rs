//! Verified subnets: weights come from attested evaluations (`ScoringInterface`), not from
//! weights calls.

use super::*;
use crate::{Error, Event, Weights};
use polkadot_sdk::frame_support::assert_noop;
use verity_primitives::{subnets::EvaluationMode, traits::ScoringInterface};

fn verified(netuid: NetUid) {
	MockSubnets::set_hyperparameters(netuid, |h| h.evaluation.mode = EvaluationMode::Verified);
}

#[test]
fn weights_calls_are_refused_on_a_verified_subnet() {
	ExtBuilder.build_and_execute(|| {
		let netuid = subnet_with_permits();
		verified(netuid);
		assert_noop!(set_weights(V0, netuid, &[2], &[1]), Error::<Test>::WeightsFromEvaluations);
		MockSubnets::set_hyperparameters(netuid, |h| h.commit_reveal_period = 1);
		assert_noop!(
			Scoring::commit_weights(RuntimeOrigin::signed(V0), netuid, H256::zero()),
			Error::<Test>::WeightsFromEvaluations
		);
	});
}

#[test]
fn evaluated_weights_replace_then_merge_and_drop_zeros_and_self() {
	ExtBuilder.build_and_execute(|| {
		let netuid = subnet_with_permits();
		verified(netuid);
		assert_eq!(Scoring::epoch_index(netuid), 1);
		assert_eq!(Scoring::permitted_validators(netuid), vec![0, 1]);
		assert!(Scoring::has_validator_permit(netuid, 1));
		assert!(!Scoring::has_validator_permit(netuid, 2));

		Scoring::set_evaluated_weights(netuid, 0, &[(3, 9), (2, 4), (0, 7)], true);
		let row = Weights::<Test>::get(netuid, 0).unwrap();
		assert_eq!((row.set_at, row.weights.into_inner()), (11, vec![(2, 4), (3, 9)]));
		assert_eq!(
			scoring_events(),
			vec![Event::WeightsSet { netuid, uid: 0, hotkey: V0, entries: 2 }]
		);

		// A later batch of the same epoch: merged; a zero removes the entry.
		Scoring::set_evaluated_weights(netuid, 0, &[(4, 1), (3, 0)], false);
		assert_eq!(
			Weights::<Test>::get(netuid, 0).unwrap().weights.into_inner(),
			vec![(2, 4), (4, 1)]
		);

		// A new epoch: replaced.
		Scoring::set_evaluated_weights(netuid, 0, &[(3, 2)], true);
		assert_eq!(Weights::<Test>::get(netuid, 0).unwrap().weights.into_inner(), vec![(3, 2)]);

		// Nothing left: no row.
		Scoring::set_evaluated_weights(netuid, 0, &[(3, 0)], false);
		assert!(Weights::<Test>::get(netuid, 0).is_none());
	});
}

#[test]
fn evaluated_weights_feed_the_epoch() {
	ExtBuilder.build_and_execute(|| {
		let netuid = subnet_with_permits();
		verified(netuid);
		Scoring::set_evaluated_weights(netuid, 0, &[(2, 30), (3, 10)], true);
		Scoring::set_evaluated_weights(netuid, 1, &[(2, 30), (3, 10)], true);
		run_blocks(10);
		let scores = crate::Scores::<Test>::get(netuid);
		// Both validators agree: miner 2 gets three quarters of the incentive.
		assert!((49_150..=49_152).contains(&scores[2].incentive), "{:?}", scores[2]);
		assert!((16_382..=16_385).contains(&scores[3].incentive), "{:?}", scores[3]);
	});
}
