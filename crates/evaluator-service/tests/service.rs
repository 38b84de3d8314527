//! The evaluator service end to end on this machine: models fetched from a real HTTP server,
//! a dataset from a directory, the CPU backend, and results compared with the evaluator's
//! reference.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
#![allow(clippy::arithmetic_side_effects)]

use polkadot_sdk::{sp_core::H256, substrate_prometheus_endpoint::Registry};
use std::{
	collections::BTreeMap,
	io::{Read, Write},
	net::TcpListener,
	path::PathBuf,
	sync::Arc,
	thread,
	time::{Duration, Instant},
};
use verity_evaluator::{
	merkle, narrowing, Activation, Dataset, EvaluationResult, Layer, Model, ReferenceBackend,
	Requantization,
};
use verity_evaluator_service::{BackendChoice, Evaluator, ServiceConfig};
use verity_primitives::host::{
	EvaluatorService, Job, JobFailure, JobKind, JobOutput, JobStatus, ModelSource, QueueError,
};

const SAMPLES: u32 = 16;

fn dataset() -> Dataset {
	let count = 40u32;
	let labels: Vec<u8> = (0..count).map(|i| (i % 3) as u8).collect();
	let samples: Vec<u8> = (0..count * 4).map(|i| (i * 37 % 251) as u8).collect();
	Dataset::new(4, 3, labels, samples).unwrap()
}

fn model(seed: i8) -> Model {
	let weights: Vec<i8> = (0..12).map(|i: i8| i.wrapping_mul(seed).wrapping_sub(5)).collect();
	let layer = Layer::new(
		4,
		3,
		weights,
		vec![0, 3, -2],
		Requantization::new(1 << 30, 4).unwrap(),
		Activation::Relu,
	)
	.unwrap();
	Model::new(1, 4, vec![layer]).unwrap()
}

/// A directory holding [`dataset`] as `test.vrtd`, and a file that is not a dataset.
fn dataset_dir(name: &str) -> PathBuf {
	let dir = std::env::temp_dir().join(format!("verity-service-{name}-{}", std::process::id()));
	std::fs::create_dir_all(&dir).unwrap();
	std::fs::write(dir.join("test.vrtd"), dataset().encode()).unwrap();
	std::fs::write(dir.join("README.txt"), b"not a dataset").unwrap();
	dir
}

/// An HTTP server answering `GET /models/<name>` with the bytes registered under that path
/// (404 otherwise); returns its base URL.
fn serve(files: BTreeMap<String, Vec<u8>>) -> String {
	let listener = TcpListener::bind("127.0.0.1:0").unwrap();
	let port = listener.local_addr().unwrap().port();
	let files = Arc::new(files);
	thread::spawn(move || {
		for stream in listener.incoming() {
			let Ok(mut stream) = stream else { continue };
			let files = Arc::clone(&files);
			thread::spawn(move || {
				let mut request = Vec::new();
				let mut buffer = [0u8; 1024];
				while !request.windows(4).any(|w| w == b"\r\n\r\n") {
					let read = stream.read(&mut buffer).unwrap_or(0);
					if read == 0 {
						return;
					}
					request.extend_from_slice(&buffer[..read]);
				}
				let line = String::from_utf8_lossy(&request).lines().next().unwrap().to_string();
				let path = line.split(' ').nth(1).unwrap_or("").to_string();
				let response = match files.get(&path) {
					Some(body) => {
						let mut head =
							format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len())
								.into_bytes();
						head.extend_from_slice(body);
						head
					}
					None => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".to_vec(),
				};
				let _ = stream.write_all(&response);
			});
		}
	});
	format!("http://127.0.0.1:{port}")
}

fn job(kind: JobKind, url: String, model: &Model, seed: H256) -> Job {
	Job {
		kind,
		model: ModelSource {
			url: url.into_bytes(),
			root: H256(model.root()),
			size: model.encode().len() as u64,
		},
		dataset_root: H256(dataset().root()),
		seed,
		samples: SAMPLES,
	}
}

/// `model`'s evaluation on the evaluator's reference, over the whole of [`dataset`].
fn reference(model: &Model, seed: H256) -> EvaluationResult {
	let dataset = dataset();
	verity_evaluator::evaluate(
		&ReferenceBackend,
		model,
		&dataset,
		0..dataset.sample_count(),
		&seed.0,
		SAMPLES,
	)
	.unwrap()
}

fn wait(service: &Evaluator, id: u64) -> JobStatus {
	let started = Instant::now();
	loop {
		match service.poll(id) {
			JobStatus::Pending if started.elapsed() < Duration::from_secs(30) => {
				thread::sleep(Duration::from_millis(10))
			}
			status => return status,
		}
	}
}

fn start(name: &str, registry: Option<&Registry>) -> Evaluator {
	let config = ServiceConfig {
		backend: BackendChoice::Cpu,
		dataset_dir: Some(dataset_dir(name)),
		fetch_timeout: Duration::from_secs(5),
		..ServiceConfig::default()
	};
	Evaluator::start(config, registry).unwrap()
}

