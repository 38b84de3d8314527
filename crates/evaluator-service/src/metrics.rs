//! The evaluator's Prometheus metrics, served with the node's (`--prometheus-port`).

use polkadot_sdk::substrate_prometheus_endpoint::{
	exponential_buckets, register, Counter, Gauge, GaugeVec, Histogram, HistogramOpts, Opts,
	PrometheusError, Registry, U64,
};

/// The evaluator's metrics.
#[derive(Clone)]
pub struct Metrics {
	/// `verity_evaluator_jobs_queued_total`.
	pub queued: Counter<U64>,
	/// `verity_evaluator_jobs_done_total`.
	pub done: Counter<U64>,
	/// `verity_evaluator_jobs_failed_total`: model unavailable or mismatching, unknown dataset,
	/// evaluation error.
	pub failed: Counter<U64>,
	/// `verity_evaluator_queue_length`: jobs queued or running.
	pub queue_length: Gauge<U64>,
	/// `verity_evaluator_job_seconds`: fetch and evaluation of one job.
	pub seconds: Histogram,
	/// `verity_evaluator_backend_info{backend, device}`: 1 for the backend in use.
	pub backend: GaugeVec<U64>,
}

impl Metrics {
	/// Registers the metrics in `registry`, with the backend in use.
	pub fn register(
		registry: &Registry,
		backend: &str,
		device: &str,
	) -> Result<Self, PrometheusError> {
		let metrics = Self {
			queued: register(
				Counter::new("verity_evaluator_jobs_queued_total", "Evaluator jobs queued")?,
				registry,
			)?,
			done: register(
				Counter::new("verity_evaluator_jobs_done_total", "Evaluator jobs finished")?,
				registry,
			)?,
			failed: register(
				Counter::new(
					"verity_evaluator_jobs_failed_total",
					"Evaluator jobs failed (model unavailable or mismatching, unknown dataset, \
					 evaluation error)",
				)?,
				registry,
			)?,
			queue_length: register(
				Gauge::new("verity_evaluator_queue_length", "Evaluator jobs queued or running")?,
				registry,
			)?,
			seconds: register(
				Histogram::with_opts(
					HistogramOpts::new(
						"verity_evaluator_job_seconds",
						"Seconds per evaluator job, model fetch included",
					)
					.buckets(exponential_buckets(0.001, 4.0, 10)?),
				)?,
				registry,
			)?,
			backend: register(
				GaugeVec::new(
					Opts::new("verity_evaluator_backend_info", "The evaluator backend in use"),
					&["backend", "device"],
				)?,
				registry,
			)?,
		};
		metrics.backend.with_label_values(&[backend, device]).set(1);
		Ok(metrics)
	}
}
