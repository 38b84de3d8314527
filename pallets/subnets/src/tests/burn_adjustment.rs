//! The registration burn's adjustment in `on_initialize`.

use crate::{
	mock::*, weights::WeightInfo, Event, LastAdjustment, RegistrationBurn,
	RegistrationsThisInterval,
};
use polkadot_sdk::frame_support::{
	assert_ok,
	traits::{Get, Hooks},
};
use verity_primitives::subnets::Hyperparameter;

/// A subnet of ALICE's with `registrations` registrations in its first interval.
fn subnet_with_registrations(registrations: u64) -> u16 {
	let netuid = create_subnet(ALICE);
	assert_ok!(Subnets::set_hyperparameter(
		RuntimeOrigin::signed(ALICE),
		netuid,
		Hyperparameter::MaxUids(16)
	));
	assert_ok!(Subnets::set_hyperparameter(
		RuntimeOrigin::signed(ALICE),
		netuid,
		Hyperparameter::MinBurn(1)
	));
	for hotkey in 0..registrations {
		register(netuid, BOB, 100 + hotkey);
	}
	netuid
}

#[test]
fn burn_rises_when_registrations_exceed_the_target() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = subnet_with_registrations(4);
		subnet_events();
		run_to_block(11);
		// 10 · (4 + 2) / (2 · 2)
		assert_eq!(RegistrationBurn::<Test>::get(netuid), 15);
		assert_eq!(
			subnet_events(),
			vec![Event::RegistrationBurnAdjusted { netuid, registrations: 4, burn: 15 }]
		);
	});
}

#[test]
fn burn_falls_when_registrations_miss_the_target() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = subnet_with_registrations(0);
		run_to_block(11);
		// 10 · (0 + 2) / (2 · 2)
		assert_eq!(RegistrationBurn::<Test>::get(netuid), 5);
	});
}

#[test]
fn burn_holds_when_registrations_meet_the_target() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = subnet_with_registrations(2);
		run_to_block(11);
		assert_eq!(RegistrationBurn::<Test>::get(netuid), 10);
	});
}

#[test]
fn burn_stays_at_or_below_max_burn() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = subnet_with_registrations(8);
		assert_ok!(Subnets::set_hyperparameter(
			RuntimeOrigin::signed(ALICE),
			netuid,
			Hyperparameter::MaxBurn(12)
		));
		run_to_block(11);
		assert_eq!(RegistrationBurn::<Test>::get(netuid), 12);
	});
}

#[test]
fn burn_stays_at_or_above_min_burn() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = subnet_with_registrations(0);
		assert_ok!(Subnets::set_hyperparameter(
			RuntimeOrigin::signed(ALICE),
			netuid,
			Hyperparameter::MinBurn(8)
		));
		run_to_block(11);
		assert_eq!(RegistrationBurn::<Test>::get(netuid), 8);
	});
}

#[test]
fn burn_adjustment_waits_for_the_interval() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = subnet_with_registrations(4);
		run_to_block(10);
		assert_eq!(RegistrationBurn::<Test>::get(netuid), 10);
		assert_eq!(LastAdjustment::<Test>::get(netuid), 1);
	});
}

#[test]
fn burn_adjustment_resets_the_registration_count() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = subnet_with_registrations(4);
		run_to_block(11);
		assert_eq!(RegistrationsThisInterval::<Test>::get(netuid), 0);
		assert_eq!(LastAdjustment::<Test>::get(netuid), 11);
		run_to_block(21);
		// No registrations in the second interval: 15 · 2 / 4, rounded down.
		assert_eq!(RegistrationBurn::<Test>::get(netuid), 7);
	});
}

#[test]
fn adjusted_burn_moves_even_a_tiny_burn() {
	assert_eq!(Subnets::adjusted_burn(1, 3, 2, (1, 100)), 2);
	assert_eq!(Subnets::adjusted_burn(3, 1, 2, (1, 100)), 2);
	assert_eq!(Subnets::adjusted_burn(u128::MAX, 10, 2, (1, u128::MAX)), u128::MAX);
	assert_eq!(Subnets::adjusted_burn(50, 10, 0, (1, 100)), 100);
}

#[test]
fn on_initialize_weighs_the_subnets_it_adjusts_and_reads() {
	ExtBuilder::default().build_and_execute(|| {
		create_subnet(ALICE);
		create_subnet(BOB);
		run_to_block(5);
		create_subnet(CHARLIE);
		let reads = <<Test as polkadot_sdk::frame_system::Config>::DbWeight as Get<
			polkadot_sdk::frame_support::weights::RuntimeDbWeight,
		>>::get()
		.reads(2);
		assert_eq!(Subnets::on_initialize(11), <() as WeightInfo>::on_initialize(2) + reads);
		assert_eq!(
			Subnets::on_initialize(12),
			<() as WeightInfo>::on_initialize(0) + reads.saturating_mul(3)
		);
	});
}