#[test]
fn evaluates_a_served_model_exactly_as_the_reference() {
	let model = model(3);
	let base = serve(BTreeMap::from([("/models/a".to_string(), model.encode())]));
	let registry = Registry::new();
	let service = start("evaluate", Some(&registry));
	assert_eq!(service.backend(), "cpu");
	assert!(service.datasets().contains(&H256(dataset().root())));
	assert!(service
		.datasets()
		.contains(&H256(verity_evaluator::dataset::digits().unwrap().root())));

	let seed = H256([7; 32]);
	let id =
		service.queue(job(JobKind::Evaluate, format!("{base}/models/a"), &model, seed)).unwrap();
	let JobStatus::Done(JobOutput::Evaluated(result)) = wait(&service, id) else {
		panic!("the evaluation did not finish")
	};
	let dataset = dataset();
	let expected = reference(&model, seed);
	assert_eq!(result.result_root, H256(expected.root));
	assert_eq!(result.total, expected.total);
	assert_eq!(result.leaves.len(), SAMPLES as usize);
	for (position, (leaf, score)) in result.leaves.iter().enumerate() {
		assert_eq!(*leaf, H256(expected.leaves[position]));
		assert_eq!(*score, expected.scores[position]);
	}
	assert_eq!(result.backend, b"cpu");
	assert!(!result.device.is_empty());

	// The evidence for a position: the same leaf, and proofs against the dataset root.
	let position = 5;
	let id = service
		.queue(job(JobKind::Evidence { position }, format!("{base}/models/a"), &model, seed))
		.unwrap();
	let JobStatus::Done(JobOutput::Evidence(built)) = wait(&service, id) else {
		panic!("the evidence was not built")
	};
	assert_eq!(built.leaf, result.leaves[position as usize]);
	let index = expected.indices[position as usize];
	let evidence = built.evidence;
	assert_eq!(evidence.dataset.sample.as_slice(), dataset.sample(index).unwrap());
	assert_eq!(evidence.dataset.label, dataset.label(index).unwrap());
	assert_eq!(evidence.model.as_slice(), model.encode().as_slice());
	let proof = merkle::MerkleProof {
		index: index + 1,
		leaf_count: dataset.sample_count() + 1,
		siblings: evidence.dataset.sample_proof.iter().map(|h| h.0).collect(),
	};
	assert!(proof.verify(&dataset.root(), &dataset.sample_hash(index).unwrap()));

	// The trace of the same sample gives the same leaf, layer by layer.
	let id = service
		.queue(job(JobKind::Trace { position }, format!("{base}/models/a"), &model, seed))
		.unwrap();
	let JobStatus::Done(JobOutput::Trace(trace, leaf)) = wait(&service, id) else {
		panic!("the trace was not built")
	};
	assert_eq!(leaf, result.leaves[position as usize]);
	assert_eq!(trace.index, index);
	let activations = narrowing::activations(&model, dataset.sample(index).unwrap()).unwrap();
	let hashes: Vec<H256> =
		activations.iter().map(|outputs| H256(narrowing::activations_hash(outputs))).collect();
	assert_eq!(trace.layers.as_slice(), hashes.as_slice());
	assert_eq!(trace.logits.as_slice(), activations.last().unwrap().as_slice());

	let families = registry.gather();
	let value = |name: &str| {
		families
			.iter()
			.find(|family| family.get_name() == name)
			.map(|family| family.get_metric()[0].get_counter().get_value())
	};
	assert_eq!(value("verity_evaluator_jobs_queued_total"), Some(3.0));
	assert_eq!(value("verity_evaluator_jobs_done_total"), Some(3.0));
	assert_eq!(value("verity_evaluator_jobs_failed_total"), Some(0.0));
	assert!(families.iter().any(|family| family.get_name() == "verity_evaluator_backend_info"));
	assert!(families.iter().any(|family| family.get_name() == "verity_evaluator_job_seconds"));
}

