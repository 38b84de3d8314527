//! Converts scikit-learn's `digits.csv` (UCI 8×8 handwritten digits) into `data/digits.vrtd`.
//!
//! ```text
//! pip download scikit-learn --no-deps --only-binary=:all: -d /tmp/skl
//! unzip -o /tmp/skl/scikit_learn-*.whl 'sklearn/datasets/data/digits.csv.gz' -d /tmp/skl
//! zcat /tmp/skl/sklearn/datasets/data/digits.csv.gz \
//!     | cargo run --example convert_digits > data/digits.vrtd
//! ```
//!
//! Each CSV line holds 64 pixels in `0..=16` then the label in `0..=9`. A pixel `v` becomes
//! `(v · 255 + 8) / 16` (integer division), so 0 → 0 and 16 → 255. Lines keep their order.

use std::io::{self, Read, Write};

use verity_evaluator::Dataset;

const PIXELS: usize = 64;
const CLASSES: u32 = 10;

fn scale(v: u32) -> u8 {
	// v ≤ 16 (checked by the caller): (16 · 255 + 8) / 16 = 255, no overflow.
	let scaled = v.saturating_mul(255).saturating_add(8) / 16;
	u8::try_from(scaled).unwrap_or(u8::MAX)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
	let mut csv = String::new();
	io::stdin().read_to_string(&mut csv)?;
	let (mut labels, mut samples) = (Vec::new(), Vec::new());
	for (line_number, line) in csv.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
		let values: Vec<u32> =
			line.split(',').map(|v| v.trim().parse::<u32>()).collect::<Result<_, _>>()?;
		let (label, pixels) = values.split_last().ok_or("empty line")?;
		if pixels.len() != PIXELS || pixels.iter().any(|&v| v > 16) || *label >= CLASSES {
			return Err(format!(
				"line {}: not 64 pixels in 0..=16 and a digit",
				line_number.saturating_add(1)
			)
			.into());
		}
		labels.push(u8::try_from(*label)?);
		samples.extend(pixels.iter().map(|&v| scale(v)));
	}
	let dataset = Dataset::new(PIXELS as u32, CLASSES, labels, samples)?;
	io::stdout().write_all(&dataset.encode())?;
	eprintln!(
		"{} samples, root {}",
		dataset.sample_count(),
		dataset.root().iter().map(|b| format!("{b:02x}")).collect::<String>()
	);
	Ok(())
}
