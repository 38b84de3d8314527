//! The governance calls: the split and the share cap.

use super::*;
use crate::pallet::*;
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok},
	sp_runtime::{DispatchError, Perbill},
};
use verity_primitives::emissions::EmissionSplit;

fn split(owner: u32, miners: u32, validators: u32) -> EmissionSplit {
	EmissionSplit {
		owner: Perbill::from_percent(owner),
		miners: Perbill::from_percent(miners),
		validators: Perbill::from_percent(validators),
	}
}

#[test]
fn set_split_stores_the_split() {
	ExtBuilder::default().build_and_execute(|| {
		let new = split(10, 60, 30);

		assert_ok!(Emissions::set_split(RuntimeOrigin::root(), new));

		assert_eq!(Split::<Test>::get(), new);
		assert_eq!(emissions_events(), vec![Event::SplitSet { split: new }]);
	});
}

#[test]
fn set_split_accepts_parts_that_sum_to_one_exactly() {
	ExtBuilder::default().build_and_execute(|| {
		let new = EmissionSplit {
			owner: Perbill::from_parts(1),
			miners: Perbill::from_parts(499_999_999),
			validators: Perbill::from_parts(500_000_000),
		};
		assert_ok!(Emissions::set_split(RuntimeOrigin::root(), new));
		assert_eq!(Split::<Test>::get(), new);
	});
}

#[test]
fn set_split_fails_when_not_whole() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Emissions::set_split(RuntimeOrigin::root(), split(18, 41, 40)),
			Error::<Test>::SplitNotWhole
		);
		assert_noop!(
			Emissions::set_split(RuntimeOrigin::root(), split(100, 100, 0)),
			Error::<Test>::SplitNotWhole
		);
		let one_part_over = EmissionSplit {
			owner: Perbill::from_parts(180_000_001),
			miners: Perbill::from_percent(41),
			validators: Perbill::from_percent(41),
		};
		assert_noop!(
			Emissions::set_split(RuntimeOrigin::root(), one_part_over),
			Error::<Test>::SplitNotWhole
		);
	});
}

#[test]
fn set_split_requires_governance() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Emissions::set_split(RuntimeOrigin::signed(1), split(10, 45, 45)),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn set_max_subnet_share_stores_the_share() {
	ExtBuilder::default().build_and_execute(|| {
		let share = Perbill::from_percent(30);

		assert_ok!(Emissions::set_max_subnet_share(RuntimeOrigin::root(), share));

		assert_eq!(MaxSubnetShare::<Test>::get(), share);
		assert_eq!(emissions_events(), vec![Event::MaxSubnetShareSet { share }]);
	});
}

#[test]
fn set_max_subnet_share_fails_when_zero() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Emissions::set_max_subnet_share(RuntimeOrigin::root(), Perbill::zero()),
			Error::<Test>::ZeroSubnetShare
		);
	});
}

#[test]
fn set_max_subnet_share_requires_governance() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Emissions::set_max_subnet_share(RuntimeOrigin::signed(1), Perbill::from_percent(50)),
			DispatchError::BadOrigin
		);
	});
}
