//! `verity_*`: subnets, their metagraphs, stake and emissions, as JSON for wallets, dashboards and scripts.
//!
//! Accounts are SS58 strings (prefix 42), amounts are decimal strings of planck (1 VRT =
//! 10^12 planck: too large for a JavaScript number), hashes are `0x` hex. Every method takes an
//! optional block hash and reads the best block without one. Fractions stored on chain as
//! 16-bit proportions (`u16::MAX` is one) are reported as numbers in `[0, 1]` next to their
//! raw value. Every result is a JSON object
//! (lists are wrapped in one), which @polkadot/api's `Json` type decodes as is.

use polkadot_sdk::*;

use jsonrpsee::{
	core::RpcResult,
	proc_macros::rpc,
	types::{ErrorObject, ErrorObjectOwned},
};
use serde_json::{json, Value};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::crypto::{Ss58AddressFormat, Ss58Codec};
use sp_runtime::traits::Block as BlockT;
use std::{marker::PhantomData, sync::Arc};
use verity_primitives::{
	api::VerityApi as VerityRuntimeApi,
	emissions::EmissionsView,
	scoring::NeuronScore,
	stake::StakeView,
	subnets::{
		Endpoint, EvaluationMode, Hyperparameters, IpAddress, ModelCommitment, NetUid, NeuronView,
		Protocol, SubnetView,
	},
	AccountId, SS58_PREFIX,
};

/// The runtime API call failed (e.g. the block is unknown or pruned).
pub const RUNTIME_ERROR: i32 = 1000;
/// The subnet asked for does not exist at that block.
pub const UNKNOWN_SUBNET: i32 = 1001;

/// The `verity_*` methods.
#[rpc(client, server)]
pub trait VerityApi<BlockHash> {
	/// One subnet: owner, lock, neuron count, registration burn, hyperparameters.
	#[method(name = "verity_subnet")]
	fn subnet(&self, netuid: NetUid, at: Option<BlockHash>) -> RpcResult<Value>;

	/// Every subnet, by ascending netuid: `{ "subnets": [...] }`.
	#[method(name = "verity_subnets")]
	fn subnets(&self, at: Option<BlockHash>) -> RpcResult<Value>;

	/// The metagraph of one subnet: each neuron's UID, hotkey, coldkey, stake, endpoint, model
	/// commitment and the results of the subnet's last epoch (permit, consensus, trust,
	/// incentive, dividends, emission…), by ascending UID: `{ "netuid": n, "neurons": [...] }`.
	#[method(name = "verity_neurons")]
	fn neurons(&self, netuid: NetUid, at: Option<BlockHash>) -> RpcResult<Value>;

	/// The stake an account holds as a coldkey (per hotkey, active and unbonding) and attracts
	/// as a hotkey (owner, total, take, stakers).
	#[method(name = "verity_stake")]
	fn stake(&self, account: AccountId, at: Option<BlockHash>) -> RpcResult<Value>;

	/// The issuance schedule: issued, cap, current block reward, halvings and the next one,
	/// burned, total issuance, the split, and each subnet's accrued emission.
	#[method(name = "verity_emissions")]
	fn emissions(&self, at: Option<BlockHash>) -> RpcResult<Value>;
}

/// The implementation over a client with the runtime API.
pub struct Verity<C, Block> {
	client: Arc<C>,
	_block: PhantomData<Block>,
}

impl<C, Block> Verity<C, Block> {
	/// Serves the methods from `client`.
	pub fn new(client: Arc<C>) -> Self {
		Self { client, _block: PhantomData }
	}
}

fn runtime_error(error: impl std::fmt::Display) -> ErrorObjectOwned {
	ErrorObject::owned(RUNTIME_ERROR, "runtime API call failed", Some(error.to_string()))
}

fn unknown_subnet(netuid: NetUid) -> ErrorObjectOwned {
	ErrorObject::owned(UNKNOWN_SUBNET, format!("subnet {netuid} does not exist"), None::<()>)
}