#[test]
fn a_model_that_is_missing_or_not_the_committed_one_fails_precisely() {
	let other = model(5);
	let model = model(3);
	let mut oversized = model.encode();
	oversized.push(0);
	let base = serve(BTreeMap::from([
		("/models/a".to_string(), model.encode()),
		("/models/other".to_string(), other.encode()),
		("/models/big".to_string(), oversized),
	]));
	let service = start("failures", None);
	let seed = H256([1; 32]);
	let failed = |job: Job| match wait(&service, service.queue(job).unwrap()) {
		JobStatus::Failed(failure) => failure,
		status => panic!("expected a failure, got {status:?}"),
	};

	// Not served: 404.
	let failure = failed(job(JobKind::Evaluate, format!("{base}/models/none"), &model, seed));
	assert!(
		matches!(&failure, JobFailure::ModelUnavailable(reason) if String::from_utf8_lossy(reason).contains("404"))
	);
	// Nobody listens.
	let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
	let failure =
		failed(job(JobKind::Evaluate, format!("http://127.0.0.1:{port}/models/a"), &model, seed));
	assert!(matches!(failure, JobFailure::ModelUnavailable(_)));
	// Another model than the committed one.
	let failure = failed(job(JobKind::Evaluate, format!("{base}/models/other"), &model, seed));
	assert_eq!(failure, JobFailure::ModelMismatch);
	// More bytes than committed: cut off at the committed size.
	let failure = failed(job(JobKind::Evaluate, format!("{base}/models/big"), &model, seed));
	assert!(
		matches!(&failure, JobFailure::ModelUnavailable(reason) if String::from_utf8_lossy(reason).contains("larger than"))
	);
	// A dataset the node does not have.
	let mut unknown = job(JobKind::Evaluate, format!("{base}/models/a"), &model, seed);
	unknown.dataset_root = H256([9; 32]);
	assert_eq!(failed(unknown), JobFailure::UnknownDataset);
	// A position outside the samples.
	let failure = failed(job(
		JobKind::Evidence { position: SAMPLES },
		format!("{base}/models/a"),
		&model,
		seed,
	));
	assert!(matches!(failure, JobFailure::Evaluation(_)));
	// Malformed jobs are refused at once.
	let mut empty = job(JobKind::Evaluate, format!("{base}/models/a"), &model, seed);
	empty.samples = 0;
	assert_eq!(service.queue(empty), Err(QueueError::InvalidJob));
	let long = job(JobKind::Evaluate, format!("{base}/{}", "a".repeat(600)), &model, seed);
	assert_eq!(service.queue(long), Err(QueueError::InvalidJob));
	// Unknown ids.
	assert_eq!(service.poll(u64::MAX), JobStatus::Unknown);
}

#[test]
fn a_full_queue_refuses_and_recovers() {
	// A server that holds every request for a while keeps the worker busy.
	let listener = TcpListener::bind("127.0.0.1:0").unwrap();
	let port = listener.local_addr().unwrap().port();
	thread::spawn(move || {
		for stream in listener.incoming() {
			let Ok(stream) = stream else { continue };
			thread::spawn(move || {
				thread::sleep(Duration::from_millis(500));
				drop(stream);
			});
		}
	});
	let config = ServiceConfig {
		backend: BackendChoice::Cpu,
		queue_capacity: 1,
		fetch_timeout: Duration::from_secs(5),
		..ServiceConfig::default()
	};
	let service = Evaluator::start(config, None).unwrap();
	let model = model(3);
	let digits = H256(verity_evaluator::dataset::digits().unwrap().root());
	let slow = || {
		let mut job =
			job(JobKind::Evaluate, format!("http://127.0.0.1:{port}/m"), &model, H256::zero());
		job.dataset_root = digits;
		job
	};
	// One job runs, one waits; within a few more the queue is full.
	let mut ids = Vec::new();
	let mut refused = false;
	for _ in 0..4 {
		match service.queue(slow()) {
			Ok(id) => ids.push(id),
			Err(error) => {
				assert_eq!(error, QueueError::QueueFull);
				refused = true;
				break;
			}
		}
	}
	assert!(refused, "a queue of one never filled");
	for id in ids {
		assert!(matches!(wait(&service, id), JobStatus::Failed(JobFailure::ModelUnavailable(_))));
	}
	assert!(service.queue(slow()).is_ok(), "the queue takes jobs again once drained");
}

#[test]
fn the_gpu_backend_gives_the_references_root_or_fails_clearly() {
	let config = ServiceConfig {
		backend: BackendChoice::Gpu,
		dataset_dir: Some(dataset_dir("gpu")),
		..ServiceConfig::default()
	};
	match Evaluator::start(config, None) {
		// Built with the GPU backend, on a machine with an adapter (lavapipe counts): the same
		// result, bit for bit.
		Ok(service) => {
			assert_eq!(service.backend(), "gpu");
			let model = model(3);
			let base = serve(BTreeMap::from([("/models/a".to_string(), model.encode())]));
			let seed = H256([5; 32]);
			let id = service
				.queue(job(JobKind::Evaluate, format!("{base}/models/a"), &model, seed))
				.unwrap();
			let JobStatus::Done(JobOutput::Evaluated(result)) = wait(&service, id) else {
				panic!("the GPU evaluation did not finish")
			};
			assert_eq!(result.result_root, H256(reference(&model, seed).root));
			assert_eq!(result.backend, b"gpu");
			eprintln!("GPU backend on {}", String::from_utf8_lossy(&result.device));
		}
		Err(error) => assert!(error.to_string().contains("no GPU backend"), "{error}"),
	}
	assert_eq!("auto".parse(), Ok(BackendChoice::Auto));
	assert!("tpu".parse::<BackendChoice>().unwrap_err().contains("auto, cpu or gpu"));
}
