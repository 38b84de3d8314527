//! `do_try_state` catches broken state.

use crate::{mock::*, Neurons, RegistrationBurn, Uids};

fn broken(corrupt: impl FnOnce(u16)) -> bool {
	let mut ext = ExtBuilder::default().build();
	ext.execute_with(|| {
		let netuid = create_subnet(ALICE);
		register(netuid, ALICE, 100);
		register(netuid, ALICE, 101);
		assert_eq!(Subnets::do_try_state(), Ok(()));
		corrupt(netuid);
		Subnets::do_try_state().is_err()
	})
}

#[test]
fn try_state_catches_a_uid_without_its_inverse() {
	assert!(broken(|netuid| Uids::<Test>::remove(netuid, 101)));
}

#[test]
fn try_state_catches_a_gap_in_the_uids() {
	assert!(broken(|netuid| Neurons::<Test>::remove(netuid, 0)));
}

#[test]
fn try_state_catches_a_burn_outside_its_range() {
	assert!(broken(|netuid| RegistrationBurn::<Test>::insert(netuid, 1_001)));
}

#[test]
fn try_state_catches_a_lock_that_is_not_held() {
	assert!(broken(|netuid| {
		crate::Subnets::<Test>::mutate(netuid, |s| s.as_mut().unwrap().locked += 1)
	}));
}

#[test]
fn try_state_catches_entries_of_a_missing_subnet() {
	assert!(broken(|_| RegistrationBurn::<Test>::insert(42, 10)));
}
