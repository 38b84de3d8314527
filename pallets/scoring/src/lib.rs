//! pallet-scoring (to be written).
#![cfg_attr(not(feature = "std"), no_std)]
