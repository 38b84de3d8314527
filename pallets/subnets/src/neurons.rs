//! Neurons: registration (with replacement on a full subnet), the registration burn's
//! adjustment, serving, model commitments, and operator profiles.

use crate::{
	Config, Error, Event, LastAdjustment, NeuronCount, NeuronInfo, Neurons, Pallet, PruningScores,
	RegistrationBurn, RegistrationsThisInterval, Roster, Subnets, Uids, WeightInfo,
};
use alloc::vec::Vec;
use polkadot_sdk::{
	frame_support::{
		defensive, ensure,
		traits::{
			fungible::{Inspect, Mutate},
			tokens::{Fortitude, Precision, Preservation},
			DefensiveOption, Get,
		},
		weights::Weight,
	},
	frame_system::{self, pallet_prelude::BlockNumberFor},
	sp_core::H256,
	sp_runtime::{
		helpers_128bit::multiply_by_rational_with_rounding, traits::Saturating, DispatchError,
		DispatchResult, Rounding, SaturatedConversion,
	},
};
use verity_primitives::{
	subnets::{
		Endpoint, HardwareClass, IpAddress, ModelCommitment, NetUid, OperatorProfile, Uid,
		MODEL_FORMAT_VERSION,
	},
	traits::{BurnLedger, StakeInterface, SubnetLifecycle},
	Balance,
};

impl<T: Config> Pallet<T> {
	/// Registers `hotkey` for `coldkey` on `netuid`; returns how many neurons the subnet held
	/// before (the size of the roster read and scanned) and whether one was replaced.
	pub(crate) fn register_neuron(
		netuid: NetUid,
		coldkey: T::AccountId,
		hotkey: T::AccountId,
	) -> Result<(u16, bool), DispatchError> {
		let subnet = Subnets::<T>::get(netuid).ok_or(Error::<T>::SubnetNotFound)?;
		ensure!(!Uids::<T>::contains_key(netuid, &hotkey), Error::<T>::AlreadyRegistered);
		if let Some(owner) = T::Stake::hotkey_owner(&hotkey) {
			ensure!(owner == coldkey, Error::<T>::NotHotkeyOwner);
		}
		let burn = RegistrationBurn::<T>::get(netuid);
		let spendable =
			T::Currency::reducible_balance(&coldkey, Preservation::Preserve, Fortitude::Polite);
		ensure!(spendable >= burn, Error::<T>::InsufficientBalance);
		let now = frame_system::Pallet::<T>::block_number();
		let count = NeuronCount::<T>::get(netuid);
		let hyperparameters = subnet.hyperparameters;
		let mut roster = Roster::<T>::get(netuid);
		let mut pruning_scores = PruningScores::<T>::get(netuid);
		let (uid, replaced) = if count < hyperparameters.max_uids {
			(count, None)
		} else {
			let (uid, old) = Self::neuron_to_replace(
				&roster,
				&pruning_scores,
				hyperparameters.immunity_period,
				now,
			)
			.ok_or(Error::<T>::NoReplaceableNeuron)?;
			(uid, Some(old))
		};
		let replacing = replaced.is_some();

		T::Stake::bind_hotkey(&coldkey, &hotkey)?;
		if burn > 0 {
			T::Currency::burn_from(
				&coldkey,
				burn,
				Preservation::Preserve,
				Precision::Exact,
				Fortitude::Polite,
			)?;
			T::Burns::note_burned(burn);
		}
		let entry = (hotkey.clone(), now);
		match replaced {
			Some(old_hotkey) => {
				Uids::<T>::remove(netuid, &old_hotkey);
				if let Some(slot) = roster.get_mut(usize::from(uid)) {
					*slot = entry;
				}
				if let Some(score) = pruning_scores.get_mut(usize::from(uid)) {
					*score = 0;
				}
				T::Lifecycle::on_neuron_replaced(netuid, uid);
				Self::deposit_event(Event::NeuronReplaced { netuid, uid, old_hotkey });
			}
			None => {
				// `count < max_uids ≤ MAX_UIDS_LIMIT`: neither saturates nor overflows.
				NeuronCount::<T>::insert(netuid, count.saturating_add(1));
				if roster.try_push(entry).is_err() || pruning_scores.try_push(0).is_err() {
					defensive!("a subnet holds at most MAX_UIDS_LIMIT neurons");
				}
			}
		}
		Roster::<T>::insert(netuid, roster);
		PruningScores::<T>::insert(netuid, pruning_scores);
		Neurons::<T>::insert(
			netuid,
			uid,
			NeuronInfo {
				hotkey: hotkey.clone(),
				registered_at: now,
				endpoint: None,
				last_served: now,
				model: None,
			},
		);
		Uids::<T>::insert(netuid, &hotkey, uid);
		RegistrationsThisInterval::<T>::mutate(netuid, |r| *r = r.saturating_add(1));
		Self::deposit_event(Event::NeuronRegistered { netuid, uid, hotkey, coldkey, burned: burn });
		Ok((count, replacing))
	}

