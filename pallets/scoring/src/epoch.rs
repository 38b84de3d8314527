//! The epoch: scheduling, the per-subnet run, and the lifecycle of a subnet's scoring state.

use crate::weights::WeightInfo;
use crate::{
	Bonds, Config, DueEpochs, EpochIndex, EpochSchedule, Event, LastEpochBlock, NextEpochAt,
	Pallet, Scores, UidRow, WeightCommits, Weights, WeightsVersionKey,
};
use alloc::vec::Vec;
use polkadot_sdk::{
	frame_support::{
		defensive,
		traits::Get,
		weights::{Weight, WeightMeter},
		BoundedVec,
	},
	frame_system::{self, pallet_prelude::BlockNumberFor},
	sp_runtime::{
		traits::{One, Saturating},
		Perquintill, SaturatedConversion,
	},
};
use verity_primitives::{
	scoring::NeuronScore,
	subnets::{Hyperparameters, NetUid, Uid, MAX_UIDS_LIMIT},
	traits::{
		EmissionPayout, EpochObserver, EpochPayout, StakeInterface, SubnetLifecycle,
		SubnetsInterface,
	},
	Balance, BlockNumber,
};
use verity_yuma::{EpochInput, Fixed, SparseRow};

const LOG_TARGET: &str = "runtime::scoring";

/// How many blocks after the intended one `schedule_epoch` tries before giving up (only a full
/// schedule list, which `MaxSubnets` rules out, makes it look further).
const SCHEDULE_PROBES: u32 = 16;

impl<T: Config> Pallet<T> {
	/// The most one epoch of a subnet of `neurons` UIDs and `max_validators` permits costs,
	/// its payout included.
	pub fn epoch_weight(neurons: u16, max_validators: u16) -> Weight {
		let n = u32::from(neurons);
		let v = u32::from(max_validators.min(neurons));
		T::WeightInfo::run_epoch(n, v)
			.saturating_add(T::Emissions::pay_epoch_weight(n, v))
			.saturating_add(T::OnEpoch::on_epoch_weight())
	}

	/// `on_initialize`: queues the epochs scheduled for `now` behind those still due, then runs
	/// due epochs in order while [`Config::MaxEpochWeight`] allows. The rest wait for the next
	/// block. The first due epoch of a block always runs, so that none waits forever.
	pub(crate) fn run_due_epochs(now: BlockNumberFor<T>) -> Weight {
		let db = T::DbWeight::get();
		// The schedule entry and the due list, read and written.
		let mut bookkeeping = db.reads_writes(2, 2);
		let mut due = DueEpochs::<T>::get();
		let scheduled = EpochSchedule::<T>::take(now);
		let mut changed = !scheduled.is_empty();
		for netuid in scheduled {
			bookkeeping.saturating_accrue(db.reads(1));
			// An entry is stale when the subnet's epoch moved (dissolved, recreated).
			if NextEpochAt::<T>::get(netuid) != Some(now) || due.contains(&netuid) {
				continue;
			}
			if due.try_push(netuid).is_err() {
				defensive!("every subnet is due at most once, and there are at most MaxSubnets");
			}
		}

		let mut meter = WeightMeter::with_limit(T::MaxEpochWeight::get());
		let mut ran = 0u32;
		let mut waiting = Vec::new();
		for netuid in due {
			if !waiting.is_empty() {
				waiting.push(netuid);
				continue;
			}
			changed = true;
			// `NextEpochAt`, the hyperparameters and the neuron count.
			bookkeeping.saturating_accrue(db.reads(3));
			let (Some(hyperparameters), Some(at)) =
				(T::Subnets::hyperparameters(netuid), NextEpochAt::<T>::get(netuid))
			else {
				continue;
			};
			if at > now {
				continue;
			}
			let cost = Self::epoch_weight(
				T::Subnets::neuron_count(netuid),
				hyperparameters.max_validators,
			);
			if meter.try_consume(cost).is_err() {
				if ran > 0 {
					waiting.push(netuid);
					continue;
				}
				log::warn!(
					target: LOG_TARGET,
					"epoch of subnet {netuid} exceeds MaxEpochWeight; running it alone",
				);
				bookkeeping.saturating_accrue(cost);
			}
			Self::run_epoch(netuid, now, &hyperparameters);
			let tempo = BlockNumberFor::<T>::from(hyperparameters.tempo.max(1));
			Self::schedule_epoch(netuid, now.saturating_add(tempo));
			ran = ran.saturating_add(1);
		}
		if waiting.is_empty() {
			if changed {
				DueEpochs::<T>::kill();
			}
		} else {
			// At most the entries of the due list it replaces: never truncated.
			DueEpochs::<T>::put(BoundedVec::truncate_from(waiting));
		}
		meter.consumed().saturating_add(bookkeeping)
	}

