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
}
