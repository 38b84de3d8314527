//! The node's evaluator, as the runtime's off-chain worker sees it: host functions that queue a
//! job and poll its result, backed by a native service in the node.
//!
//! An off-chain worker cannot wait: evaluating a model takes longer than one block. So the
//! worker [`evaluator::queue`]s a [`Job`], remembers its id, and [`evaluator::poll`]s it in
//! later blocks until it is [`JobStatus::Done`] or [`JobStatus::Failed`]. The node's service
//! (`verity-node`'s `evaluator` module) fetches the miner's model over HTTP from the served
//! endpoint (with a size limit and a timeout), checks it against the committed root, loads the
//! dataset by its root, and runs the evaluation on its GPU or CPU backend.
//!
//! The host functions reach the service through the [`EvaluatorExt`] externalities extension,
//! which the node registers for off-chain workers only: block execution never calls them.
//! Outside an off-chain worker, or in a node without the service, [`evaluator::queue`] answers
//! [`QueueError::NoEvaluator`] and [`evaluator::poll`] [`JobStatus::Unknown`].

use crate::evaluations::{NarrowedEvidence, RefereeEvidence, Trace};
use alloc::vec::Vec;
use codec::{Decode, Encode};
use polkadot_sdk::sp_core::H256;
#[cfg(not(substrate_runtime))]
use polkadot_sdk::sp_externalities::ExternalitiesExt;
use scale_info::TypeInfo;
use sp_runtime_interface::{
	pass_by::{AllocateAndReturnByCodec, PassFatPointerAndDecode},
	runtime_interface,
};

/// The longest model URL a job takes, in bytes.
pub const MAX_MODEL_URL_LEN: usize = 512;

/// Where a job's model comes from and what it must be.
#[derive(Clone, Encode, Decode, TypeInfo, PartialEq, Eq, Debug)]
pub struct ModelSource {
	/// `http://<ip>:<port>/models/<root hex>`: the miner's served endpoint.
	pub url: Vec<u8>,
	/// The committed root: the fetched bytes must decode to a model with this root.
	pub root: H256,
	/// The committed size in bytes: a larger response is cut off and refused.
	pub size: u64,
}

/// What a job computes.
#[derive(Clone, Copy, Encode, Decode, TypeInfo, PartialEq, Eq, Debug)]
pub enum JobKind {
	/// The evaluation: every selected sample's leaf, the total score and the result root.
	Evaluate,
	/// The referee's evidence for the sample at this position of the selection.
	Evidence {
		/// The position in selection order (from 0).
		position: u32,
	},
	/// The trace of the sample at this position (a model above the referee's bound).
	Trace {
		/// The position in selection order (from 0).
		position: u32,
	},
	/// The outputs of one layer for the sample at this position.
	LayerOutputs {
		/// The position in selection order (from 0).
		position: u32,
		/// The layer, from 0.
		layer: u32,
	},
	/// The evidence of a narrowed dispute over the sample at this position: the sample, and
	/// the evidence of output `element` of `layer` when there is one.
	Narrowed {
		/// The position in selection order (from 0).
		position: u32,
		/// The disputed `(layer, element)`, if any.
		element: Option<(u32, u32)>,
	},
}

/// One job for the node's evaluator.
#[derive(Clone, Encode, Decode, TypeInfo, PartialEq, Eq, Debug)]
pub struct Job {
	/// What to compute.
	pub kind: JobKind,
	/// The miner's model.
	pub model: ModelSource,
	/// The subnet's dataset root; the node loads the dataset with this root.
	pub dataset_root: H256,
	/// The seed the samples are drawn from (over the whole dataset).
	pub seed: H256,
	/// How many samples are drawn.
	pub samples: u32,
}

/// An evaluation's result.
#[derive(Clone, Encode, Decode, TypeInfo, PartialEq, Eq, Debug)]
pub struct Evaluated {
	/// The result root (not sealed).
	pub result_root: H256,
	/// The total score.
	pub total: u32,
	/// Every sample's leaf hash and score, in selection order: what a dispute reveals.
	pub leaves: Vec<(H256, u32)>,
	/// The backend that ran it ("cpu", "gpu", "reference").
	pub backend: Vec<u8>,
	/// The device it ran on (CPU kernel and threads, or GPU adapter).
	pub device: Vec<u8>,
}

