//! Weights and bonds on a UID whose neuron was replaced are ignored while they predate it.

use super::*;
use crate::{Bonds, Scores};
use polkadot_sdk::frame_support::assert_ok;

#[test]
fn weights_set_before_a_target_registered_are_ignored() {
	ExtBuilder.build_and_execute(|| {
		let netuid = subnet_with_permits();
		assert_ok!(set_weights(V0, netuid, &[4], &[1]));
		assert_ok!(set_weights(V1, netuid, &[4], &[1]));
		run_to_block(15);
		MockSubnets::replace(netuid, 4, 40);
		run_to_next_epoch(netuid);
		let incentive: Vec<u16> = Scores::<Test>::get(netuid).iter().map(|s| s.incentive).collect();
		assert_eq!(incentive, vec![0; 5]);
	});
}

#[test]
fn weights_set_after_a_target_registered_count() {
	ExtBuilder.build_and_execute(|| {
		let netuid = subnet_with_permits();
		MockSubnets::replace(netuid, 4, 40);
		assert_ok!(set_weights(V0, netuid, &[4], &[1]));
		run_to_next_epoch(netuid);
		assert_eq!(Scores::<Test>::get(netuid)[4].incentive, u16::MAX);
	});
}

#[test]
fn bonds_formed_before_a_target_registered_are_ignored() {
	ExtBuilder.build_and_execute(|| {
		let netuid = subnet_with_permits();
		// Epoch 21: V0 alone weights UID 3 and holds all of its bond.
		assert_ok!(set_weights(V0, netuid, &[3], &[1]));
		assert_ok!(set_weights(V1, netuid, &[2], &[1]));
		run_to_next_epoch(netuid);
		assert_eq!(bond(netuid, 0, 3), u16::MAX);

		// UID 3 is replaced; both validators weight the new neuron.
		run_to_block(25);
		MockSubnets::replace(netuid, 3, 40);
		assert_ok!(set_weights(V0, netuid, &[3], &[1]));
		assert_ok!(set_weights(V1, netuid, &[3], &[1]));
		run_to_next_epoch(netuid);

		// Bonds start afresh from the stake (0.6, 0.4). Had V0 kept 90% of its old bond, they
		// would be (0.96, 0.04).
		assert!(bond(netuid, 0, 3).abs_diff(39_321) <= 1, "{}", bond(netuid, 0, 3));
		assert!(bond(netuid, 1, 3).abs_diff(26_214) <= 1, "{}", bond(netuid, 1, 3));
	});
}

/// The bond of the validator at `uid` on UID `j`.
fn bond(netuid: NetUid, uid: u16, j: u16) -> u16 {
	Bonds::<Test>::get(netuid, uid).iter().find(|(c, _)| *c == j).map_or(0, |(_, b)| b)
}

#[test]
fn a_replaced_neuron_loses_its_weights_bonds_and_scores() {
	ExtBuilder.build_and_execute(|| {
		let netuid = subnet_with_permits();
		assert_ok!(set_weights(V0, netuid, &[3], &[1]));
		run_to_next_epoch(netuid);
		assert!(Bonds::<Test>::contains_key(netuid, 0));

		MockSubnets::replace(netuid, 0, 40);
		assert!(!crate::Weights::<Test>::contains_key(netuid, 0));
		assert!(!Bonds::<Test>::contains_key(netuid, 0));
		assert_eq!(Scores::<Test>::get(netuid)[0], Default::default());
		assert_eq!(Scores::<Test>::get(netuid).len(), 5);
	});
}
