//! The epoch reads and writes rows as packed words: the bytes must be exactly a row's.

use crate::{
	types::{PackedRow, PackedWeightsRow},
	UidRow, WeightsRow,
};
use codec::{Decode, Encode};
use polkadot_sdk::sp_runtime::BoundedVec;

fn row(entries: &[(u16, u16)]) -> UidRow {
	BoundedVec::truncate_from(entries.to_vec())
}

#[test]
fn a_packed_row_has_the_bytes_of_its_pairs() {
	let rows = [
		row(&[]),
		row(&[(0, 1)]),
		row(&[(0, u16::MAX), (1, 0), (255, 256), (4095, 65_534), (u16::MAX, 12_345)]),
		row(&(0..4096u16).map(|j| (j, j.wrapping_mul(40_503))).collect::<Vec<_>>()),
	];
	for row in rows {
		let packed = PackedRow::from_pairs(&row);
		assert_eq!(packed.encode(), row.encode());
		let read = PackedRow::decode(&mut &row.encode()[..]).unwrap();
		assert_eq!(read, packed);
		assert_eq!(read.into_pairs(), row.into_inner());
	}
}

#[test]
fn a_weights_row_reads_as_packed() {
	let stored = WeightsRow { set_at: 77u32, weights: row(&[(3, 9), (7, 60_000)]) };
	let read = PackedWeightsRow::<u32>::decode(&mut &stored.encode()[..]).unwrap();
	assert_eq!(read.set_at, 77);
	assert_eq!(read.weights.into_pairs(), vec![(3, 9), (7, 60_000)]);
}
