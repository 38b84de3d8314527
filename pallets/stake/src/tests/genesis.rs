//! The genesis config.

use crate::{mock::*, pallet::*};

#[test]
fn genesis_holds_stakes_and_binds_hotkeys() {
	ExtBuilder::default()
		.stakes(&[(1, 11, 100), (2, 11, 50), (3, 12, 70)])
		.candidates(&[11, 12])
		.authority_count(3)
		.build_and_execute(|| {
			assert_eq!(HotkeyOwner::<Test>::get(11), Some(1));
			assert_eq!(HotkeyOwner::<Test>::get(12), Some(3));
			assert_eq!(staked(2), 50);
			assert_eq!(TotalHotkeyStake::<Test>::get(11), 150);
			assert_eq!(TotalStake::<Test>::get(), 220);
			assert_eq!(AuthorityCandidates::<Test>::count(), 2);
		});
}

#[test]
fn genesis_config_reads_camel_case_json() {
	let json = r#"{
		"stakes": [[1, 11, 100]],
		"authorityCandidates": [11]
	}"#;
	let config: GenesisConfig<Test> = serde_json::from_str(json).unwrap();
	assert_eq!(config.stakes, vec![(1, 11, 100)]);
	assert_eq!(config.authority_candidates, vec![11]);
}

#[test]
#[should_panic(expected = "cannot stake")]
fn genesis_panics_on_a_stake_below_the_minimum() {
	ExtBuilder::default().stakes(&[(1, 11, MIN_STAKE - 1)]).build();
}

#[test]
#[should_panic(expected = "cannot be an authority candidate")]
fn genesis_panics_on_a_candidate_without_stake() {
	ExtBuilder::default().candidates(&[11]).build();
}