/// The referee's evidence for one sample, with the leaf the reference computes from it.
#[derive(Clone, Encode, Decode, TypeInfo, PartialEq, Eq, Debug)]
pub struct Evidence {
	/// What `resolve_dispute` takes.
	pub evidence: RefereeEvidence,
	/// The leaf hash and score the evaluator's reference computes for the sample.
	pub leaf: (H256, u32),
}

/// A narrowed dispute's evidence, with what the evaluator's reference computes from it.
#[derive(Clone, Encode, Decode, TypeInfo, PartialEq, Eq, Debug)]
pub struct Narrowed {
	/// What `resolve_narrowed` takes.
	pub evidence: NarrowedEvidence,
	/// The sample's dataset index (drawn as the referee draws it).
	pub index: u32,
	/// The disputed element's value, as the reference computes it.
	pub value: Option<u8>,
}

/// What a finished job produced.
#[derive(Clone, Encode, Decode, TypeInfo, PartialEq, Eq, Debug)]
pub enum JobOutput {
	/// The result of a [`JobKind::Evaluate`] job.
	Evaluated(Evaluated),
	/// The result of a [`JobKind::Evidence`] job.
	Evidence(Evidence),
	/// The result of a [`JobKind::Trace`] job: the trace, with the leaf it gives.
	Trace(alloc::boxed::Box<Trace>, (H256, u32)),
	/// The result of a [`JobKind::LayerOutputs`] job.
	LayerOutputs(Vec<u8>),
	/// The result of a [`JobKind::Narrowed`] job.
	Narrowed(alloc::boxed::Box<Narrowed>),
}

/// Why a job failed.
#[derive(Clone, Encode, Decode, TypeInfo, PartialEq, Eq, Debug)]
pub enum JobFailure {
	/// The model could not be fetched (unreachable, HTTP error, timeout, too large), with the
	/// reason: the miner scores zero.
	ModelUnavailable(Vec<u8>),
	/// The fetched bytes are not a model with the committed root and size: the miner scores
	/// zero.
	ModelMismatch,
	/// The node has no dataset with this root (see `--dataset-dir`).
	UnknownDataset,
	/// The model does not fit the dataset, or the job cannot be computed, with the reason.
	Evaluation(Vec<u8>),
	/// The model is larger than the referee runs on chain ([`crate::evaluations::MAX_REFEREE_MODEL_BYTES`]).
	ModelTooLargeForReferee,
}

/// A job's state.
#[derive(Clone, Encode, Decode, TypeInfo, PartialEq, Eq, Debug)]
pub enum JobStatus {
	/// No such job: never queued, forgotten, or the node restarted since.
	Unknown,
	/// Waiting in the queue or running.
	Pending,
	/// Finished.
	Done(JobOutput),
	/// Failed.
	Failed(JobFailure),
}

/// Why a job was not queued.
#[derive(Clone, Copy, Encode, Decode, TypeInfo, PartialEq, Eq, Debug)]
pub enum QueueError {
	/// This node runs no evaluator (not an off-chain worker, or started without one).
	NoEvaluator,
	/// The queue is full: try again in a later block.
	QueueFull,
	/// The job is malformed (URL too long or not UTF-8, no samples).
	InvalidJob,
}

/// The node's evaluator service, as the host functions call it.
#[cfg(not(substrate_runtime))]
pub trait EvaluatorService: Send + Sync {
	/// Queues `job`; returns its id.
	fn queue(&self, job: Job) -> Result<u64, QueueError>;
	/// The state of job `id`.
	fn poll(&self, id: u64) -> JobStatus;
}

#[cfg(not(substrate_runtime))]
polkadot_sdk::sp_externalities::decl_extension! {
	/// The node's evaluator service, registered for off-chain workers.
	pub struct EvaluatorExt(alloc::sync::Arc<dyn EvaluatorService>);
}

/// Host functions of the node's evaluator.
#[runtime_interface]
pub trait Evaluator {
	/// Queues a job on the node's evaluator; returns its id.
	fn queue(
		&mut self,
		job: PassFatPointerAndDecode<Job>,
	) -> AllocateAndReturnByCodec<Result<u64, QueueError>> {
		match self.extension::<EvaluatorExt>() {
			Some(service) => service.queue(job),
			None => Err(QueueError::NoEvaluator),
		}
	}

	/// The state of a job queued on the node's evaluator.
	fn poll(&mut self, id: u64) -> AllocateAndReturnByCodec<JobStatus> {
		match self.extension::<EvaluatorExt>() {
			Some(service) => service.poll(id),
			None => JobStatus::Unknown,
		}
	}
}
