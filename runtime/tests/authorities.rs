//! The block authors follow stake: across sessions, the authority set is the top hotkeys by
//! stake among the candidates with session keys, never fewer than the runtime's minimum.

// Test code: a broken step should fail loudly.
#![allow(clippy::arithmetic_side_effects, clippy::expect_used)]

mod common;

use codec::Encode;
use common::genesis_of;
use polkadot_sdk::{
	frame_support::assert_ok,
	pallet_session,
	sp_core::crypto::ByteArray,
	sp_io::TestExternalities,
	sp_keyring::Sr25519Keyring,
	sp_keystore::{testing::MemoryKeystore, KeystoreExt},
};
use verity_runtime::{
	genesis_config_presets::{AUTHORITY_STAKE, DEVELOPMENT},
	AccountId, Babe, NetworkParameters, Runtime, RuntimeOrigin, Session, SessionKeys, Stake,
	System,
};

fn dev_chain() -> TestExternalities {
	let mut ext = genesis_of(DEVELOPMENT);
	ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
	ext.execute_with(|| System::set_block_number(1));
	ext
}

fn account(key: Sr25519Keyring) -> AccountId {
	key.to_account_id()
}

/// Registers fresh session keys for `who`, with the ownership proof `set_keys` checks.
fn register_session_keys(who: &AccountId) -> SessionKeys {
	let generated = SessionKeys::generate(&who.encode(), None);
	assert_ok!(Session::set_keys(
		RuntimeOrigin::signed(who.clone()),
		generated.keys.clone(),
		generated.proof.encode(),
	));
	generated.keys
}

/// Stakes `amount` from `who` on its own hotkey and offers it as a block author.
fn become_candidate(who: &AccountId, amount: u128) {
	assert_ok!(Stake::add_stake(RuntimeOrigin::signed(who.clone()), who.clone(), amount));
	assert_ok!(Stake::offer_authority(RuntimeOrigin::signed(who.clone())));
}

/// Ends two sessions: an election's result is queued at the end of one and active after the
/// next.
fn next_elected_set() -> Vec<AccountId> {
	for _ in 0..2 {
		System::set_block_number(System::block_number() + 1);
		pallet_session::Pallet::<Runtime>::rotate_session();
	}
	Session::validators()
}

fn babe_authority_keys() -> Vec<Vec<u8>> {
	Babe::authorities().iter().map(|(key, _)| key.to_raw_vec()).collect()
}

#[test]
fn a_better_staked_candidate_replaces_the_genesis_author() {
	dev_chain().execute_with(|| {
		let (alice, bob) = (account(Sr25519Keyring::Alice), account(Sr25519Keyring::Bob));
		assert_eq!(Session::validators(), vec![alice.clone()]);

		let bob_keys = register_session_keys(&bob);
		become_candidate(&bob, 2 * AUTHORITY_STAKE);

		assert_eq!(next_elected_set(), vec![bob.clone()]);
		assert_eq!(babe_authority_keys(), vec![bob_keys.babe.to_raw_vec()]);

		// Alice stakes more again and wins the single seat back.
		assert_ok!(Stake::add_stake(
			RuntimeOrigin::signed(alice.clone()),
			alice.clone(),
			2 * AUTHORITY_STAKE
		));
		assert_eq!(next_elected_set(), vec![alice]);
	});
}

#[test]
fn governance_widens_the_set_and_it_orders_by_stake() {
	dev_chain().execute_with(|| {
		let (alice, bob, charlie) = (
			account(Sr25519Keyring::Alice),
			account(Sr25519Keyring::Bob),
			account(Sr25519Keyring::Charlie),
		);
		for (who, stake) in [(&bob, 3 * AUTHORITY_STAKE), (&charlie, AUTHORITY_STAKE / 2)] {
			register_session_keys(who);
			become_candidate(who, stake);
		}
		assert_ok!(NetworkParameters::set_authority_count(RuntimeOrigin::root(), 2));
		assert_eq!(next_elected_set(), vec![bob.clone(), alice.clone()]);

		assert_ok!(NetworkParameters::set_authority_count(RuntimeOrigin::root(), 3));
		assert_eq!(next_elected_set(), vec![bob, alice, charlie]);
	});
}

#[test]
fn candidates_without_session_keys_are_not_elected() {
	dev_chain().execute_with(|| {
		let (alice, bob) = (account(Sr25519Keyring::Alice), account(Sr25519Keyring::Bob));
		become_candidate(&bob, 10 * AUTHORITY_STAKE);
		assert_eq!(next_elected_set(), vec![alice.clone()]);

		register_session_keys(&bob);
		assert_eq!(next_elected_set(), vec![bob.clone()]);

		assert_ok!(Session::purge_keys(RuntimeOrigin::signed(bob)));
		assert_eq!(next_elected_set(), vec![alice]);
	});
}

#[test]
fn the_chain_keeps_its_authors_when_too_few_candidates_remain() {
	dev_chain().execute_with(|| {
		let alice = account(Sr25519Keyring::Alice);
		assert_ok!(Stake::retire_authority(RuntimeOrigin::signed(alice.clone())));
		// No candidate is left: the current set stays rather than the chain halting.
		assert_eq!(next_elected_set(), vec![alice.clone()]);

		assert_ok!(Stake::offer_authority(RuntimeOrigin::signed(alice.clone())));
		assert_ok!(Stake::remove_stake(
			RuntimeOrigin::signed(alice.clone()),
			alice.clone(),
			AUTHORITY_STAKE
		));
		// Without active stake Alice is no candidate either, and still the chain keeps her.
		assert_eq!(next_elected_set(), vec![alice]);
	});
}
