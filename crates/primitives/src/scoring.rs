//! Scoring: what one epoch of a subnet concluded about each neuron, stored by `pallet-scoring`
//! and reported in the metagraph.

use crate::{Balance, BlockNumber};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// A fraction stored in 16 bits, as Bittensor's metagraph does: `u16::MAX` is one.
pub type U16Fraction = u16;

/// One neuron's results of its subnet's last epoch (all fractions: `u16::MAX` is one).
#[derive(
	Clone,
	Copy,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	PartialEq,
	Eq,
	Debug,
)]
pub struct NeuronScore {
	/// Whether it held a validator permit in the epoch (and may set weights until the next).
	pub validator_permit: bool,
	/// Its share of the stake of the subnet's active permitted validators.
	pub stake_share: U16Fraction,
	/// Stake-weighted sum of the clipped weights it received.
	pub rank: U16Fraction,
	/// How much of the weight it received survived clipping to consensus.
	pub trust: U16Fraction,
	/// How much of the weight it gave survived clipping to consensus (validators).
	pub validator_trust: U16Fraction,
	/// The stake-weighted κ-quantile of the weights it received.
	pub consensus: U16Fraction,
	/// Its share of the miners' emission.
	pub incentive: U16Fraction,
	/// Its share of the validators' emission.
	pub dividends: U16Fraction,
	/// What it was paid at the epoch, in planck.
	pub emission: Balance,
	/// The block its weights were last set in (0: never).
	pub last_update: BlockNumber,
}
