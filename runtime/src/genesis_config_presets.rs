//! Genesis presets: the initial state of a Verity chain.
//!
//! Block authors are elected by stake (see `pallet_stake`): each genesis authority stakes
//! [`AUTHORITY_STAKE`] on its own account, used as its hotkey, and offers itself as a candidate;
//! its session keys are registered in `session.keys`.
//!
//! - `development`: Alice is the single block author and the sudo key; the well-known dev
//!   accounts are funded; one authority is elected; unbonding takes 20 blocks (2 minutes) so that
//!   tests can watch stake leave; referenda take a few blocks (fast governance pace); audits and
//!   dispute phases take minutes, not hours. Used by `verity-node --dev`.
//! - `local_testnet`: Alice, Bob, Charlie and Dave author and finalize; Alice holds sudo; up to
//!   four authorities are elected; fast governance pace.
//! - `production`: the shape of a live network. No sudo key (governance is the only path to
//!   root), four genesis authorities, up to 32 elected authorities, 7-day unbonding, referenda
//!   at the live pace (days) and an initial allocation. Its authority keys are the well-known test keys as placeholders: a real
//!   launch replaces `session.keys`, `stake` and `balances.balances` in the exported chain spec
//!   before genesis.

use crate::{
	governance::origins::GovernancePace, AccountId, BabeConfig, Balance, BalancesConfig,
	BlockNumber, NetworkParametersConfig, OriginsConfig, RuntimeGenesisConfig, SessionConfig,
	SessionKeys, StakeConfig, SudoConfig, BABE_GENESIS_EPOCH_CONFIG, DAYS, VRT,
};
use alloc::{vec, vec::Vec};
use polkadot_sdk::{
	frame_support::build_struct_json_patch,
	sp_genesis_builder::{self, PresetId},
	sp_keyring::{Ed25519Keyring, Sr25519Keyring},
};
use serde_json::Value;
use verity_primitives::evaluations::EvaluationParameters;

/// The name of the production-shaped preset.
pub const PRODUCTION: &str = "production";
/// The name of the single-authority development preset.
pub const DEVELOPMENT: &str = sp_genesis_builder::DEV_RUNTIME_PRESET;
/// The name of the four-authority local network preset.
pub const LOCAL_TESTNET: &str = sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET;

/// What each well-known development account starts with.
pub const DEV_ENDOWMENT: Balance = 100_000 * VRT;
/// What each genesis authority of the production preset starts with (its stake and fees).
pub const AUTHORITY_ENDOWMENT: Balance = 10_000 * VRT;

/// What each genesis authority stakes on itself.
pub const AUTHORITY_STAKE: Balance = 1_000 * VRT;

/// The unbonding period of the development and local presets: 2 minutes.
pub const DEV_UNBONDING_PERIOD: BlockNumber = 20;

/// The unbonding period of the production preset.
pub const PRODUCTION_UNBONDING_PERIOD: BlockNumber = 7 * DAYS;

/// The chain's shape beyond its accounts: how many authorities it elects, how long stake
/// takes to leave and how long referenda take.
struct StakeParameters {
	authority_count: u32,
	unbonding_period: BlockNumber,
	governance_pace: GovernancePace,
	evaluation: EvaluationParameters,
}

/// The evaluation parameters of the development and local presets: the defaults, with audits
/// answered within 2 minutes and each dispute phase within 1, so that a dispute plays out while
/// one watches.
pub fn dev_evaluation_parameters() -> EvaluationParameters {
	EvaluationParameters {
		audit_window: 20,
		reveal_window: 10,
		referee_window: 10,
		..EvaluationParameters::default()
	}
}

/// A genesis block author: its account and the session keys it authors and finalizes with.
struct Authority {
	account: AccountId,
	keys: SessionKeys,
}

fn dev_authority(sr: Sr25519Keyring, ed: Ed25519Keyring) -> Authority {
	Authority {
		account: sr.to_account_id(),
		keys: SessionKeys { babe: sr.public().into(), grandpa: ed.public().into() },
	}
}

fn dev_authorities(count: usize) -> Vec<Authority> {
	Sr25519Keyring::iter()
		.zip(Ed25519Keyring::iter())
		.take(count)
		.map(|(sr, ed)| dev_authority(sr, ed))
		.collect()
}

fn genesis(
	authorities: Vec<Authority>,
	endowed: Vec<(AccountId, Balance)>,
	sudo: Option<AccountId>,
	stake: StakeParameters,
) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig { balances: endowed },
		babe: BabeConfig { epoch_config: BABE_GENESIS_EPOCH_CONFIG },
		network_parameters: NetworkParametersConfig {
			authority_count: stake.authority_count,
			unbonding_period: stake.unbonding_period,
			evaluation: stake.evaluation,
		},
		stake: StakeConfig {
			stakes: authorities
				.iter()
				.map(|a| (a.account.clone(), a.account.clone(), AUTHORITY_STAKE))
				.collect::<Vec<_>>(),
			authority_candidates: authorities.iter().map(|a| a.account.clone()).collect::<Vec<_>>(),
		},
		session: SessionConfig {
			keys: authorities
				.into_iter()
				.map(|a| (a.account.clone(), a.account, a.keys))
				.collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: sudo },
		origins: OriginsConfig { pace: stake.governance_pace },
	})
}

fn dev_endowments() -> Vec<(AccountId, Balance)> {
	Sr25519Keyring::well_known().map(|k| (k.to_account_id(), DEV_ENDOWMENT)).collect()
}

fn development() -> Value {
	genesis(
		dev_authorities(1),
		dev_endowments(),
		Some(Sr25519Keyring::Alice.to_account_id()),
		StakeParameters {
			authority_count: 1,
			unbonding_period: DEV_UNBONDING_PERIOD,
			governance_pace: GovernancePace::Fast,
			evaluation: dev_evaluation_parameters(),
		},
	)
}

fn local_testnet() -> Value {
	genesis(
		dev_authorities(4),
		dev_endowments(),
		Some(Sr25519Keyring::Alice.to_account_id()),
		StakeParameters {
			authority_count: 4,
			unbonding_period: DEV_UNBONDING_PERIOD,
			governance_pace: GovernancePace::Fast,
			evaluation: dev_evaluation_parameters(),
		},
	)
}

fn production() -> Value {
	let authorities = dev_authorities(4);
	let endowed = authorities.iter().map(|a| (a.account.clone(), AUTHORITY_ENDOWMENT)).collect();
	genesis(
		authorities,
		endowed,
		None,
		StakeParameters {
			authority_count: 32,
			unbonding_period: PRODUCTION_UNBONDING_PERIOD,
			governance_pace: GovernancePace::Live,
			evaluation: EvaluationParameters::default(),
		},
	)
}

/// The JSON patch of the preset named `id`, if there is one.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		DEVELOPMENT => development(),
		LOCAL_TESTNET => local_testnet(),
		PRODUCTION => production(),
		_ => return None,
	};
	// Serializing a `serde_json::Value` cannot fail.
	serde_json::to_vec(&patch).ok()
}

/// The names of all presets.
pub fn preset_names() -> Vec<PresetId> {
	vec![PresetId::from(DEVELOPMENT), PresetId::from(LOCAL_TESTNET), PresetId::from(PRODUCTION)]
}
