//! Random sequences of calls, valid and invalid, from several accounts: the invariants hold
//! after every step.

use crate::mock::*;
use polkadot_sdk::sp_core::H256;
use proptest::prelude::*;
use verity_primitives::subnets::SubnetCreationParameters;
use verity_primitives::{
	subnets::{Endpoint, HardwareClass, Hyperparameter, IpAddress, Protocol},
	traits::SubnetsInterface,
};

/// Coldkeys: three funded, one broke. Actions pick one by index; an index past the end picks
/// the natural caller (the hotkey's usual owner, the subnet's owner).
const COLDKEYS: [AccountId; 4] = [ALICE, BOB, CHARLIE, PAUPER];

#[derive(Clone, Debug)]
enum Action {
	CreateSubnet { owner: usize },
	DissolveSubnet { caller: Option<usize>, netuid: u16 },
	SetHyperparameter { caller: usize, netuid: u16, param: Hyperparameter },
	Register { coldkey: usize, netuid: u16, hotkey: u64 },
	Serve { hotkey: u64, netuid: u16, port: u16 },
	CommitModel { hotkey: u64, netuid: u16, size: u64 },
	SetOperatorProfile { coldkey: usize, provider: Vec<u8> },
	SetNetworkParams { max_subnets: u16, min_lock: u128 },
	SetPruningScores { netuid: u16, scores: Vec<u16> },
	AdvanceBlocks { blocks: u64 },
}

fn hyperparameter() -> impl Strategy<Value = Hyperparameter> {
	prop_oneof![
		(0u16..20).prop_map(Hyperparameter::MaxUids),
		(0u16..10).prop_map(Hyperparameter::MaxValidators),
		(0u32..12).prop_map(Hyperparameter::ImmunityPeriod),
		(0u128..1_500).prop_map(Hyperparameter::MinBurn),
		(0u128..1_500).prop_map(Hyperparameter::MaxBurn),
		(0u16..12).prop_map(Hyperparameter::TargetRegistrationsPerInterval),
		(0u16..20).prop_map(Hyperparameter::AdjustmentInterval),
		(0u32..3).prop_map(Hyperparameter::ModelFamily),
	]
}

fn action() -> impl Strategy<Value = Action> {
	let coldkey = 0..COLDKEYS.len();
	let netuid = 0u16..3;
	let hotkey = 100u64..108;
	prop_oneof![
		3 => coldkey.clone().prop_map(|owner| Action::CreateSubnet { owner }),
		1 => (proptest::option::of(coldkey.clone()), netuid.clone())
			.prop_map(|(caller, netuid)| Action::DissolveSubnet { caller, netuid }),
		3 => (0..2 * COLDKEYS.len(), netuid.clone(), hyperparameter())
			.prop_map(|(caller, netuid, param)| Action::SetHyperparameter { caller, netuid, param }),
		8 => (0..2 * COLDKEYS.len(), netuid.clone(), hotkey.clone())
			.prop_map(|(coldkey, netuid, hotkey)| Action::Register { coldkey, netuid, hotkey }),
		2 => (hotkey.clone(), netuid.clone(), 0u16..3)
			.prop_map(|(hotkey, netuid, port)| Action::Serve { hotkey, netuid, port }),
		2 => (hotkey.clone(), netuid.clone(), 0u64..3)
			.prop_map(|(hotkey, netuid, size)| Action::CommitModel { hotkey, netuid, size }),
		1 => (coldkey.clone(), proptest::collection::vec(any::<u8>(), 0..4))
			.prop_map(|(coldkey, provider)| Action::SetOperatorProfile { coldkey, provider }),
		1 => (0u16..10, 0u128..300)
			.prop_map(|(max_subnets, min_lock)| Action::SetNetworkParams { max_subnets, min_lock }),
		2 => (netuid, proptest::collection::vec(0u16..5, 0..6))
			.prop_map(|(netuid, scores)| Action::SetPruningScores { netuid, scores }),
		3 => (1u64..15).prop_map(|blocks| Action::AdvanceBlocks { blocks }),
	]
}

/// Runs one action; whether it succeeds does not matter, only the state it leaves.
fn apply(action: Action) {
	let signed = |i: usize| RuntimeOrigin::signed(COLDKEYS[i]);
	let _ = match action {
		Action::CreateSubnet { owner } => Subnets::create_subnet(signed(owner)),
		Action::DissolveSubnet { caller, netuid } => {
			let origin = caller.map_or_else(RuntimeOrigin::root, signed);
			Subnets::dissolve_subnet(origin, netuid).map(|_| ()).map_err(|e| e.error)
		}
		Action::SetHyperparameter { caller, netuid, param } => {
			// Half the time the subnet's owner.
			let caller = COLDKEYS
				.get(caller)
				.copied()
				.unwrap_or_else(|| Subnets::subnet_owner(netuid).unwrap_or(ALICE));
			Subnets::set_hyperparameter(RuntimeOrigin::signed(caller), netuid, param)
		}
		Action::Register { coldkey, netuid, hotkey } => {
			// Half the time the hotkey's usual owner, so that most registrations can succeed.
			let coldkey = COLDKEYS.get(coldkey).copied().unwrap_or(COLDKEYS[(hotkey % 3) as usize]);
			Subnets::register(RuntimeOrigin::signed(coldkey), netuid, hotkey)
				.map(|_| ())
				.map_err(|e| e.error)
		}
		Action::Serve { hotkey, netuid, port } => {
			let endpoint = Endpoint {
				ip: IpAddress::V4([1, 2, 3, 4]),
				port,
				protocol: Protocol::Http,
				version: 1,
			};
			Subnets::serve(RuntimeOrigin::signed(hotkey), netuid, endpoint)
		}
		Action::CommitModel { hotkey, netuid, size } => {
			Subnets::commit_model(RuntimeOrigin::signed(hotkey), netuid, H256::zero(), size, 1)
		}
		Action::SetOperatorProfile { coldkey, provider } => Subnets::set_operator_profile(
			signed(coldkey),
			provider,
			b"eu".to_vec(),
			HardwareClass::Cpu,
		),
		// Governance's values pass pallet-network-parameters' checks.
		Action::SetNetworkParams { max_subnets, min_lock } => {
			if (1..=MAX_SUBNETS_LIMIT).contains(&max_subnets) && min_lock > 0 {
				MockSubnetCreation::set(&SubnetCreationParameters {
					max_subnets,
					min_lock,
					lock_reduction_interval: 50,
				});
			}
			Ok(())
		}
		Action::SetPruningScores { netuid, scores } => {
			Subnets::set_pruning_scores(netuid, &scores);
			Ok(())
		}
		Action::AdvanceBlocks { blocks } => {
			run_to_block(System::block_number() + blocks);
			Ok(())
		}
	};
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(256))]

	#[test]
	fn random_calls_keep_the_invariants(actions in proptest::collection::vec(action(), 1..120)) {
		ExtBuilder::default().balance(PAUPER, 50).subnet(ALICE, 100).subnet(BOB, 100).build_and_execute(|| {
			for action in actions {
				apply(action.clone());
				if let Err(e) = Subnets::do_try_state() {
					panic!("invariant broken after {action:?}: {e:?}");
				}
			}
		});
	}
}
