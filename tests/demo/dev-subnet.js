// The development chain's demo: a verified subnet whose evaluations the node does itself, as its
// users would set it up through @polkadot/api, then the story told block by block.
//
// Bob creates a subnet over the demo dataset (8×8 digits) with verified evaluations. Charlie and
// Dave register miners that serve their models with `verity miner serve` and commit to them.
// Eve and Ferdie register validators and stake; their hotkeys go into the node's keystore (key
// type `veva`), so the node's off-chain worker evaluates every miner for them, submits the
// sealed results, and answers the audits each is assigned of the other. Once the better model
// earns more, a third validator (whose key the node does not hold) submits a forged evaluation:
// the node audits it, disputes it, and the forger is slashed. The chain keeps running.
//
//   node tests/demo/dev-subnet.js --rpc ws://127.0.0.1:9944 --dataset-root 0x… \
//        --miner 0x<root>,<size>,127.0.0.1:8700 --miner 0x<root>,<size>,127.0.0.1:8701
//
// scripts/run.sh runs it against the node it starts.

import { parseArgs } from 'node:util';

import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, randomAsHex } from '@polkadot/util-crypto';

import { submitAndWaitInBlock } from '../e2e/lib/chain.js';
import { VERITY_RPC } from '../e2e/lib/rpc.js';

const VRT = 10n ** 12n;
const TEMPO = 10;
const SAMPLES = 64;
const PERBILL = 1_000_000_000;

const { values: options } = parseArgs({
  options: {
    rpc: { type: 'string', default: 'ws://127.0.0.1:9944' },
    'dataset-root': { type: 'string' },
    miner: { type: 'string', multiple: true },
  },
});
if (!options['dataset-root'] || (options.miner ?? []).length !== 2) {
  console.error('usage: dev-subnet.js --dataset-root 0x… --miner 0x<root>,<size>,<ip:port> --miner … [--rpc ws://…]');
  process.exit(2);
}
const served = options.miner.map((spec) => {
  const [root, size, endpoint] = spec.split(',');
  const [host, port] = endpoint.split(':');
  return { root, size: BigInt(size), host, port: Number(port) };
});

const log = (message) => console.log(`[demo] ${message}`);
const short = (address) => `${address.toString().slice(0, 8)}…`;
const vrt = (planck) => `${(Number(BigInt(planck) / (VRT / 1000n)) / 1000).toFixed(3)} VRT`;

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

/** An event's fields by (camelCase) name. */
function fieldsOf(event) {
  const names = event.data.names ?? [];
  return Object.fromEntries(names.map((name, i) => [name.replace(/_([a-z])/g, (_, c) => c.toUpperCase()), event.data[i]]));
}

