//! Authority candidates, governance parameters and the election.

use crate::{mock::*, pallet::*};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok},
	pallet_session::SessionManager,
};
use verity_primitives::traits::StakeInterface;

#[test]
fn offer_authority_makes_a_staked_hotkey_a_candidate() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, 100));
		System::reset_events();

		assert_ok!(Stake::offer_authority(RuntimeOrigin::signed(11)));

		assert!(AuthorityCandidates::<Test>::contains_key(11));
		assert_eq!(AuthorityCandidates::<Test>::count(), 1);
		assert_eq!(stake_events(), vec![Event::AuthorityOffered { hotkey: 11 }]);
	});
}

#[test]
fn offer_authority_fails_for_an_unowned_hotkey() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Stake::offer_authority(RuntimeOrigin::signed(11)),
			Error::<Test>::HotkeyNotOwned
		);
	});
}

#[test]
fn offer_authority_fails_for_a_hotkey_without_stake() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::bind_hotkey(&1, &11));
		assert_noop!(
			Stake::offer_authority(RuntimeOrigin::signed(11)),
			Error::<Test>::HotkeyHasNoStake
		);
	});
}

#[test]
fn offer_authority_fails_for_a_candidate() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, 100));
		assert_ok!(Stake::offer_authority(RuntimeOrigin::signed(11)));
		assert_noop!(
			Stake::offer_authority(RuntimeOrigin::signed(11)),
			Error::<Test>::AlreadyCandidate
		);
	});
}

#[test]
fn offer_authority_fails_when_there_are_the_most_candidates() {
	ExtBuilder::default().build_and_execute(|| {
		for hotkey in 11..=11 + u64::from(MAX_CANDIDATES) {
			assert_ok!(Stake::add_stake(RuntimeOrigin::signed(hotkey - 10), hotkey, 100));
		}
		for hotkey in 11..11 + u64::from(MAX_CANDIDATES) {
			assert_ok!(Stake::offer_authority(RuntimeOrigin::signed(hotkey)));
		}
		assert_noop!(
			Stake::offer_authority(RuntimeOrigin::signed(11 + u64::from(MAX_CANDIDATES))),
			Error::<Test>::TooManyCandidates
		);
	});
}

#[test]
fn retire_authority_removes_the_candidate() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(1), 11, 100));
		assert_ok!(Stake::offer_authority(RuntimeOrigin::signed(11)));
		System::reset_events();

		assert_ok!(Stake::retire_authority(RuntimeOrigin::signed(11)));

		assert!(!AuthorityCandidates::<Test>::contains_key(11));
		assert_eq!(AuthorityCandidates::<Test>::count(), 0);
		assert_eq!(stake_events(), vec![Event::AuthorityRetired { hotkey: 11 }]);
	});
}

#[test]
fn retire_authority_fails_for_a_hotkey_that_is_not_a_candidate() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Stake::retire_authority(RuntimeOrigin::signed(11)),
			Error::<Test>::NotCandidate
		);
	});
}

/// Candidates 11..=14 with stakes 100, 300, 200, 300 (ties on 300), all with session keys.
fn four_candidates() -> ExtBuilder {
	ExtBuilder::default()
		.stakes(&[(1, 11, 100), (2, 12, 300), (3, 13, 200), (4, 14, 300)])
		.candidates(&[11, 12, 13, 14])
}

#[test]
fn new_session_elects_the_top_candidates_by_stake_lower_account_first_on_ties() {
	four_candidates().authority_count(3).build_and_execute(|| {
		register_session_keys(&[11, 12, 13, 14]);

		assert_eq!(Stake::new_session(1), Some(vec![12, 14, 13]));
		assert_eq!(
			stake_events(),
			vec![Event::AuthoritiesElected { session: 1, authorities: vec![12, 14, 13] }]
		);
	});
}

#[test]
fn new_session_skips_candidates_without_session_keys() {
	four_candidates().authority_count(2).build_and_execute(|| {
		register_session_keys(&[11, 13]);
		assert_eq!(Stake::new_session(1), Some(vec![13, 11]));
	});
}

#[test]
fn new_session_skips_candidates_without_active_stake() {
	four_candidates().authority_count(3).build_and_execute(|| {
		register_session_keys(&[11, 12, 13, 14]);
		assert_ok!(Stake::remove_stake(RuntimeOrigin::signed(2), 12, 300));
		assert_eq!(Stake::new_session(1), Some(vec![14, 13, 11]));
	});
}

#[test]
fn new_session_elects_every_qualified_candidate_when_fewer_than_the_count() {
	four_candidates().authority_count(3).build_and_execute(|| {
		register_session_keys(&[11]);
		assert_eq!(Stake::new_session(1), Some(vec![11]));
	});
}

#[test]
fn new_session_keeps_the_authorities_when_too_few_qualify() {
	four_candidates().build_and_execute(|| {
		assert_eq!(Stake::new_session(1), None);
		assert_eq!(stake_events(), vec![Event::AuthoritiesKept { session: 1, qualified: 0 }]);
	});
}

#[test]
fn new_session_genesis_elects_like_new_session() {
	four_candidates().authority_count(3).build_and_execute(|| {
		register_session_keys(&[11, 12, 13, 14]);
		assert_eq!(Stake::new_session_genesis(0), Some(vec![12, 14, 13]));
	});
}

#[test]
fn retired_candidates_are_not_elected() {
	four_candidates().authority_count(3).build_and_execute(|| {
		register_session_keys(&[11, 12, 13, 14]);
		assert_ok!(Stake::retire_authority(RuntimeOrigin::signed(14)));
		assert_eq!(Stake::new_session(1), Some(vec![12, 13, 11]));
	});
}
