//! `verity miner train` then `verity miner eval` as processes: the artifact evaluates to the
//! same result root on every backend, and a backend that is not built is a clear error.

#![allow(
	clippy::arithmetic_side_effects,
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::indexing_slicing
)]

mod common;

use common::{temp_dir, verity};
use verity_evaluator::Model;

/// The value of the line starting with `label` in `stdout`.
fn field<'a>(stdout: &'a str, label: &str) -> &'a str {
	stdout
		.lines()
		.find_map(|line| line.strip_prefix(label))
		.unwrap_or_else(|| panic!("no {label:?} in {stdout}"))
		.trim()
}

fn run(args: &[&str]) -> String {
	let output = verity().args(args).output().unwrap();
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert!(output.status.success(), "{args:?}: {stderr}");
	String::from_utf8(output.stdout).unwrap()
}

#[test]
fn trained_artifact_evaluates_identically_on_every_backend() {
	let dir = temp_dir("train-eval");
	let out = dir.join("m.vrtm");
	let out = out.to_str().unwrap();
	let trained = run(&["miner", "train", "--epochs", "3", "--seed", "5", "--out", out]);
	let root = field(&trained, "model root").to_string();
	let bytes = std::fs::read(out).unwrap();
	assert_eq!(hex::encode(Model::decode(&bytes).unwrap().root()), root);

	let seed = "11".repeat(32);
	let evaluate = |backend: &str| {
		run(&[
			"miner",
			"eval",
			"--model",
			out,
			"--backend",
			backend,
			"--seed",
			&seed,
			"--samples",
			"50",
		])
	};
	let reference = evaluate("reference");
	assert_eq!(field(&reference, "backend"), "reference");
	assert_eq!(field(&reference, "model root"), root);
	assert_eq!(
		field(&reference, "dataset root"),
		"d62ad15e7f4ee3148b662ae455b385a8d77b7b81b44b43f45d84b678382018b2"
	);
	assert_eq!(field(&reference, "seed"), seed);
	assert!(field(&reference, "score").contains("/50 "));
	let cpu = evaluate("cpu");
	assert!(field(&cpu, "backend").starts_with("cpu-"));
	for label in ["model root", "score", "result root"] {
		assert_eq!(field(&reference, label), field(&cpu, label), "{label}");
	}
	std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn eval_reports_bad_inputs_without_panicking() {
	let dir = temp_dir("eval-errors");
	let missing = dir.join("missing.vrtm");
	let garbage = dir.join("garbage.vrtm");
	std::fs::write(&garbage, b"VRTM garbage").unwrap();
	let cases: Vec<(Vec<String>, &str)> = vec![
		(vec!["--model".into(), missing.display().to_string()], "reading"),
		(vec!["--model".into(), garbage.display().to_string()], "is not a valid model"),
		(
			vec!["--model".into(), garbage.display().to_string(), "--seed".into(), "abc".into()],
			"expected 64 hex digits",
		),
	];
	for (args, message) in cases {
		let output = verity().args(["miner", "eval"]).args(&args).output().unwrap();
		let stderr = String::from_utf8_lossy(&output.stderr);
		assert!(!output.status.success(), "{args:?}");
		assert!(stderr.contains(message), "{args:?}: {stderr}");
		assert!(!stderr.contains("panicked"), "{stderr}");
	}
	std::fs::remove_dir_all(dir).unwrap();
}

#[cfg(not(feature = "gpu"))]
#[test]
fn gpu_backend_not_built_is_a_clear_error() {
	let dir = temp_dir("eval-gpu");
	let out = dir.join("m.vrtm");
	let out = out.to_str().unwrap();
	run(&["miner", "train", "--epochs", "1", "--out", out]);
	let output =
		verity().args(["miner", "eval", "--model", out, "--backend", "gpu"]).output().unwrap();
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert_eq!(output.status.code(), Some(1));
	assert!(
		stderr.contains("not built into this binary") && stderr.contains("--features gpu"),
		"{stderr}"
	);
	assert!(!stderr.contains("panicked"), "{stderr}");
	std::fs::remove_dir_all(dir).unwrap();
}

/// With the GPU backend built in: on a machine with an adapter it scores exactly as the
/// reference; without one, `gpu` is a clear error and `auto` falls back to the CPU.
#[cfg(feature = "gpu")]
#[test]
fn gpu_backend_matches_the_reference_or_reports_no_adapter() {
	let dir = temp_dir("eval-gpu");
	let out = dir.join("m.vrtm");
	let out = out.to_str().unwrap();
	run(&["miner", "train", "--epochs", "1", "--out", out]);
	let reference = run(&["miner", "eval", "--model", out, "--backend", "reference"]);
	let output =
		verity().args(["miner", "eval", "--model", out, "--backend", "gpu"]).output().unwrap();
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert!(!stderr.contains("panicked"), "{stderr}");
	if output.status.success() {
		let gpu = String::from_utf8(output.stdout).unwrap();
		assert!(field(&gpu, "backend").starts_with("gpu"));
		assert_eq!(field(&gpu, "result root"), field(&reference, "result root"));
	} else {
		assert!(stderr.contains("opening the GPU backend"), "{stderr}");
	}
	let auto = run(&["miner", "eval", "--model", out, "--backend", "auto"]);
	assert_eq!(field(&auto, "result root"), field(&reference, "result root"));
	std::fs::remove_dir_all(dir).unwrap();
}
