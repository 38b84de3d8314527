//! Extrinsics and inherent data for the `benchmark overhead` and `benchmark extrinsic`
//! subcommands. Benchmark-only: the transactions are signed with a well-known dev key.

use polkadot_sdk::*;

use crate::service::FullClient;
use codec::Encode;
use frame_benchmarking_cli::ExtrinsicBuilder;
use sp_core::{sr25519, Get, Pair};
use sp_inherents::{InherentData, InherentDataProvider};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
	generic::{Era, SignedPayload},
	OpaqueExtrinsic,
};
use std::{sync::Arc, time::Duration};
use verity_primitives::{AccountId, Balance, BlockNumber, Nonce, Signature};
use verity_runtime::{
	configs::BlockHashCount, Runtime, RuntimeCall, TxExtension, UncheckedExtrinsic, VERSION,
};

/// Builds `System::remark` transactions, the no-op that `benchmark overhead` fills blocks with.
pub struct RemarkBuilder {
	client: Arc<FullClient>,
}

impl RemarkBuilder {
	/// A builder that signs against the chain state of `client`.
	pub fn new(client: Arc<FullClient>) -> Self {
		Self { client }
	}
}

impl ExtrinsicBuilder for RemarkBuilder {
	fn pallet(&self) -> &str {
		"system"
	}

	fn extrinsic(&self) -> &str {
		"remark"
	}

	fn build(&self, nonce: u32) -> Result<OpaqueExtrinsic, &'static str> {
		let call = RuntimeCall::System(frame_system::Call::remark { remark: Vec::new() });
		signed_by_alice(&self.client, call, nonce).map(Into::into)
	}
}

/// Builds `Balances::transfer_keep_alive` transactions of a fixed amount to a fixed account.
pub struct TransferKeepAliveBuilder {
	client: Arc<FullClient>,
	dest: AccountId,
	value: Balance,
}

impl TransferKeepAliveBuilder {
	/// A builder that transfers `value` to `dest`, signing against the chain state of `client`.
	pub fn new(client: Arc<FullClient>, dest: AccountId, value: Balance) -> Self {
		Self { client, dest, value }
	}
}

impl ExtrinsicBuilder for TransferKeepAliveBuilder {
	fn pallet(&self) -> &str {
		"balances"
	}

	fn extrinsic(&self) -> &str {
		"transfer_keep_alive"
	}

	fn build(&self, nonce: u32) -> Result<OpaqueExtrinsic, &'static str> {
		let call = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
			dest: self.dest.clone().into(),
			value: self.value,
		});
		signed_by_alice(&self.client, call, nonce).map(Into::into)
	}
}

/// Signs `call` as Alice with the given nonce, mortal from the best block, with the runtime's
/// transaction extensions in the runtime's order.
fn signed_by_alice(
	client: &FullClient,
	call: RuntimeCall,
	nonce: Nonce,
) -> Result<UncheckedExtrinsic, &'static str> {
	let signer: sr25519::Pair = Sr25519Keyring::Alice.pair();
	let info = client.chain_info();

	// A mortality period the runtime can check: half the next power of two of the number of
	// block hashes it keeps, so the era's birth block hash is always still stored.
	let period = <BlockHashCount as Get<BlockNumber>>::get()
		.checked_next_power_of_two()
		.and_then(|power| power.checked_div(2))
		.ok_or("BlockHashCount has no usable mortality period")?;
	let era = Era::mortal(u64::from(period), u64::from(info.best_number));

	let tx_ext: TxExtension = (
		frame_system::AuthorizeCall::<Runtime>::new(),
		frame_system::CheckNonZeroSender::<Runtime>::new(),
		frame_system::CheckSpecVersion::<Runtime>::new(),
		frame_system::CheckTxVersion::<Runtime>::new(),
		frame_system::CheckGenesis::<Runtime>::new(),
		frame_system::CheckEra::<Runtime>::from(era),
		frame_system::CheckNonce::<Runtime>::from(nonce),
		frame_system::CheckWeight::<Runtime>::new(),
		pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
		frame_system::WeightReclaim::<Runtime>::new(),
	);
	// The implicit data each extension signs over, in the same order; given explicitly because
	// computing it would need the runtime's storage.
	let implicit = (
		(),
		(),
		VERSION.spec_version,
		VERSION.transaction_version,
		info.genesis_hash,
		info.best_hash,
		(),
		(),
		(),
		(),
	);
	let payload =
		SignedPayload::<RuntimeCall, TxExtension>::from_raw(call.clone(), tx_ext.clone(), implicit);
	let signature = payload.using_encoded(|bytes| signer.sign(bytes));

	Ok(UncheckedExtrinsic::new_signed(
		call,
		AccountId::from(signer.public()).into(),
		Signature::Sr25519(signature),
		tx_ext,
	))
}

/// Inherent data for benchmark blocks: a timestamp of zero, which maps to slot zero and so
/// matches the genesis slot of the runtime's BABE pallet.
pub fn inherent_benchmark_data() -> sc_cli::Result<InherentData> {
	let mut inherent_data = InherentData::new();
	let timestamp = sp_timestamp::InherentDataProvider::new(Duration::ZERO.into());
	futures::executor::block_on(timestamp.provide_inherent_data(&mut inherent_data))
		.map_err(|error| format!("creating inherent data: {error:?}"))?;
	Ok(inherent_data)
}
