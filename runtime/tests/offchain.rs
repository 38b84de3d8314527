//! The evaluations off-chain worker in the runtime, with the node's real evaluator service:
//! validators' hotkeys in a keystore (key type `veva`), a miner's model served over HTTP from
//! this machine, the dataset loaded from a directory, the CPU backend, and transactions signed
//! by the runtime's `CreateSignedTransaction`, whose signatures are checked before they are
//! dispatched. Two validators evaluate the miner from their "nodes", each audits the other,
//! and both are rewarded to the planck.

// Test code: a broken step should fail loudly.
#![allow(
	clippy::arithmetic_side_effects,
	clippy::expect_used,
	clippy::unwrap_used,
	clippy::indexing_slicing
)]

mod common;

use codec::{Decode, Encode};
use common::{
	evaluations::{dataset, model, run_to_block, verified_subnet, TEMPO},
	genesis_of,
};
use polkadot_sdk::{
	frame_support::{
		assert_ok,
		traits::{Hooks, UnfilteredDispatchable},
	},
	sp_core::{
		offchain::{
			testing::{PoolState, TestOffchainExt, TestTransactionPoolExt},
			OffchainDbExt, OffchainWorkerExt, TransactionPoolExt,
		},
		H256,
	},
	sp_io::TestExternalities,
	sp_keyring::Sr25519Keyring,
	sp_keystore::{testing::MemoryKeystore, Keystore, KeystoreExt},
	sp_runtime::{
		generic::Preamble,
		traits::{IdentifyAccount, Verify},
		MultiAddress, MultiSigner,
	},
};
use std::{
	io::{Read, Write},
	net::TcpListener,
	sync::Arc,
	thread,
	time::{Duration, Instant},
};
use verity_evaluator_service::{BackendChoice, Evaluator, ServiceConfig};
use verity_primitives::{
	evaluations::{EvaluationOutcome, EVALUATION_KEY_TYPE},
	host::EvaluatorExt,
	subnets::{Endpoint, IpAddress, Protocol},
	traits::{NetworkParametersInterface, StakeInterface},
};
use verity_runtime::{
	genesis_config_presets::DEVELOPMENT, AccountId, Balances, BlockNumber, Evaluations, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeOrigin, SignedPayload, Stake, Subnets, System,
	UncheckedExtrinsic, VRT,
};

/// Serves `body` at every path on a local port, as `verity miner serve` serves a model.
fn serve_model(body: Vec<u8>) -> u16 {
	let listener = TcpListener::bind("127.0.0.1:0").unwrap();
	let port = listener.local_addr().unwrap().port();
	thread::spawn(move || {
		for stream in listener.incoming() {
			let Ok(mut stream) = stream else { continue };
			let mut request = [0u8; 2048];
			let _ = stream.read(&mut request);
			let mut response =
				format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
			response.extend_from_slice(&body);
			let _ = stream.write_all(&response);
		}
	});
	port
}

/// Runs the worker of the current block; checks the signature of every transaction it sent
/// and dispatches them. Returns the calls, by signer.
fn run_worker(pool: &Arc<parking_lot::RwLock<PoolState>>) -> Vec<(AccountId, RuntimeCall)> {
	Evaluations::offchain_worker(System::block_number());
	let sent: Vec<Vec<u8>> = core::mem::take(&mut pool.write().transactions);
	sent.into_iter()
		.map(|bytes| {
			let xt = UncheckedExtrinsic::decode(&mut &bytes[..]).unwrap();
			let Preamble::Signed(address, signature, extension) = xt.preamble else {
				panic!("the worker sends signed transactions")
			};
			let MultiAddress::Id(signer) = address else { panic!("signed by an account id") };
			let payload = SignedPayload::new(xt.function.clone(), extension).unwrap();
			assert!(
				payload.using_encoded(|bytes| signature.verify(bytes, &signer)),
				"signed by the hotkey"
			);
			assert_ok!(xt
				.function
				.clone()
				.dispatch_bypass_filter(RuntimeOrigin::signed(signer.clone())));
			System::inc_account_nonce(&signer);
			(signer, xt.function)
		})
		.collect()
}

