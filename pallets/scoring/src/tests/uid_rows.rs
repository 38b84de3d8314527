//! `UidRow` is kept as packed words: the bytes must be exactly a `BoundedVec` of pairs'.

use crate::{MaxRowLen, UidRow, WeightsRow};
use codec::{Decode, DecodeWithMemLimit, Encode, MaxEncodedLen};
use polkadot_sdk::sp_runtime::BoundedVec;
use scale_info::TypeInfo;

type PlainRow = BoundedVec<(u16, u16), MaxRowLen>;

fn rows() -> Vec<Vec<(u16, u16)>> {
	vec![
		vec![],
		vec![(0, 1)],
		vec![(0, u16::MAX), (1, 0), (255, 256), (4095, 65_534), (u16::MAX, 12_345)],
		(0..257u16).map(|j| (j, j.wrapping_mul(13))).collect(),
		(0..4096u16).map(|j| (j, j.wrapping_mul(40_503))).collect(),
	]
}

#[test]
fn a_uid_row_has_the_bytes_of_a_bounded_vec_of_pairs() {
	for entries in rows() {
		let row = UidRow::truncate_from(entries.clone());
		let plain = PlainRow::truncate_from(entries.clone());
		assert_eq!(row.encode(), plain.encode());
		assert_eq!(UidRow::decode(&mut &plain.encode()[..]).unwrap(), row);
		assert_eq!(PlainRow::decode(&mut &row.encode()[..]).unwrap(), plain);
		assert_eq!(row.len(), entries.len());
		assert_eq!(row.iter().collect::<Vec<_>>(), entries);
		assert_eq!(row.into_inner(), entries);
	}
	assert_eq!(UidRow::max_encoded_len(), PlainRow::max_encoded_len());
	assert_eq!(UidRow::type_info(), PlainRow::type_info());
}

#[test]
fn a_weights_row_round_trips() {
	let stored =
		WeightsRow { set_at: 77u32, weights: UidRow::truncate_from(vec![(3, 9), (7, 60_000)]) };
	let read = WeightsRow::<u32>::decode(&mut &stored.encode()[..]).unwrap();
	assert_eq!(read, stored);
}

#[test]
fn decoding_refuses_rows_over_the_bound_and_short_input() {
	let too_long: Vec<(u16, u16)> = (0..=4096u16).map(|j| (j, 1)).collect();
	assert!(UidRow::decode(&mut &too_long.encode()[..]).is_err());
	let words: Vec<u32> = too_long.iter().map(|&(j, w)| verity_yuma::entry(j, w)).collect();
	assert_eq!(UidRow::truncate_from(too_long.clone()).len(), 4096);
	assert_eq!(UidRow::from_words(words).into_inner(), too_long[..4096]);

	let mut short = vec![(1u16, 2u16), (3, 4)].encode();
	short.pop();
	assert!(UidRow::decode(&mut &short[..]).is_err());

	// The memory limit sees the row's allocation.
	let row = UidRow::truncate_from((0..1000u16).map(|j| (j, 1)).collect()).encode();
	assert!(UidRow::decode_with_mem_limit(&mut &row[..], 1000).is_err());
	assert!(UidRow::decode_with_mem_limit(&mut &row[..], 8000).is_ok());
}
