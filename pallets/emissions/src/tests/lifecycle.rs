//! What the pallet does when subnets come and go.

use super::*;
use crate::{pallet::*, weights::WeightInfo};
use polkadot_sdk::sp_runtime::Weight;
use verity_primitives::traits::SubnetLifecycle;

#[test]
fn dissolved_subnet_forfeits_its_pending() {
	ExtBuilder::default().build_and_execute(|| {
		open(1, 100);
		open(2, 100);
		run_blocks(2);
		assert_eq!(Emissions::pending(1), 1_000);
		emissions_events();

		Emissions::on_subnet_dissolved(1);

		assert!(SubnetEmission::<Test>::get(1).is_none());
		assert_eq!(TotalPermittedStake::<Test>::get(), 100);
		assert_eq!(
			emissions_events(),
			vec![Event::EmissionForfeited { netuid: 1, pending: 1_000 }]
		);
		assert_eq!(Issued::<Test>::get(), 0);
		assert_eq!(Emissions::pending(1), 0);
		// Subnet 2 now accrues every block alone.
		run_blocks(1);
		assert_eq!(Emissions::pending(2), 2_000);
	});
}

#[test]
fn a_subnet_created_again_on_a_dissolved_netuid_starts_afresh() {
	ExtBuilder::default().build_and_execute(|| {
		open(1, 100);
		run_blocks(2);
		Emissions::on_subnet_dissolved(1);

		let paid = pay(1, &[11], &[pct(100)], &[pct(0)], 100);

		assert_eq!(paid, vec![0]);
		assert_eq!(Issued::<Test>::get(), 0);
		assert_eq!(SubnetEmission::<Test>::get(1).map(|entry| entry.paid), Some(0));
	});
}

#[test]
fn dissolving_a_subnet_without_entry_does_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		open(1, 100);
		emissions_events();

		Emissions::on_subnet_dissolved(2);

		assert_eq!(TotalPermittedStake::<Test>::get(), 100);
		assert!(emissions_events().is_empty());
	});
}

#[test]
fn creation_and_replacement_hooks_do_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		open(1, 100);
		let before = SubnetEmission::<Test>::get(1);

		Emissions::on_subnet_created(2);
		Emissions::on_neuron_replaced(1, 0);

		assert_eq!(SubnetEmission::<Test>::get(1), before);
		assert!(SubnetEmission::<Test>::get(2).is_none());
		assert_eq!(<Emissions as SubnetLifecycle>::subnet_created_weight(), Weight::zero());
		assert_eq!(<Emissions as SubnetLifecycle>::neuron_replaced_weight(), Weight::zero());
		assert_eq!(
			<Emissions as SubnetLifecycle>::subnet_dissolved_weight(),
			<() as WeightInfo>::on_subnet_dissolved()
		);
	});
}
