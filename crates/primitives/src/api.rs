//! The runtime API behind the node's `verity_*` RPC methods.

// `decl_runtime_apis!` repeats the trait's generic bounds in a `where` clause.
#![allow(clippy::multiple_bound_locations)]

use crate::{
	emissions::EmissionsView,
	stake::StakeView,
	subnets::{NetUid, NeuronView, SubnetView},
};
use alloc::vec::Vec;
use codec::Codec;

polkadot_sdk::sp_api::decl_runtime_apis! {
	/// Subnets, their metagraphs, stake and emissions, read from chain state.
	pub trait VerityApi<AccountId: Codec> {
		/// One subnet, if it exists.
		fn subnet(netuid: NetUid) -> Option<SubnetView<AccountId>>;
		/// Every subnet, by ascending netuid.
		fn subnets() -> Vec<SubnetView<AccountId>>;
		/// The metagraph of one subnet, by ascending UID; `None` if the subnet does not exist.
		fn neurons(netuid: NetUid) -> Option<Vec<NeuronView<AccountId>>>;
		/// The stake an account holds as a coldkey and attracts as a hotkey.
		fn stake(account: AccountId) -> StakeView<AccountId>;
		/// Where the issuance schedule stands and what each subnet has accrued.
		fn emissions() -> EmissionsView;
	}
}
