//! The node's evaluator service: what the runtime's off-chain worker reaches through the
//! evaluator host functions ([`verity_primitives::host`]).
//!
//! * A **bounded job queue**: [`Evaluator::queue`] never blocks; a full queue answers
//!   [`QueueError::QueueFull`] and the worker tries again in a later block.
//! * One **worker thread** runs the jobs in order: it fetches the miner's model over HTTP
//!   ([`http::get`], at most the committed size, within the fetch timeout), checks the bytes
//!   against the committed size and root, finds the dataset by its root, and evaluates on the
//!   backend chosen at start (the GPU when a hardware adapter exists and the node was built
//!   with it, else the CPU; see [`BackendChoice`]). Every backend gives the same result root
//!   bit for bit. For a dispute it builds what the dispute's phase needs instead (the
//!   referee's evidence, a trace, a layer's outputs or the narrowed evidence:
//!   [`pallet_evaluations::evidence::dispute_output`]).
//! * **Datasets** come from `--dataset-dir` (every `*.vrtd` file in it), plus the demo
//!   dataset (8×8 digits) built into the evaluator.
//! * The last [`ServiceConfig::retained_results`] results are kept for polling; a model
//!   fetched once is kept (a few) for the audits and disputes that follow.
//! * **Prometheus metrics** ([`metrics`]): jobs queued, done and failed, seconds per job, the
//!   queue's length, and the backend in use.

pub mod http;
pub mod metrics;

use std::{
	collections::{BTreeMap, VecDeque},
	fmt,
	path::{Path, PathBuf},
	sync::{
		mpsc::{self, Receiver, SyncSender, TrySendError},
		Arc, Mutex, PoisonError,
	},
	thread,
	time::{Duration, Instant},
};

use polkadot_sdk::sp_core::H256;
use verity_evaluator::{evaluate, Backend, Dataset, Model};
use verity_primitives::{
	evaluations::MAX_SAMPLES_LIMIT,
	host::{
		Evaluated, EvaluatorService, Job, JobFailure, JobKind, JobOutput, JobStatus, QueueError,
		MAX_MODEL_URL_LEN,
	},
};

pub use metrics::Metrics;

/// Which backend evaluates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum BackendChoice {
	/// The GPU when the node has the GPU backend and a hardware adapter (not a software
	/// rasterizer), else the CPU.
	#[default]
	Auto,
	/// The optimised CPU backend.
	Cpu,
	/// The GPU backend on the best adapter, a software one (lavapipe) included; fails to start
	/// without one.
	Gpu,
}

impl std::str::FromStr for BackendChoice {
	type Err = String;
	fn from_str(s: &str) -> Result<Self, Self::Err> {
		match s {
			"auto" => Ok(Self::Auto),
			"cpu" => Ok(Self::Cpu),
			"gpu" => Ok(Self::Gpu),
			other => Err(format!("unknown evaluator backend {other:?}: auto, cpu or gpu")),
		}
	}
}

/// How the service runs.
#[derive(Clone, Debug)]
pub struct ServiceConfig {
	/// The backend.
	pub backend: BackendChoice,
	/// A directory of datasets (`*.vrtd`), besides the built-in demo dataset.
	pub dataset_dir: Option<PathBuf>,
	/// How many jobs may wait.
	pub queue_capacity: usize,
	/// The largest model fetched, whatever its commitment says.
	pub max_model_bytes: u64,
	/// How long one model fetch may take.
	pub fetch_timeout: Duration,
	/// How many finished jobs are kept for polling.
	pub retained_results: usize,
}

impl Default for ServiceConfig {
	/// Auto backend, no dataset directory, 256 queued jobs, models up to 64 MiB fetched within
	/// 30 s, 4,096 results kept.
	fn default() -> Self {
		Self {
			backend: BackendChoice::Auto,
			dataset_dir: None,
			queue_capacity: 256,
			max_model_bytes: 64 * 1024 * 1024,
			fetch_timeout: Duration::from_secs(30),
			retained_results: 4_096,
		}
	}
}

