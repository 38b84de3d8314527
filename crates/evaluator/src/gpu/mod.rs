//! The GPU backend (feature `gpu`): the reference arithmetic as WGSL compute shaders, run
//! through [wgpu](https://wgpu.rs) on Vulkan, Metal or DX12, bit for bit equal to
//! [`crate::reference`].
//!
//! # Arithmetic
//!
//! Integers only. Weights (i8) and activations (u8) travel four to a `u32` and are unpacked in
//! the shader with shifts (the weights sign-extended by an arithmetic shift); products and
//! sums are `i32` (exact by the model bounds, see [`crate::model`]). The requantization
//! (`fixedpoint.wgsl`) is gemmlowp's, as in the reference: WGSL has no 64-bit integers, so
//! `saturating_rounding_doubling_high_mul` forms the exact 64-bit product from four 16 × 16-bit
//! partial products, corrects it for the signs, adds the nudge with an explicit carry and
//! takes bits 31..62; the one overflowing pair, `i32::MIN · i32::MIN`, saturates. The proof is
//! in the shader's comments; the unit tests check the shader's functions on the device against
//! the reference on edge cases and random pairs.
//!
//! # Work
//!
//! One dispatch per layer (per weight block, see `layout.rs`) and batch chunk; all dispatches
//! of a chunk go in one submission, ping-ponging between two activation buffers, and only the
//! logits come back. Each invocation computes a tile of 4 outputs × 4 samples; workgroups are
//! 16 × 4 such tiles. Buffer sizes and workgroup counts respect the device's limits: the batch
//! is split into chunks and a layer's rows into blocks where needed.
//!
//! # Adapters
//!
//! [`GpuBackend::new`] takes the best adapter with compute shaders: a discrete GPU, else an
//! integrated one, else a virtual one, else a CPU implementation (Mesa's lavapipe,
//! "llvmpipe"), which makes the backend testable on machines without a GPU. The environment
//! variable `WGPU_ADAPTER_NAME` (a case-insensitive substring of the adapter name) picks one
//! explicitly, and `WGPU_BACKEND` (e.g. `vulkan`) limits the APIs searched, as in wgpu.

mod layout;
#[cfg(test)]
mod tests;

use std::{
	format,
	num::NonZeroU64,
	string::{String, ToString},
	sync::{mpsc, Arc, Mutex, PoisonError},
	vec::Vec,
};

use wgpu::util::DeviceExt;

use crate::{
	backend::{check_batch, Backend, BackendError},
	model::Model,
};
use layout::{DeviceBudget, Plan, QUAD_BYTES, WORKGROUP_ROW_QUADS, WORKGROUP_SAMPLE_QUADS};

/// The dense-layer shader: the fixed-point functions and the kernel.
const DENSE_SHADER: &str = concat!(include_str!("fixedpoint.wgsl"), include_str!("dense.wgsl"));

/// Why a [`GpuBackend`] could not be created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GpuError {
	/// No adapter with compute shaders exists on the searched graphics APIs.
	NoAdapter {
		/// The graphics APIs searched, e.g. `VULKAN | GL`.
		backends: String,
		/// Adapters found without compute-shader support.
		without_compute: Vec<String>,
	},
	/// `WGPU_ADAPTER_NAME` names no adapter with compute shaders.
	NoAdapterNamed {
		/// The requested name.
		name: String,
		/// The adapters with compute shaders there are.
		available: Vec<String>,
	},
	/// The adapter refused to open a device.
	RequestDevice(String),
	/// The shader or pipeline failed to build (a driver or compiler bug).
	Pipeline(String),
}

impl std::fmt::Display for GpuError {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			Self::NoAdapter { backends, without_compute } => {
				write!(f, "no GPU adapter with compute shaders found (searched {backends}")?;
				if !without_compute.is_empty() {
					write!(f, "; without compute shaders: {}", without_compute.join(", "))?;
				}
				write!(
					f,
					"); install a Vulkan driver (without a GPU, Mesa's lavapipe: \
					 apt-get install mesa-vulkan-drivers libvulkan1)"
				)
			}
			Self::NoAdapterNamed { name, available } => write!(
				f,
				"no adapter matches WGPU_ADAPTER_NAME={name:?}; available: [{}]",
				available.join(", ")
			),
			Self::RequestDevice(e) => write!(f, "the adapter refused a device: {e}"),
			Self::Pipeline(e) => write!(f, "the compute pipeline failed to build: {e}"),
		}
	}
}

