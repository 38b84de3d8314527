//! Random sequences of blocks, payouts, burns, dissolutions and governance calls: the
//! invariants hold after every step, and every payout adds up.

use super::*;
use crate::pallet::*;
use polkadot_sdk::{
	frame_support::{
		assert_ok,
		traits::{
			fungible::{Balanced, Mutate},
			tokens::{Fortitude, Precision, Preservation},
			OnUnbalanced,
		},
	},
	sp_runtime::{Perbill, Perquintill},
};
use proptest::prelude::*;
use verity_primitives::{
	emissions::EmissionSplit,
	traits::{BurnLedger, SubnetLifecycle},
};

#[derive(Clone, Debug)]
enum Op {
	Advance { blocks: u64 },
	Pay { netuid: NetUid, neurons: Vec<(AccountId, u64, u64)>, slack: (u64, u64), stake: Balance },
	Burn { who: AccountId, amount: Balance },
	Fee { who: AccountId, amount: Balance },
	Transfer { from: AccountId, to: AccountId, amount: Balance },
	Dissolve { netuid: NetUid },
	SetSplit { owner: u32, miners: u32, validators: u32 },
	SetShare { percent: u32 },
}

/// Accounts that hold funds: subnet owners and the coldkeys, plus an empty one.
fn account() -> impl Strategy<Value = AccountId> {
	prop_oneof![1u64..=3, 21u64..=27]
}

fn op() -> impl Strategy<Value = Op> {
	prop_oneof![
		4 => (1u64..20).prop_map(|blocks| Op::Advance { blocks }),
		4 => (
			1u16..=4,
			proptest::collection::vec((11u64..=19, 0u64..100, 0u64..100), 0..6),
			(0u64..50, 0u64..50),
			0u128..1_000,
		)
			.prop_map(|(netuid, neurons, slack, stake)| Op::Pay { netuid, neurons, slack, stake }),
		1 => (account(), 0u128..300).prop_map(|(who, amount)| Op::Burn { who, amount }),
		1 => (account(), 0u128..300).prop_map(|(who, amount)| Op::Fee { who, amount }),
		1 => (account(), account(), 0u128..1_200)
			.prop_map(|(from, to, amount)| Op::Transfer { from, to, amount }),
		1 => (1u16..=4).prop_map(|netuid| Op::Dissolve { netuid }),
		1 => (0u32..=100, 0u32..=100)
			.prop_map(|(owner, miners)| Op::SetSplit { owner, miners, validators: 100u32.saturating_sub(owner + miners) }),
		1 => (0u32..=100, 0u32..=100, 0u32..=100)
			.prop_map(|(owner, miners, validators)| Op::SetSplit { owner, miners, validators }),
		1 => (0u32..=100).prop_map(|percent| Op::SetShare { percent }),
	]
}

/// Shares proportional to `weights`, out of their sum plus `slack`: they sum to at most one.
fn shares(weights: impl Iterator<Item = u64> + Clone, slack: u64) -> Vec<Perquintill> {
	let total = weights.clone().sum::<u64>() + slack;
	weights.map(|w| Perquintill::from_rational(w, total.max(1))).collect()
}

fn apply(op: &Op) {
	match op {
		Op::Advance { blocks } => run_blocks(*blocks),
		Op::Pay { netuid, neurons, slack, stake } => {
			let hotkeys: Vec<AccountId> = neurons.iter().map(|n| n.0).collect();
			let incentive = shares(neurons.iter().map(|n| n.1), slack.0);
			let dividends = shares(neurons.iter().map(|n| n.2), slack.1);
			let issued = Issued::<Test>::get();
			let expected = Emissions::pending(*netuid);
			System::reset_events();

			let paid = pay(*netuid, &hotkeys, &incentive, &dividends, *stake);

			assert_eq!(paid.len(), hotkeys.len());
			let events = emissions_events();
			let Some(Event::EpochPaid { accrued, owner, miners, validators, unminted, .. }) =
				events.last().cloned()
			else {
				panic!("no EpochPaid event: {events:?}");
			};
			assert_eq!(accrued, expected);
			assert_eq!(accrued, owner + miners + validators + unminted);
			assert_eq!(paid.iter().sum::<Balance>(), miners + validators);
			assert_eq!(Issued::<Test>::get(), issued + owner + miners + validators);
			assert_eq!(
				SubnetEmission::<Test>::get(netuid).map(|e| e.permitted_stake),
				Some(*stake)
			);
			assert_eq!(Emissions::pending(*netuid), 0);
		}
		Op::Burn { who, amount } => {
			if let Ok(burned) = Balances::burn_from(
				who,
				*amount,
				Preservation::Expendable,
				Precision::BestEffort,
				Fortitude::Polite,
			) {
				Emissions::note_burned(burned);
			}
		}
		Op::Fee { who, amount } => {
			if let Ok(fee) = Balances::withdraw(
				who,
				*amount,
				Precision::Exact,
				Preservation::Expendable,
				Fortitude::Polite,
			) {
				Emissions::on_unbalanced(fee);
			}
		}
		Op::Transfer { from, to, amount } => {
			let _ = Balances::transfer_allow_death(RuntimeOrigin::signed(*from), *to, *amount);
		}
		Op::Dissolve { netuid } => {
			Emissions::on_subnet_dissolved(*netuid);
			assert!(SubnetEmission::<Test>::get(netuid).is_none());
		}
		Op::SetSplit { owner, miners, validators } => {
			let split = EmissionSplit {
				owner: Perbill::from_percent(*owner),
				miners: Perbill::from_percent(*miners),
				validators: Perbill::from_percent(*validators),
			};
			// Governance accepts only whole splits (pallet-network-parameters checks it).
			if split.is_whole() {
				MockSplit::set(&split);
			}
		}
		Op::SetShare { percent } => {
			if *percent > 0 {
				MockMaxSubnetShare::set(&Perbill::from_percent(*percent));
			}
		}
	}
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

	#[test]
	fn random_sequences_keep_the_invariants(ops in proptest::collection::vec(op(), 1..60)) {
		ExtBuilder::default().build_and_execute(|| {
			for op in &ops {
				apply(op);
				assert_ok!(Emissions::do_try_state());
				assert!(Issued::<Test>::get() <= CAP);
			}
		});
	}
}
