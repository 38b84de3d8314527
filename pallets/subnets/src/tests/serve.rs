//! `serve`.

use super::endpoint;
use crate::{mock::*, Error, Event, Neurons};
use polkadot_sdk::frame_support::{assert_noop, assert_ok};
use verity_primitives::subnets::{Endpoint, IpAddress, Protocol};

#[test]
fn serve_records_the_endpoint() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		register(netuid, ALICE, 100);
		run_to_block(3);
		subnet_events();
		assert_ok!(Subnets::serve(RuntimeOrigin::signed(100), netuid, endpoint()));

		let neuron = Neurons::<Test>::get(netuid, 0).unwrap();
		assert_eq!((neuron.endpoint, neuron.last_served), (Some(endpoint()), 3));
		assert_eq!(
			subnet_events(),
			vec![Event::NeuronServing { netuid, uid: 0, hotkey: 100, endpoint: endpoint() }]
		);
	});
}

#[test]
fn serve_accepts_ipv6() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		register(netuid, ALICE, 100);
		let mut ip = [0; 16];
		ip[15] = 1;
		let v6 =
			Endpoint { ip: IpAddress::V6(ip), port: 443, protocol: Protocol::Grpc, version: 2 };
		assert_ok!(Subnets::serve(RuntimeOrigin::signed(100), netuid, v6));
	});
}

#[test]
fn serve_again_after_the_rate_limit() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		register(netuid, ALICE, 100);
		assert_ok!(Subnets::serve(RuntimeOrigin::signed(100), netuid, endpoint()));
		run_to_block(1 + SERVE_RATE_LIMIT);
		let moved = Endpoint { port: 9090, ..endpoint() };
		assert_ok!(Subnets::serve(RuntimeOrigin::signed(100), netuid, moved));
		assert_eq!(Neurons::<Test>::get(netuid, 0).unwrap().endpoint, Some(moved));
	});
}

#[test]
fn serve_fails_within_the_rate_limit() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		register(netuid, ALICE, 100);
		assert_ok!(Subnets::serve(RuntimeOrigin::signed(100), netuid, endpoint()));
		run_to_block(SERVE_RATE_LIMIT);
		assert_noop!(
			Subnets::serve(RuntimeOrigin::signed(100), netuid, endpoint()),
			Error::<Test>::ServingRateLimited
		);
	});
}

#[test]
fn serve_fails_for_an_unknown_subnet() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Subnets::serve(RuntimeOrigin::signed(100), 3, endpoint()),
			Error::<Test>::SubnetNotFound
		);
	});
}

#[test]
fn serve_fails_for_an_unregistered_hotkey() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		assert_noop!(
			Subnets::serve(RuntimeOrigin::signed(100), netuid, endpoint()),
			Error::<Test>::NotRegistered
		);
	});
}

#[test]
fn serve_fails_on_port_zero() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		register(netuid, ALICE, 100);
		assert_noop!(
			Subnets::serve(RuntimeOrigin::signed(100), netuid, Endpoint { port: 0, ..endpoint() }),
			Error::<Test>::InvalidPort
		);
	});
}

#[test]
fn serve_fails_on_the_unspecified_ipv4_address() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		register(netuid, ALICE, 100);
		let unspecified = Endpoint { ip: IpAddress::V4([0; 4]), ..endpoint() };
		assert_noop!(
			Subnets::serve(RuntimeOrigin::signed(100), netuid, unspecified),
			Error::<Test>::InvalidIp
		);
	});
}

#[test]
fn serve_fails_on_the_unspecified_ipv6_address() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		register(netuid, ALICE, 100);
		let unspecified = Endpoint { ip: IpAddress::V6([0; 16]), ..endpoint() };
		assert_noop!(
			Subnets::serve(RuntimeOrigin::signed(100), netuid, unspecified),
			Error::<Test>::InvalidIp
		);
	});
}
