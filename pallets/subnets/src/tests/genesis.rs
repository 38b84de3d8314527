//! The genesis config and the production defaults.

use super::held;
use crate::{
	default_hyperparameter_bounds, default_hyperparameters, mock::*, GenesisConfig,
	NetworkParameters, NextNetUid, Pallet,
};
use polkadot_sdk::sp_runtime::BuildStorage;
use verity_primitives::{currency::VRT, time::DAYS};

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
#[should_panic(expected = "invalid subnets genesis bounds")]
fn genesis_panics_on_inverted_bounds() {
	let mut bounds = bounds();
	bounds.tempo = (10, 1);
	let _ = RuntimeGenesisConfig {
		subnets: GenesisConfig { bounds, ..Default::default() },
		..Default::default()
	}
	.build_storage();
}

#[test]
fn production_defaults_are_consistent() {
	let params = NetworkParameters::default();
	assert_eq!(
		params,
		NetworkParameters {
			max_subnets: 32,
			min_lock: 100 * VRT,
			lock_reduction_interval: 14 * DAYS
		}
	);
	let bounds = default_hyperparameter_bounds();
	let defaults = default_hyperparameters();
	assert!(Pallet::<Test>::check_bounds(&bounds).is_ok());
	assert!(Pallet::<Test>::check_defaults(&defaults, &bounds).is_ok());
	assert_eq!((defaults.tempo, defaults.max_uids, defaults.max_validators), (360, 256, 64));
	assert_eq!((defaults.min_burn, defaults.max_burn), (VRT / 1_000, 100 * VRT));
}

#[test]
fn default_genesis_respects_max_subnets_limit() {
	let config = GenesisConfig::<Test>::default();
	assert_eq!(config.network_params.max_subnets, MAX_SUBNETS_LIMIT);
	assert!(config.subnets.is_empty());
}

#[test]
fn genesis_config_reads_hand_written_json() {
	let mut json = serde_json::to_value(GenesisConfig::<Test>::default()).unwrap();
	json["networkParams"] = serde_json::json!({
		"maxSubnets": 4,
		"minLock": 100_000_000_000_000u64,
		"lockReductionInterval": 201_600,
	});
	json["subnets"] = serde_json::json!([[1, 500], [2, 300]]);
	json["defaultHyperparameters"]["tempo"] = serde_json::json!(99);
	json["bounds"]["auditProbability"] = serde_json::json!([0, 1_000_000_000]);

	let config: GenesisConfig<Test> = serde_json::from_value(json).unwrap();
	assert_eq!(config.network_params.min_lock, 100 * VRT);
	assert_eq!(config.subnets, vec![(1, 500), (2, 300)]);
	assert_eq!(config.default_hyperparameters.tempo, 99);
}
