//! Benchmarks of the emissions pallet, each in its worst case.

use super::*;
use crate::pallet::*;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::traits::Hooks;
use polkadot_sdk::frame_benchmarking;
use polkadot_sdk::sp_runtime::{traits::One, Perquintill, Saturating};
use verity_primitives::{
	subnets::{NetUid, MAX_UIDS_LIMIT, MAX_VALIDATORS_LIMIT},
	traits::{EpochPayout, NetworkBenchmarkHelper, RewardIssuer},
	Balance,
};

/// The permitted stake the benchmark subnets report.
const PERMITTED_STAKE: Balance = 1_000_000_000_000;

/// How many blocks accrue between the benchmark subnet's two epochs.
const ACCRUAL_BLOCKS: u32 = 100;

/// Runs the accrual of `blocks` blocks.
fn accrue_blocks<T: Config>(blocks: u32) {
	let mut now = frame_system::Pallet::<T>::block_number();
	for _ in 0..blocks {
		now = now.saturating_add(One::one());
		frame_system::Pallet::<T>::set_block_number(now);
		Pallet::<T>::on_initialize(now);
	}
}

/// Opens the subnet's entry with a first epoch, then lets it accrue: its next epoch pays.
fn subnet_with_pending<T: Config>(netuid: NetUid, hotkeys: &[T::AccountId]) {
	let zeros: Vec<Perquintill> = hotkeys.iter().map(|_| Perquintill::zero()).collect();
	Pallet::<T>::pay_epoch(
		netuid,
		EpochPayout {
			hotkeys,
			incentive: &zeros,
			dividends: &zeros,
			permitted_stake: PERMITTED_STAKE,
		},
	);
	accrue_blocks::<T>(ACCRUAL_BLOCKS);
	assert!(Pallet::<T>::pending(netuid) > 0, "the benchmark subnet accrued nothing");
}

/// `count` equal shares of one over the first `count` of `len` UIDs, zero for the rest.
fn equal_shares(count: u32, len: usize) -> Vec<Perquintill> {
	let share = Perquintill::from_rational(1, u64::from(count.max(1)));
	(0..len)
		.map(|uid| if (uid as u64) < u64::from(count) { share } else { Perquintill::zero() })
		.collect()
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// A block's accrual with permitted stake and a reward left.
	#[benchmark]
	fn on_initialize() {
		let (netuid, hotkeys) = T::BenchmarkHelper::subnet_with_neurons(1, 1);
		subnet_with_pending::<T>(netuid, &hotkeys);
		let before = TotalAccrued::<T>::get();
		let now = frame_system::Pallet::<T>::block_number().saturating_add(One::one());

		#[block]
		{
			Pallet::<T>::on_initialize(now);
		}

		assert!(TotalAccrued::<T>::get() > before);
	}

	/// `n` UIDs with incentive, each minted into its own coldkey, and `v` UIDs with dividends,
	/// each distributed as stake, on a subnet that has accrued.
	#[benchmark]
	fn pay_epoch(
		n: Linear<0, { u32::from(MAX_UIDS_LIMIT) }>,
		v: Linear<0, { u32::from(MAX_VALIDATORS_LIMIT) }>,
	) {
		let neurons = n.max(v).max(1);
		let (netuid, hotkeys) = T::BenchmarkHelper::subnet_with_neurons(
			u16::try_from(neurons).unwrap_or(MAX_UIDS_LIMIT),
			u16::try_from(v).unwrap_or(MAX_VALIDATORS_LIMIT),
		);
		subnet_with_pending::<T>(netuid, &hotkeys);
		let incentive = equal_shares(n, hotkeys.len());
		let dividends = equal_shares(v, hotkeys.len());
		let issued = Issued::<T>::get();

		#[block]
		{
			Pallet::<T>::pay_epoch(
				netuid,
				EpochPayout {
					hotkeys: &hotkeys,
					incentive: &incentive,
					dividends: &dividends,
					permitted_stake: PERMITTED_STAKE,
				},
			);
		}

		assert!(Issued::<T>::get() > issued);
	}

	/// Dissolving a subnet with an entry and pending accrual.
	#[benchmark]
	fn on_subnet_dissolved() {
		let (netuid, hotkeys) = T::BenchmarkHelper::subnet_with_neurons(1, 1);
		subnet_with_pending::<T>(netuid, &hotkeys);

		#[block]
		{
			<Pallet<T> as SubnetLifecycle>::on_subnet_dissolved(netuid);
		}

		assert!(!SubnetEmission::<T>::contains_key(netuid));
	}

	/// An audit reward minted as stake on a staked hotkey.
	#[benchmark]
	fn issue_reward() -> Result<(), BenchmarkError> {
		let (_, hotkeys) = T::BenchmarkHelper::subnet_with_neurons(1, 1);
		let hotkey = hotkeys.first().ok_or(BenchmarkError::Stop("no hotkey"))?;
		let issued = Issued::<T>::get();

		#[block]
		{
			let _ = <Pallet<T> as RewardIssuer<T::AccountId>>::issue_reward(hotkey, 1_000);
		}

		assert_eq!(Issued::<T>::get(), issued.saturating_add(1_000));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_bench_ext(), crate::mock::Test);
}
