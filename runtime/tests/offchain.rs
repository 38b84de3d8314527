//! The evaluations off-chain worker in the runtime, with the node's real evaluator service:
//! validators' hotkeys in a keystore (key type `veva`), a miner's model served over HTTP from
//! this machine, the dataset loaded from a directory, the CPU backend, and transactions signed
//! by the runtime's `CreateSignedTransaction`, whose signatures are checked before they are
//! dispatched. Two validators evaluate the miner from their "nodes", each audits the other,
//! and both are rewarded to the planck; and over a model above the referee's bound, an
//! auditor's node audits a forgery, traces, bisects and brings the narrowed evidence, and the
//! forger is slashed to the planck.

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
	evaluations::{
		dataset, honest_evaluation, large_model, model, revealed_root, run_to_block,
		verified_subnet, Forgery, TEMPO,
	},
	genesis_of,
};
use pallet_evaluations::{Claims, DisputePhase, Disputes, Revealed};
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
		BoundedVec, MultiAddress, MultiSigner,
	},
};
use std::{
	io::{Read, Write},
	net::TcpListener,
	sync::Arc,
	thread,
	time::{Duration, Instant},
};
use verity_evaluator::Model;
use verity_evaluator_service::{BackendChoice, Evaluator, ServiceConfig};
use verity_primitives::{
	evaluations::{Attestation, Evaluation, EvaluationOutcome, Party, EVALUATION_KEY_TYPE},
	host::EvaluatorExt,
	subnets::{Endpoint, IpAddress, Protocol},
	traits::{NetworkParametersInterface, ScoringInterface, StakeInterface},
};
use verity_runtime::{
	genesis_config_presets::DEVELOPMENT, AccountId, Balances, BlockNumber, Evaluations, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeOrigin, Scoring, SignedPayload, Stake, Subnets, System,
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

/// A validator's node: a keystore holding the evaluation keys of `seeds`, the off-chain
/// storage and transaction pool, and the real evaluator service (CPU backend, [`dataset`] in its
/// dataset directory), over the development genesis. Returns the externalities, the pool and
/// the keys' accounts.
fn validator_node(
	seeds: &[&str],
) -> (TestExternalities, Arc<parking_lot::RwLock<PoolState>>, Vec<AccountId>) {
	let keystore = MemoryKeystore::new();
	let accounts: Vec<AccountId> = seeds
		.iter()
		.map(|seed| {
			let public = keystore.sr25519_generate_new(EVALUATION_KEY_TYPE, Some(seed)).unwrap();
			MultiSigner::from(public).into_account()
		})
		.collect();
	let dir = std::env::temp_dir().join(format!(
		"verity-runtime-ocw-{}-{}",
		std::process::id(),
		seeds.join("").len()
	));
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

	let mut ext: TestExternalities = genesis_of(DEVELOPMENT);
	let (offchain, _) = TestOffchainExt::new();
	let (pool, pool_state) = TestTransactionPoolExt::new();
	ext.register_extension(OffchainDbExt::new(offchain.clone()));
	ext.register_extension(OffchainWorkerExt::new(offchain));
	ext.register_extension(TransactionPoolExt::new(pool));
	ext.register_extension(KeystoreExt::new(keystore));
	ext.register_extension(EvaluatorExt(Arc::new(evaluator)));
	(ext, pool_state, accounts)
}

/// Bob's verified subnet with `validators` (coldkeys Charlie and Dave, 500 VRT of stake and
/// 10 VRT for fees each) and a miner (coldkey Ferdie) serving `model` from this machine and
/// committed to it; returns the netuid and the miner's hotkey, after the first epoch.
fn serving_network(validators: &[AccountId], model: &Model) -> (u16, AccountId) {
	System::set_block_number(1);
	let account = |key: Sr25519Keyring| key.to_account_id();
	let port = serve_model(model.encode());
	let netuid = verified_subnet();
	let miner = AccountId::new([7; 32]);
	let coldkeys = [Sr25519Keyring::Charlie, Sr25519Keyring::Dave];
	for (coldkey, hotkey) in
		coldkeys.iter().zip(validators).chain([(&Sr25519Keyring::Ferdie, &miner)])
	{
		assert_ok!(Subnets::register(
			RuntimeOrigin::signed(account(*coldkey)),
			netuid,
			hotkey.clone()
		));
	}
	for (coldkey, hotkey) in coldkeys.iter().zip(validators) {
		assert_ok!(Stake::add_stake(
			RuntimeOrigin::signed(account(*coldkey)),
			hotkey.clone(),
			500 * VRT
		));
		// The hotkey pays its transactions' fees.
		assert_ok!(Balances::transfer_keep_alive(
			RuntimeOrigin::signed(account(*coldkey)),
			hotkey.clone().into(),
			10 * VRT
		));
	}
	assert_ok!(Subnets::serve(
		RuntimeOrigin::signed(miner.clone()),
		netuid,
		Endpoint { ip: IpAddress::V4([127, 0, 0, 1]), port, protocol: Protocol::Http, version: 1 }
	));
	assert_ok!(Subnets::commit_model(
		RuntimeOrigin::signed(miner.clone()),
		netuid,
		H256(model.root()),
		model.encode().len() as u64,
		1
	));
	run_to_block(1 + BlockNumber::from(TEMPO) + 1);
	(netuid, miner)
}

#[test]
fn validators_nodes_evaluate_sign_submit_and_audit_each_other() {
	let (mut ext, pool_state, validators) = validator_node(&["//validator-0", "//validator-1"]);
	ext.execute_with(|| {
		serving_network(&validators, &model());
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

#[test]
fn over_a_large_model_the_auditors_node_narrows_a_forgery_to_one_element() {
	// The node holds the auditor's key only; the forger submits and answers by hand.
	let (mut ext, pool_state, keys) = validator_node(&["//auditor"]);
	ext.execute_with(|| {
		let forger = AccountId::new([9; 32]);
		let auditor = keys[0].clone();
		let large = large_model();
		let (netuid, miner) = serving_network(&[forger.clone(), auditor.clone()], &large);
		let honest = honest_evaluation(netuid, &miner, &forger, &large);
		let forgery = Forgery::at(&large, &honest, 5, (1, 11));
		let signed = || RuntimeOrigin::signed(forger.clone());
		assert_ok!(Evaluations::submit_evaluations(
			signed(),
			netuid,
			Scoring::epoch_index(netuid),
			BoundedVec::truncate_from(vec![Evaluation {
				miner: 2,
				outcome: EvaluationOutcome::Evaluated {
					score: forgery.score(),
					sealed_root: Evaluations::seal(&revealed_root(&forgery.leaves), &forger),
				},
			}]),
			Attestation {
				backend: BoundedVec::truncate_from(b"forged".to_vec()),
				device: BoundedVec::new(),
				quote: BoundedVec::new(),
			},
		));
		System::reset_events();
		let dave = Sr25519Keyring::Dave.to_account_id();

		// Block after block the node evaluates, audits the forgery, and answers each phase of
		// the dispute that follows; the forger answers its own part.
		let mut sent_by_node = Vec::new();
		let started = Instant::now();
		let (settled, stake, dave_before) = loop {
			assert!(started.elapsed() < Duration::from_secs(120), "stalled: {sent_by_node:?}");
			// The forger's stake grows with its dividends until the slash takes 10% of it.
			let (stake, dave_before) = (Stake::total_stake(&forger), Balances::free_balance(&dave));
			for (signer, call) in run_worker(&pool_state) {
				assert_eq!(signer, auditor);
				let RuntimeCall::Evaluations(call) = call else {
					panic!("not an evaluations call")
				};
				sent_by_node.push(pallet_evaluations::offchain::call_name::<Runtime>(&call));
			}
			let dispute = Disputes::<Runtime>::iter().find(|(_, d)| d.audit.validator == forger);
			if let Some((id, dispute)) = dispute {
				let claimed = |party| Claims::<Runtime>::contains_key(id, party);
				match dispute.phase {
					DisputePhase::Revealing
						if !Revealed::<Runtime>::contains_key(id, Party::Validator) =>
					{
						assert_ok!(Evaluations::reveal_leaves(
							signed(),
							id,
							BoundedVec::truncate_from(forgery.leaves.clone())
						));
					}
					DisputePhase::Tracing { .. } if !claimed(Party::Validator) => {
						let sample_hash = H256(dataset().sample_hash(forgery.index).unwrap());
						let trace = pallet_evaluations::evidence::trace_of(
							&large,
							forgery.index,
							sample_hash,
							&forgery.wrong,
						)
						.unwrap();
						assert_ok!(Evaluations::reveal_trace(signed(), id, Box::new(trace)));
					}
					DisputePhase::Bisecting { layer, .. } if !claimed(Party::Validator) => {
						let outputs = forgery.wrong[layer.layer as usize].clone();
						assert_ok!(Evaluations::reveal_layer(
							signed(),
							id,
							BoundedVec::truncate_from(outputs)
						));
					}
					_ => {}
				}
			}
			let settled = System::events().into_iter().find_map(|record| match record.event {
				RuntimeEvent::Evaluations(
					event @ pallet_evaluations::Event::DisputeSettled { .. },
				) => Some(event),
				_ => None,
			});
			if let Some(settled) = settled {
				break (settled, stake, dave_before);
			}
			thread::sleep(Duration::from_millis(100));
			run_to_block(System::block_number() + 1);
		};
		for call in
			["submit_audit", "reveal_leaves", "reveal_trace", "reveal_layer", "resolve_narrowed"]
		{
			assert!(sent_by_node.contains(&call), "{call} not sent: {sent_by_node:?}");
		}
		let pallet_evaluations::Event::DisputeSettled {
			verdict,
			validator_slashed,
			auditor_slashed,
			rewarded,
			..
		} = settled
		else {
			unreachable!()
		};
		assert_eq!(verdict, pallet_evaluations::Verdict::Narrowed);
		let slash = stake / 10;
		assert!(slash >= 50 * VRT);
		assert_eq!((validator_slashed, auditor_slashed, rewarded), (slash, 0, slash / 2));
		assert_eq!(Stake::total_stake(&forger), stake - slash);
		assert_eq!(Balances::free_balance(&dave), dave_before + slash / 2);
	});
}
