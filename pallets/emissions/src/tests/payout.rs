//! Paying a subnet's epoch: the split, the shares per UID, and payments that fail.

use super::*;
use crate::pallet::*;
use polkadot_sdk::sp_runtime::Perquintill;

/// Opens subnet 1 with permitted stake 100 and lets `blocks` blocks accrue to it alone.
fn subnet_one_with_pending(blocks: u64) {
	open(1, 100);
	run_blocks(blocks);
	emissions_events();
}

#[test]
fn split_pays_owner_miners_and_validators_to_the_unit() {
	ExtBuilder::default().build_and_execute(|| {
		subnet_one_with_pending(10);
		assert_eq!(Emissions::pending(1), 10_000);

		let paid =
			pay(1, &[11, 12, 13], &[pct(60), pct(40), pct(0)], &[pct(0), pct(25), pct(75)], 100);

		// Owner 18% = 1_800; miners 41% = 4_100 (2_460 + 1_640); validators 4_100
		// (1_025 + 3_075).
		assert_eq!(paid, vec![2_460, 1_640 + 1_025, 3_075]);
		assert_eq!(free(1), INITIAL_BALANCE + 1_800);
		assert_eq!(free(21), INITIAL_BALANCE + 2_460);
		assert_eq!(free(22), INITIAL_BALANCE + 1_640 + 1_025);
		assert_eq!(free(23), INITIAL_BALANCE + 3_075);
		assert_eq!(rewards(), vec![(12, 1_025), (13, 3_075)]);
		assert_eq!(Issued::<Test>::get(), 10_000);
		assert_eq!(SubnetEmission::<Test>::get(1).map(|entry| entry.paid), Some(10_000));
		assert_eq!(
			emissions_events(),
			vec![Event::EpochPaid {
				netuid: 1,
				accrued: 10_000,
				owner: 1_800,
				miners: 4_100,
				validators: 4_100,
				unminted: 0
			}]
		);
		assert_eq!(Emissions::pending(1), 0);
	});
}

#[test]
fn rounding_dust_and_unclaimed_pots_are_not_minted() {
	ExtBuilder::default().build_and_execute(|| {
		subnet_one_with_pending(1);
		let third = Perquintill::from_rational(1u64, 3);
		let zero = Perquintill::zero();

		let paid = pay(1, &[11, 12, 13], &[third, third, third], &[zero, zero, zero], 100);

		// 410 / 3 = 136 each, 2 left over; dividends all zero leave the validators' 410.
		assert_eq!(paid, vec![136, 136, 136]);
		assert_eq!(
			emissions_events(),
			vec![Event::EpochPaid {
				netuid: 1,
				accrued: 1_000,
				owner: 180,
				miners: 408,
				validators: 0,
				unminted: 412
			}]
		);
		assert_eq!(Issued::<Test>::get(), 588);
	});
}

#[test]
fn failed_mints_are_counted_as_unminted() {
	ExtBuilder::default().build_and_execute(|| {
		subnet_one_with_pending(1);

		// 19 has no owner; 17's coldkey (27) is empty and 2 is below the existential deposit.
		let paid = pay(
			1,
			&[11, 19, 17],
			&[
				pct(50),
				Perquintill::from_parts(495_000_000_000_000_000),
				Perquintill::from_parts(5_000_000_000_000_000),
			],
			&[pct(0), pct(100), pct(0)],
			100,
		);

		assert_eq!(paid, vec![205, 0, 0]);
		assert_eq!(free(27), 0);
		assert!(rewards().is_empty());
		assert_eq!(
			emissions_events(),
			vec![Event::EpochPaid {
				netuid: 1,
				accrued: 1_000,
				owner: 180,
				miners: 205,
				validators: 0,
				unminted: 615
			}]
		);
		assert_eq!(Issued::<Test>::get(), 385);
		assert_eq!(SubnetEmission::<Test>::get(1).map(|entry| entry.paid), Some(385));
	});
}

#[test]
fn a_subnet_without_owner_pays_no_owner_part() {
	ExtBuilder::default().build_and_execute(|| {
		subnet_one_with_pending(1);
		remove_subnet(1);

		pay(1, &[11], &[pct(100)], &[pct(100)], 100);

		assert_eq!(free(1), INITIAL_BALANCE);
		assert_eq!(
			emissions_events(),
			vec![Event::EpochPaid {
				netuid: 1,
				accrued: 1_000,
				owner: 0,
				miners: 410,
				validators: 410,
				unminted: 180
			}]
		);
	});
}

#[test]
fn shares_above_one_never_exceed_the_pot() {
	ExtBuilder::default().build_and_execute(|| {
		subnet_one_with_pending(1);

		let paid = pay(1, &[11, 12], &[pct(100), pct(100)], &[pct(70), pct(70)], 100);

		assert_eq!(paid, vec![410 + 287, 123]);
		assert_eq!(Issued::<Test>::get(), 1_000);
	});
}

#[test]
fn payout_returns_one_amount_per_hotkey() {
	ExtBuilder::default().build_and_execute(|| {
		subnet_one_with_pending(1);

		// Shares missing for the last hotkey, and one extra share without a hotkey.
		let paid =
			pay(1, &[11, 12, 13], &[pct(50), pct(50)], &[pct(0), pct(0), pct(50), pct(50)], 100);

		assert_eq!(paid, vec![205, 205, 205]);
	});
}

#[test]
fn a_new_split_applies_from_the_next_epoch() {
	ExtBuilder::default().build_and_execute(|| {
		subnet_one_with_pending(1);
		let split = verity_primitives::emissions::EmissionSplit {
			owner: polkadot_sdk::sp_runtime::Perbill::from_percent(50),
			miners: polkadot_sdk::sp_runtime::Perbill::from_percent(50),
			validators: polkadot_sdk::sp_runtime::Perbill::zero(),
		};
		MockSplit::set(&split);

		let paid = pay(1, &[11], &[pct(100)], &[pct(100)], 100);

		assert_eq!(paid, vec![500]);
		assert_eq!(free(1), INITIAL_BALANCE + 500);
	});
}
