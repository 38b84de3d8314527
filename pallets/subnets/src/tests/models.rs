//! `commit_model`.

use crate::{mock::*, Error, Event, Neurons};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok},
	sp_core::H256,
};
use verity_primitives::subnets::{ModelCommitment, MODEL_FORMAT_VERSION};

fn commit(
	netuid: u16,
	hotkey: AccountId,
	size: u64,
	format: u16,
) -> polkadot_sdk::sp_runtime::DispatchResult {
	Subnets::commit_model(RuntimeOrigin::signed(hotkey), netuid, H256::repeat_byte(1), size, format)
}

#[test]
fn commit_model_records_the_commitment_and_its_block() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		register(netuid, ALICE, 100);
		run_to_block(7);
		subnet_events();
		assert_ok!(commit(netuid, 100, MAX_MODEL_SIZE, MODEL_FORMAT_VERSION));

		let model = ModelCommitment {
			root: H256::repeat_byte(1),
			size: MAX_MODEL_SIZE,
			format_version: MODEL_FORMAT_VERSION,
			committed_at: 7,
		};
		assert_eq!(Neurons::<Test>::get(netuid, 0).unwrap().model, Some(model));
		assert_eq!(
			subnet_events(),
			vec![Event::ModelCommitted { netuid, uid: 0, hotkey: 100, model }]
		);
	});
}

#[test]
fn commit_model_replaces_an_earlier_commitment() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		register(netuid, ALICE, 100);
		assert_ok!(commit(netuid, 100, 10, MODEL_FORMAT_VERSION));
		run_to_block(2);
		assert_ok!(Subnets::commit_model(
			RuntimeOrigin::signed(100),
			netuid,
			H256::repeat_byte(2),
			20,
			MODEL_FORMAT_VERSION
		));
		let model = Neurons::<Test>::get(netuid, 0).unwrap().model.unwrap();
		assert_eq!((model.root, model.size, model.committed_at), (H256::repeat_byte(2), 20, 2));
	});
}

#[test]
fn commit_model_fails_for_an_unknown_subnet() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(commit(4, 100, 10, MODEL_FORMAT_VERSION), Error::<Test>::SubnetNotFound);
	});
}

#[test]
fn commit_model_fails_for_an_unregistered_hotkey() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		assert_noop!(commit(netuid, 100, 10, MODEL_FORMAT_VERSION), Error::<Test>::NotRegistered);
	});
}

#[test]
fn commit_model_fails_for_an_empty_model() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		register(netuid, ALICE, 100);
		assert_noop!(
			commit(netuid, 100, 0, MODEL_FORMAT_VERSION),
			Error::<Test>::ModelSizeOutOfBounds
		);
	});
}

#[test]
fn commit_model_fails_above_the_max_model_size() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		register(netuid, ALICE, 100);
		assert_noop!(
			commit(netuid, 100, MAX_MODEL_SIZE + 1, MODEL_FORMAT_VERSION),
			Error::<Test>::ModelSizeOutOfBounds
		);
	});
}

#[test]
fn commit_model_fails_for_another_format_version() {
	ExtBuilder::default().build_and_execute(|| {
		let netuid = create_subnet(ALICE);
		register(netuid, ALICE, 100);
		assert_noop!(
			commit(netuid, 100, 10, MODEL_FORMAT_VERSION + 1),
			Error::<Test>::UnsupportedModelFormat
		);
	});
}