impl std::error::Error for GpuError {}

/// One line describing an adapter: name, graphics API, device type, driver.
pub fn describe_adapter(info: &wgpu::AdapterInfo) -> String {
	let mut line = format!("{} ({:?}, {:?}", info.name, info.backend, info.device_type);
	if !info.driver.is_empty() {
		line.push_str(&format!(", {} {}", info.driver, info.driver_info));
	}
	line.push(')');
	line
}

/// Preference among adapters with compute shaders: lower is better.
fn adapter_rank(device_type: wgpu::DeviceType) -> u8 {
	match device_type {
		wgpu::DeviceType::DiscreteGpu => 0,
		wgpu::DeviceType::IntegratedGpu => 1,
		wgpu::DeviceType::VirtualGpu => 2,
		wgpu::DeviceType::Other => 3,
		wgpu::DeviceType::Cpu => 4,
	}
}

/// The adapter [`GpuBackend::new`] uses: see the module docs.
fn select_adapter() -> Result<wgpu::Adapter, GpuError> {
	let descriptor = wgpu::InstanceDescriptor::new_without_display_handle_from_env();
	// The APIs both asked for (`WGPU_BACKEND`, default all) and compiled in.
	let backends = descriptor.backends & wgpu::Instance::enabled_backend_features();
	let instance = wgpu::Instance::new(descriptor);
	let (usable, without_compute): (Vec<wgpu::Adapter>, Vec<wgpu::Adapter>) =
		pollster::block_on(instance.enumerate_adapters(backends)).into_iter().partition(|a| {
			a.get_downlevel_capabilities().flags.contains(wgpu::DownlevelFlags::COMPUTE_SHADERS)
		});
	if let Ok(name) = std::env::var("WGPU_ADAPTER_NAME") {
		let wanted = name.to_lowercase();
		let available = usable.iter().map(|a| describe_adapter(&a.get_info())).collect();
		return usable
			.into_iter()
			.find(|a| a.get_info().name.to_lowercase().contains(&wanted))
			.ok_or(GpuError::NoAdapterNamed { name, available });
	}
	usable.into_iter().min_by_key(|a| adapter_rank(a.get_info().device_type)).ok_or_else(|| {
		GpuError::NoAdapter {
			backends: format!("{backends:?}"),
			without_compute: without_compute
				.iter()
				.map(|a| describe_adapter(&a.get_info()))
				.collect(),
		}
	})
}

/// Error scopes around a group of wgpu calls on this thread: any validation, out-of-memory or
/// internal error they raise is returned by [`ErrorScopes::pop`] instead of panicking.
struct ErrorScopes([wgpu::ErrorScopeGuard; 3]);

impl ErrorScopes {
	fn push(device: &wgpu::Device) -> Self {
		let internal = device.push_error_scope(wgpu::ErrorFilter::Internal);
		let out_of_memory = device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
		let validation = device.push_error_scope(wgpu::ErrorFilter::Validation);
		// Innermost first: the order in which they must be popped (and are dropped).
		Self([validation, out_of_memory, internal])
	}

	/// The first error caught, innermost scope first.
	fn pop(self) -> Option<String> {
		let mut first = None;
		for scope in self.0 {
			let error = pollster::block_on(scope.pop());
			first = first.or(error.map(|e| e.to_string()));
		}
		first
	}
}

/// The wgpu backend. See the module docs.
///
/// Creating one opens a device and builds the pipeline (tens of milliseconds to a second);
/// reuse it. It is `Send + Sync`; calls from several threads share the device's queue.
#[derive(Debug)]
pub struct GpuBackend {
	device: wgpu::Device,
	queue: wgpu::Queue,
	pipeline: wgpu::ComputePipeline,
	bind_group_layout: wgpu::BindGroupLayout,
	info: wgpu::AdapterInfo,
	budget: DeviceBudget,
	/// Stride of `DenseParams` records in the uniform buffer.
	params_stride: u64,
	/// Errors raised outside any error scope (wgpu would otherwise panic on them).
	uncaptured: Arc<Mutex<Vec<String>>>,
}

