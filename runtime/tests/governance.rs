//! Governance on the runtime: which track each origin's referenda take, who may change a
//! network parameter, and referenda that pass, fail or are killed — from preimage to enactment.

// Test code: a broken step should fail loudly.
#![allow(clippy::arithmetic_side_effects, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use codec::Encode;
use common::genesis_of;
use polkadot_sdk::{
	frame_support::{
		assert_noop, assert_ok,
		traits::{Bounded, Hooks},
	},
	frame_system::{self, RawOrigin},
	pallet_conviction_voting::{AccountVote, Conviction, Vote},
	pallet_referenda::{self, ReferendumInfo, TracksInfo as _},
	sp_io::TestExternalities,
	sp_keyring::Sr25519Keyring,
	sp_runtime::{traits::Hash as _, DispatchError, Perbill},
};
use verity_runtime::{
	genesis_config_presets::{DEVELOPMENT, LOCAL_TESTNET, PRODUCTION},
	governance::{
		origins::{self, GovernancePace},
		tracks::{
			self, TracksInfo, FAST_TRACKS, LIVE_TRACKS, NETWORK_PARAMETERS,
			NETWORK_PARAMETERS_DECISION_DEPOSIT, ROOT, ROOT_DECISION_DEPOSIT,
		},
	},
	AccountId, Balances, BlockNumber, ConvictionVoting, Emissions, NetworkParameters, OriginCaller,
	Preimage, Referenda, Runtime, RuntimeCall, RuntimeOrigin, Scheduler, System, VRT,
};

fn account(key: Sr25519Keyring) -> AccountId {
	key.to_account_id()
}

fn dev_chain() -> TestExternalities {
	let mut ext = genesis_of(DEVELOPMENT);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs the scheduler's block hook (which drives referenda's alarms and enactments) up to `n`.
fn run_to_block(n: BlockNumber) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Scheduler::on_initialize(next);
	}
}

/// Total issuance is genesis issuance plus everything emissions minted, minus everything burned.
fn assert_issuance_accounted() {
	let view = Emissions::emissions_view();
	assert_eq!(view.total_issuance, Balances::total_issuance());
	assert_eq!(view.total_issuance, view.genesis_issuance + view.issued - view.burned);
}

/// Notes `call`'s preimage from Alice and submits it as a referendum with `origin`, then places
/// the decision deposit. Returns the referendum's index.
fn propose(call: RuntimeCall, origin: OriginCaller) -> u32 {
	let alice = account(Sr25519Keyring::Alice);
	let encoded = call.encode();
	assert_ok!(Preimage::note_preimage(RuntimeOrigin::signed(alice.clone()), encoded.clone()));
	let proposal = Bounded::Lookup {
		hash: <Runtime as frame_system::Config>::Hashing::hash(&encoded),
		len: encoded.len() as u32,
	};
	let index = pallet_referenda::ReferendumCount::<Runtime>::get();
	assert_ok!(Referenda::submit(
		RuntimeOrigin::signed(alice.clone()),
		Box::new(origin),
		proposal,
		frame_support_dispatch_time_after(1),
	));
	assert_ok!(Referenda::place_decision_deposit(RuntimeOrigin::signed(alice), index));
	index
}

fn frame_support_dispatch_time_after(
	blocks: BlockNumber,
) -> polkadot_sdk::frame_support::traits::schedule::DispatchTime<BlockNumber> {
	polkadot_sdk::frame_support::traits::schedule::DispatchTime::After(blocks)
}

/// Votes on `index` from each of `voters` with 90,000 VRT at conviction 1x.
fn vote(index: u32, aye: bool, voters: &[Sr25519Keyring]) {
	for voter in voters {
		assert_ok!(ConvictionVoting::vote(
			RuntimeOrigin::signed(account(*voter)),
			index,
			AccountVote::Standard {
				vote: Vote { aye, conviction: Conviction::Locked1x },
				balance: 90_000 * VRT,
			},
		));
	}
}

const MAJORITY: [Sr25519Keyring; 6] = [
	Sr25519Keyring::Alice,
	Sr25519Keyring::Bob,
	Sr25519Keyring::Charlie,
	Sr25519Keyring::Dave,
	Sr25519Keyring::Eve,
	Sr25519Keyring::Ferdie,
];

