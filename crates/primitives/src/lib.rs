//! Types, traits and constants shared by Verity's runtime, pallets, node and command line.
//!
//! Everything here is `no_std` so that the runtime (wasm) and the native side agree on the
//! encoding of accounts, balances and block numbers, and on the units of time and money.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod api;
pub mod emissions;
pub mod evaluations;
pub mod host;
pub mod scoring;
pub mod stake;
pub mod subnets;
pub mod traits;

use polkadot_sdk::{
	sp_core::H256,
	sp_runtime::{
		traits::{IdentifyAccount, Verify},
		MultiSignature,
	},
};

/// A signature on the chain: sr25519, ed25519 or ecdsa.
pub type Signature = MultiSignature;

/// An account: the 32-byte public key (or its hash) behind a [`Signature`]. Coldkeys and
/// hotkeys are both accounts.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;

/// An amount of VRT in its smallest unit (planck). 1 VRT = 10^12 planck.
pub type Balance = u128;

/// The number of transactions an account has sent.
pub type Nonce = u32;

/// A block number. At one block per 6 seconds a `u32` lasts over 800 years.
pub type BlockNumber = u32;

/// The hash of a block or of a storage value.
pub type Hash = H256;

/// Unix time in milliseconds.
pub type Moment = u64;

/// Money: VRT has 12 decimals.
pub mod currency {
	use super::Balance;

	/// The number of decimals of VRT.
	pub const DECIMALS: u8 = 12;
	/// The ticker of the native token.
	pub const SYMBOL: &str = "VRT";
	/// One VRT in planck.
	pub const VRT: Balance = 1_000_000_000_000;
	/// A thousandth of a VRT.
	pub const MILLI_VRT: Balance = VRT / 1_000;
	/// A millionth of a VRT.
	pub const MICRO_VRT: Balance = MILLI_VRT / 1_000;
	/// The least balance an account must hold to exist: 1 milli-VRT.
	pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_VRT;
}

/// Time, counted in blocks of [`time::MILLISECS_PER_BLOCK`].
pub mod time {
	use super::{BlockNumber, Moment};

	/// Target block time: 6 seconds. BABE slots have the same length.
	pub const MILLISECS_PER_BLOCK: Moment = 6_000;
	/// The length of one BABE slot.
	pub const SLOT_DURATION: Moment = MILLISECS_PER_BLOCK;
	/// One minute in blocks.
	pub const MINUTES: BlockNumber = 60_000 / (MILLISECS_PER_BLOCK as BlockNumber);
	/// One hour in blocks.
	pub const HOURS: BlockNumber = MINUTES * 60;
	/// One day in blocks.
	pub const DAYS: BlockNumber = HOURS * 24;
	/// A BABE epoch, which is also a session: the authority set can change at its end.
	pub const EPOCH_DURATION_IN_BLOCKS: BlockNumber = 10 * MINUTES;
	/// The same epoch counted in slots (one block per slot when every slot is filled).
	pub const EPOCH_DURATION_IN_SLOTS: u64 = EPOCH_DURATION_IN_BLOCKS as u64;
	/// BABE's `c`: the probability that a slot has a primary author, as a fraction.
	pub const PRIMARY_PROBABILITY: (u64, u64) = (1, 4);
}

/// The SS58 address prefix of Verity accounts (the generic Substrate prefix).
pub const SS58_PREFIX: u16 = 42;

// The units agree with each other; checked when the crate compiles.
const _: () = {
	assert!(currency::VRT == 10u128.pow(currency::DECIMALS as u32));
	assert!(currency::MILLI_VRT * 1_000 == currency::VRT);
	assert!(currency::EXISTENTIAL_DEPOSIT > 0);
	assert!(time::MINUTES as u64 * time::MILLISECS_PER_BLOCK == 60_000);
	assert!(time::PRIMARY_PROBABILITY.0 <= time::PRIMARY_PROBABILITY.1);
};