	/// The neuron a registration on the full subnet replaces, as its UID and hotkey: the
	/// non-immune one with the lowest pruning score (`scores`, by UID), ties to the earliest
	/// registered, then to the lowest UID.
	fn neuron_to_replace(
		roster: &[(T::AccountId, BlockNumberFor<T>)],
		scores: &[u16],
		immunity_period: u32,
		now: BlockNumberFor<T>,
	) -> Option<(Uid, T::AccountId)> {
		let mut best: Option<(Uid, u16, BlockNumberFor<T>)> = None;
		for ((_, registered_at), uid) in roster.iter().zip(0..=Uid::MAX) {
			if Self::is_immune(*registered_at, immunity_period, now) {
				continue;
			}
			let score = scores.get(usize::from(uid)).copied().unwrap_or(0);
			let better = best.is_none_or(|(_, best_score, best_registered)| {
				(score, *registered_at) < (best_score, best_registered)
			});
			if better {
				best = Some((uid, score, *registered_at));
			}
		}
		let (uid, _, _) = best?;
		roster.get(usize::from(uid)).map(|(hotkey, _)| (uid, hotkey.clone()))
	}

	/// Whether the neuron registered at `registered_at` is still immune at `now`.
	pub(crate) fn is_immune(
		registered_at: BlockNumberFor<T>,
		immunity_period: u32,
		now: BlockNumberFor<T>,
	) -> bool {
		now < registered_at.saturating_add(immunity_period.into())
	}

	/// Records where the neuron of `hotkey` on `netuid` serves.
	pub(crate) fn serve_endpoint(
		netuid: NetUid,
		hotkey: T::AccountId,
		endpoint: Endpoint,
	) -> DispatchResult {
		ensure!(Subnets::<T>::contains_key(netuid), Error::<T>::SubnetNotFound);
		let uid = Uids::<T>::get(netuid, &hotkey).ok_or(Error::<T>::NotRegistered)?;
		ensure!(endpoint.port != 0, Error::<T>::InvalidPort);
		let specified = match endpoint.ip {
			IpAddress::V4(octets) => octets != [0; 4],
			IpAddress::V6(octets) => octets != [0; 16],
		};
		ensure!(specified, Error::<T>::InvalidIp);
		let mut neuron =
			Neurons::<T>::get(netuid, uid).defensive_ok_or(Error::<T>::NotRegistered)?;
		let now = frame_system::Pallet::<T>::block_number();
		if neuron.endpoint.is_some() {
			let next = neuron.last_served.saturating_add(T::ServeRateLimit::get());
			ensure!(now >= next, Error::<T>::ServingRateLimited);
		}

		neuron.endpoint = Some(endpoint);
		neuron.last_served = now;
		Neurons::<T>::insert(netuid, uid, neuron);
		Self::deposit_event(Event::NeuronServing { netuid, uid, hotkey, endpoint });
		Ok(())
	}