#[test]
fn validators_nodes_evaluate_sign_submit_and_audit_each_other() {
	// The node's side: keys, local storage, pool, and the evaluator service.
	let keystore = MemoryKeystore::new();
	let validators: Vec<AccountId> = ["//validator-0", "//validator-1"]
		.iter()
		.map(|seed| {
			let public = keystore.sr25519_generate_new(EVALUATION_KEY_TYPE, Some(seed)).unwrap();
			MultiSigner::from(public).into_account()
		})
		.collect();
	let dir = std::env::temp_dir().join(format!("verity-runtime-ocw-{}", std::process::id()));
	std::fs::create_dir_all(&dir).unwrap();
	std::fs::write(dir.join("test.vrtd"), dataset().encode()).unwrap();
	let evaluator = Evaluator::start(
		ServiceConfig {
			backend: BackendChoice::Cpu,
			dataset_dir: Some(dir),
			fetch_timeout: Duration::from_secs(5),
			..ServiceConfig::default()
		},
		None,
	)
	.unwrap();
	let port = serve_model(model().encode());

	let mut ext: TestExternalities = genesis_of(DEVELOPMENT);
	let (offchain, _) = TestOffchainExt::new();
	let (pool, pool_state) = TestTransactionPoolExt::new();
	ext.register_extension(OffchainDbExt::new(offchain.clone()));
	ext.register_extension(OffchainWorkerExt::new(offchain));
	ext.register_extension(TransactionPoolExt::new(pool));
	ext.register_extension(KeystoreExt::new(keystore));
	ext.register_extension(EvaluatorExt(Arc::new(evaluator)));

	ext.execute_with(|| {
		System::set_block_number(1);
		let account = |key: Sr25519Keyring| key.to_account_id();
		let netuid = verified_subnet();
		let miner = AccountId::new([7; 32]);
		for (coldkey, hotkey) in [
			(Sr25519Keyring::Charlie, &validators[0]),
			(Sr25519Keyring::Dave, &validators[1]),
			(Sr25519Keyring::Ferdie, &miner),
		] {
			assert_ok!(Subnets::register(
				RuntimeOrigin::signed(account(coldkey)),
				netuid,
				hotkey.clone()
			));
		}
		for (coldkey, hotkey) in
			[(Sr25519Keyring::Charlie, &validators[0]), (Sr25519Keyring::Dave, &validators[1])]
		{
			assert_ok!(Stake::add_stake(
				RuntimeOrigin::signed(account(coldkey)),
				hotkey.clone(),
				500 * VRT
			));
			// The hotkey pays its transactions' fees.
			assert_ok!(Balances::transfer_keep_alive(
				RuntimeOrigin::signed(account(coldkey)),
				hotkey.clone().into(),
				10 * VRT
			));
		}
		assert_ok!(Subnets::serve(
			RuntimeOrigin::signed(miner.clone()),
			netuid,
			Endpoint {
				ip: IpAddress::V4([127, 0, 0, 1]),
				port,
				protocol: Protocol::Http,
				version: 1
			}
		));
		assert_ok!(Subnets::commit_model(
			RuntimeOrigin::signed(miner.clone()),
			netuid,
			H256(model().root()),
			model().encode().len() as u64,
			1
		));
		run_to_block(1 + BlockNumber::from(TEMPO) + 1);
		System::reset_events();
		let stakes: Vec<u128> = validators.iter().map(Stake::total_stake).collect();

		// Block after block, the workers evaluate, submit, answer their audits.
		let mut submitted = Vec::new();
		let mut answered = Vec::new();
		let started = Instant::now();
		while answered.len() < 2 {
			assert!(started.elapsed() < Duration::from_secs(60), "the workers stalled");
			let sent = run_worker(&pool_state);
			for (signer, call) in sent {
				match call {
					RuntimeCall::Evaluations(pallet_evaluations::Call::submit_evaluations {
						evaluations,
						attestation,
						..
					}) => {
						assert_eq!(attestation.backend.to_vec(), b"cpu".to_vec());
						assert!(matches!(
							evaluations[..],
							[e] if e.miner == 2 && matches!(e.outcome, EvaluationOutcome::Evaluated { .. })
						));
						submitted.push(signer);
					}
					RuntimeCall::Evaluations(pallet_evaluations::Call::submit_audit { .. }) => {
						answered.push(signer)
					}
					other => panic!("unexpected {other:?}"),
				}
			}
			// Jobs run on the service's thread while the chain moves on.
			thread::sleep(Duration::from_millis(200));
			run_to_block(System::block_number() + 1);
		}
		submitted.sort();
		answered.sort();
		let mut expected = validators.clone();
		expected.sort();
		assert_eq!(submitted, expected, "each validator submitted once");
		assert_eq!(answered, expected, "each audited the other");
		// Both audits matched and paid both parties the audit reward; each validator was paid
		// twice (as the audited and as the auditor), on top of whatever its stake earned.
		let reward = <Runtime as pallet_evaluations::Config>::Parameters::evaluation_parameters()
			.audit_reward;
		let matched: Vec<(u128, u128)> = System::events()
			.into_iter()
			.filter_map(|record| match record.event {
				RuntimeEvent::Evaluations(pallet_evaluations::Event::AuditMatched {
					validator_reward,
					auditor_reward,
					..
				}) => Some((validator_reward, auditor_reward)),
				_ => None,
			})
			.collect();
		assert_eq!(matched, vec![(reward, reward); 2]);
		for (validator, before) in validators.iter().zip(stakes) {
			assert!(Stake::total_stake(validator) >= before + 2 * reward);
		}
	});
}
