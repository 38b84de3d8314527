//! The lifecycle hooks `pallet-subnets` calls: creation, dissolution, replacement.

use super::*;
use crate::{EpochIndex, EpochSchedule, Scores, WeightCommits, Weights};
use polkadot_sdk::{
	frame_support::{
		assert_ok,
		traits::{PalletInfoAccess, StorageInfoTrait},
	},
	sp_io,
};
use std::collections::BTreeSet;
use verity_primitives::traits::SubnetLifecycle;

/// Every raw storage key under this pallet's prefix.
fn pallet_keys() -> BTreeSet<Vec<u8>> {
	let prefix = sp_io::hashing::twox_128(Scoring::name().as_bytes()).to_vec();
	let mut keys = BTreeSet::new();
	let mut key = prefix.clone();
	while let Some(next) = sp_io::storage::next_key(&key) {
		if !next.starts_with(&prefix) {
			break;
		}
		keys.insert(next.clone());
		key = next;
	}
	keys
}

#[test]
fn creating_a_subnet_schedules_its_first_epoch() {
	ExtBuilder.build_and_execute(|| {
		run_to_block(4);
		let netuid = MockSubnets::create(OWNER);
		assert_eq!(NextEpochAt::<Test>::get(netuid), Some(14));
		assert_eq!(EpochSchedule::<Test>::get(14).into_inner(), vec![netuid]);
	});
}

#[test]
fn dissolving_a_subnet_leaves_no_storage_behind() {
	ExtBuilder.build_and_execute(|| {
		// Another subnet, whose epoch lies beyond the test, with its own state.
		let other = MockSubnets::create(OWNER);
		MockSubnets::register(other, 90);
		MockSubnets::set_hyperparameters(other, |h| h.tempo = 1_000);
		Scoring::on_tempo_changed(other, 1_000);
		assert_ok!(Scoring::set_weights_version_key(RuntimeOrigin::signed(OWNER), other, 2));
		let before = pallet_keys();

		// Everything this pallet keeps for a subnet.
		let netuid = subnet_with_permits();
		assert_ok!(set_weights(V0, netuid, &[2, 3], &[1, 1]));
		assert_ok!(set_weights(V1, netuid, &[3], &[1]));
		assert_ok!(Scoring::set_weights_version_key(RuntimeOrigin::signed(OWNER), netuid, 1));
		run_to_next_epoch(netuid);
		MockSubnets::set_hyperparameters(netuid, |h| h.commit_reveal_period = 1);
		assert_ok!(Scoring::commit_weights(RuntimeOrigin::signed(V0), netuid, H256::zero()));
		assert!(WeightCommits::<Test>::contains_key(netuid, 0));
		assert!(Weights::<Test>::contains_key(netuid, 1));
		assert!(crate::Bonds::<Test>::contains_key(netuid, 0));
		assert!(Scores::<Test>::contains_key(netuid));

		MockSubnets::dissolve(netuid);
		assert_eq!(pallet_keys(), before);
		assert_eq!(NextEpochAt::<Test>::get(other), Some(1_001));
		assert_eq!(EpochIndex::<Test>::get(other), 0);
	});
}

#[test]
fn replacing_a_neuron_without_scores_writes_none() {
	ExtBuilder.build_and_execute(|| {
		let netuid = MockSubnets::create(OWNER);
		MockSubnets::register(netuid, 90);
		MockSubnets::replace(netuid, 0, 91);
		assert!(!Scores::<Test>::contains_key(netuid));
	});
}

#[test]
fn storage_items_are_bounded() {
	let infos = Scoring::storage_info();
	assert!(infos.iter().all(|info| info.max_size.is_some()), "{infos:?}");
}
