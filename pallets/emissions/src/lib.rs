//! pallet-emissions (to be written).
#![cfg_attr(not(feature = "std"), no_std)]
