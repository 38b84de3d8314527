//! Scoring and emissions wired together in the runtime, on the development genesis: a subnet's
//! epochs pay its owner, miners and validators, and every planck of issuance stays accounted
//! for — emissions minted, registration burns, dust of reaped accounts.

// Test code: a broken step should fail loudly.
#![allow(clippy::arithmetic_side_effects, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::genesis_of;
use polkadot_sdk::{
	frame_support::{assert_ok, traits::Hooks},
	sp_io::TestExternalities,
	sp_keyring::Sr25519Keyring,
	sp_runtime::{BoundedVec, Perbill},
};
use verity_primitives::subnets::Hyperparameter;
use verity_runtime::{
	genesis_config_presets::DEVELOPMENT, AccountId, Balances, BlockNumber, Emissions, RuntimeEvent,
	RuntimeOrigin, Scoring, Stake, Subnets, System, VRT,
};

const TEMPO: u16 = 10;

fn account(key: Sr25519Keyring) -> AccountId {
	key.to_account_id()
}

/// A hotkey derived from a name, owned by whichever coldkey registers it first.
fn hotkey(name: &str) -> AccountId {
	AccountId::new(polkadot_sdk::sp_io::hashing::blake2_256(name.as_bytes()))
}

/// Runs the scoring and emissions block hooks up to block `n`.
fn run_to_block(n: BlockNumber) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Scoring::on_initialize(next);
		Emissions::on_initialize(next);
	}
}

/// Total issuance is genesis issuance plus everything emissions minted, minus everything burned.
fn assert_issuance_accounted() {
	let view = Emissions::emissions_view();
	assert_eq!(view.total_issuance, Balances::total_issuance());
	assert_eq!(view.total_issuance, view.genesis_issuance + view.issued - view.burned);
}

/// A subnet of Bob's with three miners (UIDs 0–2) and two validators (3–4, 600 and 400 VRT).
fn subnet_with_neurons() -> (u16, Vec<AccountId>) {
	let owner = account(Sr25519Keyring::Bob);
	assert_ok!(Subnets::create_subnet(RuntimeOrigin::signed(owner.clone())));
	let netuid = 0;
	assert_ok!(Subnets::set_hyperparameter(
		RuntimeOrigin::signed(owner.clone()),
		netuid,
		Hyperparameter::WeightsRateLimit(0)
	));
	let coldkeys = [
		Sr25519Keyring::Charlie,
		Sr25519Keyring::Dave,
		Sr25519Keyring::Ferdie,
		Sr25519Keyring::Eve,
		Sr25519Keyring::Alice,
	];
	let hotkeys: Vec<AccountId> =
		["miner-0", "miner-1", "miner-2", "validator-0", "validator-1"].map(hotkey).to_vec();
	for (coldkey, hotkey) in coldkeys.iter().zip(&hotkeys) {
		assert_ok!(Subnets::register(
			RuntimeOrigin::signed(account(*coldkey)),
			netuid,
			hotkey.clone()
		));
	}
	for (coldkey, hotkey, stake) in [(3, 3, 600 * VRT), (4, 4, 400 * VRT)] {
		assert_ok!(Stake::add_stake(
			RuntimeOrigin::signed(account(coldkeys[coldkey])),
			hotkeys[hotkey].clone(),
			stake
		));
	}
	assert_ok!(Subnets::set_hyperparameter(
		RuntimeOrigin::signed(owner),
		netuid,
		Hyperparameter::Tempo(TEMPO)
	));
	(netuid, hotkeys)
}

