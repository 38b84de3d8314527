//! What one evaluation job costs a validator's node, side by side on every backend it has: the
//! service as the off-chain worker uses it, with the model fetched once over local HTTP and
//! then evaluated on samples of the demo digits (8×8, 1,797 samples, 10 classes).
//!
//! ```text
//! cargo run --release -p verity-evaluator-service --features gpu --example job_cost -- \
//!     [--samples 64,1024] [--jobs 5]
//! ```
//!
//! For each model (the demo miner's shape, 64-32-10, and a wide 64-1024-1024-10) and backend
//! (CPU; the GPU when one opens, lavapipe included), one untimed job fetches the model, then
//! `--jobs` jobs with different seeds are timed from `queue` to `Done` (selection, inference,
//! leaves and root). Prints the median milliseconds per job.

#![allow(
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::arithmetic_side_effects,
	clippy::indexing_slicing
)]

use polkadot_sdk::sp_core::H256;
use std::{
	io::{Read, Write},
	net::TcpListener,
	thread,
	time::{Duration, Instant},
};
use verity_evaluator::{Activation, Layer, Model, Requantization};
use verity_evaluator_service::{BackendChoice, Evaluator, ServiceConfig};
use verity_primitives::host::{EvaluatorService, Job, JobKind, JobStatus, ModelSource};

/// A dense ReLU model over the digits with the given hidden widths, from a seeded stream.
fn model(hidden: &[u32]) -> Model {
	let mut state = 0x9e37_79b9_7f4a_7c15u64;
	let mut next = move || {
		state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
		let mut z = state;
		z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
		z ^ (z >> 31)
	};
	let mut widths = vec![64u32];
	widths.extend_from_slice(hidden);
	widths.push(10);
	let layers = widths
		.windows(2)
		.map(|pair| {
			let (input, output) = (pair[0], pair[1]);
			let weights = (0..input * output).map(|_| (next() % 15) as i8 - 7).collect();
			let biases = (0..output).map(|_| (next() % 200) as i32 - 100).collect();
			let requantization = Requantization::new(1 << 30, 6 + input.ilog2()).unwrap();
			Layer::new(input, output, weights, biases, requantization, Activation::Relu).unwrap()
		})
		.collect();
	Model::new(1, 64, layers).unwrap()
}

/// Serves `body` at every path on a local port.
fn serve(body: Vec<u8>) -> u16 {
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

fn run(service: &Evaluator, job: Job) -> Duration {
	let started = Instant::now();
	let id = service.queue(job).unwrap();
	loop {
		match service.poll(id) {
			JobStatus::Pending => thread::sleep(Duration::from_micros(200)),
			JobStatus::Done(_) => return started.elapsed(),
			other => panic!("the job did not finish: {other:?}"),
		}
	}
}

fn main() {
	let mut samples = vec![64u32, 1024];
	let mut jobs = 5usize;
	let mut args = std::env::args().skip(1);
	while let Some(arg) = args.next() {
		match arg.as_str() {
			"--samples" => {
				samples = args.next().unwrap().split(',').map(|s| s.parse().unwrap()).collect()
			}
			"--jobs" => jobs = args.next().unwrap().parse().unwrap(),
			other => panic!("unknown argument {other}"),
		}
	}
	let digits = verity_evaluator::dataset::digits().unwrap();
	let models = [("64-32-10", model(&[32])), ("64-1024-1024-10", model(&[1024, 1024]))];
	println!("{:<18} {:<8} {:>8} {:>12}  device", "model", "backend", "samples", "ms per job");
	for choice in [BackendChoice::Cpu, BackendChoice::Gpu] {
		let config = ServiceConfig { backend: choice, ..ServiceConfig::default() };
		let service = match Evaluator::start(config, None) {
			Ok(service) => service,
			Err(e) => {
				println!("{choice:?}: {e}");
				continue;
			}
		};
		for (name, model) in &models {
			let bytes = model.encode();
			let port = serve(bytes.clone());
			let job = |samples: u32, seed: u8| Job {
				kind: JobKind::Evaluate,
				model: ModelSource {
					url: format!("http://127.0.0.1:{port}/models/m").into_bytes(),
					root: H256(model.root()),
					size: bytes.len() as u64,
				},
				dataset_root: H256(digits.root()),
				seed: H256([seed; 32]),
				samples,
			};
			run(&service, job(1, 0));
			for &count in &samples {
				let mut times: Vec<Duration> =
					(1..=jobs).map(|seed| run(&service, job(count, seed as u8))).collect();
				times.sort();
				let median = times[times.len() / 2];
				println!(
					"{name:<18} {:<8} {count:>8} {:>12.3}  {}",
					service.backend(),
					median.as_secs_f64() * 1e3,
					service.device()
				);
			}
		}
	}
}
