//! Random sequences of calls, valid and invalid, by several accounts: the invariants hold after
//! every step, and every unit minted or burned is accounted for.

use crate::{mock::*, pallet::*};
use polkadot_sdk::{frame_support::assert_ok, pallet_session::SessionManager, sp_runtime::Perbill};
use proptest::prelude::*;
use verity_primitives::traits::StakeInterface;

#[derive(Clone, Debug)]
enum Op {
	AddStake { coldkey: u64, hotkey: u64, amount: u128 },
	RemoveStake { coldkey: u64, hotkey: u64, amount: u128 },
	Withdraw { coldkey: u64, hotkey: u64 },
	SetTake { coldkey: u64, hotkey: u64, percent: u32 },
	Offer { hotkey: u64 },
	Retire { hotkey: u64 },
	SetAuthorityCount { count: u32 },
	SetUnbondingPeriod { blocks: u64 },
	Bind { coldkey: u64, hotkey: u64 },
	Slash { hotkey: u64, percent: u32, beneficiary: Option<(u64, u32)> },
	Reward { hotkey: u64, amount: u128 },
	NewSession,
	Advance { blocks: u64 },
}

fn coldkey() -> impl Strategy<Value = u64> {
	1u64..=6
}

/// Hotkeys overlap the coldkeys, so that a coldkey can stake on itself.
fn hotkey() -> impl Strategy<Value = u64> {
	4u64..=10
}

fn op() -> impl Strategy<Value = Op> {
	prop_oneof![
		4 => (coldkey(), hotkey(), 0u128..300)
			.prop_map(|(coldkey, hotkey, amount)| Op::AddStake { coldkey, hotkey, amount }),
		3 => (coldkey(), hotkey(), 0u128..150)
			.prop_map(|(coldkey, hotkey, amount)| Op::RemoveStake { coldkey, hotkey, amount }),
		2 => (coldkey(), hotkey()).prop_map(|(coldkey, hotkey)| Op::Withdraw { coldkey, hotkey }),
		1 => (coldkey(), hotkey(), 0u32..25)
			.prop_map(|(coldkey, hotkey, percent)| Op::SetTake { coldkey, hotkey, percent }),
		1 => hotkey().prop_map(|hotkey| Op::Offer { hotkey }),
		1 => hotkey().prop_map(|hotkey| Op::Retire { hotkey }),
		1 => (0u32..5).prop_map(|count| Op::SetAuthorityCount { count }),
		1 => (0u64..30).prop_map(|blocks| Op::SetUnbondingPeriod { blocks }),
		1 => (coldkey(), hotkey()).prop_map(|(coldkey, hotkey)| Op::Bind { coldkey, hotkey }),
		2 => (hotkey(), 0u32..=100, proptest::option::of((1u64..=30, 0u32..=100)))
			.prop_map(|(hotkey, percent, beneficiary)| Op::Slash { hotkey, percent, beneficiary }),
		2 => (hotkey(), 0u128..500).prop_map(|(hotkey, amount)| Op::Reward { hotkey, amount }),
		1 => Just(Op::NewSession),
		2 => (1u64..15).prop_map(|blocks| Op::Advance { blocks }),
	]
}

/// Applies `op`, ignoring whether it succeeds; returns (minted, burned).
fn apply(op: &Op) -> (u128, u128) {
	let signed = RuntimeOrigin::signed;
	match *op {
		Op::AddStake { coldkey, hotkey, amount } => {
			let _ = Stake::add_stake(signed(coldkey), hotkey, amount);
		}
		Op::RemoveStake { coldkey, hotkey, amount } => {
			let _ = Stake::remove_stake(signed(coldkey), hotkey, amount);
		}
		Op::Withdraw { coldkey, hotkey } => {
			let _ = Stake::withdraw_unbonded(signed(coldkey), hotkey);
		}
		Op::SetTake { coldkey, hotkey, percent } => {
			let _ = Stake::set_take(signed(coldkey), hotkey, Perbill::from_percent(percent));
		}
		Op::Offer { hotkey } => {
			let _ = Stake::offer_authority(signed(hotkey));
		}
		Op::Retire { hotkey } => {
			let _ = Stake::retire_authority(signed(hotkey));
		}
		Op::SetAuthorityCount { count } => {
			MockAuthorityCount::set(&count.max(1));
		}
		Op::SetUnbondingPeriod { blocks } => {
			MockUnbondingPeriod::set(&blocks.max(MIN_UNBONDING));
		}
		Op::Bind { coldkey, hotkey } => {
			let _ = Stake::bind_hotkey(&coldkey, &hotkey);
		}
		Op::Slash { hotkey, percent, beneficiary } => {
			let outcome = Stake::slash(
				&hotkey,
				Perbill::from_percent(percent),
				beneficiary.map(|(who, share)| (who, Perbill::from_percent(share))),
			);
			assert_eq!(outcome.slashed, outcome.rewarded + outcome.burned);
			return (0, outcome.burned);
		}
		Op::Reward { hotkey, amount } => {
			if let Ok(minted) = Stake::distribute_reward(&hotkey, amount) {
				assert_eq!(minted, amount);
				return (minted, 0);
			}
		}
		Op::NewSession => {
			if let Some(authorities) = Stake::new_session(1) {
				assert!(!authorities.is_empty());
				assert!(authorities.len() <= MockAuthorityCount::get() as usize);
				assert!(authorities.iter().all(AuthorityCandidates::<Test>::contains_key));
			}
		}
		Op::Advance { blocks } => run_to_block(System::block_number() + blocks),
	}
	(0, 0)
}

fn check_step() {
	assert_ok!(Stake::do_try_state());
	// Every hold, including those of coldkeys without ledgers, is stake.
	let held: u128 = (1..=30).map(staked).sum();
	assert_eq!(held, TotalStake::<Test>::get());
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

	#[test]
	fn random_calls_keep_the_invariants(ops in proptest::collection::vec(op(), 1..60)) {
		ExtBuilder::default().build_and_execute(|| {
			register_session_keys(&[4, 5, 6, 7, 8]);
			let mut issuance = Balances::total_issuance();
			for op in &ops {
				let (minted, burned) = apply(op);
				check_step();
				issuance = issuance + minted - burned;
				assert_eq!(Balances::total_issuance(), issuance, "after {op:?}");
			}
		});
	}
}
