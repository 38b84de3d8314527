//! The runtime API's view of the schedule and the subnets.

use super::*;
use polkadot_sdk::sp_runtime::Perbill;
use verity_primitives::emissions::DEFAULT_SPLIT;
use verity_primitives::emissions::{EmissionsView, SubnetEmissionView};

#[test]
fn view_reports_the_schedule_and_every_subnet() {
	ExtBuilder::default().build_and_execute(|| {
		open(2, 300);
		open(1, 100);
		run_blocks(4);
		// Subnet 1 pays its 1_000: only the owner's 180 is minted (no neurons).
		open(1, 100);

		assert_eq!(
			Emissions::emissions_view(),
			EmissionsView {
				issued: 180,
				cap: CAP,
				block_reward: BLOCK_REWARD,
				halvings: 0,
				next_halving_at: 8_000,
				genesis_issuance: 9_000,
				burned: 0,
				total_issuance: 9_180,
				split: DEFAULT_SPLIT,
				max_subnet_share: Perbill::one(),
				subnets: vec![
					SubnetEmissionView { netuid: 1, permitted_stake: 100, pending: 0, paid: 180 },
					SubnetEmissionView { netuid: 2, permitted_stake: 300, pending: 3_000, paid: 0 },
				],
			}
		);
	});
}

#[test]
fn view_reports_halvings_as_issuance_grows() {
	ExtBuilder::default().split(100, 0, 0).build_and_execute(|| {
		open(1, 100);
		run_blocks(12);
		open(1, 100);

		let view = Emissions::emissions_view();
		assert_eq!(view.issued, 12_000);
		assert_eq!(view.halvings, 2);
		assert_eq!(view.block_reward, 250);
		assert_eq!(view.next_halving_at, 14_000);
	});
}
