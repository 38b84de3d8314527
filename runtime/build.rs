//! Builds the wasm runtime, and a second one with the next `spec_version` (feature
//! `upgrade-test`) that the end-to-end tests upgrade a running chain to by referendum. The
//! benchmark build skips the second.
fn main() {
	#[cfg(feature = "std")]
	{
		substrate_wasm_builder::WasmBuilder::build_using_defaults();
		if std::env::var_os("CARGO_FEATURE_RUNTIME_BENCHMARKS").is_none() {
			substrate_wasm_builder::WasmBuilder::init_with_defaults()
				.enable_feature("upgrade-test")
				.set_file_name("upgrade_test_wasm_binary.rs")
				.build();
		}
	}
}
