//! `verity miner serve`: serves model artifacts by model root over HTTP/1.1, the endpoint a
//! validator's off-chain worker fetches a committed model from.
//!
//! # Routes
//!
//! | request | response |
//! |---|---|
//! | `GET /models/<root>` (64 hex digits, either case, optional `0x`) | 200, the artifact's exact bytes, `application/octet-stream` |
//! | `GET /models/<root>` for a root not served | 404, JSON `{"error": …, "root": …}` |
//! | `GET /models/<anything else>` | 400, JSON `{"error": …}` |
//! | `GET /health` | 200, JSON `{"status": "ok", "models": [roots…]}` |
//! | any other path | 404, JSON `{"error": "not found"}` |
//! | a method other than `GET` or `HEAD` | 405, JSON error, `Allow: GET, HEAD` |
//!
//! `HEAD` answers as `GET` without the body. Every request is logged on stderr
//! (peer, method, path, status, body bytes, time).
//!
//! # Models
//!
//! `--models` takes files and directories (every `*.vrtm` in a directory, not recursive). Each
//! artifact must decode as model format v1 ([`Model::decode`]), or the server does not start;
//! it is indexed by its Merkle root ([`Model::root`]), the root a miner commits on chain.
//! Artifacts are held in memory and served as they were read, byte for byte.
//!
//! The server stops on Ctrl-C (SIGINT): it stops accepting, lets open connections finish
//! their requests (at most [`SHUTDOWN_GRACE`], then closes the rest), and exits 0. Graceful
//! shutdown is done here (a [`watch`] signal to every connection task of a [`JoinSet`], each
//! calling hyper's [`http1::Connection::graceful_shutdown`]) rather than with hyper-util's
//! `server-graceful` feature, which the workspace's node does not build.

use std::{
	collections::BTreeMap,
	convert::Infallible,
	fs,
	future::Future,
	io::Write,
	net::SocketAddr,
	path::{Path, PathBuf},
	sync::Arc,
	time::{Duration, Instant},
};

use anyhow::{ensure, Context};
use bytes::Bytes;
use clap::Args;
use http_body_util::Full;
use hyper::{
	body::Incoming,
	header::{HeaderValue, ALLOW, CACHE_CONTROL, CONTENT_TYPE},
	server::conn::http1,
	service::service_fn,
	Method, Request, Response, StatusCode,
};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::{net::TcpListener, sync::watch, task::JoinSet};
use verity_evaluator::{merkle::Hash, Model, ModelError};

use super::parse_hash;

/// How long open connections may take to finish after Ctrl-C.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// How long a client may take to send a request's headers.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The model route's prefix.
pub const MODELS_PREFIX: &str = "/models/";

/// `verity miner serve`
#[derive(Debug, Args)]
pub struct ServeArgs {
	/// Model artifacts to serve: files, or directories whose `*.vrtm` files are served.
	#[arg(long, required = true, num_args = 1..)]
	pub models: Vec<PathBuf>,
	/// Address to listen on (port 0: any free port; the bound address is printed).
	#[arg(long, default_value = "127.0.0.1:8700")]
	pub listen: SocketAddr,
}

/// Validated model artifacts, by model root.
#[derive(Clone, Debug, Default)]
pub struct ModelStore {
	models: BTreeMap<Hash, Bytes>,
}

impl ModelStore {
	/// Adds an artifact after checking it decodes as model format v1; returns its root.
	/// Adding the same artifact twice keeps one.
	pub fn insert(&mut self, bytes: Vec<u8>) -> Result<Hash, ModelError> {
		let root = Model::decode(&bytes)?.root();
		self.models.insert(root, Bytes::from(bytes));
		Ok(root)
	}

	/// Loads every path: a file is an artifact, a directory contributes its `*.vrtm` files
	/// (sorted by name). Errors on an unreadable path, an artifact that does not decode, a
	/// directory without artifacts, and when nothing was loaded.
	pub fn load(paths: &[PathBuf]) -> anyhow::Result<Self> {
		let mut store = Self::default();
		for path in paths {
			let files = if path.is_dir() { artifacts_in(path)? } else { vec![path.clone()] };
			for file in files {
				let bytes =
					fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
				let root = store.insert(bytes).with_context(|| {
					format!("{} is not a valid model (format v1)", file.display())
				})?;
				eprintln!("serving {} from {}", hex::encode(root), file.display());
			}
		}
		ensure!(!store.models.is_empty(), "no models to serve");
		Ok(store)
	}

	/// The artifact with model root `root`.
	pub fn get(&self, root: &Hash) -> Option<&Bytes> {
		self.models.get(root)
	}

	/// The roots served, in ascending order.
	pub fn roots(&self) -> impl Iterator<Item = &Hash> {
		self.models.keys()
	}

	/// The number of models.
	pub fn len(&self) -> usize {
		self.models.len()
	}

	/// Whether there are no models.
	pub fn is_empty(&self) -> bool {
		self.models.is_empty()
	}
}

