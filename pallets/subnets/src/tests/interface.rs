//! `SubnetsInterface` and the runtime API's views.

use crate::{mock::*, NeuronCount};
use polkadot_sdk::{frame_support::assert_ok, sp_core::H256};
use verity_primitives::{
	subnets::{NeuronView, MODEL_FORMAT_VERSION},
	traits::SubnetsInterface,
};

#[test]
fn netuids_are_ascending() {
	ExtBuilder::default().build_and_execute(|| {
		for _ in 0..4 {
			create_subnet(ALICE);
		}
		assert_ok!(Subnets::dissolve_subnet(RuntimeOrigin::signed(ALICE), 1));
		assert_eq!(Subnets::netuids(), vec![0, 2, 3]);
	});
}

#[test]
fn interface_reports_owners_hyperparameters_and_neurons() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(BOB);
		register(netuid, ALICE, 100);
		register(netuid, ALICE, 101);
		assert_ok!(Subnets::commit_model(
			RuntimeOrigin::signed(101),
			netuid,
			H256::repeat_byte(3),
			5,
			MODEL_FORMAT_VERSION
		));

		assert_eq!(Subnets::subnet_owner(netuid), Some(BOB));
		assert_eq!(Subnets::subnet_owner(9), None);
		assert_eq!(Subnets::hyperparameters(netuid), Some(defaults()));
		assert_eq!(Subnets::hyperparameters(9), None);
		assert_eq!(Subnets::neuron_count(netuid), 2);
		assert_eq!(Subnets::uid_of(netuid, &101), Some(1));
		assert_eq!(Subnets::uid_of(netuid, &102), None);
		assert_eq!(Subnets::hotkey_of(netuid, 0), Some(100));
		assert_eq!(Subnets::hotkey_of(netuid, 2), None);
		assert_eq!(
			Subnets::model_commitment(netuid, 1).map(|m| m.root),
			Some(H256::repeat_byte(3))
		);
		assert_eq!(Subnets::model_commitment(netuid, 0), None);
	});
}

#[test]
fn set_pruning_scores_ignores_extra_entries() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		register(netuid, ALICE, 100);
		register(netuid, ALICE, 101);
		let scores = || crate::PruningScores::<Test>::get(netuid).into_inner();
		assert_eq!(scores(), vec![0, 0]);
		Subnets::set_pruning_scores(netuid, &[4, 5, 6, 7]);
		assert_eq!(scores(), vec![4, 5]);
		assert!(crate::Neurons::<Test>::get(netuid, 2).is_none());
		assert_eq!(NeuronCount::<Test>::get(netuid), 2);
		Subnets::set_pruning_scores(netuid, &[9]);
		assert_eq!(scores(), vec![9, 5]);
		// A subnet without neurons, or none at all, gets no scores.
		Subnets::set_pruning_scores(netuid + 1, &[1]);
		assert!(!crate::PruningScores::<Test>::contains_key(netuid + 1));
	});
}

#[test]
fn subnet_view_reports_the_subnet() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		register(netuid, BOB, 200);
		let view = Subnets::subnet_view(netuid).unwrap();
		assert_eq!(
			(view.netuid, view.owner, view.locked, view.created_at),
			(netuid, ALICE, 100, 1)
		);
		assert_eq!((view.neuron_count, view.registration_burn), (1, 10));
		assert_eq!(view.hyperparameters, defaults());
		assert_eq!(Subnets::subnet_view(netuid + 1), None);
	});
}

#[test]
fn subnet_views_are_in_netuid_order() {
	ExtBuilder::default().build_and_execute(|| {
		for owner in [ALICE, BOB, CHARLIE] {
			create_subnet(owner);
		}
		let owners: Vec<_> =
			Subnets::subnet_views().into_iter().map(|v| (v.netuid, v.owner)).collect();
		assert_eq!(owners, vec![(0, ALICE), (1, BOB), (2, CHARLIE)]);
	});
}

#[test]
fn neuron_views_report_the_metagraph() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		register(netuid, BOB, 200);
		run_to_block(5);
		register(netuid, CHARLIE, 300);
		MockStake::set_stake(300, 1_234);
		assert_ok!(Subnets::serve(RuntimeOrigin::signed(300), netuid, super::endpoint()));

		let views = Subnets::neuron_views(netuid).unwrap();
		assert_eq!(
			views,
			vec![
				NeuronView {
					uid: 0,
					hotkey: 200,
					coldkey: BOB,
					stake: 0,
					registered_at: 1,
					immune: false,
					endpoint: None,
					model: None,
					pruning_score: 0,
					score: Default::default(),
				},
				NeuronView {
					uid: 1,
					hotkey: 300,
					coldkey: CHARLIE,
					stake: 1_234,
					registered_at: 5,
					immune: true,
					endpoint: Some(super::endpoint()),
					model: None,
					pruning_score: 0,
					score: Default::default(),
				},
			]
		);
		assert_eq!(Subnets::neuron_views(netuid + 1), None);
	});
}