/// Why the service did not start.
#[derive(Debug)]
pub enum StartError {
	/// `--evaluator-backend gpu` without a GPU backend or adapter.
	NoGpu(String),
	/// The dataset directory or one of its files could not be read or decoded.
	Dataset(PathBuf, String),
	/// The worker thread could not be started.
	Thread(String),
	/// A metric could not be registered.
	Metrics(String),
}

impl fmt::Display for StartError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::NoGpu(e) => write!(f, "no GPU backend: {e}"),
			Self::Dataset(path, e) => write!(f, "dataset {}: {e}", path.display()),
			Self::Thread(e) => write!(f, "cannot start the evaluator thread: {e}"),
			Self::Metrics(e) => write!(f, "cannot register the evaluator's metrics: {e}"),
		}
	}
}

impl std::error::Error for StartError {}

/// A job's state in the service.
enum State {
	Pending,
	Finished(Result<JobOutput, JobFailure>),
}

/// What the queue side and the worker share.
struct Shared {
	states: Mutex<Jobs>,
	metrics: Option<Metrics>,
}

/// Job states by id, and the order finished jobs are forgotten in.
struct Jobs {
	next_id: u64,
	states: BTreeMap<u64, State>,
	finished: VecDeque<u64>,
	retained: usize,
}

impl Shared {
	fn jobs(&self) -> std::sync::MutexGuard<'_, Jobs> {
		self.states.lock().unwrap_or_else(PoisonError::into_inner)
	}
}

/// The evaluator service (see the crate docs).
pub struct Evaluator {
	shared: Arc<Shared>,
	sender: SyncSender<(u64, Job)>,
	backend: String,
	device: String,
	datasets: Vec<H256>,
}

impl Evaluator {
	/// Opens the backend, loads the datasets and starts the worker thread.
	pub fn start(
		config: ServiceConfig,
		registry: Option<&polkadot_sdk::substrate_prometheus_endpoint::Registry>,
	) -> Result<Self, StartError> {
		let (backend, backend_name, device) = open_backend(config.backend)?;
		let mut datasets = BTreeMap::new();
		if let Ok(digits) = verity_evaluator::dataset::digits() {
			datasets.insert(H256(digits.root()), Arc::new(digits));
		}
		if let Some(dir) = &config.dataset_dir {
			for dataset in load_datasets(dir)? {
				datasets.insert(H256(dataset.root()), Arc::new(dataset));
			}
		}
		let metrics = registry
			.map(|registry| Metrics::register(registry, &backend_name, &device))
			.transpose()
			.map_err(|e| StartError::Metrics(e.to_string()))?;
		let shared = Arc::new(Shared {
			states: Mutex::new(Jobs {
				next_id: 0,
				states: BTreeMap::new(),
				finished: VecDeque::new(),
				retained: config.retained_results.max(1),
			}),
			metrics,
		});
		let (sender, receiver) = mpsc::sync_channel(config.queue_capacity.max(1));
		let roots = datasets.keys().copied().collect();
		let worker = Worker {
			shared: Arc::clone(&shared),
			backend,
			name: backend_name.clone(),
			device: device.clone(),
			datasets,
			models: VecDeque::new(),
			max_model_bytes: config.max_model_bytes,
			fetch_timeout: config.fetch_timeout,
		};
		thread::Builder::new()
			.name("verity-evaluator".into())
			.spawn(move || worker.run(receiver))
			.map_err(|e| StartError::Thread(e.to_string()))?;
		Ok(Self { shared, sender, backend: backend_name, device, datasets: roots })
	}

	/// The backend's name ("cpu", "gpu").
	pub fn backend(&self) -> &str {
		&self.backend
	}

	/// The device the backend runs on.
	pub fn device(&self) -> &str {
		&self.device
	}

	/// The roots of the datasets the service has.
	pub fn datasets(&self) -> &[H256] {
		&self.datasets
	}
}

