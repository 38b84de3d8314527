//! OpenGov: token holders decide what the chain executes.
//!
//! Anyone notes a call's preimage (`preimage.notePreimage`) and submits a referendum for it
//! (`referenda.submit`) with the origin the call needs; the origin picks the track
//! ([`tracks`]). Once someone places the track's decision deposit and the prepare period is
//! over, the referendum is decided: holders vote with conviction (`convictionVoting.vote`),
//! and if approval and support stay above the track's curves for its confirm period, the call
//! is scheduled (`scheduler`) and dispatched with that origin after the enactment delay.
//!
//! - [`origins`]: the network-parameters origin, and the pace (live or fast) fixed at genesis.
//! - [`tracks`]: the tracks, their deposits, periods and curves.

pub mod origins;
pub mod tracks;
