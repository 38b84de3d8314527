//! Helpers shared by the integration tests.

#![allow(dead_code, clippy::arithmetic_side_effects, clippy::unwrap_used)]

use std::{
	fs,
	path::{Path, PathBuf},
	process::Command,
};

use verity_evaluator::{Activation, Layer, Model, Requantization};

/// A fresh, empty directory under the system's temp dir, named after the test.
pub fn temp_dir(name: &str) -> PathBuf {
	let dir = std::env::temp_dir().join(format!("verity-cli-{}-{name}", std::process::id()));
	let _ = fs::remove_dir_all(&dir);
	fs::create_dir_all(&dir).unwrap();
	dir
}

/// A small valid model whose bytes depend on `salt`.
pub fn small_model(salt: i32) -> Model {
	let weights = (0..8i32).map(|i| ((i * 37 + salt) % 256 - 128) as i8).collect();
	let hidden = Layer::new(
		4,
		2,
		weights,
		vec![salt, -salt],
		Requantization::new(1 << 30, 3).unwrap(),
		Activation::Relu,
	)
	.unwrap();
	let logits = Layer::new(
		2,
		3,
		vec![1, 2, 3, 4, 5, 6],
		vec![0, 1, 2],
		Requantization::new(i32::MAX, 0).unwrap(),
		Activation::Relu,
	)
	.unwrap();
	Model::new(1, 4, vec![hidden, logits]).unwrap()
}

/// Writes `model` to `dir/name` and returns the path.
pub fn write_model(dir: &Path, name: &str, model: &Model) -> PathBuf {
	let path = dir.join(name);
	fs::write(&path, model.encode()).unwrap();
	path
}

/// The `verity` binary under test.
pub fn verity() -> Command {
	Command::new(env!("CARGO_BIN_EXE_verity"))
}