impl EvaluatorService for Evaluator {
	fn queue(&self, job: Job) -> Result<u64, QueueError> {
		if job.model.url.len() > MAX_MODEL_URL_LEN
			|| std::str::from_utf8(&job.model.url).is_err()
			|| job.samples == 0
			|| job.samples > MAX_SAMPLES_LIMIT
		{
			return Err(QueueError::InvalidJob);
		}
		let mut jobs = self.shared.jobs();
		let id = jobs.next_id;
		match self.sender.try_send((id, job)) {
			Ok(()) => {}
			Err(TrySendError::Full(_)) => return Err(QueueError::QueueFull),
			Err(TrySendError::Disconnected(_)) => return Err(QueueError::NoEvaluator),
		}
		jobs.next_id = id.saturating_add(1);
		jobs.states.insert(id, State::Pending);
		if let Some(metrics) = &self.shared.metrics {
			metrics.queued.inc();
			metrics.queue_length.inc();
		}
		Ok(id)
	}

	fn poll(&self, id: u64) -> JobStatus {
		match self.shared.jobs().states.get(&id) {
			None => JobStatus::Unknown,
			Some(State::Pending) => JobStatus::Pending,
			Some(State::Finished(Ok(output))) => JobStatus::Done(output.clone()),
			Some(State::Finished(Err(failure))) => JobStatus::Failed(failure.clone()),
		}
	}
}

/// Every `*.vrtd` file of `dir`, decoded.
fn load_datasets(dir: &Path) -> Result<Vec<Dataset>, StartError> {
	let entries = std::fs::read_dir(dir)
		.map_err(|e| StartError::Dataset(dir.to_path_buf(), e.to_string()))?;
	let mut datasets = Vec::new();
	for entry in entries {
		let path = entry.map_err(|e| StartError::Dataset(dir.to_path_buf(), e.to_string()))?.path();
		if path.extension().and_then(|e| e.to_str()) != Some("vrtd") {
			continue;
		}
		let bytes =
			std::fs::read(&path).map_err(|e| StartError::Dataset(path.clone(), e.to_string()))?;
		let dataset = Dataset::decode(&bytes)
			.map_err(|e| StartError::Dataset(path.clone(), e.to_string()))?;
		log::info!(
			target: "verity::evaluator",
			"dataset {} ({} samples): root 0x{}",
			path.display(),
			dataset.sample_count(),
			hex(&dataset.root())
		);
		datasets.push(dataset);
	}
	Ok(datasets)
}

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The CPU's model name, from `/proc/cpuinfo` where there is one.
fn cpu_model() -> String {
	std::fs::read_to_string("/proc/cpuinfo")
		.ok()
		.and_then(|info| {
			info.lines()
				.find(|line| line.starts_with("model name"))
				.and_then(|line| line.split_once(':'))
				.map(|(_, name)| name.trim().to_string())
		})
		.unwrap_or_else(|| std::env::consts::ARCH.to_string())
}

/// A backend, its short name for attestations ("cpu", "gpu") and a description of its device.
type OpenedBackend = (Box<dyn Backend + Send>, String, String);

/// The backend `choice` names.
fn open_backend(choice: BackendChoice) -> Result<OpenedBackend, StartError> {
	let cpu = || {
		let backend = verity_evaluator::CpuBackend::new();
		let device = format!(
			"{} ({} kernel, {} threads)",
			cpu_model(),
			backend.kernel().name(),
			backend.threads()
		);
		(Box::new(backend) as Box<dyn Backend + Send>, "cpu".to_string(), device)
	};
	match choice {
		BackendChoice::Cpu => Ok(cpu()),
		BackendChoice::Gpu => open_gpu(true),
		BackendChoice::Auto => match open_gpu(false) {
			Ok(gpu) => Ok(gpu),
			Err(e) => {
				log::info!(target: "verity::evaluator", "evaluating on the CPU: {e}");
				Ok(cpu())
			}
		},
	}
}

#[cfg(feature = "gpu")]
fn open_gpu(allow_software: bool) -> Result<OpenedBackend, StartError> {
	let gpu = verity_evaluator::GpuBackend::new().map_err(|e| StartError::NoGpu(e.to_string()))?;
	if gpu.is_software() && !allow_software {
		return Err(StartError::NoGpu(format!("only a software adapter: {}", gpu.describe())));
	}
	let device = gpu.describe();
	Ok((Box::new(gpu), "gpu".to_string(), device))
}

#[cfg(not(feature = "gpu"))]
fn open_gpu(_allow_software: bool) -> Result<OpenedBackend, StartError> {
	Err(StartError::NoGpu("this node was built without the GPU backend (feature `gpu`)".into()))
}

