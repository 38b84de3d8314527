//! The full node service: client, BABE block production, GRANDPA finality, networking, RPC and
//! off-chain workers, wired together.

use polkadot_sdk::*;

use futures::FutureExt;
use sc_client_api::Backend as _;
use sc_consensus_babe::SlotProportion;
use sc_network::NetworkBackend;
use sc_service::{
	error::Error as ServiceError, Configuration, PartialComponents, TaskManager, WarpSyncConfig,
};
use sc_telemetry::{Telemetry, TelemetryWorker};
use sc_transaction_pool_api::OffchainTransactionPoolFactory;
use sp_consensus_babe::{inherents::BabeCreateInherentDataProviders, SlotDuration};
use sp_runtime::traits::Block as BlockT;
use std::{sync::Arc, time::Duration};
use verity_runtime::{apis::RuntimeApi, opaque::Block};

/// Host functions the runtime may call; benchmark builds add the benchmarking ones so that the
/// same executor can run `benchmark` subcommands against a benchmark-enabled runtime.
#[cfg(feature = "runtime-benchmarks")]
pub type HostFunctions = (
	sp_io::SubstrateHostFunctions,
	verity_primitives::host::evaluator::HostFunctions,
	frame_benchmarking::benchmarking::HostFunctions,
);

/// Host functions the runtime may call: Substrate's, and the evaluator's (which only off-chain
/// workers reach).
#[cfg(not(feature = "runtime-benchmarks"))]
pub type HostFunctions =
	(sp_io::SubstrateHostFunctions, verity_primitives::host::evaluator::HostFunctions);

/// The executor that runs the runtime's wasm.
pub type RuntimeExecutor = sc_executor::WasmExecutor<HostFunctions>;

/// The client of a full node.
pub type FullClient = sc_service::TFullClient<Block, RuntimeApi, RuntimeExecutor>;

/// The database backend of a full node.
pub type FullBackend = sc_service::TFullBackend<Block>;

/// Fork choice: the longest chain that contains the last finalized block.
pub type FullSelectChain = sc_consensus::LongestChain<FullBackend, Block>;

/// The transaction pool of a full node.
pub type TransactionPool = sc_transaction_pool::TransactionPoolHandle<Block, FullClient>;

/// GRANDPA's block import, the innermost layer of the import pipeline.
type FullGrandpaBlockImport =
	sc_consensus_grandpa::GrandpaBlockImport<FullBackend, Block, FullClient, FullSelectChain>;

/// BABE's block import wrapping GRANDPA's: every imported block goes through both.
type FullBabeBlockImport = sc_consensus_babe::BabeBlockImport<
	Block,
	FullClient,
	FullGrandpaBlockImport,
	BabeCreateInherentDataProviders<Block>,
	FullSelectChain,
>;

/// What `new_partial` hands to `new_full` besides the standard components.
type ConsensusSetup = (
	FullBabeBlockImport,
	sc_consensus_grandpa::LinkHalf<Block, FullClient, FullSelectChain>,
	sc_consensus_babe::BabeLink<Block>,
	Option<Telemetry>,
);

/// The components shared by the full node and the chain-ops subcommands.
pub type Service = PartialComponents<
	FullClient,
	FullBackend,
	FullSelectChain,
	sc_consensus::DefaultImportQueue<Block>,
	TransactionPool,
	ConsensusSetup,
>;

/// Blocks between GRANDPA justifications that are stored and served, so that syncing nodes can
/// verify finality without replaying every vote.
const GRANDPA_JUSTIFICATION_PERIOD: u32 = 512;

/// Inherent data (slot and timestamp) for BABE; used both to author blocks and to check the
/// inherents of imported ones, so the two always agree.
fn babe_inherent_data_providers(
	slot_duration: SlotDuration,
) -> BabeCreateInherentDataProviders<Block> {
	Arc::new(move |_parent: <Block as BlockT>::Hash, ()| async move {
		let timestamp = sp_timestamp::InherentDataProvider::from_system_time();
		let slot =
			sp_consensus_babe::inherents::InherentDataProvider::from_timestamp_and_slot_duration(
				*timestamp,
				slot_duration,
			);
		Ok::<_, Box<dyn std::error::Error + Send + Sync>>((slot, timestamp))
	})
}

