// Definitions of the node's `verity_*` RPC methods for @polkadot/api: pass them as the `rpc`
// option of ApiPromise.create and call api.rpc.verity.subnets() and friends. Every method
// returns JSON (amounts as decimal strings of planck, accounts as SS58 addresses).

const at = { name: 'at', type: 'Hash', isOptional: true };

export const VERITY_RPC = {
  verity: {
    subnet: {
      description: 'One subnet: owner, lock, neuron count, registration burn, hyperparameters',
      params: [{ name: 'netuid', type: 'u16' }, at],
      type: 'Json',
    },
    subnets: {
      description: 'Every subnet, by ascending netuid',
      params: [at],
      type: 'Json',
    },
    neurons: {
      description: 'The metagraph of one subnet, by ascending UID',
      params: [{ name: 'netuid', type: 'u16' }, at],
      type: 'Json',
    },
    stake: {
      description: 'Stake an account holds as a coldkey and attracts as a hotkey',
      params: [{ name: 'account', type: 'AccountId' }, at],
      type: 'Json',
    },
    emissions: {
      description: 'The issuance schedule and what each subnet has accrued',
      params: [at],
      type: 'Json',
    },
  },
};