/// A fetched model: its bytes and its decoding.
type FetchedModel = (Vec<u8>, Model);

/// How many fetched models the worker keeps.
const CACHED_MODELS: usize = 8;

/// The worker thread's state.
struct Worker {
	shared: Arc<Shared>,
	backend: Box<dyn Backend + Send>,
	/// The backend's short name.
	name: String,
	device: String,
	datasets: BTreeMap<H256, Arc<Dataset>>,
	/// Recently fetched models by root, newest last.
	models: VecDeque<(H256, Arc<FetchedModel>)>,
	max_model_bytes: u64,
	fetch_timeout: Duration,
}

impl Worker {
	fn run(mut self, receiver: Receiver<(u64, Job)>) {
		while let Ok((id, job)) = receiver.recv() {
			let started = Instant::now();
			let result = self.process(&job);
			let elapsed = started.elapsed();
			match &result {
				Ok(_) => log::debug!(
					target: "verity::evaluator",
					"job {id} done in {:.3} s",
					elapsed.as_secs_f64()
				),
				Err(failure) => log::info!(
					target: "verity::evaluator",
					"job {id} failed in {:.3} s: {failure:?}",
					elapsed.as_secs_f64()
				),
			}
			if let Some(metrics) = &self.shared.metrics {
				metrics.queue_length.dec();
				metrics.seconds.observe(elapsed.as_secs_f64());
				match &result {
					Ok(_) => metrics.done.inc(),
					Err(_) => metrics.failed.inc(),
				}
			}
			let mut jobs = self.shared.jobs();
			jobs.states.insert(id, State::Finished(result));
			jobs.finished.push_back(id);
			while jobs.finished.len() > jobs.retained {
				if let Some(old) = jobs.finished.pop_front() {
					jobs.states.remove(&old);
				}
			}
		}
	}

	fn process(&mut self, job: &Job) -> Result<JobOutput, JobFailure> {
		let dataset =
			Arc::clone(self.datasets.get(&job.dataset_root).ok_or(JobFailure::UnknownDataset)?);
		let model = self.model(job)?;
		let (bytes, model) = (&model.0, &model.1);
		match job.kind {
			JobKind::Evaluate => {
				let result = evaluate(
					self.backend.as_ref(),
					model,
					&dataset,
					0..dataset.sample_count(),
					&job.seed.0,
					job.samples,
				)
				.map_err(|e| JobFailure::Evaluation(e.to_string().into_bytes()))?;
				Ok(JobOutput::Evaluated(Evaluated {
					result_root: H256(result.root),
					total: result.total,
					leaves: result
						.leaves
						.iter()
						.zip(&result.scores)
						.map(|(leaf, score)| (H256(*leaf), *score))
						.collect(),
					backend: self.name.as_bytes().to_vec(),
					device: self.device.as_bytes().to_vec(),
				}))
			}
			kind => pallet_evaluations::evidence::dispute_output(
				kind,
				bytes,
				model,
				&dataset,
				&job.seed,
				job.samples,
			),
		}
	}

	/// The job's model: cached, or fetched and checked against its commitment.
	fn model(&mut self, job: &Job) -> Result<Arc<FetchedModel>, JobFailure> {
		if let Some((_, model)) = self.models.iter().find(|(root, _)| *root == job.model.root) {
			return Ok(Arc::clone(model));
		}
		let url = String::from_utf8_lossy(&job.model.url).into_owned();
		let limit = job.model.size.min(self.max_model_bytes);
		let bytes = http::get(&url, limit, self.fetch_timeout)
			.map_err(|e| JobFailure::ModelUnavailable(format!("{url}: {e}").into_bytes()))?;
		if u64::try_from(bytes.len()).ok() != Some(job.model.size) {
			return Err(JobFailure::ModelMismatch);
		}
		let model = Model::decode(&bytes).map_err(|_| JobFailure::ModelMismatch)?;
		if H256(model.root()) != job.model.root {
			return Err(JobFailure::ModelMismatch);
		}
		let model = Arc::new((bytes, model));
		self.models.push_back((job.model.root, Arc::clone(&model)));
		if self.models.len() > CACHED_MODELS {
			self.models.pop_front();
		}
		Ok(model)
	}
}