/// Builds the client, database, transaction pool and import queue: everything the chain-ops
/// subcommands need, and the base of the full node.
pub fn new_partial(config: &Configuration) -> Result<Service, ServiceError> {
	let telemetry = config
		.telemetry_endpoints
		.clone()
		.filter(|endpoints| !endpoints.is_empty())
		.map(|endpoints| -> Result<_, sc_telemetry::Error> {
			let worker = TelemetryWorker::new(16)?;
			let telemetry = worker.handle().new_telemetry(endpoints);
			Ok((worker, telemetry))
		})
		.transpose()?;

	let executor = sc_service::new_wasm_executor::<HostFunctions>(&config.executor);
	// Blocks carrying GRANDPA justifications survive block pruning: warp sync proofs need them.
	let pruning_filters =
		vec![Arc::new(sc_consensus_grandpa::GrandpaPruningFilter)
			as Arc<dyn sc_service::PruningFilter>];
	let (client, backend, keystore_container, mut task_manager) =
		sc_service::new_full_parts::<Block, RuntimeApi, _>(
			config,
			telemetry.as_ref().map(|(_, telemetry)| telemetry.handle()),
			executor,
			pruning_filters,
		)?;
	let client = Arc::new(client);

	let telemetry = telemetry.map(|(worker, telemetry)| {
		task_manager.spawn_handle().spawn("telemetry", None, worker.run());
		telemetry
	});

	let select_chain = sc_consensus::LongestChain::new(backend.clone());

	let transaction_pool = Arc::new(
		sc_transaction_pool::Builder::new(
			task_manager.spawn_essential_handle(),
			client.clone(),
			config.role.is_authority().into(),
		)
		.with_options(config.transaction_pool.clone())
		.with_prometheus(config.prometheus_registry())
		.build(),
	);

	let (grandpa_block_import, grandpa_link) = sc_consensus_grandpa::block_import(
		client.clone(),
		GRANDPA_JUSTIFICATION_PERIOD,
		&client,
		select_chain.clone(),
		telemetry.as_ref().map(|telemetry| telemetry.handle()),
	)?;
	let justification_import = grandpa_block_import.clone();

	// The slot duration and epoch configuration come from the runtime, never from the node.
	let babe_config = sc_consensus_babe::configuration(&*client)?;
	let slot_duration = babe_config.slot_duration();
	let (block_import, babe_link) = sc_consensus_babe::block_import(
		babe_config,
		grandpa_block_import,
		client.clone(),
		babe_inherent_data_providers(slot_duration),
		select_chain.clone(),
		OffchainTransactionPoolFactory::new(transaction_pool.clone()),
	)?;

	let (import_queue, babe_worker_handle) =
		sc_consensus_babe::import_queue(sc_consensus_babe::ImportQueueParams {
			link: babe_link.clone(),
			block_import: block_import.clone(),
			justification_import: Some(Box::new(justification_import)),
			client: client.clone(),
			slot_duration,
			spawner: &task_manager.spawn_essential_handle(),
			registry: config.prometheus_registry(),
			telemetry: telemetry.as_ref().map(|telemetry| telemetry.handle()),
		})?;
	// The essential `babe-worker` task stops (and takes the node down) once every handle to it is
	// dropped, so the task manager holds one for as long as it runs.
	task_manager.keep_alive(babe_worker_handle);

	Ok(PartialComponents {
		client,
		backend,
		task_manager,
		keystore_container,
		select_chain,
		import_queue,
		transaction_pool,
		other: (block_import, grandpa_link, babe_link, telemetry),
	})
}

