//! Random sequences of calls, valid and invalid, from several accounts, with subnets and
//! neurons coming and going and blocks passing: the invariants hold after every step.

use super::*;
use polkadot_sdk::frame_support::weights::Weight;
use proptest::prelude::*;
use verity_primitives::traits::{SubnetLifecycle, SubnetsInterface};

const HOTKEYS: std::ops::Range<u64> = 100..108;
const NETUIDS: std::ops::Range<u16> = 0..3;

#[derive(Clone, Debug)]
enum Action {
	CreateSubnet,
	Dissolve { netuid: u16 },
	Register { netuid: u16, hotkey: u64 },
	Replace { netuid: u16, uid: u16, hotkey: u64 },
	SetStake { hotkey: u64, stake: u128 },
	SetWeights { hotkey: u64, netuid: u16, targets: Vec<(u16, u16)> },
	Commit { hotkey: u64, netuid: u16, seed: u16 },
	Reveal { hotkey: u64, netuid: u16, seed: u16 },
	SetVersionKey { owner: bool, netuid: u16, key: u64 },
	SetTempo { netuid: u16, tempo: u16 },
	SetCommitReveal { netuid: u16, period: u32 },
	SetMaxValidators { netuid: u16, max: u16 },
	SetEpochRoom { epochs: u64 },
	Advance { blocks: u64 },
}

fn action() -> impl Strategy<Value = Action> {
	let hotkey = HOTKEYS;
	let netuid = NETUIDS;
	prop_oneof![
		2 => Just(Action::CreateSubnet),
		1 => netuid.clone().prop_map(|netuid| Action::Dissolve { netuid }),
		6 => (netuid.clone(), hotkey.clone()).prop_map(|(netuid, hotkey)| Action::Register { netuid, hotkey }),
		2 => (netuid.clone(), 0u16..6, hotkey.clone())
			.prop_map(|(netuid, uid, hotkey)| Action::Replace { netuid, uid, hotkey }),
		4 => (hotkey.clone(), 0u128..1_000).prop_map(|(hotkey, stake)| Action::SetStake { hotkey, stake }),
		8 => (hotkey.clone(), netuid.clone(), proptest::collection::vec((0u16..7, 0u16..4), 0..6))
			.prop_map(|(hotkey, netuid, targets)| Action::SetWeights { hotkey, netuid, targets }),
		3 => (hotkey.clone(), netuid.clone(), 0u16..3)
			.prop_map(|(hotkey, netuid, seed)| Action::Commit { hotkey, netuid, seed }),
		3 => (hotkey.clone(), netuid.clone(), 0u16..3)
			.prop_map(|(hotkey, netuid, seed)| Action::Reveal { hotkey, netuid, seed }),
		1 => (any::<bool>(), netuid.clone(), 0u64..3)
			.prop_map(|(owner, netuid, key)| Action::SetVersionKey { owner, netuid, key }),
		1 => (netuid.clone(), 1u16..12).prop_map(|(netuid, tempo)| Action::SetTempo { netuid, tempo }),
		1 => (netuid.clone(), 0u32..3).prop_map(|(netuid, period)| Action::SetCommitReveal { netuid, period }),
		1 => (netuid.clone(), 1u16..4).prop_map(|(netuid, max)| Action::SetMaxValidators { netuid, max }),
		1 => (0u64..4).prop_map(|epochs| Action::SetEpochRoom { epochs }),
		4 => (1u64..15).prop_map(|blocks| Action::Advance { blocks }),
	]
}

/// The weights a commitment with `seed` stands for.
fn seeded(seed: u16) -> (Vec<u16>, Vec<u16>) {
	match seed {
		0 => (vec![0, 1], vec![1, 2]),
		1 => (vec![2], vec![5]),
		_ => (vec![3, 1, 2], vec![1, 0, 9]),
	}
}

fn apply(action: Action) {
	let exists = |netuid| MockSubnets::hyperparameters(netuid).is_some();
	match action {
		Action::CreateSubnet => {
			if MockSubnets::netuids().len() < MAX_SUBNETS as usize {
				let netuid = MockSubnets::create(OWNER);
				MockSubnets::set_hyperparameters(netuid, |h| h.max_uids = 6);
			}
		}
		Action::Dissolve { netuid } => {
			if exists(netuid) {
				MockSubnets::dissolve(netuid);
			}
		}
		Action::Register { netuid, hotkey } => {
			let room = MockSubnets::hyperparameters(netuid)
				.is_some_and(|h| MockSubnets::neuron_count(netuid) < h.max_uids);
			if room && MockSubnets::uid_of(netuid, &hotkey).is_none() {
				MockSubnets::register(netuid, hotkey);
			}
		}
		Action::Replace { netuid, uid, hotkey } => {
			if uid < MockSubnets::neuron_count(netuid)
				&& MockSubnets::uid_of(netuid, &hotkey).is_none()
			{
				MockSubnets::replace(netuid, uid, hotkey);
			}
		}
		Action::SetStake { hotkey, stake } => MockStake::set_stake(hotkey, stake),
		Action::SetWeights { hotkey, netuid, targets } => {
			let (targets, weights): (Vec<u16>, Vec<u16>) = targets.into_iter().unzip();
			let _ = set_weights(hotkey, netuid, &targets, &weights);
		}
		Action::Commit { hotkey, netuid, seed } => {
			let (targets, weights) = seeded(seed);
			let _ = Scoring::commit_weights(
				RuntimeOrigin::signed(hotkey),
				netuid,
				commit_hash(hotkey, netuid, &targets, &weights),
			);
		}
		Action::Reveal { hotkey, netuid, seed } => {
			let (targets, weights) = seeded(seed);
			let _ = reveal(hotkey, netuid, &targets, &weights);
		}
		Action::SetVersionKey { owner, netuid, key } => {
			let caller = if owner { OWNER } else { 100 };
			let _ = Scoring::set_weights_version_key(RuntimeOrigin::signed(caller), netuid, key);
		}
		Action::SetTempo { netuid, tempo } => {
			if exists(netuid) {
				MockSubnets::set_hyperparameters(netuid, |h| h.tempo = tempo);
				Scoring::on_tempo_changed(netuid, tempo);
			}
		}
		Action::SetCommitReveal { netuid, period } => {
			if exists(netuid) {
				MockSubnets::set_hyperparameters(netuid, |h| h.commit_reveal_period = period);
			}
		}
		Action::SetMaxValidators { netuid, max } => {
			if exists(netuid) {
				MockSubnets::set_hyperparameters(netuid, |h| h.max_validators = max);
			}
		}
		Action::SetEpochRoom { epochs } => MockMaxEpochWeight::set(if epochs == 0 {
			DEFAULT_MAX_EPOCH_WEIGHT
		} else {
			Scoring::epoch_weight(6, 3).saturating_mul(epochs).max(Weight::from_parts(1, 1))
		}),
		Action::Advance { blocks } => run_blocks(blocks),
	}
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(256))]

	#[test]
	fn random_calls_keep_the_invariants(actions in proptest::collection::vec(action(), 1..100)) {
		ExtBuilder.build_and_execute(|| {
			for action in actions {
				apply(action.clone());
				if let Err(e) = Scoring::do_try_state() {
					panic!("invariant broken after {action:?}: {e:?}");
				}
			}
		});
	}
}
