//! The Verity node: a BABE + GRANDPA full node for the Verity runtime.

// `sc_cli::Error` and `sc_service::Error` are large, and sc-cli's runner and sc-service's builders
// make every command and service function return them; boxing them would only add conversions.
#![allow(clippy::result_large_err)]

mod benchmarking;
mod chain_spec;
mod cli;
mod command;
mod rpc;
mod service;

fn main() -> polkadot_sdk::sc_cli::Result<()> {
	command::run()
}