impl GpuBackend {
	/// A backend on the best adapter (see the module docs).
	///
	/// Errors: [`GpuError::NoAdapter`] when no adapter with compute shaders exists,
	/// [`GpuError::NoAdapterNamed`] when `WGPU_ADAPTER_NAME` matches none,
	/// [`GpuError::RequestDevice`] and [`GpuError::Pipeline`] when the driver fails.
	pub fn new() -> Result<Self, GpuError> {
		Self::with_adapter(select_adapter()?)
	}

	/// A backend on `adapter`, with the adapter's full limits.
	///
	/// Errors: [`GpuError::RequestDevice`] and [`GpuError::Pipeline`].
	pub fn with_adapter(adapter: wgpu::Adapter) -> Result<Self, GpuError> {
		let info = adapter.get_info();
		let limits = adapter.limits();
		let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
			label: Some("verity-evaluator"),
			required_features: wgpu::Features::empty(),
			required_limits: limits.clone(),
			..Default::default()
		}))
		.map_err(|e| GpuError::RequestDevice(e.to_string()))?;
		let uncaptured = Arc::new(Mutex::new(Vec::new()));
		let sink = Arc::clone(&uncaptured);
		device.on_uncaptured_error(Arc::new(move |error: wgpu::Error| {
			sink.lock().unwrap_or_else(PoisonError::into_inner).push(error.to_string());
		}));

		let scopes = ErrorScopes::push(&device);
		let (pipeline, bind_group_layout) = build_pipeline(&device);
		if let Some(error) = scopes.pop() {
			return Err(GpuError::Pipeline(error));
		}
		let budget = DeviceBudget {
			max_buffer_bytes: limits.max_storage_buffer_binding_size.min(limits.max_buffer_size),
			max_workgroups: limits.max_compute_workgroups_per_dimension,
			max_chunk_samples: None,
			max_block_rows: None,
		};
		let alignment = u64::from(limits.min_uniform_buffer_offset_alignment).max(1);
		let params_stride = layout::PARAMS_BYTES.div_ceil(alignment).saturating_mul(alignment);
		Ok(Self {
			device,
			queue,
			pipeline,
			bind_group_layout,
			info,
			budget,
			params_stride,
			uncaptured,
		})
	}

	/// The adapter this backend runs on: name, graphics API (`backend`), device type, driver.
	pub fn adapter_info(&self) -> &wgpu::AdapterInfo {
		&self.info
	}

	/// Whether the adapter is a software rasterizer on the CPU (Mesa's lavapipe, WARP): it
	/// computes the same bits, but slower than the CPU backend.
	pub fn is_software(&self) -> bool {
		self.info.device_type == wgpu::DeviceType::Cpu
	}

	/// One line describing the adapter, for logs: see [`describe_adapter`].
	pub fn describe(&self) -> String {
		describe_adapter(&self.info)
	}

	/// Caps the samples per chunk (one submission) at `samples` (rounded up to a multiple of 4).
	/// The device's limits cap it anyway; a lower cap bounds memory, and tests use it to
	/// exercise the splitting.
	pub fn with_max_chunk_samples(mut self, samples: u32) -> Self {
		self.budget.max_chunk_samples = Some(samples);
		self
	}

	/// Caps the rows per weight block (one buffer and one dispatch) at `rows` (rounded up to a
	/// multiple of 4). The device's limits cap it anyway; tests use it to exercise the
	/// splitting.
	pub fn with_max_block_rows(mut self, rows: u32) -> Self {
		self.budget.max_block_rows = Some(rows);
		self
	}

	/// Runs the plan; errors of wgpu calls are caught by the caller's error scopes.
	fn run(
		&self,
		model: &Model,
		inputs: &[u8],
		outputs: &mut [u8],
		plan: &Plan,
	) -> Result<(), BackendError> {
		let device = &self.device;
		let storage = wgpu::BufferUsages::STORAGE;

		// The model: per layer a constants buffer and one weight buffer per block.
		let mut constants = Vec::with_capacity(plan.layers.len());
		let mut weights = Vec::with_capacity(plan.layers.len());
		let mut params = Vec::new();
		for (layer, layer_plan) in model.layers().iter().zip(&plan.layers) {
			constants.push(device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
				label: Some("layer constants"),
				contents: &layout::pack_constants(layer, layer_plan.row_quads)?,
				usage: storage,
			}));
			let mut blocks = Vec::with_capacity(layer_plan.blocks.len());
			for block in &layer_plan.blocks {
				blocks.push(device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
					label: Some("weights"),
					contents: &layout::pack_weights(layer, layer_plan.in_words, block)?,
					usage: storage,
				}));
				let record = layout::dense_params(layer, layer_plan, block, plan.chunk_quads);
				params.extend_from_slice(&record);
				let padding =
					usize::try_from(self.params_stride.saturating_sub(layout::PARAMS_BYTES))
						.unwrap_or(0);
				params.resize(params.len().saturating_add(padding), 0);
			}
			weights.push(blocks);
		}
		let params = device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
			label: Some("dense params"),
			contents: &params,
			usage: wgpu::BufferUsages::UNIFORM,
		});

		// Two ping-pong activation buffers and the readback buffer for the logits.
		let activation_bytes = plan.activation_bytes();
		let activation = |label| {
			device.create_buffer(&wgpu::BufferDescriptor {
				label: Some(label),
				size: activation_bytes,
				usage: storage | wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::COPY_SRC,
				mapped_at_creation: false,
			})
		};
		let activations = [activation("activations even"), activation("activations odd")];
		let logit_words = layout::words(model.output_size());
		let logit_bytes = u64::from(logit_words)
			.saturating_mul(u64::from(plan.chunk_quads))
			.saturating_mul(QUAD_BYTES);
		let readback = device.create_buffer(&wgpu::BufferDescriptor {
			label: Some("logits readback"),
			size: logit_bytes,
			usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
			mapped_at_creation: false,
		});

		// One bind group and workgroup count per (layer, block); layer l reads buffer l % 2.
		let params_size = NonZeroU64::new(layout::PARAMS_BYTES);
		let sample_groups = plan.chunk_quads.div_ceil(WORKGROUP_SAMPLE_QUADS);
		let mut dispatches = Vec::new();
		let mut params_offset = 0u64;
		let [even, odd] = &activations;
		let mut reads_even = true;
		for (blocks, (layer_plan, layer_constants)) in
			weights.iter().zip(plan.layers.iter().zip(&constants))
		{
			let (input, output) = if reads_even { (even, odd) } else { (odd, even) };
			for (block, block_weights) in layer_plan.blocks.iter().zip(blocks) {
				let entries = [
					wgpu::BindGroupEntry {
						binding: 0,
						resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding {
							buffer: &params,
							offset: params_offset,
							size: params_size,
						}),
					},
					wgpu::BindGroupEntry {
						binding: 1,
						resource: block_weights.as_entire_binding(),
					},
					wgpu::BindGroupEntry {
						binding: 2,
						resource: layer_constants.as_entire_binding(),
					},
					wgpu::BindGroupEntry { binding: 3, resource: input.as_entire_binding() },
					wgpu::BindGroupEntry { binding: 4, resource: output.as_entire_binding() },
				];
				let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
					label: Some("dense"),
					layout: &self.bind_group_layout,
					entries: &entries,
				});
				let row_groups =
					block.end.saturating_sub(block.start).div_ceil(WORKGROUP_ROW_QUADS);
				dispatches.push((bind_group, row_groups));
				params_offset = params_offset.saturating_add(self.params_stride);
			}
			reads_even = !reads_even;
		}
		let logits_buffer = if reads_even { even } else { odd };

		let input_size = model.input_size() as usize;
		let output_size = model.output_size() as usize;
		let input_words = layout::words(model.input_size());
		for chunk in &plan.chunks {
			let packed =
				layout::pack_samples(inputs, input_size, chunk, input_words, plan.chunk_quads)?;
			self.queue.write_buffer(even, 0, &packed);
			let mut encoder = device
				.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("dense") });
			{
				let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
					label: Some("dense"),
					timestamp_writes: None,
				});
				pass.set_pipeline(&self.pipeline);
				for (bind_group, row_groups) in &dispatches {
					pass.set_bind_group(0, bind_group, &[]);
					pass.dispatch_workgroups(*row_groups, sample_groups, 1);
				}
			}
			encoder.copy_buffer_to_buffer(logits_buffer, 0, &readback, 0, logit_bytes);
			let submission = self.queue.submit([encoder.finish()]);

			let (sender, receiver) = mpsc::channel();
			readback.slice(..).map_async(wgpu::MapMode::Read, move |result| {
				// The receiver outlives the poll below; a failed send only means it is gone.
				let _ = sender.send(result);
			});
			device
				.poll(wgpu::PollType::Wait { submission_index: Some(submission), timeout: None })
				.map_err(|e| BackendError::Device(e.to_string()))?;
			receiver
				.recv()
				.map_err(|_| internal("the readback was never mapped"))?
				.map_err(|e| BackendError::Device(format!("mapping the logits failed: {e}")))?;
			let chunk_outputs = outputs
				.get_mut(
					chunk.start.saturating_mul(output_size)..chunk.end.saturating_mul(output_size),
				)
				.ok_or(internal("output chunk"))?;
			let unpacked = readback
				.slice(..)
				.get_mapped_range()
				.map_err(|e| BackendError::Device(format!("reading the logits failed: {e}")))
				.and_then(|view| {
					layout::unpack_samples(&view, plan.chunk_quads, output_size, chunk_outputs)
				});
			readback.unmap();
			unpacked?;
		}
		Ok(())
	}
}

