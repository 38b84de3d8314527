//! Command-line arguments: the standard node flags plus the chain-ops, key and benchmark
//! subcommands.

use polkadot_sdk::*;

/// Subcommands; with none, the node runs.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: generate, inspect, insert keys and node keys.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Build a chain specification (kept for existing scripts; prefer `export-chain-spec`).
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Export a built-in chain specification as JSON.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Validate a block.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a block into a chain specification.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain database.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Benchmarks: runtime pallets, storage, block overhead, extrinsics, blocks, hardware.
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),

	/// Print the best, finalized and genesis blocks of the database.
	ChainInfo(sc_cli::ChainInfoCmd),
}

/// The node's command line.
#[derive(Debug, clap::Parser)]
#[command(
	propagate_version = true,
	args_conflicts_with_subcommands = true,
	subcommand_negates_reqs = true
)]
pub struct Cli {
	/// A subcommand to run instead of the node.
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	/// Flags for running the node.
	#[command(flatten)]
	pub run: sc_cli::RunCmd,

	/// Flags of the evaluator the off-chain workers use.
	#[command(flatten)]
	pub evaluator: EvaluatorArgs,
}

/// The evaluator service behind the off-chain workers' evaluations (started with the
/// off-chain workers).
#[derive(Debug, Clone, clap::Args)]
pub struct EvaluatorArgs {
	/// The evaluator backend: `auto` (the GPU when a hardware adapter exists, else the CPU),
	/// `cpu`, or `gpu` (any adapter, a software one such as lavapipe included).
	#[arg(long, value_name = "BACKEND", default_value = "auto")]
	pub evaluator_backend: verity_evaluator_service::BackendChoice,

	/// A directory of evaluation datasets (`*.vrtd`), besides the built-in demo dataset.
	#[arg(long, value_name = "PATH")]
	pub dataset_dir: Option<std::path::PathBuf>,

	/// How many evaluation jobs may wait in the queue.
	#[arg(long, value_name = "COUNT", default_value_t = 256)]
	pub evaluator_queue: usize,

	/// The largest model fetched from a miner, in bytes (whatever its commitment says).
	#[arg(long, value_name = "BYTES", default_value_t = 64 * 1024 * 1024)]
	pub max_model_bytes: u64,

	/// How long one model fetch may take, in seconds.
	#[arg(long, value_name = "SECONDS", default_value_t = 30)]
	pub model_fetch_timeout: u64,
}

impl EvaluatorArgs {
	/// The service's configuration.
	pub fn service_config(&self) -> verity_evaluator_service::ServiceConfig {
		verity_evaluator_service::ServiceConfig {
			backend: self.evaluator_backend,
			dataset_dir: self.dataset_dir.clone(),
			queue_capacity: self.evaluator_queue,
			max_model_bytes: self.max_model_bytes,
			fetch_timeout: std::time::Duration::from_secs(self.model_fetch_timeout),
			..Default::default()
		}
	}
}
