//! `register`: UIDs, the burn, and replacement on a full subnet.

use crate::{
	mock::*, weights::WeightInfo, Error, Event, NeuronCount, Neurons, PruningScores,
	RegistrationBurn, RegistrationsThisInterval, Roster, Uids,
};
use polkadot_sdk::frame_support::{assert_noop, assert_ok, dispatch::GetDispatchInfo};
use verity_primitives::{
	subnets::MAX_UIDS_LIMIT,
	traits::{StakeInterface, SubnetsInterface},
};

/// A subnet of ALICE's filled with hotkeys 100..=103 at block 1.
fn full_subnet() -> u16 {
	let netuid = create_subnet(ALICE);
	for hotkey in 100..=103 {
		register(netuid, ALICE, hotkey);
	}
	netuid
}

#[test]
fn register_assigns_uids_in_order() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		register(netuid, ALICE, 100);
		register(netuid, BOB, 200);
		assert_eq!(Uids::<Test>::get(netuid, 100), Some(0));
		assert_eq!(Uids::<Test>::get(netuid, 200), Some(1));
		assert_eq!(NeuronCount::<Test>::get(netuid), 2);
		let neuron = Neurons::<Test>::get(netuid, 1).unwrap();
		assert_eq!((neuron.hotkey, neuron.registered_at), (200, 1));
		assert_eq!((neuron.endpoint, neuron.model), (None, None));
		assert_eq!(PruningScores::<Test>::get(netuid).into_inner(), vec![0, 0]);
		assert_eq!(Roster::<Test>::get(netuid).into_inner(), vec![(100, 1), (200, 1)]);
	});
}

#[test]
fn register_burns_the_registration_burn() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		let issuance = Balances::total_issuance();
		let free = Balances::free_balance(BOB);
		register(netuid, BOB, 200);
		assert_eq!(Balances::free_balance(BOB), free - 10);
		assert_eq!(Balances::total_issuance(), issuance - 10);
	});
}

#[test]
fn register_emits_neuron_registered() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		subnet_events();
		register(netuid, BOB, 200);
		assert_eq!(
			subnet_events(),
			vec![Event::NeuronRegistered { netuid, uid: 0, hotkey: 200, coldkey: BOB, burned: 10 }]
		);
	});
}

#[test]
fn register_binds_the_hotkey_to_the_coldkey() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		register(netuid, BOB, 200);
		assert_eq!(MockStake::hotkey_owner(&200), Some(BOB));
	});
}

#[test]
fn register_accepts_one_hotkey_on_several_subnets() {
	ExtBuilder::default().build_and_execute(|| {
		let first = create_subnet(ALICE);
		let second = create_subnet(BOB);
		register(first, CHARLIE, 300);
		register(second, CHARLIE, 300);
		assert_eq!(Uids::<Test>::get(first, 300), Some(0));
		assert_eq!(Uids::<Test>::get(second, 300), Some(0));
	});
}

#[test]
fn register_counts_the_registrations_of_the_interval() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		register(netuid, ALICE, 100);
		register(netuid, ALICE, 101);
		assert_eq!(RegistrationsThisInterval::<Test>::get(netuid), 2);
	});
}

#[test]
fn register_fails_for_an_unknown_subnet() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Subnets::register(RuntimeOrigin::signed(ALICE), 5, 100),
			Error::<Test>::SubnetNotFound
		);
	});
}

#[test]
fn register_fails_when_the_hotkey_is_already_registered() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		register(netuid, ALICE, 100);
		assert_noop!(
			Subnets::register(RuntimeOrigin::signed(ALICE), netuid, 100),
			Error::<Test>::AlreadyRegistered
		);
	});
}

#[test]
fn register_fails_when_another_coldkey_owns_the_hotkey() {
	ExtBuilder::default().build_and_execute(|| {
		let first = create_subnet(ALICE);
		let second = create_subnet(ALICE);
		register(first, ALICE, 100);
		assert_noop!(
			Subnets::register(RuntimeOrigin::signed(BOB), second, 100),
			Error::<Test>::NotHotkeyOwner
		);
	});
}

#[test]
fn register_fails_when_the_burn_would_reap_the_coldkey() {
	ExtBuilder::default().balance(PAUPER, 15).build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		assert_noop!(
			Subnets::register(RuntimeOrigin::signed(PAUPER), netuid, 900),
			Error::<Test>::InsufficientBalance
		);
	});
}

#[test]
fn register_fails_when_every_neuron_of_a_full_subnet_is_immune() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = full_subnet();
		run_to_block(3); // registered at 1, immune for 3 blocks: until block 4.
		assert_noop!(
			Subnets::register(RuntimeOrigin::signed(BOB), netuid, 200),
			Error::<Test>::NoReplaceableNeuron
		);
	});
}