	/// Schedules the subnet's next epoch at `at` (or, should that block's list be full, the
	/// first block after it with room).
	pub(crate) fn schedule_epoch(netuid: NetUid, at: BlockNumberFor<T>) {
		let mut at = at;
		for _ in 0..SCHEDULE_PROBES {
			if EpochSchedule::<T>::mutate(at, |list| list.try_push(netuid).is_ok()) {
				NextEpochAt::<T>::insert(netuid, at);
				return;
			}
			at = at.saturating_add(One::one());
		}
		defensive!("a schedule list holds every subnet, there are at most MaxSubnets");
	}

	/// Removes the subnet's next epoch from the schedule and the due list.
	fn unschedule_epoch(netuid: NetUid) {
		if let Some(at) = NextEpochAt::<T>::take(netuid) {
			EpochSchedule::<T>::mutate_exists(at, |list| {
				if let Some(entries) = list {
					entries.retain(|other| *other != netuid);
					if entries.is_empty() {
						*list = None;
					}
				}
			});
		}
		let mut due = DueEpochs::<T>::get();
		if due.contains(&netuid) {
			due.retain(|other| *other != netuid);
			if due.is_empty() {
				DueEpochs::<T>::kill();
			} else {
				DueEpochs::<T>::put(due);
			}
		}
	}