impl<C, Block> VerityApiServer<Block::Hash> for Verity<C, Block>
where
	Block: BlockT,
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: VerityRuntimeApi<Block, AccountId>,
{
	fn subnet(&self, netuid: NetUid, at: Option<Block::Hash>) -> RpcResult<Value> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let subnet = self.client.runtime_api().subnet(at, netuid).map_err(runtime_error)?;
		subnet.map(|s| subnet_json(&s)).ok_or_else(|| unknown_subnet(netuid))
	}

	fn subnets(&self, at: Option<Block::Hash>) -> RpcResult<Value> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let subnets = self.client.runtime_api().subnets(at).map_err(runtime_error)?;
		Ok(json!({ "subnets": subnets.iter().map(subnet_json).collect::<Vec<_>>() }))
	}

	fn neurons(&self, netuid: NetUid, at: Option<Block::Hash>) -> RpcResult<Value> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let neurons = self.client.runtime_api().neurons(at, netuid).map_err(runtime_error)?;
		let neurons = neurons.ok_or_else(|| unknown_subnet(netuid))?;
		Ok(
			json!({ "netuid": netuid, "neurons": neurons.iter().map(neuron_json).collect::<Vec<_>>() }),
		)
	}

	fn stake(&self, account: AccountId, at: Option<Block::Hash>) -> RpcResult<Value> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let view = self.client.runtime_api().stake(at, account).map_err(runtime_error)?;
		Ok(stake_json(&view))
	}

	fn emissions(&self, at: Option<Block::Hash>) -> RpcResult<Value> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let view = self.client.runtime_api().emissions(at).map_err(runtime_error)?;
		Ok(emissions_json(&view))
	}
}

fn address(account: &AccountId) -> String {
	account.to_ss58check_with_version(Ss58AddressFormat::custom(SS58_PREFIX))
}

fn amount(planck: u128) -> String {
	planck.to_string()
}

fn subnet_json(subnet: &SubnetView<AccountId>) -> Value {
	json!({
		"netuid": subnet.netuid,
		"owner": address(&subnet.owner),
		"locked": amount(subnet.locked),
		"createdAt": subnet.created_at,
		"neuronCount": subnet.neuron_count,
		"registrationBurn": amount(subnet.registration_burn),
		"hyperparameters": hyperparameters_json(&subnet.hyperparameters),
	})
}

fn hyperparameters_json(h: &Hyperparameters) -> Value {
	let e = &h.evaluation;
	json!({
		"tempo": h.tempo,
		"maxUids": h.max_uids,
		"maxValidators": h.max_validators,
		"immunityPeriod": h.immunity_period,
		"minBurn": amount(h.min_burn),
		"maxBurn": amount(h.max_burn),
		"targetRegistrationsPerInterval": h.target_registrations_per_interval,
		"adjustmentInterval": h.adjustment_interval,
		"weightsRateLimit": h.weights_rate_limit,
		"commitRevealPeriod": h.commit_reveal_period,
		"kappa": h.kappa,
		"bondsMovingAverage": h.bonds_moving_average,
		"minValidatorStake": amount(h.min_validator_stake),
		"evaluation": {
			"mode": match e.mode {
				EvaluationMode::Weights => "weights",
				EvaluationMode::Verified => "verified",
			},
			"modelFamily": e.model_family,
			"datasetRoot": format!("{:?}", e.dataset_root),
			"samplesPerEvaluation": e.samples_per_evaluation,
			"auditProbabilityPerBillion": e.audit_probability.deconstruct(),
		},
	})
}

fn endpoint_json(endpoint: &Endpoint) -> Value {
	let ip = match endpoint.ip {
		IpAddress::V4(octets) => std::net::IpAddr::from(octets).to_string(),
		IpAddress::V6(octets) => std::net::IpAddr::from(octets).to_string(),
	};
	let protocol = match endpoint.protocol {
		Protocol::Http => "http",
		Protocol::Https => "https",
		Protocol::Grpc => "grpc",
	};
	json!({ "ip": ip, "port": endpoint.port, "protocol": protocol, "version": endpoint.version })
}

fn model_json(model: &ModelCommitment) -> Value {
	json!({
		"root": format!("{:?}", model.root),
		"size": model.size,
		"formatVersion": model.format_version,
		"committedAt": model.committed_at,
	})
}

fn neuron_json(neuron: &NeuronView<AccountId>) -> Value {
	json!({
		"uid": neuron.uid,
		"hotkey": address(&neuron.hotkey),
		"coldkey": address(&neuron.coldkey),
		"stake": amount(neuron.stake),
		"registeredAt": neuron.registered_at,
		"immune": neuron.immune,
		"endpoint": neuron.endpoint.as_ref().map(endpoint_json),
		"model": neuron.model.as_ref().map(model_json),
		"pruningScore": neuron.pruning_score,
		"score": score_json(&neuron.score),
	})
}

/// A 16-bit proportion (`u16::MAX` is one) as a number in `[0, 1]`.
fn proportion(raw: u16) -> f64 {
	f64::from(raw) / f64::from(u16::MAX)
}

