//! Validator permits: granted by an epoch, used until the next.

use super::*;
use crate::{Error, Scores};
use polkadot_sdk::frame_support::{assert_noop, assert_ok};

fn permits(netuid: NetUid) -> Vec<bool> {
	Scores::<Test>::get(netuid).iter().map(|s| s.validator_permit).collect()
}

#[test]
fn permits_go_to_the_largest_stakes_above_the_minimum() {
	ExtBuilder.build_and_execute(|| {
		let netuid = MockSubnets::create(OWNER);
		MockSubnets::set_hyperparameters(netuid, |h| {
			h.max_validators = 3;
			h.min_validator_stake = 60;
		});
		for (hotkey, stake) in [(30, 100), (31, 300), (32, 50), (33, 200), (34, 0), (35, 150)] {
			MockSubnets::register(netuid, hotkey);
			MockStake::set_stake(hotkey, stake);
		}
		run_to_next_epoch(netuid);
		assert_eq!(permits(netuid), vec![false, true, false, true, false, true]);
	});
}

#[test]
fn permit_ties_go_to_the_lower_uid() {
	ExtBuilder.build_and_execute(|| {
		let netuid = MockSubnets::create(OWNER);
		for (hotkey, stake) in [(30, 100), (31, 300), (32, 300), (33, 300)] {
			MockSubnets::register(netuid, hotkey);
			MockStake::set_stake(hotkey, stake);
		}
		run_to_next_epoch(netuid);
		assert_eq!(permits(netuid), vec![false, true, true, false]);
	});
}

#[test]
fn permits_take_effect_at_the_epoch() {
	ExtBuilder.build_and_execute(|| {
		let netuid = subnet_with_permits();
		// M2 now outstakes V1, but V1 keeps its permit until the next epoch.
		MockStake::set_stake(M2, 500);
		assert_noop!(set_weights(M2, netuid, &[3], &[1]), Error::<Test>::NoValidatorPermit);
		assert_ok!(set_weights(V1, netuid, &[3], &[1]));

		run_to_next_epoch(netuid);
		assert_eq!(permits(netuid), vec![true, false, true, false, false]);
		assert_ok!(set_weights(M2, netuid, &[3], &[1]));
		run_blocks(5);
		assert_noop!(set_weights(V1, netuid, &[3], &[1]), Error::<Test>::NoValidatorPermit);
	});
}

#[test]
fn a_validator_that_loses_its_permit_loses_its_bonds() {
	ExtBuilder.build_and_execute(|| {
		let netuid = subnet_with_permits();
		assert_ok!(set_weights(V1, netuid, &[3], &[1]));
		run_to_next_epoch(netuid);
		assert!(!crate::Bonds::<Test>::get(netuid, 1).is_empty());

		MockStake::set_stake(M2, 500);
		run_to_next_epoch(netuid);
		assert!(crate::Bonds::<Test>::get(netuid, 1).is_empty());
		assert!(!crate::Bonds::<Test>::contains_key(netuid, 1));
	});
}
