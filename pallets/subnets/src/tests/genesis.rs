//! The genesis config.

use super::held;
use crate::{mock::*, GenesisConfig, NextNetUid};

#[test]
fn genesis_creates_subnets_in_order_and_holds_their_locks() {
	ExtBuilder::default().subnet(ALICE, 500).subnet(BOB, 300).build_and_execute(|| {
		assert_eq!(crate::Subnets::<Test>::get(0).map(|s| (s.owner, s.locked)), Some((ALICE, 500)));
		assert_eq!(crate::Subnets::<Test>::get(1).map(|s| (s.owner, s.locked)), Some((BOB, 300)));
		assert_eq!((held(ALICE), held(BOB)), (500, 300));
		assert_eq!(NextNetUid::<Test>::get(), 2);
		assert_eq!(crate::RegistrationBurn::<Test>::get(1), defaults().min_burn);
		assert_eq!(create_subnet(CHARLIE), 2);
	});
}

#[test]
#[should_panic(expected = "cannot hold its lock")]
fn genesis_panics_when_an_owner_cannot_pay_its_lock() {
	ExtBuilder::default().subnet(PAUPER, 500).build();
}

#[test]
fn genesis_config_reads_hand_written_json() {
	let json = serde_json::json!({ "subnets": [[1, 500], [2, 300]] });
	let config: GenesisConfig<Test> = serde_json::from_value(json).unwrap();
	assert_eq!(config.subnets, vec![(1, 500), (2, 300)]);
}

#[test]
#[should_panic(expected = "more genesis subnets than max_subnets")]
fn genesis_panics_on_more_subnets_than_the_limit() {
	let mut builder = ExtBuilder::default();
	for _ in 0..=network_params().max_subnets {
		builder = builder.subnet(ALICE, 0);
	}
	builder.build();
}