fn set_authority_count(count: u32) -> RuntimeCall {
	RuntimeCall::NetworkParameters(pallet_network_parameters::Call::set_authority_count { count })
}

#[test]
fn each_origin_takes_its_track() {
	dev_chain().execute_with(|| {
		assert_eq!(TracksInfo::track_for(&OriginCaller::system(RawOrigin::Root)), Ok(ROOT));
		assert_eq!(
			TracksInfo::track_for(&OriginCaller::Origins(origins::Origin::NetworkParameters)),
			Ok(NETWORK_PARAMETERS)
		);
		let signed = OriginCaller::system(RawOrigin::Signed(account(Sr25519Keyring::Alice)));
		assert_eq!(TracksInfo::track_for(&signed), Err(()));
		assert_eq!(TracksInfo::track_for(&OriginCaller::system(RawOrigin::None)), Err(()));
	});
}

#[test]
fn tracks_are_named_sorted_and_valid_at_both_paces() {
	for table in [&LIVE_TRACKS, &FAST_TRACKS] {
		let names: Vec<_> = table
			.iter()
			.map(|t| {
				String::from_utf8(t.info.name.to_vec())
					.expect("utf-8")
					.trim_end_matches('\0')
					.to_owned()
			})
			.collect();
		assert_eq!(names, ["root", "network_parameters"]);
		assert_eq!(table[0].id, ROOT);
		assert_eq!(table[1].id, NETWORK_PARAMETERS);
		assert_eq!(table[0].info.decision_deposit, ROOT_DECISION_DEPOSIT);
		assert_eq!(table[1].info.decision_deposit, NETWORK_PARAMETERS_DECISION_DEPOSIT);
		assert_eq!(table[0].info.max_deciding, 1);
	}
	for (pace, preset) in [
		(GovernancePace::Fast, DEVELOPMENT),
		(GovernancePace::Fast, LOCAL_TESTNET),
		(GovernancePace::Live, PRODUCTION),
	] {
		genesis_of(preset).execute_with(|| {
			assert_eq!(origins::Pace::<Runtime>::get(), pace, "{preset}");
			assert_eq!(TracksInfo::check_integrity(), Ok(()));
			let in_use: Vec<_> = TracksInfo::tracks().map(|t| t.into_owned()).collect();
			assert_eq!(in_use, tracks::tracks_of(pace).to_vec(), "{preset}");
		});
	}
	// Live periods are days; fast ones a few blocks.
	assert!(LIVE_TRACKS.iter().all(|t| t.info.decision_period >= verity_runtime::DAYS));
	assert!(FAST_TRACKS.iter().all(|t| t.info.decision_period <= 20));
}

#[test]
fn sudo_exists_only_on_development_chains() {
	for (preset, key) in [
		(DEVELOPMENT, Some(account(Sr25519Keyring::Alice))),
		(LOCAL_TESTNET, Some(account(Sr25519Keyring::Alice))),
		(PRODUCTION, None),
	] {
		genesis_of(preset).execute_with(|| {
			assert_eq!(polkadot_sdk::pallet_sudo::Key::<Runtime>::get(), key, "{preset}");
		});
	}
}

