//! Builds a preset's genesis state the way the node does, for the runtime's tests.

// Test code: a broken preset should fail loudly.
#![allow(clippy::expect_used, clippy::indexing_slicing, dead_code)]

pub mod evaluations;

use polkadot_sdk::{
	sp_genesis_builder::PresetId, sp_io::TestExternalities, sp_runtime::BuildStorage,
};
use serde_json::Value;
use verity_runtime::{genesis_config_presets::get_preset, RuntimeGenesisConfig};

/// Applies a preset's JSON patch over the default genesis config, as the node does.
fn merge(base: &mut Value, patch: Value) {
	match (base, patch) {
		(Value::Object(base), Value::Object(patch)) => {
			for (key, value) in patch {
				merge(base.entry(key).or_insert(Value::Null), value);
			}
		}
		(base, patch) => *base = patch,
	}
}

/// The genesis state of `preset`.
pub fn genesis_of(preset: &str) -> TestExternalities {
	let patch: Value = serde_json::from_slice(
		&get_preset(&PresetId::from(preset)).unwrap_or_else(|| panic!("no preset {preset}")),
	)
	.expect("a preset is valid JSON");
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).expect("serializes");
	merge(&mut config, patch);
	let config: RuntimeGenesisConfig =
		serde_json::from_value(config).expect("the patched preset is a valid genesis config");
	TestExternalities::new(config.build_storage().expect("genesis builds"))
}