async function main() {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  const key = (uri) => keyring.addFromUri(uri);
  const alice = key('//Alice');
  const owner = key('//Bob');
  const miners = ['//Charlie', '//Dave'].map((uri, i) => ({ name: uri.slice(2), coldkey: key(uri), hotkey: key(`${uri}//miner`), ...served[i] }));
  const validators = ['//Eve', '//Ferdie'].map((uri) => ({ name: uri.slice(2), coldkey: key(uri), uri: `${uri}//validator`, hotkey: key(`${uri}//validator`) }));
  const forger = { coldkey: key('//Alice//forger'), hotkey: key('//Alice//forger//validator') };

  const api = await ApiPromise.create({ provider: new WsProvider(options.rpc), rpc: VERITY_RPC, noInitWarn: true });
  const existing = (await api.rpc.verity.subnets()).toJSON().subnets;
  if (existing.length > 0) {
    log(`the chain already has ${existing.length} subnet(s); nothing to set up`);
    await api.disconnect();
    return;
  }

  await send(api, api.tx.utility.batchAll([
    api.tx.balances.transferKeepAlive(forger.coldkey.address, 1_000n * VRT),
    ...[...miners, ...validators, forger].map((n) => api.tx.balances.transferKeepAlive(n.hotkey.address, 10n * VRT)),
  ]), alice, 'Alice funds the hotkeys for their transaction fees');

  const created = await send(api, api.tx.subnets.createSubnet(), owner, 'Bob creates a subnet');
  const netuid = created.find(({ event }) => event.method === 'SubnetCreated').event.data[0].toNumber();
  await send(api, api.tx.utility.batchAll([
    { Tempo: TEMPO }, { EvaluationMode: 'Verified' }, { DatasetRoot: options['dataset-root'] },
    { SamplesPerEvaluation: SAMPLES }, { AuditProbability: PERBILL },
  ].map((param) => api.tx.subnets.setHyperparameter(netuid, param))), owner,
  `Bob makes subnet ${netuid} verified: the demo digits, ${SAMPLES} samples per evaluation, every evaluation audited, an epoch every ${TEMPO} blocks`);

  for (const m of miners) {
    await send(api, api.tx.subnets.register(netuid, m.hotkey.address), m.coldkey, `${m.name} registers miner ${short(m.hotkey.address)}`);
    await send(api, api.tx.utility.batchAll([
      api.tx.subnets.serve(netuid, { ip: { V4: m.host.split('.').map(Number) }, port: m.port, protocol: 'Http', version: 1 }),
      api.tx.subnets.commitModel(netuid, m.root, m.size, 1),
    ]), m.hotkey, `  it serves on http://${m.host}:${m.port} and commits to model ${m.root.slice(0, 18)}…`);
  }
  for (const [i, v] of validators.entries()) {
    await send(api, api.tx.subnets.register(netuid, v.hotkey.address), v.coldkey, `${v.name} registers validator ${short(v.hotkey.address)}`);
    const stake = [1_000n, 600n][i] * VRT;
    await send(api, api.tx.stake.addStake(v.hotkey.address, stake), v.coldkey, `  and stakes ${vrt(stake)} on it`);
    await api.rpc.author.insertKey('veva', v.uri, `0x${Buffer.from(v.hotkey.publicKey).toString('hex')}`);
    log(`  its hotkey goes into the node's keystore (key type veva): the node evaluates for it`);
  }
  log('waiting for the next epoch: it grants validator permits and seeds the samples');

  const names = new Map([
    ...miners.map((m) => [m.hotkey.address, `${m.name}'s miner`]),
    ...validators.map((v) => [v.hotkey.address, `${v.name}'s validator`]),
    [forger.hotkey.address, 'the forger'],
  ]);
  const who = (account) => names.get(account.toString()) ?? short(account);
  let phase = 'honest';
  let matched = 0;
  let epochsShown = 0;

  const unsubscribe = await api.rpc.chain.subscribeNewHeads(async (header) => {
    const number = header.number.toNumber();
    const events = await api.query.system.events.at(header.hash);
    for (const { event } of events) {
      if (event.section === 'evaluations') {
        const f = fieldsOf(event);
        switch (event.method) {
          case 'EvaluationsSubmitted':
            log(`#${number} ${who(f.validator)} submitted ${f.count} evaluation(s) for epoch ${f.epoch} (backend ${Buffer.from(f.backend.toU8a(true)).toString()})`);
            break;
          case 'AuditAssigned':
            log(`#${number} audit ${f.id}: ${who(f.auditor)} re-executes ${who(f.validator)}'s evaluation of miner ${f.miner}`);
            break;
          case 'AuditMatched':
            matched += 1;
            log(`#${number} audit ${f.id} matched: both paid ${vrt(f.validatorReward)}`);
            break;
          case 'AuditExpired':
            log(`#${number} audit ${f.id} expired unanswered`);
            break;
          case 'DisputeOpened':
            log(`#${number} dispute ${f.id}: ${who(f.auditor)}'s root differs from ${who(f.validator)}'s; both must reveal their leaves`);
            break;
          case 'LeavesRevealed':
            log(`#${number} dispute ${f.id}: the ${f.party.toString().toLowerCase()} revealed its leaves`);
            break;
          case 'DisputeSettled':
            log(`#${number} dispute ${f.id} settled (${f.verdict}): ${who(forger.hotkey.address)} slashed ${vrt(f.validatorSlashed)}, ${vrt(f.rewarded)} to the auditor's coldkey, ${vrt(f.burned)} burned`);
            break;
          default:
        }
      }
      if (event.section === 'scoring' && event.method === 'EpochRun' && fieldsOf(event).netuid.toNumber() === netuid) {
        const neurons = (await api.rpc.verity.neurons(netuid, header.hash)).toJSON().neurons;
        const line = neurons.slice(0, 2).map((n, i) => `${miners[i].name}'s miner incentive ${n.score.incentive.toFixed(3)}`).join(', ');
        log(`#${number} epoch ${fieldsOf(event).epoch}: ${line}`);
        if (matched > 0) epochsShown += 1;
      }
    }
    if (phase === 'honest' && epochsShown >= 2) {
      phase = 'forging';
      log('now a third validator, whose key the node does not hold, will forge an evaluation');
      try {
        await send(api, api.tx.subnets.register(netuid, forger.hotkey.address), forger.coldkey, 'the forger registers a validator');
        await send(api, api.tx.stake.addStake(forger.hotkey.address, 300n * VRT), forger.coldkey, '  and stakes 300 VRT on it');
        phase = 'waiting-permit';
      } catch (err) {
        log(`the forger's setup failed: ${err.message}`);
      }
    }
    if (phase === 'waiting-permit' && events.some(({ event }) => event.section === 'evaluations' && event.method === 'EpochSeeded')) {
      phase = 'forged';
      const epoch = (await api.query.scoring.epochIndex(netuid)).toNumber();
      try {
        await send(api, api.tx.evaluations.submitEvaluations(netuid, epoch, [
          { miner: 0, outcome: { Evaluated: { score: SAMPLES, sealedRoot: randomAsHex(32) } } },
        ], { backend: 'cpu', device: 'none', quote: '0x' }), forger.hotkey,
        `the forger claims ${SAMPLES}/${SAMPLES} on ${miners[0].name}'s model without running it`);
      } catch (err) {
        log(`the forged submission failed: ${err.message}`);
      }
    }
  });
  process.on('SIGINT', () => {
    unsubscribe();
    api.disconnect().finally(() => process.exit(0));
  });
}

main().catch((err) => {
  console.error(`[demo] ${err.message}`);
  process.exit(1);
});
