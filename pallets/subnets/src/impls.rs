//! Subnets' lifecycle, [`SubnetsInterface`] for the other pallets, the views the runtime API
//! returns, and the pallet's invariants.

use crate::{
	Config, Event, HoldReason, LastAdjustment, LastLockBlock, LastLockCost, NeuronCount, Neurons,
	Pallet, PruningScores, RegistrationBurn, RegistrationsThisInterval, Roster, SubnetInfo,
	SubnetOf, Subnets, Uids,
};
use alloc::vec::Vec;
use polkadot_sdk::{
	frame_support::{
		defensive,
		traits::{fungible::MutateHold, tokens::Precision},
	},
	frame_system::{self, pallet_prelude::BlockNumberFor},
	sp_runtime::{DispatchError, SaturatedConversion},
};
use verity_primitives::traits::NetworkParametersInterface as _;
use verity_primitives::{
	subnets::{Endpoint, Hyperparameters, ModelCommitment, NetUid, NeuronView, SubnetView, Uid},
	traits::{StakeInterface, SubnetLifecycle, SubnetsInterface},
	Balance, BlockNumber,
};

impl<T: Config> Pallet<T> {
	/// Writes a new subnet owned by `owner` whose `lock` is already held, with the default
	/// hyperparameters, and records the lock as the base of the next lock cost.
	pub(crate) fn insert_subnet(
		netuid: NetUid,
		owner: T::AccountId,
		lock: Balance,
		now: BlockNumberFor<T>,
	) {
		let hyperparameters = T::Parameters::default_hyperparameters();
		Subnets::<T>::insert(
			netuid,
			SubnetInfo { owner: owner.clone(), locked: lock, created_at: now, hyperparameters },
		);
		RegistrationBurn::<T>::insert(netuid, hyperparameters.min_burn);
		LastAdjustment::<T>::insert(netuid, now);
		LastLockCost::<T>::put(lock);
		LastLockBlock::<T>::put(now);
		T::Lifecycle::on_subnet_created(netuid);
		Self::deposit_event(Event::SubnetCreated { netuid, owner, locked: lock });
	}

	/// Releases the subnet's lock and removes the subnet with everything stored under its
	/// netuid; returns how many neurons it held.
	pub(crate) fn remove_subnet(
		netuid: NetUid,
		subnet: &SubnetOf<T>,
	) -> Result<u16, DispatchError> {
		let neurons = NeuronCount::<T>::get(netuid);
		if subnet.locked > 0 {
			T::Currency::release(
				&HoldReason::SubnetLock.into(),
				&subnet.owner,
				subnet.locked,
				Precision::Exact,
			)?;
		}
		Subnets::<T>::remove(netuid);
		// At most `MAX_UIDS_LIMIT` entries each, all removed in one go.
		let _ = Neurons::<T>::clear_prefix(netuid, u32::MAX, None);
		let _ = Uids::<T>::clear_prefix(netuid, u32::MAX, None);
		Roster::<T>::remove(netuid);
		PruningScores::<T>::remove(netuid);
		NeuronCount::<T>::remove(netuid);
		RegistrationBurn::<T>::remove(netuid);
		RegistrationsThisInterval::<T>::remove(netuid);
		LastAdjustment::<T>::remove(netuid);
		T::Lifecycle::on_subnet_dissolved(netuid);
		Self::deposit_event(Event::SubnetDissolved { netuid });
		Ok(neurons)
	}

	/// One subnet as the runtime API reports it.
	pub fn subnet_view(netuid: NetUid) -> Option<SubnetView<T::AccountId>> {
		let subnet = Subnets::<T>::get(netuid)?;
		Some(SubnetView {
			netuid,
			owner: subnet.owner,
			locked: subnet.locked,
			created_at: subnet.created_at.saturated_into(),
			neuron_count: NeuronCount::<T>::get(netuid),
			registration_burn: RegistrationBurn::<T>::get(netuid),
			hyperparameters: subnet.hyperparameters,
		})
	}

	/// Every subnet as the runtime API reports it, by ascending netuid.
	pub fn subnet_views() -> Vec<SubnetView<T::AccountId>> {
		Self::netuids().into_iter().filter_map(Self::subnet_view).collect()
	}