fn score_json(score: &NeuronScore) -> Value {
	json!({
		"validatorPermit": score.validator_permit,
		"stakeShare": proportion(score.stake_share),
		"rank": proportion(score.rank),
		"trust": proportion(score.trust),
		"validatorTrust": proportion(score.validator_trust),
		"consensus": proportion(score.consensus),
		"incentive": proportion(score.incentive),
		"dividends": proportion(score.dividends),
		"raw": {
			"stakeShare": score.stake_share,
			"rank": score.rank,
			"trust": score.trust,
			"validatorTrust": score.validator_trust,
			"consensus": score.consensus,
			"incentive": score.incentive,
			"dividends": score.dividends,
		},
		"emission": amount(score.emission),
		"lastUpdate": score.last_update,
	})
}

fn emissions_json(view: &EmissionsView) -> Value {
	json!({
		"issued": amount(view.issued),
		"cap": amount(view.cap),
		"blockReward": amount(view.block_reward),
		"halvings": view.halvings,
		"nextHalvingAt": amount(view.next_halving_at),
		"genesisIssuance": amount(view.genesis_issuance),
		"burned": amount(view.burned),
		"totalIssuance": amount(view.total_issuance),
		"split": {
			"ownerPerBillion": view.split.owner.deconstruct(),
			"minersPerBillion": view.split.miners.deconstruct(),
			"validatorsPerBillion": view.split.validators.deconstruct(),
		},
		"maxSubnetSharePerBillion": view.max_subnet_share.deconstruct(),
		"subnets": view.subnets.iter().map(|s| json!({
			"netuid": s.netuid,
			"permittedStake": amount(s.permitted_stake),
			"pending": amount(s.pending),
			"paid": amount(s.paid),
		})).collect::<Vec<_>>(),
	})
}

fn stake_json(view: &StakeView<AccountId>) -> Value {
	let positions: Vec<Value> = view
		.positions
		.iter()
		.map(|p| {
			json!({
				"hotkey": address(&p.hotkey),
				"active": amount(p.active),
				"unbonding": p.unbonding.iter().map(|c| json!({
					"amount": amount(c.amount),
					"unlocksAt": c.unlocks_at,
				})).collect::<Vec<_>>(),
			})
		})
		.collect();
	json!({
		"account": address(&view.account),
		"positions": positions,
		"hotkey": view.hotkey.as_ref().map(|h| json!({
			"owner": address(&h.owner),
			"total": amount(h.total),
			"takePerBillion": h.take.deconstruct(),
			"stakers": h.stakers,
			"authorityCandidate": h.authority_candidate,
		})),
	})
}

#[cfg(test)]
mod tests {
	use super::*;
	use polkadot_sdk::{sp_core::H256, sp_keyring::Sr25519Keyring};

	#[test]
	fn amounts_are_strings_and_accounts_ss58() {
		let alice = Sr25519Keyring::Alice.to_account_id();
		let model = ModelCommitment {
			root: H256::repeat_byte(0xab),
			size: 4096,
			format_version: 1,
			committed_at: 7,
		};
		let neuron = NeuronView {
			uid: 3,
			hotkey: alice.clone(),
			coldkey: alice,
			stake: u128::MAX,
			registered_at: 5,
			immune: true,
			endpoint: Some(Endpoint {
				ip: IpAddress::V4([127, 0, 0, 1]),
				port: 8080,
				protocol: Protocol::Http,
				version: 2,
			}),
			model: Some(model),
			pruning_score: 0,
			score: NeuronScore {
				validator_permit: true,
				incentive: u16::MAX,
				emission: 1_000_000_000_000,
				..Default::default()
			},
		};
		let json = neuron_json(&neuron);
		assert_eq!(json["hotkey"], "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
		assert_eq!(json["stake"], u128::MAX.to_string());
		assert_eq!(json["endpoint"]["ip"], "127.0.0.1");
		assert_eq!(json["endpoint"]["protocol"], "http");
		assert_eq!(json["model"]["root"], format!("0x{}", "ab".repeat(32)));
		assert_eq!(json["score"]["incentive"], 1.0);
		assert_eq!(json["score"]["raw"]["incentive"], u16::MAX);
		assert_eq!(json["score"]["dividends"], 0.0);
		assert_eq!(json["score"]["emission"], "1000000000000");
		assert_eq!(json["score"]["validatorPermit"], true);
	}
}
