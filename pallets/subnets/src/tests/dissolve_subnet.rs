//! `dissolve_subnet`.

use super::held;
use crate::{mock::*, weights::WeightInfo, Error, Event, NeuronCount, Neurons, Uids};
use polkadot_sdk::{
	frame_support::{
		assert_noop, assert_ok,
		dispatch::{GetDispatchInfo, PostDispatchInfo},
		traits::{PalletInfoAccess, StorageInfoTrait},
	},
	sp_io,
};
use std::collections::BTreeSet;
use verity_primitives::subnets::MAX_UIDS_LIMIT;

/// Every raw storage key under this pallet's prefix.
fn pallet_keys() -> BTreeSet<Vec<u8>> {
	let prefix = sp_io::hashing::twox_128(Subnets::name().as_bytes()).to_vec();
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

/// A subnet of ALICE's with three neurons, a served endpoint and a model.
fn populated_subnet() -> u16 {
	let netuid = create_subnet(ALICE);
	for hotkey in [100, 101, 102] {
		register(netuid, ALICE, hotkey);
	}
	assert_ok!(Subnets::serve(RuntimeOrigin::signed(100), netuid, super::endpoint()));
	assert_ok!(Subnets::commit_model(
		RuntimeOrigin::signed(101),
		netuid,
		Default::default(),
		10,
		1
	));
	netuid
}

#[test]
fn dissolve_subnet_by_its_owner_releases_the_lock() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = populated_subnet();
		subnet_events();
		assert_ok!(Subnets::dissolve_subnet(RuntimeOrigin::signed(ALICE), netuid));

		assert_eq!(held(ALICE), 0);
		assert!(crate::Subnets::<Test>::get(netuid).is_none());
		assert_eq!(subnet_events(), vec![Event::SubnetDissolved { netuid }]);
	});
}

#[test]
fn dissolve_subnet_by_governance_releases_the_owners_lock() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = populated_subnet();
		assert_ok!(Subnets::dissolve_subnet(RuntimeOrigin::root(), netuid));
		assert_eq!(held(ALICE), 0);
		assert_eq!(Balances::free_balance(ALICE), INITIAL_BALANCE - 3 * defaults().min_burn);
	});
}

#[test]
fn dissolve_subnet_leaves_no_storage_behind() {
	ExtBuilder::default().build_and_execute(|| {
		let other = create_subnet(BOB);
		register(other, BOB, 200);
		let before = pallet_keys();

		let netuid = populated_subnet();
		assert_ok!(Subnets::set_operator_profile(
			RuntimeOrigin::signed(ALICE),
			b"hetzner".to_vec(),
			b"eu".to_vec(),
			verity_primitives::subnets::HardwareClass::Cpu
		));
		let profile_key = crate::OperatorProfiles::<Test>::hashed_key_for(ALICE);
		assert_ok!(Subnets::dissolve_subnet(RuntimeOrigin::signed(ALICE), netuid));

		// Only network-wide values changed by the creation (and the operator's profile) remain.
		let mut after = pallet_keys();
		after.remove(&profile_key);
		assert_eq!(after, before);
		assert_eq!(Neurons::<Test>::iter_prefix(netuid).count(), 0);
		assert_eq!(Uids::<Test>::iter_prefix(netuid).count(), 0);
		assert!(!NeuronCount::<Test>::contains_key(netuid));
		assert_eq!(NeuronCount::<Test>::get(other), 1);
	});
}

#[test]
fn dissolve_subnet_refunds_the_weight_of_missing_neurons() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = populated_subnet();
		let call = crate::Call::<Test>::dissolve_subnet { netuid };
		assert_eq!(
			call.get_dispatch_info().call_weight,
			<() as WeightInfo>::dissolve_subnet(u32::from(MAX_UIDS_LIMIT))
		);
		let post: PostDispatchInfo =
			Subnets::dissolve_subnet(RuntimeOrigin::signed(ALICE), netuid).unwrap();
		assert_eq!(post.actual_weight, Some(<() as WeightInfo>::dissolve_subnet(3)));
	});
}

#[test]
fn dissolve_subnet_does_not_reuse_the_netuid() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		assert_ok!(Subnets::dissolve_subnet(RuntimeOrigin::signed(ALICE), netuid));
		assert_eq!(create_subnet(ALICE), netuid + 1);
	});
}

#[test]
fn dissolve_subnet_fails_for_another_coldkey() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		assert_noop!(
			Subnets::dissolve_subnet(RuntimeOrigin::signed(BOB), netuid),
			Error::<Test>::NotSubnetOwner
		);
	});
}

#[test]
fn dissolve_subnet_fails_for_an_unknown_subnet() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Subnets::dissolve_subnet(RuntimeOrigin::signed(ALICE), 7),
			Error::<Test>::SubnetNotFound
		);
	});
}

#[test]
fn storage_items_are_bounded() {
	// Every storage item has a maximum encoded length (no unbounded storage).
	let infos = Subnets::storage_info();
	assert!(infos.iter().all(|info| info.max_size.is_some()), "{infos:?}");
}