	/// The metagraph of one subnet, by ascending UID; `None` if the subnet does not exist.
	pub fn neuron_views(netuid: NetUid) -> Option<Vec<NeuronView<T::AccountId>>> {
		let subnet = Subnets::<T>::get(netuid)?;
		let now = frame_system::Pallet::<T>::block_number();
		let immunity_period = subnet.hyperparameters.immunity_period;
		let pruning_scores = PruningScores::<T>::get(netuid);
		let mut views = Vec::new();
		for uid in 0..NeuronCount::<T>::get(netuid) {
			let Some(neuron) = Neurons::<T>::get(netuid, uid) else {
				defensive!("UIDs below the neuron count always hold a neuron");
				continue;
			};
			let Some(coldkey) = T::Stake::hotkey_owner(&neuron.hotkey) else {
				defensive!("a registered hotkey always has an owner");
				continue;
			};
			views.push(NeuronView {
				uid,
				stake: T::Stake::total_stake(&neuron.hotkey),
				coldkey,
				registered_at: neuron.registered_at.saturated_into(),
				immune: Self::is_immune(neuron.registered_at, immunity_period, now),
				endpoint: neuron.endpoint,
				model: neuron.model,
				pruning_score: pruning_scores.get(usize::from(uid)).copied().unwrap_or(0),
				hotkey: neuron.hotkey,
				score: Default::default(),
			});
		}
		Some(views)
	}
}

impl<T: Config> SubnetsInterface<T::AccountId> for Pallet<T> {
	fn netuids() -> Vec<NetUid> {
		let mut netuids: Vec<NetUid> = Subnets::<T>::iter_keys().collect();
		netuids.sort_unstable();
		netuids
	}

	fn subnet_owner(netuid: NetUid) -> Option<T::AccountId> {
		Subnets::<T>::get(netuid).map(|subnet| subnet.owner)
	}

	fn hyperparameters(netuid: NetUid) -> Option<Hyperparameters> {
		Subnets::<T>::get(netuid).map(|subnet| subnet.hyperparameters)
	}

	fn neuron_count(netuid: NetUid) -> u16 {
		NeuronCount::<T>::get(netuid)
	}

	fn uid_of(netuid: NetUid, hotkey: &T::AccountId) -> Option<Uid> {
		Uids::<T>::get(netuid, hotkey)
	}

	fn hotkey_of(netuid: NetUid, uid: Uid) -> Option<T::AccountId> {
		Neurons::<T>::get(netuid, uid).map(|neuron| neuron.hotkey)
	}

	fn model_commitment(netuid: NetUid, uid: Uid) -> Option<ModelCommitment> {
		Neurons::<T>::get(netuid, uid).and_then(|neuron| neuron.model)
	}

	fn endpoint(netuid: NetUid, uid: Uid) -> Option<Endpoint> {
		Neurons::<T>::get(netuid, uid).and_then(|neuron| neuron.endpoint)
	}

	/// One read and one write, of one value: `scores[uid]` for each UID the subnet holds;
	/// extra entries are ignored, UIDs past the end of `scores` keep theirs.
	fn set_pruning_scores(netuid: NetUid, scores: &[u16]) {
		PruningScores::<T>::mutate_extant(netuid, |kept| {
			kept.iter_mut().zip(scores).for_each(|(slot, score)| *slot = *score);
		});
	}

	/// One read, of the subnet's [`Roster`].
	fn neurons(netuid: NetUid) -> Vec<(T::AccountId, BlockNumber)> {
		Roster::<T>::get(netuid)
			.into_iter()
			.map(|(hotkey, registered_at)| (hotkey, registered_at.saturated_into()))
			.collect()
	}
}

#[cfg(any(feature = "try-runtime", test))]
impl<T: Config> Pallet<T> {
	/// Checks the invariants listed in the module docs.
	pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		use crate::{NextNetUid, OperatorProfiles};
		use alloc::collections::btree_map::BTreeMap;
		use polkadot_sdk::frame_support::{
			ensure,
			traits::{fungible::InspectHold, Get},
		};