	/// Runs one epoch of the subnet at block `now`: permits, consensus, payout, and the new
	/// bonds and scores.
	pub(crate) fn run_epoch(
		netuid: NetUid,
		now: BlockNumberFor<T>,
		hyperparameters: &Hyperparameters,
	) {
		let mut neurons = T::Subnets::neurons(netuid);
		if neurons.len() > usize::from(MAX_UIDS_LIMIT) {
			defensive!("a subnet holds at most MAX_UIDS_LIMIT neurons");
			neurons.truncate(usize::from(MAX_UIDS_LIMIT));
		}
		let n = neurons.len();
		let registered: Vec<BlockNumberFor<T>> =
			neurons.iter().map(|(_, at)| BlockNumberFor::<T>::from(*at)).collect();
		let hotkeys: Vec<T::AccountId> = neurons.into_iter().map(|(hotkey, _)| hotkey).collect();
		let stake = T::Stake::total_stakes(&hotkeys);
		let permits = verity_yuma::validator_permits(
			&stake,
			hyperparameters.max_validators,
			hyperparameters.min_validator_stake,
		);
		if permits.len() != n {
			defensive!("validator_permits returns one entry per neuron");
		}
		let permitted = |i: usize| permits.get(i).copied().unwrap_or(false);
		let previous = Scores::<T>::get(netuid);
		let last_epoch = LastEpochBlock::<T>::get(netuid);
		let cutoff = T::ActivityCutoff::get();
		// The latest registration: rows formed after it need no filtering.
		let latest_registration = registered.iter().copied().max().unwrap_or_default();
		// The entries of a row formed at block `formed` whose target is the neuron the row
		// meant: one registered before `formed` (or at it, when `inclusive`). The others were
		// meant for a predecessor at that UID. The whole row when no neuron registered since.
		let current = |row: UidRow, formed: BlockNumberFor<T>, inclusive: bool| -> SparseRow {
			let by_then =
				|at: BlockNumberFor<T>| if inclusive { at <= formed } else { at < formed };
			let mut words = row.into_words();
			if !by_then(latest_registration) {
				words.retain(|&word| {
					let (j, _) = verity_yuma::unpack_entry(word);
					registered.get(usize::from(j)).is_some_and(|at| by_then(*at))
				});
			}
			words
		};

		let mut active = Vec::with_capacity(n);
		let mut weights: Vec<SparseRow> = Vec::with_capacity(n);
		let mut bonds: Vec<SparseRow> = Vec::with_capacity(n);
		let mut last_update: Vec<BlockNumber> = Vec::with_capacity(n);
		for (i, uid) in (0..n).zip(0..=Uid::MAX) {
			if !permitted(i) {
				// Only a neuron permitted in the last epoch can have set weights since.
				let was_permitted = previous.get(i).is_some_and(|score| score.validator_permit);
				last_update.push(if was_permitted {
					Self::weights_set_at(netuid, uid).map_or(0, |at| at.saturated_into())
				} else {
					previous.get(i).map_or(0, |score| score.last_update)
				});
				active.push(false);
				weights.push(Vec::new());
				bonds.push(Vec::new());
				continue;
			}
			match Weights::<T>::get(netuid, uid) {
				Some(row) => {
					active.push(row.set_at.saturating_add(cutoff) >= now);
					last_update.push(row.set_at.saturated_into());
					// Weights set before their target registered were meant for its
					// predecessor; those set in the block it registered in are for it.
					weights.push(current(row.weights, row.set_at, true));
				}
				None => {
					active.push(false);
					last_update.push(0);
					weights.push(Vec::new());
				}
			}
			// Bonds formed (at the last epoch, before that block's extrinsics) on a target
			// that registered since belong to its predecessor.
			bonds.push(current(Bonds::<T>::get(netuid, uid), last_epoch, false));
		}

		let mut output = verity_yuma::run_epoch(&EpochInput {
			stake: &stake,
			permits: &permits,
			active: &active,
			weights: &weights,
			bonds: &bonds,
			kappa: hyperparameters.kappa,
			bonds_moving_average: hyperparameters.bonds_moving_average,
		});
		let fixed = |column: &[Fixed], i: usize| column.get(i).copied().unwrap_or(0);
		for column in [
			&output.stake,
			&output.consensus,
			&output.rank,
			&output.trust,
			&output.incentive,
			&output.validator_trust,
			&output.dividends,
		] {
			if column.len() != n {
				defensive!("run_epoch returns one entry per neuron");
			}
		}
		// `Perquintill::from_rational(x, ONE)`, without its 128-bit division per neuron.
		let share = |column: &[Fixed]| -> Vec<Perquintill> {
			(0..n)
				.map(|i| Perquintill::from_parts(verity_yuma::to_quintillionths(fixed(column, i))))
				.collect()
		};
		let incentive = share(&output.incentive);
		let dividends = share(&output.dividends);
		let permitted_stake = (0..n)
			.filter(|i| permitted(*i))
			.fold(0, |sum: Balance, i| sum.saturating_add(stake.get(i).copied().unwrap_or(0)));
		let emission = T::Emissions::pay_epoch(
			netuid,
			EpochPayout {
				hotkeys: &hotkeys,
				incentive: &incentive,
				dividends: &dividends,
				permitted_stake,
			},
		);

		let mut new_bonds = core::mem::take(&mut output.bonds).into_iter();
		for (i, uid) in (0..n).zip(0..=Uid::MAX) {
			let row = new_bonds.next().unwrap_or_default();
			if permitted(i) {
				if row.is_empty() {
					Bonds::<T>::remove(netuid, uid);
				} else {
					// At most one entry per neuron: within the bound of a `UidRow`.
					Bonds::<T>::insert(netuid, uid, UidRow::from_words(row));
				}
			} else if previous.get(i).is_some_and(|score| score.validator_permit) {
				// Only validators permitted in the last epoch have bonds.
				Bonds::<T>::remove(netuid, uid);
			}
		}
		let fraction = |column: &[Fixed], i: usize| verity_yuma::to_u16_fraction(fixed(column, i));
		let scores: Vec<NeuronScore> = (0..n)
			.map(|i| NeuronScore {
				validator_permit: permitted(i),
				stake_share: fraction(&output.stake, i),
				rank: fraction(&output.rank, i),
				trust: fraction(&output.trust, i),
				validator_trust: fraction(&output.validator_trust, i),
				consensus: fraction(&output.consensus, i),
				incentive: fraction(&output.incentive, i),
				dividends: fraction(&output.dividends, i),
				emission: emission.get(i).copied().unwrap_or(0),
				last_update: last_update.get(i).copied().unwrap_or(0),
			})
			.collect();
		let pruning_scores: Vec<u16> =
			scores.iter().map(|score| score.incentive.max(score.dividends)).collect();
		T::Subnets::set_pruning_scores(netuid, &pruning_scores);
		let emitted =
			scores.iter().fold(0, |sum: Balance, score| sum.saturating_add(score.emission));
		let validators = scores.iter().filter(|score| score.validator_permit).count();
		// At most `MAX_UIDS_LIMIT` neurons: never truncated.
		Scores::<T>::insert(netuid, BoundedVec::truncate_from(scores));
		let epoch = EpochIndex::<T>::get(netuid);
		EpochIndex::<T>::insert(netuid, epoch.saturating_add(1));
		LastEpochBlock::<T>::insert(netuid, now);
		T::OnEpoch::on_epoch(netuid, epoch.saturating_add(1));
		Self::deposit_event(Event::EpochRun {
			netuid,
			epoch,
			neurons: n.saturated_into(),
			validators: validators.saturated_into(),
			emitted,
		});
	}