	/// Records the model the neuron of `hotkey` on `netuid` commits to.
	pub(crate) fn commit_neuron_model(
		netuid: NetUid,
		hotkey: T::AccountId,
		root: H256,
		size: u64,
		format_version: u16,
	) -> DispatchResult {
		ensure!(Subnets::<T>::contains_key(netuid), Error::<T>::SubnetNotFound);
		let uid = Uids::<T>::get(netuid, &hotkey).ok_or(Error::<T>::NotRegistered)?;
		ensure!(size > 0 && size <= T::MaxModelSize::get(), Error::<T>::ModelSizeOutOfBounds);
		ensure!(format_version == MODEL_FORMAT_VERSION, Error::<T>::UnsupportedModelFormat);
		let mut neuron =
			Neurons::<T>::get(netuid, uid).defensive_ok_or(Error::<T>::NotRegistered)?;
		let committed_at = frame_system::Pallet::<T>::block_number().saturated_into();

		let model = ModelCommitment { root, size, format_version, committed_at };
		neuron.model = Some(model);
		Neurons::<T>::insert(netuid, uid, neuron);
		Self::deposit_event(Event::ModelCommitted { netuid, uid, hotkey, model });
		Ok(())
	}

	/// An operator profile from the call's arguments, checked.
	pub(crate) fn operator_profile(
		provider: Vec<u8>,
		region: Vec<u8>,
		hardware_class: HardwareClass,
	) -> Result<OperatorProfile, Error<T>> {
		let provider = provider.try_into().map_err(|_| Error::<T>::ProviderTooLong)?;
		let region = region.try_into().map_err(|_| Error::<T>::RegionTooLong)?;
		let profile = OperatorProfile { provider, region, hardware_class };
		ensure!(!profile.provider.is_empty(), Error::<T>::ProviderEmpty);
		ensure!(!profile.region.is_empty(), Error::<T>::RegionEmpty);
		ensure!(
			core::str::from_utf8(&profile.provider).is_ok()
				&& core::str::from_utf8(&profile.region).is_ok(),
			Error::<T>::InvalidUtf8
		);
		Ok(profile)
	}

	/// Adjusts the registration burn of every subnet whose adjustment interval has elapsed
	/// since its last adjustment; returns the weight used: the benchmarked weight of the
	/// subnets adjusted, plus two reads (the subnet and its last adjustment) for each subnet
	/// only looked at.
	pub(crate) fn adjust_registration_burns(now: BlockNumberFor<T>) -> Weight {
		let mut visited: u32 = 0;
		let mut adjusted: u32 = 0;
		for (netuid, subnet) in Subnets::<T>::iter() {
			visited = visited.saturating_add(1);
			let h = subnet.hyperparameters;
			let last = LastAdjustment::<T>::get(netuid);
			if now.saturating_sub(last) < h.adjustment_interval.into() {
				continue;
			}
			adjusted = adjusted.saturating_add(1);
			let registrations = RegistrationsThisInterval::<T>::take(netuid);
			let burn = Self::adjusted_burn(
				RegistrationBurn::<T>::get(netuid),
				registrations,
				h.target_registrations_per_interval,
				(h.min_burn, h.max_burn),
			);
			RegistrationBurn::<T>::insert(netuid, burn);
			LastAdjustment::<T>::insert(netuid, now);
			Self::deposit_event(Event::RegistrationBurnAdjusted { netuid, registrations, burn });
		}
		let looked_at = u64::from(visited.saturating_sub(adjusted));
		T::WeightInfo::on_initialize(adjusted)
			.saturating_add(T::DbWeight::get().reads(looked_at.saturating_mul(2)))
	}

	/// `burn · (registrations + target) / (2 · target)` inside `[min, max]`: more registrations
	/// than the target raise the burn, fewer lower it. Rounded away from `burn` so that a small
	/// burn still moves.
	pub(crate) fn adjusted_burn(
		burn: Balance,
		registrations: u16,
		target: u16,
		(min, max): (Balance, Balance),
	) -> Balance {
		let registrations = u128::from(registrations);
		let target = u128::from(target);
		let raising = registrations > target;
		let rounding = if raising { Rounding::Up } else { Rounding::Down };
		let adjusted = multiply_by_rational_with_rounding(
			burn,
			registrations.saturating_add(target),
			target.saturating_mul(2),
			rounding,
		)
		// A zero target (the bounds refuse it) or an overflow: as far as the direction goes.
		.unwrap_or(if raising { max } else { burn });
		adjusted.max(min).min(max)
	}
}
