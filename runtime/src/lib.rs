//! # Verity runtime
//!
//! The state transition function of the Verity chain: which pallets exist, how they are
//! configured, and the runtime APIs the node and clients call.
//!
//! - [`configs`]: the configuration of every pallet.
//! - [`apis`]: the runtime APIs (block building, transaction pool, BABE, GRANDPA, session keys,
//!   account nonces, fees, Verity's subnets and stake, genesis presets, benchmarks).
//! - [`weights`]: the benchmarked weights of Verity's own pallets.
//! - [`genesis_config_presets`]: the `development`, `local_testnet` and `production` genesis
//!   states from which the node builds its chain specs.

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime` and `impl_runtime_apis` expand to a large recursive type.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

/// A second wasm runtime, identical but for a higher `spec_version`: the end-to-end tests
/// upgrade a running chain to it by referendum. Built by `build.rs` (not for benchmarks).
#[cfg(all(feature = "std", not(feature = "runtime-benchmarks")))]
pub mod upgrade_test {
	include!(concat!(env!("OUT_DIR"), "/upgrade_test_wasm_binary.rs"));
}

extern crate alloc;

pub mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
pub mod configs;
pub mod genesis_config_presets;
pub mod governance;
pub mod weights;

use alloc::{borrow::Cow, vec::Vec};
use polkadot_sdk::{
	frame_support, frame_system, pallet_transaction_payment, sp_consensus_babe, sp_runtime,
	sp_version,
};
use sp_runtime::{generic, impl_opaque_keys, traits::BlakeTwo256};
use sp_version::RuntimeVersion;

pub use verity_primitives::{
	currency::{EXISTENTIAL_DEPOSIT, MICRO_VRT, MILLI_VRT, VRT},
	time::*,
	AccountId, Balance, BlockNumber, Hash, Moment, Nonce, Signature,
};

/// Types the node needs without knowing the runtime's extrinsic format.
pub mod opaque {
	use super::*;
	use polkadot_sdk::sp_runtime::OpaqueExtrinsic;

	/// An opaque block header.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// An opaque block: the node handles extrinsics as bytes.
	pub type Block = generic::Block<Header, OpaqueExtrinsic>;
	/// The hash of an opaque block.
	pub type BlockId = generic::BlockId<Block>;
}

impl_opaque_keys! {
	/// The keys a block author registers for a session: BABE to author blocks, GRANDPA to
	/// finalize them.
	pub struct SessionKeys {
		pub babe: Babe,
		pub grandpa: Grandpa,
	}
}

/// The version of this runtime. Bump `spec_version` on every change of behaviour, and
/// `transaction_version` whenever the encoding of calls or transaction extensions changes.
#[cfg(not(feature = "upgrade-test"))]
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: Cow::Borrowed("verity"),
	impl_name: Cow::Borrowed("verity"),
	authoring_version: 1,
	spec_version: 104,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

/// The version of the runtime the end-to-end tests upgrade to (feature `upgrade-test`): the
/// same runtime with the next `spec_version`. (`runtime_version` reads literals only, hence the
/// second definition.)
#[cfg(feature = "upgrade-test")]
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: Cow::Borrowed("verity"),
	impl_name: Cow::Borrowed("verity"),
	authoring_version: 1,
	spec_version: 105,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

/// BABE's parameters at genesis: a quarter of slots have a primary (VRF) author, and the others
/// are filled by secondary VRF authors so that the chain keeps its 6-second rhythm.
pub const BABE_GENESIS_EPOCH_CONFIG: sp_consensus_babe::BabeEpochConfiguration =
	sp_consensus_babe::BabeEpochConfiguration {
		c: PRIMARY_PROBABILITY,
		allowed_slots: sp_consensus_babe::AllowedSlots::PrimaryAndSecondaryVRFSlots,
	};

/// The address format of extrinsics.
pub type Address = sp_runtime::MultiAddress<AccountId, ()>;
/// A block header.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// A block.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
/// A signed block with its justifications.
pub type SignedBlock = generic::SignedBlock<Block>;
/// A reference to a block.
pub type BlockId = generic::BlockId<Block>;

/// The checks and charges every transaction goes through, in order.
pub type TxExtension = (
	frame_system::AuthorizeCall<Runtime>,
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// An extrinsic as it travels: possibly signed, with its extension data.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
/// The payload an account signs.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Storage migrations run on the next runtime upgrade. Empty while the chain has no history.
pub type Migrations = ();

/// Dispatches blocks and extrinsics to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

use polkadot_sdk::frame_executive;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = polkadot_sdk::frame_system;
	// BABE comes before Timestamp and Session: both read the slot and epoch it sets up in
	// `on_initialize`.
	#[runtime::pallet_index(1)]
	pub type Babe = polkadot_sdk::pallet_babe;
	#[runtime::pallet_index(2)]
	pub type Timestamp = polkadot_sdk::pallet_timestamp;
	#[runtime::pallet_index(3)]
	pub type Authorship = polkadot_sdk::pallet_authorship;
	#[runtime::pallet_index(4)]
	pub type Balances = polkadot_sdk::pallet_balances;
	#[runtime::pallet_index(5)]
	pub type TransactionPayment = polkadot_sdk::pallet_transaction_payment;
	// Governance. The scheduler and preimages come first: referenda use both.
	#[runtime::pallet_index(14)]
	pub type Preimage = polkadot_sdk::pallet_preimage;
	#[runtime::pallet_index(15)]
	pub type Scheduler = polkadot_sdk::pallet_scheduler;
	#[runtime::pallet_index(16)]
	pub type Referenda = polkadot_sdk::pallet_referenda;
	#[runtime::pallet_index(17)]
	pub type ConvictionVoting = polkadot_sdk::pallet_conviction_voting;
	#[runtime::pallet_index(18)]
	pub type Origins = governance::origins::pallet_origins;
	// Stake and Subnets come before Session: pallet-session's genesis asks the stake pallet to
	// elect the first authority set, so stake must exist by then.
	// The network parameters' genesis comes before Stake's and Subnets': they read it.
	#[runtime::pallet_index(19)]
	pub type NetworkParameters = pallet_network_parameters;

	#[runtime::pallet_index(10)]
	pub type Stake = pallet_stake;

	#[runtime::pallet_index(11)]
	pub type Subnets = pallet_subnets;

	#[runtime::pallet_index(12)]
	pub type Scoring = pallet_scoring;

	#[runtime::pallet_index(13)]
	pub type Emissions = pallet_emissions;

	#[runtime::pallet_index(20)]
	pub type Evaluations = pallet_evaluations;

	#[runtime::pallet_index(6)]
	pub type Session = polkadot_sdk::pallet_session;
	#[runtime::pallet_index(7)]
	pub type Grandpa = polkadot_sdk::pallet_grandpa;
	#[runtime::pallet_index(8)]
	pub type Utility = polkadot_sdk::pallet_utility;
	#[runtime::pallet_index(9)]
	pub type Sudo = polkadot_sdk::pallet_sudo;
}
