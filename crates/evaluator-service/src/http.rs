//! A blocking HTTP/1.1 `GET` for models: one request per connection, an overall deadline, and
//! a size limit enforced while reading (a miner cannot make a validator's node read more than
//! the committed model size).
//!
//! Only `http://` URLs: miners serve models with `verity miner serve`, which speaks plain
//! HTTP/1.1. Bodies are delimited by `Content-Length`, by chunked transfer encoding, or by the
//! end of the connection.

use std::{
	fmt,
	io::{Read, Write},
	net::{SocketAddr, TcpStream, ToSocketAddrs},
	time::{Duration, Instant},
};

/// The most header bytes a response may have.
const MAX_HEADER_BYTES: usize = 16 * 1024;
/// The most headers a response may have.
const MAX_HEADERS: usize = 64;

/// Why a model could not be fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
	/// The URL is not `http://host[:port]/path`.
	BadUrl(String),
	/// The host did not resolve, or the connection failed.
	Connect(String),
	/// Reading or writing failed.
	Io(String),
	/// The deadline passed.
	Timeout,
	/// The response is not HTTP/1.x, or its framing is broken.
	BadResponse(String),
	/// The response's status is not 200.
	Status(u16),
	/// The body is larger than allowed.
	TooLarge {
		/// The limit, in bytes.
		limit: u64,
	},
}

impl fmt::Display for FetchError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::BadUrl(url) => write!(f, "not an http:// URL: {url}"),
			Self::Connect(e) => write!(f, "cannot connect: {e}"),
			Self::Io(e) => write!(f, "i/o error: {e}"),
			Self::Timeout => write!(f, "timed out"),
			Self::BadResponse(e) => write!(f, "malformed response: {e}"),
			Self::Status(code) => write!(f, "HTTP status {code}"),
			Self::TooLarge { limit } => write!(f, "body larger than {limit} bytes"),
		}
	}
}

impl std::error::Error for FetchError {}

/// The parts of an `http://` URL.
#[derive(Debug, PartialEq, Eq)]
struct Url<'a> {
	/// The host as written (an IPv6 address keeps its brackets).
	host: &'a str,
	/// The port (80 when absent).
	port: u16,
	/// The path with its query, from the first `/`.
	path: &'a str,
}

fn parse_url(url: &str) -> Result<Url<'_>, FetchError> {
	let bad = || FetchError::BadUrl(url.to_string());
	let rest = url.strip_prefix("http://").ok_or_else(bad)?;
	let (authority, path) = match rest.find('/') {
		Some(at) => rest.split_at(at),
		None => (rest, "/"),
	};
	let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
		let (address, after) = v6.split_once(']').ok_or_else(bad)?;
		let port = match after.strip_prefix(':') {
			Some(port) => port.parse().map_err(|_| bad())?,
			None if after.is_empty() => 80,
			None => return Err(bad()),
		};
		let host_len = address.len().checked_add(2).ok_or_else(bad)?;
		(authority.get(..host_len).ok_or_else(bad)?, port)
	} else {
		match authority.rsplit_once(':') {
			Some((host, port)) => (host, port.parse().map_err(|_| bad())?),
			None => (authority, 80),
		}
	};
	if host.is_empty() || port == 0 {
		return Err(bad());
	}
	Ok(Url { host, port, path })
}

/// The time left before `deadline`, or [`FetchError::Timeout`].
fn remaining(deadline: Instant) -> Result<Duration, FetchError> {
	deadline
		.checked_duration_since(Instant::now())
		.filter(|left| !left.is_zero())
		.ok_or(FetchError::Timeout)
}

fn io_error(e: std::io::Error) -> FetchError {
	match e.kind() {
		std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => FetchError::Timeout,
		_ => FetchError::Io(e.to_string()),
	}
}