fn dev_chain() -> TestExternalities {
	let mut ext = genesis_of(DEVELOPMENT);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

#[test]
fn epochs_pay_owner_miners_and_validators_and_issuance_stays_accounted() {
	dev_chain().execute_with(|| {
		assert_issuance_accounted();
		let (netuid, hotkeys) = subnet_with_neurons();
		assert_issuance_accounted();

		// The first epoch grants the permits.
		run_to_block(1 + BlockNumber::from(TEMPO) + 1);
		let scores = Scoring::neuron_scores(netuid);
		assert_eq!(
			scores.iter().map(|s| s.validator_permit).collect::<Vec<_>>(),
			[false, false, false, true, true]
		);

		let weights = [[6_000u16, 3_000, 1_000], [1_000, 3_000, 6_000]];
		for (validator, row) in hotkeys[3..].iter().zip(weights) {
			assert_ok!(Scoring::set_weights(
				RuntimeOrigin::signed(validator.clone()),
				netuid,
				BoundedVec::truncate_from(vec![0, 1, 2]),
				BoundedVec::truncate_from(row.to_vec()),
				0
			));
		}
		let owner = account(Sr25519Keyring::Bob);
		let owner_before = Balances::free_balance(&owner);
		let miner_coldkeys =
			[Sr25519Keyring::Charlie, Sr25519Keyring::Dave, Sr25519Keyring::Ferdie];
		let miners_before: Vec<_> =
			miner_coldkeys.iter().map(|k| Balances::free_balance(account(*k))).collect();
		let stake_before: Vec<_> = hotkeys[3..].iter().map(Stake::total_stake_of).collect();

		run_to_block(System::block_number() + BlockNumber::from(TEMPO));
		let scores = Scoring::neuron_scores(netuid);
		// 60/40 stake, κ ≈ ½: incentive 0.5, 0.375, 0.125 (see the e2e test for the derivation).
		let incentive: Vec<f64> =
			scores[..3].iter().map(|s| f64::from(s.incentive) / f64::from(u16::MAX)).collect();
		for (got, want) in incentive.iter().zip([0.5, 0.375, 0.125]) {
			assert!((got - want).abs() < 2.0 / 65_535.0, "incentive {incentive:?}");
		}
		for (i, coldkey) in miner_coldkeys.iter().enumerate() {
			let paid = Balances::free_balance(account(*coldkey)) - miners_before[i];
			assert!(paid > 0);
			assert_eq!(paid, scores[i].emission);
		}
		for (i, hotkey) in hotkeys[3..].iter().enumerate() {
			let paid = Stake::total_stake_of(hotkey) - stake_before[i];
			assert!(paid > 0);
			assert_eq!(paid, scores[3 + i].emission);
		}
		let owner_paid = Balances::free_balance(&owner) - owner_before;
		// The last payout: the epoch that just ran (the first one paid nothing).
		let paid = System::events()
			.into_iter()
			.rev()
			.find_map(|record| match record.event {
				RuntimeEvent::Emissions(pallet_emissions::Event::EpochPaid {
					netuid: n,
					accrued,
					owner,
					miners,
					validators,
					unminted,
				}) if n == netuid => Some((accrued, owner, miners, validators, unminted)),
				_ => None,
			})
			.expect("the epoch paid out");
		let (accrued, owner_part, miners_part, validators_part, unminted) = paid;
		assert_eq!(accrued, owner_part + miners_part + validators_part + unminted);
		assert_eq!(owner_paid, owner_part);
		assert_eq!(owner_part, Perbill::from_percent(18) * accrued);
		assert_eq!(scores[..3].iter().map(|s| s.emission).sum::<u128>(), miners_part);
		assert_eq!(scores[3..].iter().map(|s| s.emission).sum::<u128>(), validators_part);
		// The subnet is the only one with permitted stake: it accrued 1 VRT a block for a tempo.
		let tempo_reward = u128::from(TEMPO) * VRT;
		assert!(accrued <= tempo_reward && accrued > tempo_reward - 1_000, "accrued {accrued}");
		// Incentive and dividends are 32-bit fractions: each of the 5 shares of a ~4 VRT pot
		// rounds down by less than 4.1e12 / 2^32 ≈ 955 planck.
		assert!(unminted < 5 * 1_000, "rounding left {unminted} planck unminted");
		assert_issuance_accounted();
	});
}

#[test]
fn burns_and_dust_are_accounted_for() {
	dev_chain().execute_with(|| {
		let (netuid, _) = subnet_with_neurons();
		let before = Emissions::emissions_view().burned;
		// A registration burns.
		assert_ok!(Subnets::register(
			RuntimeOrigin::signed(account(Sr25519Keyring::Bob)),
			netuid,
			hotkey("miner-3")
		));
		assert!(Emissions::emissions_view().burned > before);
		assert_issuance_accounted();
		// An account emptied to below the existential deposit is reaped and its dust burned.
		let doomed = hotkey("doomed");
		assert_ok!(Balances::transfer_allow_death(
			RuntimeOrigin::signed(account(Sr25519Keyring::Bob)),
			doomed.clone().into(),
			VRT
		));
		let burned = Emissions::emissions_view().burned;
		let keep = verity_runtime::EXISTENTIAL_DEPOSIT / 2;
		assert_ok!(Balances::transfer_allow_death(
			RuntimeOrigin::signed(doomed.clone()),
			account(Sr25519Keyring::Bob).into(),
			VRT - keep
		));
		assert_eq!(Balances::free_balance(&doomed), 0);
		assert_eq!(Emissions::emissions_view().burned, burned + keep);
		assert_issuance_accounted();
	});
}

#[test]
fn signed_burns_are_filtered() {
	use polkadot_sdk::{frame_support::traits::Contains, pallet_balances};
	use verity_runtime::{configs::NoUnaccountedBurns, RuntimeCall};
	let burn = RuntimeCall::Balances(pallet_balances::Call::burn { value: VRT, keep_alive: true });
	assert!(!NoUnaccountedBurns::contains(&burn));
	let transfer = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
		dest: account(Sr25519Keyring::Bob).into(),
		value: VRT,
	});
	assert!(NoUnaccountedBurns::contains(&transfer));
}
