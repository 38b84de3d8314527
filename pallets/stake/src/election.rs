//! Electing the block authors: the top candidates by stake, at each new session.

use crate::pallet::*;
use alloc::vec::Vec;
use polkadot_sdk::{
	frame_support::traits::{Contains, Get},
	pallet_session::SessionManager,
};
use verity_primitives::traits::NetworkParametersInterface as _;
use verity_primitives::Balance;

impl<T: Config> Pallet<T> {
	/// The candidates that qualify — active stake above zero and session keys registered —
	/// ranked by active stake, the lower account first on a tie, and cut to the authority count (a network parameter).
	/// Also returns how many qualified before the cut.
	///
	/// Work: one pass over at most [`Config::MaxAuthorityCandidates`] candidates and a sort.
	pub fn elect_authorities() -> (Vec<T::AccountId>, u32) {
		let mut ranked: Vec<(Balance, T::AccountId)> = AuthorityCandidates::<T>::iter_keys()
			.filter(T::SessionKeysRegistered::contains)
			.map(|hotkey| (TotalHotkeyStake::<T>::get(&hotkey), hotkey))
			.filter(|(stake, _)| *stake > 0)
			.collect();
		let qualified = u32::try_from(ranked.len()).unwrap_or(u32::MAX);
		ranked.sort_by(|(a_stake, a), (b_stake, b)| b_stake.cmp(a_stake).then_with(|| a.cmp(b)));
		let count = usize::try_from(T::Parameters::authority_count()).unwrap_or(usize::MAX);
		ranked.truncate(count);
		(ranked.into_iter().map(|(_, hotkey)| hotkey).collect(), qualified)
	}

	/// Elects the authorities of session `session`, or keeps the current ones (returns `None`)
	/// when fewer than [`Config::MinAuthorities`] qualify.
	fn plan_session(session: u32) -> Option<Vec<T::AccountId>> {
		let (authorities, qualified) = Self::elect_authorities();
		if qualified < T::MinAuthorities::get() {
			log::warn!(
				target: "runtime::stake",
				"session {session}: only {qualified} authority candidates qualify; \
				 keeping the current authorities",
			);
			Self::deposit_event(Event::AuthoritiesKept { session, qualified });
			return None;
		}
		Self::deposit_event(Event::AuthoritiesElected {
			session,
			authorities: authorities.clone(),
		});
		Some(authorities)
	}
}

impl<T: Config> SessionManager<T::AccountId> for Pallet<T> {
	fn new_session(new_index: u32) -> Option<Vec<T::AccountId>> {
		Self::plan_session(new_index)
	}

	fn new_session_genesis(new_index: u32) -> Option<Vec<T::AccountId>> {
		Self::plan_session(new_index)
	}

	fn end_session(_end_index: u32) {}

	fn start_session(_start_index: u32) {}
}