#[test]
fn a_signed_origin_cannot_change_a_network_parameter() {
	dev_chain().execute_with(|| {
		let alice = RuntimeOrigin::signed(account(Sr25519Keyring::Alice));
		assert_noop!(
			NetworkParameters::set_authority_count(alice.clone(), 2),
			DispatchError::BadOrigin
		);
		assert_noop!(
			NetworkParameters::set_max_subnet_share(alice, Perbill::from_percent(50)),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn the_network_parameters_origin_changes_parameters_but_is_not_root() {
	dev_chain().execute_with(|| {
		let network: RuntimeOrigin = origins::Origin::NetworkParameters.into();
		assert_ok!(NetworkParameters::set_authority_count(network.clone(), 3));
		assert_eq!(pallet_network_parameters::AuthorityCount::<Runtime>::get(), 3);
		assert_ok!(NetworkParameters::set_authority_count(RuntimeOrigin::root(), 4));
		assert_eq!(pallet_network_parameters::AuthorityCount::<Runtime>::get(), 4);
		// Root's own calls stay root's.
		assert_noop!(
			frame_system::Pallet::<Runtime>::set_code(network.clone(), vec![]),
			DispatchError::BadOrigin
		);
		assert_noop!(
			frame_system::Pallet::<Runtime>::set_heap_pages(network, 128),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn invalid_parameters_are_refused_with_precise_errors() {
	dev_chain().execute_with(|| {
		assert_noop!(
			NetworkParameters::set_authority_count(RuntimeOrigin::root(), 0),
			pallet_network_parameters::Error::<Runtime>::AuthorityCountOutOfBounds
		);
		assert_noop!(
			NetworkParameters::set_max_subnet_share(RuntimeOrigin::root(), Perbill::zero()),
			pallet_network_parameters::Error::<Runtime>::ZeroSubnetShare
		);
	});
}

#[test]
fn a_passed_network_parameters_referendum_changes_the_parameter() {
	dev_chain().execute_with(|| {
		let before = pallet_network_parameters::AuthorityCount::<Runtime>::get();
		let index = propose(
			set_authority_count(before + 1),
			OriginCaller::Origins(origins::Origin::NetworkParameters),
		);
		vote(index, true, &MAJORITY);
		run_to_block(20);

		assert!(matches!(
			pallet_referenda::ReferendumInfoFor::<Runtime>::get(index),
			Some(ReferendumInfo::Approved(..))
		));
		assert_eq!(pallet_network_parameters::AuthorityCount::<Runtime>::get(), before + 1);
		assert_issuance_accounted();
	});
}

#[test]
fn a_network_parameters_referendum_cannot_take_the_root_track() {
	dev_chain().execute_with(|| {
		// A call that needs root, proposed with the network-parameters origin, passes the vote
		// but fails at dispatch: the origin is the track's, not root.
		let call = RuntimeCall::System(frame_system::Call::set_heap_pages { pages: 128 });
		let index = propose(call, OriginCaller::Origins(origins::Origin::NetworkParameters));
		vote(index, true, &MAJORITY);
		run_to_block(20);
		assert!(System::events().iter().any(|record| matches!(
			&record.event,
			verity_runtime::RuntimeEvent::Scheduler(
				polkadot_sdk::pallet_scheduler::Event::Dispatched {
					result: Err(DispatchError::BadOrigin),
					..
				}
			)
		)));
		assert_eq!(
			polkadot_sdk::frame_support::storage::unhashed::get_raw(
				polkadot_sdk::sp_core::storage::well_known_keys::HEAP_PAGES
			),
			None
		);
	});
}

#[test]
fn a_rejected_referendum_leaves_the_parameter_unchanged() {
	dev_chain().execute_with(|| {
		let before = pallet_network_parameters::AuthorityCount::<Runtime>::get();
		let index = propose(
			set_authority_count(before + 1),
			OriginCaller::Origins(origins::Origin::NetworkParameters),
		);
		vote(index, false, &MAJORITY[..4]);
		vote(index, true, &MAJORITY[4..]);
		run_to_block(40);

		assert!(matches!(
			pallet_referenda::ReferendumInfoFor::<Runtime>::get(index),
			Some(ReferendumInfo::Rejected(..))
		));
		assert_eq!(pallet_network_parameters::AuthorityCount::<Runtime>::get(), before);
	});
}

#[test]
fn a_killed_referendum_burns_its_deposits_and_issuance_stays_accounted() {
	dev_chain().execute_with(|| {
		let alice = account(Sr25519Keyring::Alice);
		let index = propose(set_authority_count(2), OriginCaller::system(RawOrigin::Root));
		let issuance = Balances::total_issuance();
		assert_ok!(Referenda::kill(RuntimeOrigin::root(), index));
		let burned =
			verity_runtime::configs::governance::SubmissionDeposit::get() + ROOT_DECISION_DEPOSIT;
		assert_eq!(Balances::total_issuance(), issuance - burned);
		assert_issuance_accounted();
		assert!(Balances::free_balance(&alice) > 0);
	});
}

#[test]
fn the_preimage_of_a_large_call_is_charged_by_size() {
	dev_chain().execute_with(|| {
		let alice = account(Sr25519Keyring::Alice);
		let free = Balances::free_balance(&alice);
		assert_ok!(Preimage::note_preimage(
			RuntimeOrigin::signed(alice.clone()),
			vec![1u8; 100_000]
		));
		let held = free - Balances::free_balance(&alice);
		assert_eq!(held, VRT + 100_000 * 100 * verity_runtime::MICRO_VRT);
	});
}
