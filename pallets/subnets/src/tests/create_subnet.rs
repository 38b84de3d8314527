//! `create_subnet` and the lock cost.

use super::held;
use crate::{mock::*, Error, Event, LastAdjustment, NextNetUid, RegistrationBurn};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok},
	sp_runtime::DispatchError,
};

#[test]
fn create_subnet_holds_the_minimum_lock_first() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(Subnets::lock_cost(1), 100);
		assert_ok!(Subnets::create_subnet(RuntimeOrigin::signed(ALICE)));

		assert_eq!(held(ALICE), 100);
		assert_eq!(Balances::free_balance(ALICE), INITIAL_BALANCE - 100);
		let subnet = crate::Subnets::<Test>::get(0).unwrap();
		assert_eq!((subnet.owner, subnet.locked, subnet.created_at), (ALICE, 100, 1));
		assert_eq!(
			subnet_events(),
			vec![Event::SubnetCreated { netuid: 0, owner: ALICE, locked: 100 }]
		);
	});
}

#[test]
fn create_subnet_starts_from_the_default_hyperparameters() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		assert_eq!(crate::Subnets::<Test>::get(netuid).unwrap().hyperparameters, defaults());
		assert_eq!(RegistrationBurn::<Test>::get(netuid), defaults().min_burn);
		assert_eq!(LastAdjustment::<Test>::get(netuid), 1);
	});
}

#[test]
fn create_subnet_assigns_netuids_in_order() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(create_subnet(ALICE), 0);
		assert_eq!(create_subnet(BOB), 1);
		assert_eq!(create_subnet(ALICE), 2);
		assert_eq!(NextNetUid::<Test>::get(), 3);
	});
}

#[test]
fn lock_cost_doubles_with_each_creation() {
	ExtBuilder::default().build_and_execute(|| {
		create_subnet(ALICE);
		assert_eq!(Subnets::lock_cost(1), 200);
		create_subnet(BOB);
		assert_eq!(Subnets::lock_cost(1), 400);
		create_subnet(ALICE);
		assert_eq!(held(ALICE), 100 + 400);
		assert_eq!(held(BOB), 200);
	});
}

#[test]
fn lock_cost_decays_linearly_to_the_minimum() {
	ExtBuilder::default().build_and_execute(|| {
		create_subnet(ALICE);
		create_subnet(ALICE); // locks 200 at block 1; the interval is 100 blocks.
		assert_eq!(Subnets::lock_cost(1), 400);
		assert_eq!(Subnets::lock_cost(51), 300);
		assert_eq!(Subnets::lock_cost(101), 200);
		assert_eq!(Subnets::lock_cost(151), 100);
		assert_eq!(Subnets::lock_cost(175), 100);
		assert_eq!(Subnets::lock_cost(10_000), 100);
	});
}

#[test]
fn create_subnet_records_the_new_lock_as_the_base() {
	ExtBuilder::default().build_and_execute(|| {
		create_subnet(ALICE);
		run_to_block(201);
		assert_eq!(Subnets::lock_cost(201), 100);
		create_subnet(BOB);
		assert_eq!(crate::LastLockCost::<Test>::get(), 100);
		assert_eq!(crate::LastLockBlock::<Test>::get(), 201);
		assert_eq!(Subnets::lock_cost(201), 200);
	});
}

#[test]
fn create_subnet_fails_when_max_subnets_exist() {
	ExtBuilder::default().build_and_execute(|| {
		for _ in 0..network_params().max_subnets {
			create_subnet(ALICE);
		}
		assert_noop!(
			Subnets::create_subnet(RuntimeOrigin::signed(BOB)),
			Error::<Test>::TooManySubnets
		);
	});
}

#[test]
fn create_subnet_fails_when_netuids_are_exhausted() {
	ExtBuilder::default().build_and_execute(|| {
		NextNetUid::<Test>::put(u16::MAX);
		assert_noop!(
			Subnets::create_subnet(RuntimeOrigin::signed(ALICE)),
			Error::<Test>::NetUidsExhausted
		);
	});
}

#[test]
fn create_subnet_fails_when_the_lock_would_reap_the_owner() {
	// 100 free, lock 100: the account would fall below the existential deposit.
	ExtBuilder::default().balance(PAUPER, 100).build_and_execute(|| {
		assert_noop!(
			Subnets::create_subnet(RuntimeOrigin::signed(PAUPER)),
			Error::<Test>::InsufficientBalance
		);
	});
}

#[test]
fn create_subnet_succeeds_when_the_owner_keeps_the_existential_deposit() {
	ExtBuilder::default().balance(PAUPER, 100 + ED).build_and_execute(|| {
		assert_ok!(Subnets::create_subnet(RuntimeOrigin::signed(PAUPER)));
		assert_eq!(Balances::free_balance(PAUPER), ED);
	});
}

#[test]
fn create_subnet_fails_unsigned() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(Subnets::create_subnet(RuntimeOrigin::root()), DispatchError::BadOrigin);
	});
}
