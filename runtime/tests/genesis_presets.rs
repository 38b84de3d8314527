//! Builds the genesis state of every preset natively and checks what a chain started from it
//! would see: funded accounts, block authors, finality authorities and the sudo key.

// Test code: a broken preset should fail loudly.
#![allow(clippy::arithmetic_side_effects, clippy::expect_used)]

mod common;

use common::genesis_of;
use polkadot_sdk::{
	frame_support::traits::fungible::Inspect, pallet_session, pallet_sudo,
	sp_genesis_builder::PresetId, sp_keyring::Sr25519Keyring,
};
use verity_runtime::{
	genesis_config_presets::{
		get_preset, preset_names, AUTHORITY_ENDOWMENT, AUTHORITY_STAKE, DEVELOPMENT, DEV_ENDOWMENT,
		DEV_UNBONDING_PERIOD, LOCAL_TESTNET, PRODUCTION, PRODUCTION_UNBONDING_PERIOD,
	},
	AccountId, Babe, Balances, Grandpa, Runtime, Stake,
};

fn accounts(keys: &[Sr25519Keyring]) -> Vec<AccountId> {
	keys.iter().map(|k| k.to_account_id()).collect()
}

fn assert_authorities(expected: &[AccountId]) {
	assert_eq!(pallet_session::Validators::<Runtime>::get(), expected);
	assert_eq!(Babe::authorities().len(), expected.len(), "BABE authorities");
	assert_eq!(Grandpa::grandpa_authorities().len(), expected.len(), "GRANDPA authorities");
}

#[test]
fn every_preset_is_listed_and_unknown_ones_are_refused() {
	let names = preset_names();
	assert_eq!(names, vec![DEVELOPMENT, LOCAL_TESTNET, PRODUCTION]);
	assert!(get_preset(&PresetId::from("mainnet-typo")).is_none());
}

#[test]
fn development_has_alice_as_single_authority_and_sudo() {
	genesis_of(DEVELOPMENT).execute_with(|| {
		let alice = Sr25519Keyring::Alice.to_account_id();
		assert_authorities(std::slice::from_ref(&alice));
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(alice.clone()));
		for account in Sr25519Keyring::well_known() {
			assert_eq!(Balances::total_balance(&account.to_account_id()), DEV_ENDOWMENT);
		}
		// Alice's stake on herself is held, not spent, and elects her.
		assert_eq!(Balances::balance(&alice), DEV_ENDOWMENT - AUTHORITY_STAKE);
		assert_eq!(Stake::total_stake_of(&alice), AUTHORITY_STAKE);
		assert_eq!(pallet_network_parameters::AuthorityCount::<Runtime>::get(), 1);
		assert_eq!(
			pallet_network_parameters::UnbondingPeriod::<Runtime>::get(),
			DEV_UNBONDING_PERIOD
		);
		let funded = Sr25519Keyring::well_known().count() as u128;
		assert_eq!(Balances::total_issuance(), DEV_ENDOWMENT * funded);
	});
}

#[test]
fn local_testnet_has_four_authorities_and_sudo() {
	genesis_of(LOCAL_TESTNET).execute_with(|| {
		use Sr25519Keyring::*;
		assert_authorities(&accounts(&[Alice, Bob, Charlie, Dave]));
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(Alice.to_account_id()));
		assert_eq!(Balances::total_balance(&Dave.to_account_id()), DEV_ENDOWMENT);
		assert_eq!(Stake::total_stake_of(&Dave.to_account_id()), AUTHORITY_STAKE);
	});
}

#[test]
fn production_has_no_sudo_key() {
	genesis_of(PRODUCTION).execute_with(|| {
		use Sr25519Keyring::*;
		let authorities = accounts(&[Alice, Bob, Charlie, Dave]);
		assert_authorities(&authorities);
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), None, "governance is the only root");
		for authority in &authorities {
			assert_eq!(Balances::total_balance(authority), AUTHORITY_ENDOWMENT);
			assert_eq!(Stake::total_stake_of(authority), AUTHORITY_STAKE);
		}
		assert_eq!(pallet_network_parameters::AuthorityCount::<Runtime>::get(), 32);
		assert_eq!(
			pallet_network_parameters::UnbondingPeriod::<Runtime>::get(),
			PRODUCTION_UNBONDING_PERIOD
		);
		assert_eq!(Balances::total_issuance(), AUTHORITY_ENDOWMENT * 4);
		// No development account other than the authorities is funded.
		assert_eq!(Balances::total_balance(&Eve.to_account_id()), 0);
	});
}