	/// Each neuron's results of the subnet's last epoch, by UID, for the runtime API: one per
	/// neuron (defaults for neurons the epoch has not seen yet), `last_update` as of now.
	pub fn neuron_scores(netuid: NetUid) -> Vec<NeuronScore> {
		let count = usize::from(T::Subnets::neuron_count(netuid));
		let mut scores = Scores::<T>::get(netuid).into_inner();
		scores.resize(count, NeuronScore::default());
		for (score, uid) in scores.iter_mut().zip(0..=Uid::MAX) {
			score.last_update =
				Self::weights_set_at(netuid, uid).map_or(0, |at| at.saturated_into());
		}
		scores
	}
}

impl<T: Config> SubnetLifecycle for Pallet<T> {
	/// Schedules the subnet's first epoch one tempo from now.
	fn on_subnet_created(netuid: NetUid) {
		Self::unschedule_epoch(netuid);
		let now = frame_system::Pallet::<T>::block_number();
		let tempo = T::Subnets::hyperparameters(netuid).map_or(1, |h| h.tempo.max(1));
		Self::schedule_epoch(netuid, now.saturating_add(BlockNumberFor::<T>::from(tempo)));
	}

	/// Forgets the weights, bonds, commitment and scores of the UID's previous neuron.
	fn on_neuron_replaced(netuid: NetUid, uid: Uid) {
		Weights::<T>::remove(netuid, uid);
		Bonds::<T>::remove(netuid, uid);
		WeightCommits::<T>::remove(netuid, uid);
		let mut scores = Scores::<T>::get(netuid);
		if let Some(score) = scores.get_mut(usize::from(uid)) {
			*score = NeuronScore::default();
			Scores::<T>::insert(netuid, scores);
		}
	}

	/// Removes everything stored for the subnet, its scheduled epoch included.
	fn on_subnet_dissolved(netuid: NetUid) {
		Self::unschedule_epoch(netuid);
		// At most `MAX_UIDS_LIMIT` entries each, all removed in one go.
		let _ = Weights::<T>::clear_prefix(netuid, u32::MAX, None);
		let _ = Bonds::<T>::clear_prefix(netuid, u32::MAX, None);
		let _ = WeightCommits::<T>::clear_prefix(netuid, u32::MAX, None);
		Scores::<T>::remove(netuid);
		EpochIndex::<T>::remove(netuid);
		LastEpochBlock::<T>::remove(netuid);
		WeightsVersionKey::<T>::remove(netuid);
	}

	/// Moves a scheduled (not yet due) epoch to `tempo` blocks after the last epoch (after
	/// now, before the first), but no earlier than the next block. A due epoch stays due; the
	/// epoch after it follows the new tempo.
	fn on_tempo_changed(netuid: NetUid, tempo: u16) {
		let now = frame_system::Pallet::<T>::block_number();
		if NextEpochAt::<T>::get(netuid).is_none_or(|at| at <= now) {
			return;
		}
		let base =
			if EpochIndex::<T>::get(netuid) > 0 { LastEpochBlock::<T>::get(netuid) } else { now };
		let at = base
			.saturating_add(BlockNumberFor::<T>::from(tempo.max(1)))
			.max(now.saturating_add(One::one()));
		Self::unschedule_epoch(netuid);
		Self::schedule_epoch(netuid, at);
	}

	fn tempo_changed_weight() -> Weight {
		T::WeightInfo::on_tempo_changed()
	}

	fn subnet_created_weight() -> Weight {
		T::WeightInfo::on_subnet_created()
	}

	fn neuron_replaced_weight() -> Weight {
		T::WeightInfo::on_neuron_replaced()
	}

	fn subnet_dissolved_weight() -> Weight {
		T::WeightInfo::on_subnet_dissolved()
	}
}