fn internal(what: &str) -> BackendError {
	BackendError::Device(format!("internal error: {what}"))
}

/// The dense pipeline and its bind group layout (see dense.wgsl for the bindings).
fn build_pipeline(device: &wgpu::Device) -> (wgpu::ComputePipeline, wgpu::BindGroupLayout) {
	let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
		label: Some("dense"),
		source: wgpu::ShaderSource::Wgsl(DENSE_SHADER.into()),
	});
	let buffer = |binding, ty| wgpu::BindGroupLayoutEntry {
		binding,
		visibility: wgpu::ShaderStages::COMPUTE,
		ty: wgpu::BindingType::Buffer { ty, has_dynamic_offset: false, min_binding_size: None },
		count: None,
	};
	let read_only = wgpu::BufferBindingType::Storage { read_only: true };
	let bind_group_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
		label: Some("dense"),
		entries: &[
			buffer(0, wgpu::BufferBindingType::Uniform),
			buffer(1, read_only),
			buffer(2, read_only),
			buffer(3, read_only),
			buffer(4, wgpu::BufferBindingType::Storage { read_only: false }),
		],
	});
	let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
		label: Some("dense"),
		bind_group_layouts: &[Some(&bind_group_layout)],
		immediate_size: 0,
	});
	let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
		label: Some("dense"),
		layout: Some(&pipeline_layout),
		module: &module,
		entry_point: Some("dense"),
		compilation_options: Default::default(),
		cache: None,
	});
	(pipeline, bind_group_layout)
}

impl Backend for GpuBackend {
	fn name(&self) -> &str {
		"gpu"
	}

	fn infer_batch(
		&self,
		model: &Model,
		inputs: &[u8],
		batch: usize,
		outputs: &mut [u8],
	) -> Result<(), BackendError> {
		check_batch(model, inputs, batch, outputs)?;
		if batch == 0 {
			return Ok(());
		}
		let plan = Plan::new(model, batch, &self.budget)?;
		let scopes = ErrorScopes::push(&self.device);
		let result = self.run(model, inputs, outputs, &plan);
		// A wgpu error explains a failure better than its consequences (an unmapped buffer).
		if let Some(error) = scopes.pop() {
			return Err(BackendError::Device(error));
		}
		let uncaptured: Vec<String> =
			self.uncaptured.lock().unwrap_or_else(PoisonError::into_inner).drain(..).collect();
		if !uncaptured.is_empty() {
			return Err(BackendError::Device(uncaptured.join("; ")));
		}
		result
	}
}