fn artifacts_in(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
	let mut files = Vec::new();
	for entry in fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
		let path = entry.with_context(|| format!("listing {}", dir.display()))?.path();
		if path.is_file() && path.extension().is_some_and(|e| e == "vrtm") {
			files.push(path);
		}
	}
	files.sort();
	ensure!(!files.is_empty(), "{} holds no *.vrtm model artifacts", dir.display());
	Ok(files)
}

fn json(status: StatusCode, value: &serde_json::Value) -> Response<Full<Bytes>> {
	let mut response = Response::new(Full::new(Bytes::from(value.to_string())));
	*response.status_mut() = status;
	response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
	response
}

fn error(status: StatusCode, message: &str) -> Response<Full<Bytes>> {
	json(status, &serde_json::json!({ "error": message }))
}

/// The response to `method path`: the routes of the module docs. `HEAD` gets `GET`'s
/// response; hyper leaves out its body.
pub fn respond(store: &ModelStore, method: &Method, path: &str) -> Response<Full<Bytes>> {
	if method != Method::GET && method != Method::HEAD {
		let mut response = error(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
		response.headers_mut().insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
		return response;
	}
	if path == "/health" {
		let roots: Vec<String> = store.roots().map(hex::encode).collect();
		return json(StatusCode::OK, &serde_json::json!({ "status": "ok", "models": roots }));
	}
	let Some(text) = path.strip_prefix(MODELS_PREFIX) else {
		return error(StatusCode::NOT_FOUND, "not found");
	};
	let Some(root) = parse_hash(text) else {
		return error(
			StatusCode::BAD_REQUEST,
			"malformed model root: expected 64 hex digits (32 bytes)",
		);
	};
	let Some(bytes) = store.get(&root) else {
		return json(
			StatusCode::NOT_FOUND,
			&serde_json::json!({ "error": "unknown model root", "root": hex::encode(root) }),
		);
	};
	let mut response = Response::new(Full::new(bytes.clone()));
	let headers = response.headers_mut();
	headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
	// Content-addressed: the bytes under a root never change.
	headers.insert(CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
	response
}

fn handle(
	store: &ModelStore,
	peer: SocketAddr,
	request: &Request<Incoming>,
) -> Response<Full<Bytes>> {
	let started = Instant::now();
	let path = request.uri().path();
	let response = respond(store, request.method(), path);
	let body_bytes = hyper::body::Body::size_hint(response.body()).exact().unwrap_or(0);
	eprintln!(
		"{peer} {} {path} {} {body_bytes} B {:.3} ms",
		request.method(),
		response.status().as_u16(),
		started.elapsed().as_secs_f64() * 1000.0
	);
	response
}

/// Completes once `stop` turns `true`, or once its sender is gone.
async fn stopping(mut stop: watch::Receiver<bool>) {
	// An error means the sender was dropped: nobody can say stop any more, so stop now.
	let _ = stop.wait_for(|&stop| stop).await;
}

/// Serves `store` on `listener` until `shutdown` completes, then lets open connections
/// finish for at most [`SHUTDOWN_GRACE`] and closes the rest.
///
/// Each connection runs as a task of a [`JoinSet`]; on shutdown every task hears a [`watch`]
/// signal and calls [`http1::Connection::graceful_shutdown`] (finish the request in flight,
/// no keep-alive, close an idle connection at once), and the set is drained.
pub async fn serve(
	store: Arc<ModelStore>,
	listener: TcpListener,
	shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
	let (stop, _) = watch::channel(false);
	let mut connections = JoinSet::new();
	tokio::pin!(shutdown);
	loop {
		tokio::select! {
			accepted = listener.accept() => {
				let (stream, peer) = match accepted {
					Ok(accepted) => accepted,
					Err(e) => {
						// Out of file descriptors and the like: back off instead of spinning.
						eprintln!("accept failed: {e}");
						tokio::time::sleep(Duration::from_millis(100)).await;
						continue;
					}
				};
				let store = Arc::clone(&store);
				let service = service_fn(move |request: Request<Incoming>| {
					let response = handle(&store, peer, &request);
					async move { Ok::<_, Infallible>(response) }
				});
				let connection = http1::Builder::new()
					.timer(TokioTimer::new())
					.header_read_timeout(HEADER_READ_TIMEOUT)
					.serve_connection(TokioIo::new(stream), service);
				let stopping = stopping(stop.subscribe());
				connections.spawn(async move {
					tokio::pin!(connection, stopping);
					let result = tokio::select! {
						result = connection.as_mut() => result,
						() = stopping => {
							connection.as_mut().graceful_shutdown();
							connection.await
						}
					};
					if let Err(e) = result {
						eprintln!("{peer} connection error: {e}");
					}
				});
			}
			// Reap finished connections so that the set holds only open ones.
			Some(_) = connections.join_next(), if !connections.is_empty() => {}
			() = &mut shutdown => break,
		}
	}
	drop(listener);
	while connections.try_join_next().is_some() {}
	eprintln!("shutting down: waiting for {} open connection(s)", connections.len());
	stop.send_replace(true);
	let drain = async { while connections.join_next().await.is_some() {} };
	if tokio::time::timeout(SHUTDOWN_GRACE, drain).await.is_err() {
		eprintln!(
			"{} connection(s) still open after {} s; closing them",
			connections.len(),
			SHUTDOWN_GRACE.as_secs()
		);
		connections.shutdown().await;
	}
	Ok(())
}

/// Runs `verity miner serve`: loads the models, binds, prints `listening on http://<addr>`
/// on stdout, and serves until Ctrl-C.
pub fn run(args: &ServeArgs) -> anyhow::Result<()> {
	let store = Arc::new(ModelStore::load(&args.models)?);
	let runtime = tokio::runtime::Builder::new_multi_thread()
		.enable_all()
		.build()
		.context("starting the async runtime")?;
	runtime.block_on(async {
		let listener = TcpListener::bind(args.listen)
			.await
			.with_context(|| format!("binding {}", args.listen))?;
		let address = listener.local_addr().context("reading the bound address")?;
		println!("listening on http://{address} ({} models)", store.len());
		// Tests and scripts read the address from stdout: flush it now.
		std::io::stdout().flush().context("writing to stdout")?;
		serve(store, listener, async {
			if let Err(e) = tokio::signal::ctrl_c().await {
				eprintln!("cannot listen for Ctrl-C ({e}); stop the process to shut down");
				std::future::pending::<()>().await;
			}
		})
		.await
	})?;
	eprintln!("stopped");
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;
	use http_body_util::BodyExt;
	use verity_evaluator::{Activation, Layer, Requantization};

	fn tiny_model(bias: i32) -> Vec<u8> {
		let layer = Layer::new(
			2,
			2,
			vec![1, -1, 2, 3],
			vec![bias, 0],
			Requantization::new(1 << 30, 1).unwrap(),
			Activation::Relu,
		)
		.unwrap();
		Model::new(1, 2, vec![layer]).unwrap().encode()
	}

	fn body(response: Response<Full<Bytes>>) -> Bytes {
		let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
		runtime.block_on(response.into_body().collect()).unwrap().to_bytes()
	}

	fn store() -> (ModelStore, Hash, Vec<u8>) {
		let mut store = ModelStore::default();
		let bytes = tiny_model(5);
		let root = store.insert(bytes.clone()).unwrap();
		store.insert(tiny_model(6)).unwrap();
		(store, root, bytes)
	}

	#[test]
	fn serves_exact_bytes_by_root() {
		let (store, root, bytes) = store();
		let response = respond(&store, &Method::GET, &format!("/models/{}", hex::encode(root)));
		assert_eq!(response.status(), StatusCode::OK);
		assert_eq!(response.headers()[CONTENT_TYPE], "application/octet-stream");
		assert_eq!(body(response), bytes);
		let prefixed = format!("/models/0x{}", hex::encode(root).to_uppercase());
		assert_eq!(respond(&store, &Method::GET, &prefixed).status(), StatusCode::OK);
	}

	#[test]
	fn unknown_root_is_404_and_malformed_is_400() {
		let (store, _, _) = store();
		let unknown = respond(&store, &Method::GET, &format!("/models/{}", "00".repeat(32)));
		assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
		assert_eq!(unknown.headers()[CONTENT_TYPE], "application/json");
		let value: serde_json::Value = serde_json::from_slice(&body(unknown)).unwrap();
		assert_eq!(value["error"], "unknown model root");
		for malformed in ["/models/", "/models/abc", "/models/zz", "/models/00/11"] {
			assert_eq!(
				respond(&store, &Method::GET, malformed).status(),
				StatusCode::BAD_REQUEST,
				"{malformed}"
			);
		}
		assert_eq!(respond(&store, &Method::GET, "/").status(), StatusCode::NOT_FOUND);
		assert_eq!(respond(&store, &Method::GET, "/models").status(), StatusCode::NOT_FOUND);
	}

	#[test]
	fn health_lists_roots_in_order() {
		let (store, _, _) = store();
		let response = respond(&store, &Method::GET, "/health");
		assert_eq!(response.status(), StatusCode::OK);
		let value: serde_json::Value = serde_json::from_slice(&body(response)).unwrap();
		let expected: Vec<String> = store.roots().map(hex::encode).collect();
		assert_eq!(value, serde_json::json!({ "status": "ok", "models": expected }));
		assert_eq!(expected.len(), 2);
	}

	#[test]
	fn other_methods_are_405() {
		let (store, root, _) = store();
		let path = format!("/models/{}", hex::encode(root));
		for method in [Method::POST, Method::PUT, Method::DELETE, Method::PATCH, Method::OPTIONS] {
			let response = respond(&store, &method, &path);
			assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{method}");
			assert_eq!(response.headers()[ALLOW], "GET, HEAD");
		}
		assert_eq!(respond(&store, &Method::HEAD, &path).status(), StatusCode::OK);
	}

	#[test]
	fn store_refuses_invalid_artifacts() {
		let mut store = ModelStore::default();
		let mut bytes = tiny_model(5);
		bytes.push(0);
		assert!(store.insert(bytes).is_err());
		assert!(store.insert(b"VRTM".to_vec()).is_err());
		assert!(store.is_empty());
		assert!(ModelStore::load(&[]).is_err());
	}
}