/// `GET url`: the body of a 200 response of at most `limit` bytes, within `timeout`.
pub fn get(url: &str, limit: u64, timeout: Duration) -> Result<Vec<u8>, FetchError> {
	let deadline = Instant::now().checked_add(timeout).ok_or(FetchError::Timeout)?;
	let parsed = parse_url(url)?;
	let host = parsed.host.trim_start_matches('[').trim_end_matches(']');
	let addresses: Vec<SocketAddr> = (host, parsed.port)
		.to_socket_addrs()
		.map_err(|e| FetchError::Connect(e.to_string()))?
		.collect();
	let mut last_error = FetchError::Connect(format!("{host} has no address"));
	let mut stream = None;
	for address in addresses {
		match TcpStream::connect_timeout(&address, remaining(deadline)?) {
			Ok(connected) => {
				stream = Some(connected);
				break;
			}
			Err(e) => last_error = FetchError::Connect(e.to_string()),
		}
	}
	let mut stream = stream.ok_or(last_error)?;

	let request = format!(
		"GET {} HTTP/1.1\r\nHost: {}:{}\r\nUser-Agent: verity-node\r\nAccept: \
		 application/octet-stream\r\nConnection: close\r\n\r\n",
		parsed.path, parsed.host, parsed.port
	);
	stream.set_write_timeout(Some(remaining(deadline)?)).map_err(io_error)?;
	stream.write_all(request.as_bytes()).map_err(io_error)?;

	// Everything the response may hold: headers, the body, and chunk framing.
	let framing = u64::try_from(MAX_HEADER_BYTES).unwrap_or(u64::MAX).saturating_mul(2);
	let cap = limit.saturating_add(framing);
	let mut received = Vec::new();
	let mut buffer = [0u8; 64 * 1024];
	let mut head: Option<(usize, Option<u64>, bool)> = None;
	loop {
		stream.set_read_timeout(Some(remaining(deadline)?)).map_err(io_error)?;
		let read = stream.read(&mut buffer).map_err(io_error)?;
		if read == 0 {
			break;
		}
		received.extend_from_slice(buffer.get(..read).unwrap_or_default());
		if u64::try_from(received.len()).unwrap_or(u64::MAX) > cap {
			return Err(FetchError::TooLarge { limit });
		}
		if head.is_none() {
			head = parse_head(&received, limit)?;
		}
		if let Some((header_len, Some(length), false)) = head {
			let have = received.len().saturating_sub(header_len);
			if u64::try_from(have).unwrap_or(u64::MAX) >= length {
				break;
			}
		}
	}
	let (header_len, length, chunked) = match head {
		Some(head) => head,
		None => parse_head(&received, limit)?
			.ok_or_else(|| FetchError::BadResponse("connection closed in the headers".into()))?,
	};
	let body = received.get(header_len..).unwrap_or_default();
	let body = if chunked {
		decode_chunked(body, limit)?
	} else if let Some(length) = length {
		let length = usize::try_from(length).map_err(|_| FetchError::TooLarge { limit })?;
		body.get(..length)
			.ok_or_else(|| FetchError::BadResponse("body shorter than its Content-Length".into()))?
			.to_vec()
	} else {
		body.to_vec()
	};
	if u64::try_from(body.len()).unwrap_or(u64::MAX) > limit {
		return Err(FetchError::TooLarge { limit });
	}
	Ok(body)
}

/// Parses the response head once it is complete: `(head length, Content-Length, chunked)`.
/// Refuses a status other than 200 and a declared length above `limit`.
fn parse_head(
	received: &[u8],
	limit: u64,
) -> Result<Option<(usize, Option<u64>, bool)>, FetchError> {
	let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
	let mut response = httparse::Response::new(&mut headers);
	let header_len = match response.parse(received) {
		Ok(httparse::Status::Complete(len)) => len,
		Ok(httparse::Status::Partial) => {
			if received.len() > MAX_HEADER_BYTES {
				return Err(FetchError::BadResponse("headers too long".into()));
			}
			return Ok(None);
		}
		Err(e) => return Err(FetchError::BadResponse(e.to_string())),
	};
	let status = response.code.unwrap_or(0);
	if status != 200 {
		return Err(FetchError::Status(status));
	}
	let mut length = None;
	let mut chunked = false;
	for header in response.headers.iter() {
		let value = std::str::from_utf8(header.value).unwrap_or("").trim();
		if header.name.eq_ignore_ascii_case("content-length") {
			let declared: u64 = value
				.parse()
				.map_err(|_| FetchError::BadResponse(format!("Content-Length {value:?}")))?;
			if declared > limit {
				return Err(FetchError::TooLarge { limit });
			}
			length = Some(declared);
		} else if header.name.eq_ignore_ascii_case("transfer-encoding") {
			chunked =
				value.to_ascii_lowercase().split(',').any(|coding| coding.trim() == "chunked");
		}
	}
	Ok(Some((header_len, length, chunked)))
}

