//! The `verity` command line's library: everything the binary (`src/main.rs`) runs, so that
//! tests and later commands can call it directly.
//!
//! * [`miner`]: the miner toolkit: train a model on a dataset's training split, quantize it
//!   into model format v1, evaluate an artifact exactly as validators do, and serve artifacts
//!   by Merkle root over HTTP for validators' off-chain workers to fetch.
//!
//! Chain commands (keys, subnets, register, stake, audit; through subxt) join later as
//! sibling modules.

#![warn(missing_docs)]

pub mod miner;
