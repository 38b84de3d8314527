//! Deterministic integer inference for Verity's verifiable evaluations.
//!
//! An **evaluation** runs a miner's model on samples of a subnet's dataset and commits to
//! every sample's output in a result root. Everything in it is integer arithmetic with one
//! definition, so that any machine (a validator's GPU, an auditor's CPU, the runtime's wasm
//! referee) reproduces the same root bit for bit, and a wrong one can be proven wrong.
//!
//! * [`model`]: model format v1 (dense int8 layers, uint8 activations, int32 accumulation,
//!   fixed-point requantization, ReLU or lookup-table activations), its validation, and the
//!   Merkle root over its parts.
//! * [`dataset`]: dataset format v1 (fixed-size uint8 samples, uint8 labels), its root, and
//!   the demo dataset (8×8 digits).
//! * [`merkle`]: BLAKE2b-256 Merkle trees with domain-separated leaves and one-leaf proofs.
//! * [`selection`]: which samples an evaluation runs on, from a 32-byte seed.
//! * [`result`]: scores, per-sample leaves and the result root.
//! * [`backend`]: the [`Backend`] trait and [`evaluate`].
//! * [`reference`](mod@reference): the `no_std` reference backend, the definition of the
//!   arithmetic.
//! * [`narrowing`]: per-layer traces of one sample and one output element from three proven
//!   model leaves: how a dispute over a model too large for the on-chain referee is decided.
//! * `gpu` (feature `gpu`): the same arithmetic in WGSL compute shaders on wgpu.
//! * `cpu` (feature `std`): the optimised CPU backend: packed weights, AMX / AVX-512 VNNI /
//!   AVX-VNNI / AVX2 kernels chosen at run time, threads.
//!
//! The crate is `no_std` + `alloc` without its default `std` feature (the runtime builds it
//! so); `std` lets BLAKE2b detect SIMD at run time and adds the `cpu` backend.
//!
//! Unsafe code is denied everywhere but in `cpu`'s four SIMD kernel modules, which opt in
//! with a module-level `allow` (intrinsics and their loads and stores; for AMX, inline
//! assembly, `cpuid`/`xgetbv` and the Linux system call that enables the tile state).

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

pub mod backend;
#[cfg(feature = "std")]
pub mod cpu;
pub mod dataset;
#[cfg(feature = "gpu")]
pub mod gpu;
pub mod merkle;
pub mod model;
pub mod narrowing;
pub mod reference;
pub mod result;
pub mod selection;

pub use backend::{evaluate, Backend, BackendError, EvaluationError};
#[cfg(feature = "std")]
pub use cpu::CpuBackend;
pub use dataset::{Dataset, DatasetError};
#[cfg(feature = "gpu")]
pub use gpu::{GpuBackend, GpuError};
pub use merkle::{Hash, MerkleProof};
pub use model::{Activation, Layer, Model, ModelError, ModelPart, Requantization};
pub use reference::ReferenceBackend;
pub use result::EvaluationResult;
