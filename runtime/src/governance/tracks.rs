//! The referendum tracks: what each may do, what it costs to bring a referendum to a decision,
//! how long each step takes and how much agreement passes it.
//!
//! | id | track | origin | decides at once | decision deposit |
//! |----|-------|--------|-----------------|------------------|
//! | 0 | `root` | `Root`: runtime upgrades, anything | 1 | 10,000 VRT |
//! | 1 | `network_parameters` | `Origins::NetworkParameters`: the network parameters, dissolving a subnet | 10 | 1,000 VRT |
//!
//! Periods, live pace (fast pace in brackets, in blocks of 6 s):
//!
//! | track | prepare | decision | confirm | min. enactment |
//! |-------|---------|----------|---------|----------------|
//! | `root` | 2 h [2] | 14 d [10] | 1 d [2] | 1 d [1] |
//! | `network_parameters` | 1 h [2] | 7 d [10] | 3 h [2] | 1 h [1] |
//!
//! Approval (conviction-weighted ayes of all conviction-weighted votes) falls linearly from
//! 100% to 50% over the decision period on both tracks. Support (ayes without conviction, of the
//! active issuance) falls linearly from 50% to 1% (`root`) and from 20% to 1%
//! (`network_parameters`).

use super::origins::{self, GovernancePace};
use crate::{Balance, BlockNumber, OriginCaller, Runtime, DAYS, HOURS, VRT};
use alloc::borrow::Cow;
use polkadot_sdk::{
	frame_system::RawOrigin,
	pallet_referenda::{Curve, Track, TrackInfo},
	sp_runtime::Perbill,
};

/// The id of the root track.
pub const ROOT: u16 = 0;
/// The id of the network-parameters track.
pub const NETWORK_PARAMETERS: u16 = 1;

/// What a root referendum's decision deposit holds.
pub const ROOT_DECISION_DEPOSIT: Balance = 10_000 * VRT;
/// What a network-parameters referendum's decision deposit holds.
pub const NETWORK_PARAMETERS_DECISION_DEPOSIT: Balance = 1_000 * VRT;

/// The length of a track name, as pallet-referenda stores it (its default `N`).
const NAME_LEN: usize = 25;

/// `name`, zero-padded to the fixed length referenda stores.
// Runs at compile time only: an index out of range would fail the build.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
const fn track_name(name: &str) -> [u8; NAME_LEN] {
	let bytes = name.as_bytes();
	assert!(bytes.len() <= NAME_LEN, "track name too long");
	let mut out = [0u8; NAME_LEN];
	let mut i = 0;
	while i < bytes.len() {
		out[i] = bytes[i];
		i += 1;
	}
	out
}

const fn linear(ceil: u32, floor: u32) -> Curve {
	Curve::LinearDecreasing {
		length: Perbill::from_percent(100),
		floor: Perbill::from_percent(floor),
		ceil: Perbill::from_percent(ceil),
	}
}

/// The periods of one track, in blocks.
struct Periods {
	prepare: BlockNumber,
	decision: BlockNumber,
	confirm: BlockNumber,
	min_enactment: BlockNumber,
}

const fn root(periods: Periods) -> Track<u16, Balance, BlockNumber> {
	Track {
		id: ROOT,
		info: TrackInfo {
			name: track_name("root"),
			max_deciding: 1,
			decision_deposit: ROOT_DECISION_DEPOSIT,
			prepare_period: periods.prepare,
			decision_period: periods.decision,
			confirm_period: periods.confirm,
			min_enactment_period: periods.min_enactment,
			min_approval: linear(100, 50),
			min_support: linear(50, 1),
		},
	}
}

const fn network_parameters(periods: Periods) -> Track<u16, Balance, BlockNumber> {
	Track {
		id: NETWORK_PARAMETERS,
		info: TrackInfo {
			name: track_name("network_parameters"),
			max_deciding: 10,
			decision_deposit: NETWORK_PARAMETERS_DECISION_DEPOSIT,
			prepare_period: periods.prepare,
			decision_period: periods.decision,
			confirm_period: periods.confirm,
			min_enactment_period: periods.min_enactment,
			min_approval: linear(100, 50),
			min_support: linear(20, 1),
		},
	}
}

/// The tracks of a live network, sorted by id.
pub const LIVE_TRACKS: [Track<u16, Balance, BlockNumber>; 2] = [
	root(Periods { prepare: 2 * HOURS, decision: 14 * DAYS, confirm: DAYS, min_enactment: DAYS }),
	network_parameters(Periods {
		prepare: HOURS,
		decision: 7 * DAYS,
		confirm: 3 * HOURS,
		min_enactment: HOURS,
	}),
];

/// The same tracks with periods of a few blocks, for development chains and tests.
pub const FAST_TRACKS: [Track<u16, Balance, BlockNumber>; 2] = [
	root(Periods { prepare: 2, decision: 10, confirm: 2, min_enactment: 1 }),
	network_parameters(Periods { prepare: 2, decision: 10, confirm: 2, min_enactment: 1 }),
];

/// The tracks of the chain's pace.
pub fn tracks_of(pace: GovernancePace) -> &'static [Track<u16, Balance, BlockNumber>; 2] {
	match pace {
		GovernancePace::Live => &LIVE_TRACKS,
		GovernancePace::Fast => &FAST_TRACKS,
	}
}

/// Verity's referendum tracks, at the pace the chain was started with.
pub struct TracksInfo;

impl polkadot_sdk::pallet_referenda::TracksInfo<Balance, BlockNumber> for TracksInfo {
	type Id = u16;
	type RuntimeOrigin = OriginCaller;

	fn tracks() -> impl Iterator<Item = Cow<'static, Track<Self::Id, Balance, BlockNumber>>> {
		tracks_of(origins::Pace::<Runtime>::get()).iter().map(Cow::Borrowed)
	}

	fn track_for(origin: &Self::RuntimeOrigin) -> Result<Self::Id, ()> {
		match origin {
			OriginCaller::system(RawOrigin::Root) => Ok(ROOT),
			OriginCaller::Origins(origins::Origin::NetworkParameters) => Ok(NETWORK_PARAMETERS),
			_ => Err(()),
		}
	}
}