#[test]
fn register_on_a_full_subnet_replaces_the_lowest_pruning_score() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = full_subnet();
		Subnets::set_pruning_scores(netuid, &[5, 7, 2, 9]);
		run_to_block(4);
		subnet_events();
		register(netuid, BOB, 200);

		assert_eq!(Uids::<Test>::get(netuid, 200), Some(2));
		assert_eq!(Uids::<Test>::get(netuid, 102), None);
		assert_eq!(NeuronCount::<Test>::get(netuid), 4);
		let neuron = Neurons::<Test>::get(netuid, 2).unwrap();
		assert_eq!((neuron.hotkey, neuron.registered_at), (200, 4));
		// The newcomer starts unscored; the others keep theirs.
		assert_eq!(PruningScores::<Test>::get(netuid).into_inner(), vec![5, 7, 0, 9]);
		assert_eq!(Roster::<Test>::get(netuid).get(2), Some(&(200, 4)));
		assert_eq!(
			subnet_events(),
			vec![
				Event::NeuronReplaced { netuid, uid: 2, old_hotkey: 102 },
				Event::NeuronRegistered { netuid, uid: 2, hotkey: 200, coldkey: BOB, burned: 10 },
			]
		);
	});
}

#[test]
fn register_replacement_ties_go_to_the_lowest_uid() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = full_subnet();
		Subnets::set_pruning_scores(netuid, &[5, 3, 3, 7]);
		run_to_block(4);
		register(netuid, BOB, 200);
		assert_eq!(Uids::<Test>::get(netuid, 200), Some(1));
	});
}

#[test]
fn register_replacement_ties_go_to_the_earliest_registered() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = full_subnet();
		run_to_block(4);
		Subnets::set_pruning_scores(netuid, &[0, 1, 1, 1]);
		register(netuid, BOB, 200); // replaces UID 0 at block 4
		Subnets::set_pruning_scores(netuid, &[0, 0, 0, 0]);
		run_to_block(10);
		register(netuid, BOB, 201); // UID 0 registered later than UIDs 1..=3
		assert_eq!(Uids::<Test>::get(netuid, 201), Some(1));
		assert_eq!(Uids::<Test>::get(netuid, 200), Some(0));
	});
}

#[test]
fn register_skips_immune_neurons_when_replacing() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		register(netuid, ALICE, 100);
		register(netuid, ALICE, 101);
		register(netuid, ALICE, 102);
		run_to_block(3);
		register(netuid, ALICE, 103); // immune until block 6
		Subnets::set_pruning_scores(netuid, &[5, 6, 7, 0]);
		run_to_block(5);
		register(netuid, BOB, 200);
		assert_eq!(Uids::<Test>::get(netuid, 200), Some(0));
	});
}

#[test]
fn register_refunds_to_the_roster_it_read() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		let call = crate::Call::<Test>::register { netuid, hotkey: 100 };
		assert_eq!(
			call.get_dispatch_info().call_weight,
			<() as WeightInfo>::register(u32::from(MAX_UIDS_LIMIT))
		);
		// A free UID: no scan, but the roster of the neurons already there is read and written.
		for (hotkey, charged) in [(100, 1), (101, 1), (102, 2)] {
			let post = Subnets::register(RuntimeOrigin::signed(ALICE), netuid, hotkey).unwrap();
			assert_eq!(post.actual_weight, Some(<() as WeightInfo>::register(charged)));
		}
	});
}

#[test]
fn register_charges_the_scan_of_a_full_subnet() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = full_subnet();
		run_to_block(4);
		let post = Subnets::register(RuntimeOrigin::signed(BOB), netuid, 200).unwrap();
		assert_eq!(post.actual_weight, Some(<() as WeightInfo>::register(4)));
	});
}

#[test]
fn register_burns_nothing_when_the_burn_is_zero() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		let mut bounds = bounds();
		bounds.burn = (0, 10_000);
		MockBounds::set(&bounds);
		assert_ok!(Subnets::set_hyperparameter(
			RuntimeOrigin::signed(ALICE),
			netuid,
			verity_primitives::subnets::Hyperparameter::MinBurn(0)
		));
		RegistrationBurn::<Test>::insert(netuid, 0);
		assert_ok!(Subnets::set_hyperparameter(
			RuntimeOrigin::signed(ALICE),
			netuid,
			verity_primitives::subnets::Hyperparameter::MaxBurn(0)
		));
		let free = Balances::free_balance(BOB);
		register(netuid, BOB, 200);
		assert_eq!(Balances::free_balance(BOB), free);
	});
}