/// Builds and starts a full node on the network backend `N`; returns its task manager, which
/// runs until the node stops.
pub fn new_full<N: NetworkBackend<Block, <Block as BlockT>::Hash>>(
	evaluator_config: verity_evaluator_service::ServiceConfig,
	config: Configuration,
) -> Result<TaskManager, ServiceError> {
	let PartialComponents {
		client,
		backend,
		mut task_manager,
		import_queue,
		keystore_container,
		select_chain,
		transaction_pool,
		other: (block_import, grandpa_link, babe_link, mut telemetry),
	} = new_partial(&config)?;

	let role = config.role;
	let force_authoring = config.force_authoring;
	let node_name = config.network.node_name.clone();
	let enable_grandpa = !config.disable_grandpa;
	let enable_offchain_workers = config.offchain_worker.enabled;
	let prometheus_registry = config.prometheus_registry().cloned();

	let mut net_config = sc_network::config::FullNetworkConfiguration::<
		Block,
		<Block as BlockT>::Hash,
		N,
	>::new(&config.network, prometheus_registry.clone());
	let metrics = N::register_notification_metrics(prometheus_registry.as_ref());
	let peer_store_handle = net_config.peer_store_handle();

	let genesis_hash = client.chain_info().genesis_hash;
	let grandpa_protocol_name =
		sc_consensus_grandpa::protocol_standard_name(&genesis_hash, &config.chain_spec);
	let (grandpa_protocol_config, grandpa_notification_service) =
		sc_consensus_grandpa::grandpa_peers_set_config::<_, N>(
			grandpa_protocol_name.clone(),
			metrics.clone(),
			peer_store_handle,
		);
	net_config.add_notification_protocol(grandpa_protocol_config);

	let warp_sync = Arc::new(sc_consensus_grandpa::warp_proof::NetworkProvider::new(
		backend.clone(),
		grandpa_link.shared_authority_set().clone(),
		Vec::new(),
	));

	let (network, system_rpc_tx, tx_handler_controller, sync_service, _) =
		sc_service::build_network(sc_service::BuildNetworkParams {
			config: &config,
			net_config,
			client: client.clone(),
			transaction_pool: transaction_pool.clone(),
			spawn_handle: task_manager.spawn_handle(),
			spawn_essential_handle: task_manager.spawn_essential_handle(),
			import_queue,
			block_announce_validator_builder: None,
			warp_sync_config: Some(WarpSyncConfig::WithProvider(warp_sync)),
			block_relay: None,
			metrics,
			gap_sync_body_policy: None,
		})?;

	if enable_offchain_workers {
		let evaluator = verity_evaluator_service::Evaluator::start(
			evaluator_config,
			prometheus_registry.as_ref(),
		)
		.map_err(|e| ServiceError::Other(format!("evaluator: {e}")))?;
		log::info!(
			target: "verity::evaluator",
			"evaluator: {} backend on {}, {} dataset(s)",
			evaluator.backend(),
			evaluator.device(),
			evaluator.datasets().len()
		);
		let evaluator: Arc<dyn verity_primitives::host::EvaluatorService> = Arc::new(evaluator);
		let offchain_workers =
			sc_offchain::OffchainWorkers::new(sc_offchain::OffchainWorkerOptions {
				runtime_api_provider: client.clone(),
				keystore: Some(keystore_container.keystore()),
				offchain_db: backend.offchain_storage(),
				transaction_pool: Some(OffchainTransactionPoolFactory::new(
					transaction_pool.clone(),
				)),
				network_provider: Arc::new(network.clone()),
				is_validator: role.is_authority(),
				enable_http_requests: true,
				custom_extensions: move |_| {
					vec![Box::new(verity_primitives::host::EvaluatorExt(evaluator.clone()))
						as Box<_>]
				},
			})?;
		task_manager.spawn_handle().spawn(
			"offchain-workers-runner",
			"offchain-worker",
			offchain_workers.run(client.clone(), task_manager.spawn_handle()).boxed(),
		);
	}

	let rpc_client = client.clone();
	let rpc_pool = transaction_pool.clone();
	sc_service::spawn_tasks(sc_service::SpawnTasksParams {
		config,
		client: client.clone(),
		backend,
		task_manager: &mut task_manager,
		keystore: keystore_container.keystore(),
		transaction_pool: transaction_pool.clone(),
		rpc_builder: Box::new(move |_| {
			crate::rpc::create_full(crate::rpc::FullDeps {
				client: rpc_client.clone(),
				pool: rpc_pool.clone(),
			})
			.map_err(ServiceError::Application)
		}),
		network: network.clone(),
		system_rpc_tx,
		tx_handler_controller,
		sync_service: sync_service.clone(),
		telemetry: telemetry.as_mut(),
		tracing_execute_block: None,
	})?;

	if role.is_authority() {
		let proposer_factory = sc_basic_authorship::ProposerFactory::new(
			task_manager.spawn_handle(),
			client.clone(),
			transaction_pool.clone(),
			prometheus_registry.as_ref(),
			telemetry.as_ref().map(|telemetry| telemetry.handle()),
		);

		let slot_duration = babe_link.config().slot_duration();
		let babe = sc_consensus_babe::start_babe(sc_consensus_babe::BabeParams {
			keystore: keystore_container.keystore(),
			client: client.clone(),
			select_chain,
			env: proposer_factory,
			block_import,
			sync_oracle: sync_service.clone(),
			justification_sync_link: sync_service.clone(),
			create_inherent_data_providers: babe_inherent_data_providers(slot_duration),
			force_authoring,
			// Slow authoring down when finality lags instead of growing an unfinalized chain.
			backoff_authoring_blocks: Some(
				sc_consensus_slots::BackoffAuthoringOnFinalizedHeadLagging::default(),
			),
			babe_link,
			block_proposal_slot_portion: SlotProportion::new(0.5),
			max_block_proposal_slot_portion: None,
			telemetry: telemetry.as_ref().map(|telemetry| telemetry.handle()),
		})?;
		task_manager.spawn_essential_handle().spawn_blocking(
			"babe-proposer",
			Some("block-authoring"),
			babe,
		);
	}

	if enable_grandpa {
		// Every node runs the voter so that it follows finality through gossip; only an
		// authority gets the keystore and therefore casts votes.
		let keystore = role.is_authority().then(|| keystore_container.keystore());
		let grandpa_config = sc_consensus_grandpa::Config {
			gossip_duration: Duration::from_millis(333),
			justification_generation_period: GRANDPA_JUSTIFICATION_PERIOD,
			name: Some(node_name),
			observer_enabled: false,
			keystore,
			local_role: role,
			telemetry: telemetry.as_ref().map(|telemetry| telemetry.handle()),
			protocol_name: grandpa_protocol_name,
		};
		let voter = sc_consensus_grandpa::run_grandpa_voter(sc_consensus_grandpa::GrandpaParams {
			config: grandpa_config,
			link: grandpa_link,
			network,
			sync: sync_service,
			notification_service: grandpa_notification_service,
			voting_rule: sc_consensus_grandpa::VotingRulesBuilder::default().build(),
			prometheus_registry,
			shared_voter_state: sc_consensus_grandpa::SharedVoterState::empty(),
			telemetry: telemetry.as_ref().map(|telemetry| telemetry.handle()),
			offchain_tx_pool_factory: OffchainTransactionPoolFactory::new(transaction_pool),
		})?;
		task_manager.spawn_essential_handle().spawn_blocking("grandpa-voter", None, voter);
	}

	Ok(task_manager)
}
