//! `set_weights_version_key`.

use super::*;
use crate::{Error, Event, WeightsVersionKey};
use polkadot_sdk::frame_support::{assert_noop, assert_ok};

#[test]
fn set_weights_version_key_by_the_owner_sets_it() {
	ExtBuilder.build_and_execute(|| {
		let netuid = MockSubnets::create(OWNER);
		assert_ok!(Scoring::set_weights_version_key(RuntimeOrigin::signed(OWNER), netuid, 9));
		assert_eq!(WeightsVersionKey::<Test>::get(netuid), 9);
		assert_eq!(scoring_events(), vec![Event::WeightsVersionKeySet { netuid, key: 9 }]);
	});
}

#[test]
fn set_weights_version_key_fails_for_another_account() {
	ExtBuilder.build_and_execute(|| {
		let netuid = MockSubnets::create(OWNER);
		assert_noop!(
			Scoring::set_weights_version_key(RuntimeOrigin::signed(V0), netuid, 9),
			Error::<Test>::NotSubnetOwner
		);
	});
}

#[test]
fn set_weights_version_key_fails_for_an_unknown_subnet() {
	ExtBuilder.build_and_execute(|| {
		assert_noop!(
			Scoring::set_weights_version_key(RuntimeOrigin::signed(OWNER), 3, 9),
			Error::<Test>::SubnetNotFound
		);
	});
}
