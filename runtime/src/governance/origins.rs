//! The origins that referenda dispatch with besides root, and the pace of the chain's
//! governance.
//!
//! A referendum on the network-parameters track that passes dispatches its call with
//! [`Origin::NetworkParameters`]; [`NetworkParameters`] accepts exactly that origin. Root is the
//! origin of the root track.

pub use pallet_origins::*;

use polkadot_sdk::frame_support;

/// How long the steps of a referendum take: the live periods of a real network, or short ones
/// for development chains and tests.
#[derive(
	PartialEq,
	Eq,
	Clone,
	Copy,
	Default,
	Debug,
	codec::MaxEncodedLen,
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	scale_info::TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum GovernancePace {
	/// Days to weeks: the periods of a live network.
	#[default]
	Live,
	/// A few blocks: for `--dev`, local networks and end-to-end tests.
	Fast,
}

// FRAME's macros generate `expect` calls (the pallet's name in `PalletInfo`, which the runtime
// guarantees); this module's own code has none.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet_origins {
	use super::{frame_support, GovernancePace};
	use frame_support::{
		pallet_prelude::*,
		traits::{EnsureOrigin, OriginTrait},
	};

	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config {}

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// The origins of Verity's referendum tracks other than root.
	#[derive(
		PartialEq, Eq, Clone, MaxEncodedLen, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug,
	)]
	#[pallet::origin]
	pub enum Origin {
		/// A passed referendum of the network-parameters track: may change the network
		/// parameters and dissolve subnets.
		NetworkParameters,
	}

	/// The pace of governance, fixed at genesis by the chain spec's preset.
	#[pallet::storage]
	pub type Pace<T> = StorageValue<_, GovernancePace, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The pace of governance.
		pub pace: GovernancePace,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			Pace::<T>::put(self.pace);
		}
	}

	/// Accepts only [`Origin::NetworkParameters`], the origin of a passed network-parameters
	/// referendum.
	pub struct NetworkParameters;

	impl<O: OriginTrait + From<Origin>> EnsureOrigin<O> for NetworkParameters
	where
		for<'a> &'a O::PalletsOrigin: TryInto<&'a Origin>,
	{
		type Success = ();

		fn try_origin(o: O) -> Result<Self::Success, O> {
			let is_network_parameters =
				matches!(o.caller().try_into(), Ok(Origin::NetworkParameters));
			if is_network_parameters {
				Ok(())
			} else {
				Err(o)
			}
		}

		#[cfg(feature = "runtime-benchmarks")]
		fn try_successful_origin() -> Result<O, ()> {
			Ok(O::from(Origin::NetworkParameters))
		}
	}
}
