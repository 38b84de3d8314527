//! `verity miner serve` as a process: bound to a free port, fetched over real TCP with a
//! minimal HTTP/1.1 client, stopped with SIGINT.

#![allow(
	clippy::arithmetic_side_effects,
	clippy::unwrap_used,
	clippy::expect_used,
	clippy::indexing_slicing
)]

mod common;

use std::{
	collections::BTreeMap,
	io::{BufRead, BufReader, Read, Write},
	net::{SocketAddr, TcpStream},
	process::{Child, Stdio},
	time::{Duration, Instant},
};

use common::{small_model, temp_dir, verity, write_model};
use verity_evaluator::Model;

/// One HTTP response: status, lower-cased headers, body.
struct Response {
	status: u16,
	headers: BTreeMap<String, String>,
	body: Vec<u8>,
}

impl Response {
	fn json(&self) -> serde_json::Value {
		assert_eq!(self.headers["content-type"], "application/json");
		serde_json::from_slice(&self.body).unwrap()
	}
}

/// `method path` over a fresh connection (`Connection: close`, read to EOF).
fn request(address: SocketAddr, method: &str, path: &str) -> Response {
	let mut stream = TcpStream::connect(address).unwrap();
	stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
	write!(stream, "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n")
		.unwrap();
	let mut raw = Vec::new();
	stream.read_to_end(&mut raw).unwrap();
	let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("no end of headers");
	let head = std::str::from_utf8(&raw[..split]).unwrap();
	let mut lines = head.split("\r\n");
	let status_line = lines.next().unwrap();
	assert!(status_line.starts_with("HTTP/1.1 "), "{status_line}");
	let status = status_line[9..12].parse().unwrap();
	let headers: BTreeMap<String, String> = lines
		.map(|line| {
			let (name, value) = line.split_once(':').unwrap();
			(name.trim().to_ascii_lowercase(), value.trim().to_string())
		})
		.collect();
	let body = raw[split + 4..].to_vec();
	if let Some(length) = headers.get("content-length") {
		assert_eq!(body.len(), length.parse::<usize>().unwrap());
	}
	Response { status, headers, body }
}

/// The server process; killed if a test fails before stopping it.
struct Server {
	child: Child,
	address: SocketAddr,
}

impl Drop for Server {
	fn drop(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}

/// Starts `verity miner serve --listen 127.0.0.1:0 --models <paths>` and reads the bound
/// address from its first stdout line.
fn start(paths: &[&std::path::Path]) -> Server {
	let mut command = verity();
	command.args(["miner", "serve", "--listen", "127.0.0.1:0", "--models"]);
	command.args(paths);
	let mut child = command.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().unwrap();
	let mut line = String::new();
	BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
	let address = line
		.strip_prefix("listening on http://")
		.and_then(|rest| rest.split_whitespace().next())
		.unwrap_or_else(|| panic!("unexpected first line {line:?}"))
		.parse()
		.unwrap();
	Server { child, address }
}

#[test]
fn serves_models_by_root_and_stops_on_sigint() {
	let dir = temp_dir("serve");
	let (a, b) = (small_model(1), small_model(2));
	write_model(&dir, "a.vrtm", &a);
	write_model(&dir, "b.vrtm", &b);
	// Not an artifact: ignored in a directory.
	std::fs::write(dir.join("notes.txt"), "not a model").unwrap();
	let server = start(&[&dir]);
	let address = server.address;

	// The exact bytes, by root; the root of what comes back is the root asked for.
	for model in [&a, &b] {
		let root = hex::encode(model.root());
		let response = request(address, "GET", &format!("/models/{root}"));
		assert_eq!(response.status, 200);
		assert_eq!(response.headers["content-type"], "application/octet-stream");
		assert_eq!(response.body, model.encode());
		assert_eq!(Model::decode(&response.body).unwrap().root(), model.root());
	}

	// Unknown root: 404 with a JSON error naming it.
	let unknown = hex::encode([0x42u8; 32]);
	let response = request(address, "GET", &format!("/models/{unknown}"));
	assert_eq!(response.status, 404);
	let error = response.json();
	assert_eq!(error["error"], "unknown model root");
	assert_eq!(error["root"], unknown.as_str());

	// Malformed roots: 400 with a JSON error.
	for malformed in ["/models/xyz", "/models/abcd", &format!("/models/{unknown}ff")] {
		let response = request(address, "GET", malformed);
		assert_eq!(response.status, 400, "{malformed}");
		assert!(response.json()["error"].as_str().unwrap().contains("malformed"));
	}

	// Health lists the roots, sorted.
	let response = request(address, "GET", "/health");
	assert_eq!(response.status, 200);
	let mut roots = vec![hex::encode(a.root()), hex::encode(b.root())];
	roots.sort();
	assert_eq!(response.json(), serde_json::json!({ "status": "ok", "models": roots }));

	// Other methods: 405; other paths: 404.
	let response = request(address, "POST", "/health");
	assert_eq!(response.status, 405);
	assert_eq!(response.headers["allow"], "GET, HEAD");
	assert_eq!(request(address, "DELETE", &format!("/models/{}", roots[0])).status, 405);
	assert_eq!(request(address, "GET", "/").status, 404);

	stop_with_sigint(server);
	std::fs::remove_dir_all(dir).unwrap();
}

#[cfg(unix)]
fn stop_with_sigint(mut server: Server) {
	let status = std::process::Command::new("kill")
		.args(["-INT", &server.child.id().to_string()])
		.status()
		.unwrap();
	assert!(status.success());
	let deadline = Instant::now() + Duration::from_secs(15);
	loop {
		if let Some(status) = server.child.try_wait().unwrap() {
			assert!(status.success(), "serve exited with {status} after SIGINT");
			break;
		}
		assert!(Instant::now() < deadline, "serve did not stop after SIGINT");
		std::thread::sleep(Duration::from_millis(50));
	}
	// The port is closed.
	assert!(TcpStream::connect(server.address).is_err());
}

#[cfg(not(unix))]
fn stop_with_sigint(server: Server) {
	drop(server);
}

#[test]
fn serve_refuses_an_invalid_artifact() {
	let dir = temp_dir("serve-invalid");
	let good = write_model(&dir, "good.vrtm", &small_model(3));
	let bad = dir.join("bad.vrtm");
	let mut bytes = small_model(4).encode();
	bytes.pop();
	std::fs::write(&bad, bytes).unwrap();
	let output = verity()
		.args(["miner", "serve", "--listen", "127.0.0.1:0", "--models"])
		.args([&good, &bad])
		.output()
		.unwrap();
	assert!(!output.status.success());
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert!(stderr.contains("bad.vrtm is not a valid model"), "{stderr}");
	assert!(!stderr.contains("panicked"), "{stderr}");
	// An empty directory is refused too.
	let empty = temp_dir("serve-empty");
	let output = verity()
		.args(["miner", "serve", "--listen", "127.0.0.1:0", "--models"])
		.arg(&empty)
		.output()
		.unwrap();
	assert!(!output.status.success());
	assert!(String::from_utf8_lossy(&output.stderr).contains("holds no *.vrtm"));
	std::fs::remove_dir_all(dir).unwrap();
	std::fs::remove_dir_all(empty).unwrap();
}