/// The body of a chunked message, of at most `limit` bytes.
fn decode_chunked(mut input: &[u8], limit: u64) -> Result<Vec<u8>, FetchError> {
	let broken = || FetchError::BadResponse("broken chunked encoding".into());
	let mut body = Vec::new();
	loop {
		let line_end = input.windows(2).position(|pair| pair == b"\r\n").ok_or_else(broken)?;
		let line =
			std::str::from_utf8(input.get(..line_end).ok_or_else(broken)?).map_err(|_| broken())?;
		let size_text = line.split(';').next().unwrap_or("").trim();
		let size = usize::from_str_radix(size_text, 16).map_err(|_| broken())?;
		input = input.get(line_end.saturating_add(2)..).ok_or_else(broken)?;
		if size == 0 {
			return Ok(body);
		}
		let chunk = input.get(..size).ok_or_else(broken)?;
		body.extend_from_slice(chunk);
		if u64::try_from(body.len()).unwrap_or(u64::MAX) > limit {
			return Err(FetchError::TooLarge { limit });
		}
		input = input.get(size.saturating_add(2)..).ok_or_else(broken)?;
	}
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
	use super::*;
	use std::{net::TcpListener, thread};

	/// Serves `response` once on a local port; returns the URL base.
	fn serve_once(response: Vec<u8>) -> String {
		let listener = TcpListener::bind("127.0.0.1:0").unwrap();
		let port = listener.local_addr().unwrap().port();
		thread::spawn(move || {
			let (mut stream, _) = listener.accept().unwrap();
			let mut request = [0u8; 4096];
			let _ = stream.read(&mut request).unwrap();
			stream.write_all(&response).unwrap();
		});
		format!("http://127.0.0.1:{port}")
	}

	#[test]
	fn urls_parse_with_ports_paths_and_ipv6() {
		assert_eq!(
			parse_url("http://127.0.0.1:8700/models/0xab").unwrap(),
			Url { host: "127.0.0.1", port: 8700, path: "/models/0xab" }
		);
		assert_eq!(
			parse_url("http://[::1]:80/x").unwrap(),
			Url { host: "[::1]", port: 80, path: "/x" }
		);
		assert_eq!(parse_url("http://example.org").unwrap().path, "/");
		assert!(matches!(parse_url("https://a/b"), Err(FetchError::BadUrl(_))));
		assert!(matches!(parse_url("http://a:0/b"), Err(FetchError::BadUrl(_))));
		assert!(matches!(parse_url("http://a:x/b"), Err(FetchError::BadUrl(_))));
	}

	#[test]
	fn fetches_a_content_length_body() {
		let base = serve_once(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello".to_vec());
		assert_eq!(get(&format!("{base}/m"), 5, Duration::from_secs(5)).unwrap(), b"hello");
	}

	#[test]
	fn fetches_a_chunked_body() {
		let base = serve_once(
			b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n"
				.to_vec(),
		);
		assert_eq!(get(&format!("{base}/m"), 5, Duration::from_secs(5)).unwrap(), b"hello");
	}

	#[test]
	fn refuses_a_body_above_the_limit() {
		let declared = serve_once(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nhello!".to_vec());
		assert_eq!(
			get(&format!("{declared}/m"), 5, Duration::from_secs(5)),
			Err(FetchError::TooLarge { limit: 5 })
		);
		let undeclared = serve_once(b"HTTP/1.1 200 OK\r\n\r\nhello!".to_vec());
		assert_eq!(
			get(&format!("{undeclared}/m"), 5, Duration::from_secs(5)),
			Err(FetchError::TooLarge { limit: 5 })
		);
	}

	#[test]
	fn reports_statuses_and_refused_connections() {
		let base = serve_once(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".to_vec());
		assert_eq!(
			get(&format!("{base}/m"), 5, Duration::from_secs(5)),
			Err(FetchError::Status(404))
		);
		let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
		assert!(matches!(
			get(&format!("http://127.0.0.1:{port}/m"), 5, Duration::from_secs(5)),
			Err(FetchError::Connect(_))
		));
	}

	#[test]
	fn times_out_on_a_silent_server() {
		let listener = TcpListener::bind("127.0.0.1:0").unwrap();
		let port = listener.local_addr().unwrap().port();
		let silent = thread::spawn(move || {
			let (stream, _) = listener.accept().unwrap();
			thread::sleep(Duration::from_millis(1_500));
			drop(stream);
		});
		let started = Instant::now();
		assert_eq!(
			get(&format!("http://127.0.0.1:{port}/m"), 5, Duration::from_millis(300)),
			Err(FetchError::Timeout)
		);
		assert!(started.elapsed() < Duration::from_millis(1_400));
		silent.join().unwrap();
	}
}
