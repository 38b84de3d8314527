//! Chain specifications for the networks the node knows by name. Genesis state comes from the
//! runtime's own presets, so the node never duplicates genesis logic.

use polkadot_sdk::*;

use sc_service::{ChainType, Properties};
use verity_runtime::{genesis_config_presets, WASM_BINARY};

/// Verity's chain specification: no client-side extensions.
pub type ChainSpec = sc_service::GenericChainSpec;

/// Token metadata that wallets and explorers read from the chain spec.
fn properties() -> Properties {
	let mut properties = Properties::new();
	properties.insert("tokenSymbol".into(), "VRT".into());
	properties.insert("tokenDecimals".into(), 12.into());
	properties.insert("ss58Format".into(), 42.into());
	properties
}

/// The runtime code the chain spec embeds; absent when the wasm build was skipped.
fn wasm_binary() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| {
		"The runtime's wasm binary is not available: rebuild without SKIP_WASM_BUILD".to_string()
	})
}

/// A chain spec whose genesis is the runtime preset named `preset`.
fn from_preset(
	name: &str,
	id: &str,
	chain_type: ChainType,
	preset: &str,
) -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name(name)
		.with_id(id)
		.with_chain_type(chain_type)
		.with_protocol_id("verity")
		.with_genesis_config_preset_name(preset)
		.with_properties(properties())
		.build())
}

/// Single-authority development chain (Alice authors and finalizes), used by `--dev`.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	from_preset(
		"Verity Development",
		"dev",
		ChainType::Development,
		genesis_config_presets::DEVELOPMENT,
	)
}

/// Multi-authority local testnet, used by `--chain local`.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	from_preset(
		"Verity Local Testnet",
		"local_testnet",
		ChainType::Local,
		genesis_config_presets::LOCAL_TESTNET,
	)
}

/// The live network, used by `--chain production`.
pub fn production_chain_spec() -> Result<ChainSpec, String> {
	from_preset("Verity", "verity", ChainType::Live, genesis_config_presets::PRODUCTION)
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::Decode;
	use sc_service::ChainSpec as _;
	use sp_core::storage::well_known_keys;
	use sp_io::hashing::twox_128;
	use sp_keyring::Sr25519Keyring;
	use sp_runtime::BuildStorage;
	use verity_primitives::AccountId;

	fn sudo_key(storage: &sp_core::storage::Storage) -> Option<AccountId> {
		let key = [twox_128(b"Sudo"), twox_128(b"Key")].concat();
		storage.top.get(&key).map(|raw| AccountId::decode(&mut &raw[..]).expect("an account"))
	}

	/// Builds genesis the way a starting node does: the embedded wasm runtime turns the preset
	/// into storage.
	fn genesis(spec: &ChainSpec) -> sp_core::storage::Storage {
		spec.build_storage().expect("genesis builds from the preset")
	}

	#[test]
	fn every_chain_spec_builds_genesis_in_wasm() {
		let dev = development_chain_spec().expect("wasm runtime is built");
		let local = local_chain_spec().expect("wasm runtime is built");
		let production = production_chain_spec().expect("wasm runtime is built");
		for spec in [&dev, &local, &production] {
			let storage = genesis(spec);
			assert_eq!(
				storage.top.get(well_known_keys::CODE).map(Vec::as_slice),
				WASM_BINARY,
				"{} embeds the runtime",
				spec.id()
			);
			assert_eq!(spec.properties().get("tokenSymbol"), Some(&"VRT".into()));
			assert_eq!(spec.properties().get("tokenDecimals"), Some(&12.into()));
		}
		let alice = Sr25519Keyring::Alice.to_account_id();
		assert_eq!(sudo_key(&genesis(&dev)), Some(alice.clone()));
		assert_eq!(sudo_key(&genesis(&local)), Some(alice));
		assert_eq!(sudo_key(&genesis(&production)), None);
		assert_eq!(dev.chain_type(), ChainType::Development);
		assert_eq!(production.chain_type(), ChainType::Live);
	}

	#[test]
	fn a_chain_spec_file_round_trips_to_the_same_genesis() {
		let dev = development_chain_spec().expect("wasm runtime is built");
		let json = dev.as_json(false).expect("serializes");
		let file = std::env::temp_dir().join(format!("verity-spec-{}.json", std::process::id()));
		std::fs::write(&file, json).expect("writes");
		let loaded = ChainSpec::from_json_file(file.clone()).expect("loads");
		// The spec reads its genesis from the file when storage is built.
		let loaded_genesis = genesis(&loaded);
		std::fs::remove_file(file).ok();
		assert_eq!(loaded_genesis.top, genesis(&dev).top);
	}
}
