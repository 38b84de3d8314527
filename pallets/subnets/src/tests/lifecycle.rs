//! The lifecycle hooks and burn reports other pallets rely on.

use crate::mock::*;
use polkadot_sdk::frame_support::assert_ok;
use verity_primitives::{subnets::Hyperparameter, traits::SubnetsInterface};

#[test]
fn creating_and_dissolving_a_subnet_calls_the_lifecycle_hooks() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		assert_ok!(Subnets::dissolve_subnet(RuntimeOrigin::signed(ALICE), netuid));
		assert_eq!(
			MockLifecycle::events(),
			vec![LifecycleEvent::Created(netuid), LifecycleEvent::Dissolved(netuid)]
		);
	});
}

#[test]
fn replacing_a_neuron_calls_the_replacement_hook_for_its_uid() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		for hotkey in 100..=103 {
			register(netuid, ALICE, hotkey);
		}
		assert_eq!(MockLifecycle::events(), vec![LifecycleEvent::Created(netuid)]);
		Subnets::set_pruning_scores(netuid, &[5, 1, 7, 9]);
		run_to_block(4);
		register(netuid, BOB, 200);
		assert_eq!(
			MockLifecycle::events(),
			vec![LifecycleEvent::Created(netuid), LifecycleEvent::Replaced(netuid, 1)]
		);
	});
}

#[test]
fn registration_burns_are_reported() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		let issuance = Balances::total_issuance();
		register(netuid, BOB, 200);
		register(netuid, BOB, 201);
		assert_eq!(MockLifecycle::burned(), issuance - Balances::total_issuance());
		assert_eq!(MockLifecycle::burned(), 20);
	});
}

#[test]
fn neurons_lists_hotkeys_and_registration_blocks_by_uid() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		register(netuid, ALICE, 100);
		run_to_block(3);
		register(netuid, BOB, 200);
		assert_eq!(Subnets::neurons(netuid), vec![(100, 1), (200, 3)]);
		assert_eq!(Subnets::neurons(netuid + 1), vec![]);
	});
}

#[test]
fn changing_the_tempo_calls_the_tempo_hook() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		assert_ok!(Subnets::set_hyperparameter(
			RuntimeOrigin::signed(ALICE),
			netuid,
			Hyperparameter::Kappa(7)
		));
		assert_ok!(Subnets::set_hyperparameter(
			RuntimeOrigin::signed(ALICE),
			netuid,
			Hyperparameter::Tempo(20)
		));
		assert_eq!(
			MockLifecycle::events(),
			vec![LifecycleEvent::Created(netuid), LifecycleEvent::TempoChanged(netuid, 20)]
		);
	});
}
