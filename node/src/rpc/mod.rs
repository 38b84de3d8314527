//! The node's own JSON-RPC methods, merged by `sc_service::spawn_tasks` into the standard set
//! (`system_*`, `chain_*`, `state_*`, `author_*`).

pub mod verity;

use polkadot_sdk::*;

use jsonrpsee::RpcModule;
use pallet_transaction_payment_rpc::{
	TransactionPayment, TransactionPaymentApiServer, TransactionPaymentRuntimeApi,
};
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockchainError, HeaderBackend, HeaderMetadata};
use std::sync::Arc;
use substrate_frame_rpc_system::{AccountNonceApi, System, SystemApiServer};
use verity::{Verity, VerityApiServer};
use verity_primitives::{api::VerityApi, AccountId, Balance, Nonce};
use verity_runtime::opaque::Block;

/// What the RPC methods read from: the client for chain state, the pool for pending
/// transactions (the next nonce counts those too).
pub struct FullDeps<C, P> {
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
}

/// Builds the module with `system_accountNextIndex`/`system_dryRun` and the
/// `payment_queryInfo`/`payment_queryFeeDetails` methods, which wallets need to build and price
/// transactions, and Verity's own `verity_*` methods (see [`verity`]).
pub fn create_full<C, P>(
	deps: FullDeps<C, P>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockchainError>
		+ Send
		+ Sync
		+ 'static,
	C::Api: AccountNonceApi<Block, AccountId, Nonce>
		+ TransactionPaymentRuntimeApi<Block, Balance>
		+ BlockBuilder<Block>
		+ VerityApi<Block, AccountId>,
	P: TransactionPool + 'static,
{
	let FullDeps { client, pool } = deps;
	let mut module = RpcModule::new(());
	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	module.merge(Verity::new(client).into_rpc())?;
	Ok(module)
}
