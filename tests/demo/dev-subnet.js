// Sets up the development chain's demo subnet, as its users would through @polkadot/api:
// Bob creates a subnet; Charlie registers a miner hotkey that serves a model with
// `verity miner serve` and commits to its root; Eve registers a validator hotkey and stakes on it;
// Ferdie delegates to Eve's validator. Then it prints the metagraph from `verity_neurons`.
//
//   node tests/demo/dev-subnet.js --rpc ws://127.0.0.1:9944 --model-root 0x… --model-size N \
//        --endpoint 127.0.0.1:8700
//
// scripts/run.sh runs it against the node it starts.

import { parseArgs } from 'node:util';

import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

import { submitAndWaitInBlock } from '../e2e/lib/chain.js';
import { VERITY_RPC } from '../e2e/lib/rpc.js';

const VRT = 10n ** 12n;

const { values: options } = parseArgs({
  options: {
    rpc: { type: 'string', default: 'ws://127.0.0.1:9944' },
    'model-root': { type: 'string' },
    'model-size': { type: 'string' },
    endpoint: { type: 'string', default: '127.0.0.1:8700' },
  },
});
if (!options['model-root'] || !options['model-size']) {
  console.error('usage: dev-subnet.js --model-root 0x<64 hex> --model-size <bytes> [--endpoint ip:port] [--rpc ws://…]');
  process.exit(2);
}

const log = (message) => console.log(`[demo] ${message}`);

async function send(api, tx, signer, what) {
  const { events, dispatchError } = await submitAndWaitInBlock(tx, signer);
  if (dispatchError) {
    const detail = dispatchError.isModule
      ? (({ section, name, docs }) => `${section}.${name}: ${docs.join(' ')}`)(api.registry.findMetaError(dispatchError.asModule))
      : dispatchError.toString();
    throw new Error(`${what} failed: ${detail}`);
  }
  log(what);
  return events;
}

async function main() {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  const key = (uri) => keyring.addFromUri(uri);
  const [alice, owner, miner, minerHot, validator, validatorHot, delegator] = [
    '//Alice', '//Bob', '//Charlie', '//Charlie//miner', '//Eve', '//Eve//validator', '//Ferdie',
  ].map(key);

  const api = await ApiPromise.create({ provider: new WsProvider(options.rpc), rpc: VERITY_RPC, noInitWarn: true });
  const existing = (await api.rpc.verity.subnets()).toJSON().subnets;
  if (existing.length > 0) {
    log(`the chain already has ${existing.length} subnet(s); nothing to set up`);
    await api.disconnect();
    return;
  }

  await send(api, api.tx.utility.batchAll([
    api.tx.balances.transferKeepAlive(minerHot.address, 10n * VRT),
    api.tx.balances.transferKeepAlive(validatorHot.address, 10n * VRT),
  ]), alice, 'Alice funds the hotkeys for their transaction fees');

  const created = await send(api, api.tx.subnets.createSubnet(), owner, 'Bob creates a subnet');
  const netuid = created.find(({ event }) => event.method === 'SubnetCreated').event.data[0].toNumber();

  await send(api, api.tx.subnets.register(netuid, minerHot.address), miner, `Charlie registers miner ${minerHot.address} on subnet ${netuid}`);
  const [host, port] = options.endpoint.split(':');
  await send(api, api.tx.subnets.serve(netuid, {
    ip: { V4: host.split('.').map(Number) }, port: Number(port), protocol: 'Http', version: 1,
  }), minerHot, `the miner serves on http://${options.endpoint}`);
  await send(api, api.tx.subnets.commitModel(netuid, options['model-root'], BigInt(options['model-size']), 1), minerHot,
    `the miner commits to model ${options['model-root']}`);
  await send(api, api.tx.subnets.setOperatorProfile('self-hosted', 'local', 'Cpu'), miner, 'Charlie declares its operator profile');

  await send(api, api.tx.subnets.register(netuid, validatorHot.address), validator, `Eve registers validator ${validatorHot.address}`);
  await send(api, api.tx.stake.addStake(validatorHot.address, 1_000n * VRT), validator, 'Eve stakes 1,000 VRT on her validator');
  await send(api, api.tx.stake.addStake(validatorHot.address, 500n * VRT), delegator, 'Ferdie delegates 500 VRT to it');

  const neurons = (await api.rpc.verity.neurons(netuid)).toJSON().neurons;
  log(`metagraph of subnet ${netuid} (verity_neurons):`);
  for (const n of neurons) {
    const stake = Number(BigInt(n.stake) / VRT);
    const endpoint = n.endpoint ? `${n.endpoint.protocol}://${n.endpoint.ip}:${n.endpoint.port}` : '-';
    const model = n.model ? n.model.root.slice(0, 18) + '…' : '-';
    log(`  uid ${n.uid}  hotkey ${n.hotkey}  stake ${stake} VRT  endpoint ${endpoint}  model ${model}`);
  }
  await api.disconnect();
}

main().catch((err) => {
  console.error(`[demo] ${err.message}`);
  process.exit(1);
});
