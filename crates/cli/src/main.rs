//! `verity`: the Verity command line. See `verity --help`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use verity_cli::miner::{self, MinerCommand};

/// The Verity command line.
#[derive(Debug, Parser)]
#[command(name = "verity", version, about, propagate_version = true)]
struct Cli {
	#[command(subcommand)]
	command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
	/// Miner toolkit: train, quantize, evaluate and serve models.
	#[command(subcommand)]
	Miner(MinerCommand),
}

fn main() -> ExitCode {
	let cli = Cli::parse();
	let outcome = match cli.command {
		Command::Miner(command) => miner::run(command),
	};
	match outcome {
		Ok(()) => ExitCode::SUCCESS,
		Err(error) => {
			eprintln!("error: {error:#}");
			ExitCode::FAILURE
		}
	}
}
