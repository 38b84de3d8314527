//! `set_operator_profile`.

use crate::{mock::*, Error, Event, OperatorProfiles};
use polkadot_sdk::frame_support::{assert_noop, assert_ok};
use verity_primitives::subnets::{HardwareClass, MAX_PROVIDER_LEN, MAX_REGION_LEN};

fn set(provider: &[u8], region: &[u8]) -> polkadot_sdk::sp_runtime::DispatchResult {
	Subnets::set_operator_profile(
		RuntimeOrigin::signed(ALICE),
		provider.to_vec(),
		region.to_vec(),
		HardwareClass::ConsumerGpu,
	)
}

#[test]
fn set_operator_profile_stores_the_profile() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(set("hetzner".as_bytes(), "eu-central".as_bytes()));
		let profile = OperatorProfiles::<Test>::get(ALICE).unwrap();
		assert_eq!(profile.provider.to_vec(), b"hetzner".to_vec());
		assert_eq!(profile.region.to_vec(), b"eu-central".to_vec());
		assert_eq!(profile.hardware_class, HardwareClass::ConsumerGpu);
		assert_eq!(subnet_events(), vec![Event::OperatorProfileSet { coldkey: ALICE, profile }]);
	});
}

#[test]
fn set_operator_profile_replaces_the_earlier_profile() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(set(b"hetzner", b"eu"));
		assert_ok!(set("self-hosted".as_bytes(), "São Paulo".as_bytes()));
		let profile = OperatorProfiles::<Test>::get(ALICE).unwrap();
		assert_eq!(profile.provider.to_vec(), b"self-hosted".to_vec());
	});
}

#[test]
fn set_operator_profile_accepts_the_longest_names() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(set(&[b'p'; MAX_PROVIDER_LEN as usize], &[b'r'; MAX_REGION_LEN as usize]));
	});
}

#[test]
fn set_operator_profile_fails_for_a_long_provider() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			set(&[b'p'; MAX_PROVIDER_LEN as usize + 1], b"eu"),
			Error::<Test>::ProviderTooLong
		);
	});
}

#[test]
fn set_operator_profile_fails_for_a_long_region() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			set(b"hetzner", &[b'r'; MAX_REGION_LEN as usize + 1]),
			Error::<Test>::RegionTooLong
		);
	});
}

#[test]
fn set_operator_profile_fails_for_an_empty_provider() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(set(b"", b"eu"), Error::<Test>::ProviderEmpty);
	});
}

#[test]
fn set_operator_profile_fails_for_an_empty_region() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(set(b"hetzner", b""), Error::<Test>::RegionEmpty);
	});
}

#[test]
fn set_operator_profile_fails_for_invalid_utf8() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(set(&[0xff, 0xfe], b"eu"), Error::<Test>::InvalidUtf8);
		assert_noop!(set(b"hetzner", &[0xc3]), Error::<Test>::InvalidUtf8);
	});
}