		let count = Subnets::<T>::count();
		ensure!(count <= u32::from(T::MaxSubnetsLimit::get()), "more subnets than MaxSubnetsLimit");
		ensure!(
			usize::try_from(count).ok() == Some(Subnets::<T>::iter_keys().count()),
			"the subnet counter disagrees with the subnets"
		);

		let next_netuid = NextNetUid::<T>::get();
		let mut locks: BTreeMap<T::AccountId, Balance> = BTreeMap::new();
		for (netuid, subnet) in Subnets::<T>::iter() {
			ensure!(netuid < next_netuid, "a netuid at or above NextNetUid");
			let owner_locks = locks.entry(subnet.owner.clone()).or_default();
			*owner_locks = owner_locks.saturating_add(subnet.locked);

			let h = subnet.hyperparameters;
			let neuron_count = NeuronCount::<T>::get(netuid);
			ensure!(neuron_count <= h.max_uids, "more neurons than max_uids");
			let roster = Roster::<T>::get(netuid);
			ensure!(
				roster.len() == usize::from(neuron_count),
				"the roster's length differs from the neuron count"
			);
			ensure!(
				PruningScores::<T>::get(netuid).len() == usize::from(neuron_count),
				"the pruning scores' length differs from the neuron count"
			);
			for (uid, entry) in (0..neuron_count).zip(roster.iter()) {
				let neuron =
					Neurons::<T>::get(netuid, uid).ok_or("a UID below the count is empty")?;
				ensure!(
					entry.0 == neuron.hotkey && entry.1 == neuron.registered_at,
					"a roster entry differs from its neuron's hotkey and registration block"
				);
				ensure!(
					Uids::<T>::get(netuid, &neuron.hotkey) == Some(uid),
					"Uids does not map a neuron's hotkey back to its UID"
				);
				ensure!(
					T::Stake::hotkey_owner(&neuron.hotkey).is_some(),
					"a neuron's hotkey has no owner"
				);
			}
			ensure!(
				Neurons::<T>::iter_prefix(netuid).count() == usize::from(neuron_count),
				"a neuron at a UID at or above the count"
			);
			ensure!(
				Uids::<T>::iter_prefix(netuid).count() == usize::from(neuron_count),
				"a Uids entry without its neuron"
			);
			let burn = RegistrationBurn::<T>::get(netuid);
			ensure!(
				h.min_burn <= burn && burn <= h.max_burn,
				"the registration burn is outside [min_burn, max_burn]"
			);
		}
		for (owner, locked) in locks {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::SubnetLock.into(), &owner) == locked,
				"an owner's SubnetLock hold differs from its subnets' locks"
			);
		}

		let exists = |netuid: &NetUid| Subnets::<T>::contains_key(netuid);
		ensure!(Neurons::<T>::iter_keys().all(|(n, _)| exists(&n)), "a neuron of no subnet");
		ensure!(Uids::<T>::iter_keys().all(|(n, _)| exists(&n)), "a Uids entry of no subnet");
		ensure!(NeuronCount::<T>::iter_keys().all(|n| exists(&n)), "a count of no subnet");
		ensure!(Roster::<T>::iter_keys().all(|n| exists(&n)), "a roster of no subnet");
		ensure!(PruningScores::<T>::iter_keys().all(|n| exists(&n)), "pruning scores of no subnet");
		ensure!(RegistrationBurn::<T>::iter_keys().all(|n| exists(&n)), "a burn of no subnet");
		ensure!(
			RegistrationsThisInterval::<T>::iter_keys().all(|n| exists(&n)),
			"registrations of no subnet"
		);
		ensure!(LastAdjustment::<T>::iter_keys().all(|n| exists(&n)), "an adjustment of no subnet");
		ensure!(
			OperatorProfiles::<T>::iter_values().all(|p| {
				!p.provider.is_empty()
					&& !p.region.is_empty()
					&& core::str::from_utf8(&p.provider).is_ok()
					&& core::str::from_utf8(&p.region).is_ok()
			}),
			"an operator profile with an empty or non-UTF-8 name"
		);
		Ok(())
	}
}
