// End-to-end: attested evaluations on a `verity-node --dev` chain, done by the node itself.
//
// A verified subnet over the demo dataset (8×8 digits); two miners serve different models with
// `verity miner serve` (a trained one and a barely trained one) and commit to them; two
// validators' hotkeys are in the node's keystore (key type `veva`). The node's off-chain worker
// evaluates both miners on its evaluator for each validator, submits the sealed result roots,
// and answers the audits each validator is assigned of the other; the better model earns more.
// Then a third validator, whose key the node does not hold, submits a forged evaluation from
// this test: it is audited by the node's validator, disputed, and — as the forger never reveals
// its leaves — slashed, with the exact amounts checked.
//
// The tests share one node and run in order: each builds on the state the previous ones left.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, randomAsHex } from '@polkadot/util-crypto';

import { errorOf, submitAndWaitInBlock, waitForUpdate } from './lib/chain.js';
import { freePorts, resolveCliBinary, useDevNode } from './lib/node.js';

const VRT = 10n ** 12n;
const TEMPO = 10;
const SAMPLES = 64;
const PERBILL = 1_000_000_000;
const BLOCK_MS = 6_000;
const PHASE_TIMEOUT_MS = 4 * TEMPO * BLOCK_MS; // four tempos
const TEST_TIMEOUT_MS = 3 * PHASE_TIMEOUT_MS;
// The development preset's evaluation parameters (runtime/src/genesis_config_presets.rs).
const SLASH_PERCENT = 10n;
const HONEST_SHARE_PERCENT = 50n;
const AUDIT_REWARD = VRT / 10n;

/** An event's fields by (camelCase) name. */
function fieldsOf(event) {
  const names = event.data.names ?? [];
  return Object.fromEntries(names.map((name, i) => [name.replace(/_([a-z])/g, (_, c) => c.toUpperCase()), event.data[i]]));
}

/** Trains a model with `verity miner train`; returns its path, root and the dataset root. */
function train(cli, dir, name, args) {
  const out = path.join(dir, `${name}.vrtm`);
  const printed = execFileSync(cli, ['miner', 'train', '--out', out, ...args], { encoding: 'utf8' });
  const field = (label) => {
    const line = printed.split('\n').find((l) => l.startsWith(label));
    assert.ok(line, `\`verity miner train\` printed no ${label}:\n${printed}`);
    return `0x${line.trim().split(/\s+/).pop()}`;
  };
  return { path: out, root: field('model root'), datasetRoot: field('dataset root'), size: fs.statSync(out).size };
}

/** Starts `verity miner serve` for one model on `port`; resolves once it listens. */
async function serve(cli, model, port) {
  const child = spawn(cli, ['miner', 'serve', '--models', model.path, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`verity miner serve on ${port} did not start`)), 30_000);
    child.stdout.on('data', (chunk) => {
      if (chunk.toString().includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`verity miner serve exited with ${code}`)));
  });
  return child;
}

describe('attested evaluations by the node on verity-node --dev', () => {
  let api;
  let node;
  let keys;
  let netuid;
  let miners; // [{ coldkey, hotkey, model, port }]
  let validators; // [{ coldkey, hotkey }] whose keys the node holds
  let forger; // { coldkey, hotkey }
  let models;
  const servers = [];
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-e2e-models-'));

  const send = async (tx, signer) => {
    const { events, dispatchError } = await submitAndWaitInBlock(tx, signer);
    return { events, error: errorOf(api, dispatchError) };
  };
  const sendOk = async (tx, signer) => {
    const result = await send(tx, signer);
    assert.equal(result.error, null, `${tx.method.section}.${tx.method.method} failed`);
    return result.events;
  };

  /**
   * Scans every new block's events until `check(event, block)` returns a value for one; resolves
   * with it. `block` is { hash, parentHash, number }.
   */
  const waitForEvent = (check, what, timeoutMs = PHASE_TIMEOUT_MS) => waitForUpdate(
    (callback) => api.rpc.chain.subscribeNewHeads(async (header) => {
      const events = await api.query.system.events.at(header.hash);
      callback({ header, events });
    }),
    ({ header, events }) => {
      const block = { hash: header.hash, parentHash: header.parentHash, number: header.number.toNumber() };
      for (const { event } of events) {
        const found = check(event, block);
        if (found !== undefined) return found;
      }
      return undefined;
    },
    timeoutMs,
    what,
  );
  const isEvent = (event, section, method) => event.section === section && event.method === method;
  const epochOf = async () => (await api.query.scoring.epochIndex(netuid)).toNumber();

  useDevNode(async (started) => {
    ({ api } = started);
    node = started;
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519' });
    const named = (uri) => keyring.addFromUri(uri);
    keys = { alice: named('//Alice'), owner: named('//Bob') };
    validators = ['//Eve', '//Ferdie'].map((uri) => ({ coldkey: named(uri), hotkey: named(`${uri}//validator`), uri: `${uri}//validator` }));
    miners = ['//Charlie', '//Dave'].map((uri) => ({ coldkey: named(uri), hotkey: named(`${uri}//miner`) }));
    forger = { coldkey: named('//Alice//forger'), hotkey: named('//Alice//forger//validator') };

    // Two miners' models: one trained, one barely trained; each served on its own port.
    const cli = resolveCliBinary();
    models = [
      train(cli, workDir, 'trained', []),
      train(cli, workDir, 'untrained', ['--hidden', '4', '--epochs', '1', '--seed', '7']),
    ];
    const ports = await freePorts(2);
    for (const [i, miner] of miners.entries()) {
      miner.model = models[i];
      miner.port = ports[i];
      servers.push(await serve(cli, models[i], ports[i]));
    }

    // The validators' hotkeys sign from the node: their keys go into its keystore.
    for (const v of validators) {
      await api.rpc.author.insertKey('veva', v.uri, `0x${Buffer.from(v.hotkey.publicKey).toString('hex')}`);
    }
    // Hotkeys pay their transactions' fees; the forger's coldkey needs funds to stake.
    await sendOk(api.tx.utility.batchAll([
      api.tx.balances.transferKeepAlive(forger.coldkey.address, 1_000n * VRT),
      ...[...validators, ...miners, forger].map((n) => api.tx.balances.transferKeepAlive(n.hotkey.address, 10n * VRT)),
    ]), keys.alice);
  }, { extraArgs: ['--evaluator-backend', 'auto'] });

  after(() => {
    for (const server of servers) server.kill('SIGTERM');
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('creates a verified subnet over the demo dataset, with two serving miners and two validators', { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.equal(models[0].datasetRoot, models[1].datasetRoot);
    assert.notEqual(models[0].root, models[1].root);
    const events = await sendOk(api.tx.subnets.createSubnet(), keys.owner);
    netuid = events.find(({ event }) => isEvent(event, 'subnets', 'SubnetCreated')).event.data[0].toNumber();
    await sendOk(api.tx.utility.batchAll([
      { Tempo: TEMPO },
      { EvaluationMode: 'Verified' },
      { DatasetRoot: models[0].datasetRoot },
      { SamplesPerEvaluation: SAMPLES },
      { AuditProbability: PERBILL },
    ].map((param) => api.tx.subnets.setHyperparameter(netuid, param))), keys.owner);

    // UIDs: miners 0–1, validators 2–3.
    for (const { coldkey, hotkey } of [...miners, ...validators]) {
      await sendOk(api.tx.subnets.register(netuid, hotkey.address), coldkey);
    }
    for (const miner of miners) {
      await sendOk(api.tx.utility.batchAll([
        api.tx.subnets.serve(netuid, { ip: { V4: [127, 0, 0, 1] }, port: miner.port, protocol: 'Http', version: 1 }),
        api.tx.subnets.commitModel(netuid, miner.model.root, miner.model.size, 1),
      ]), miner.hotkey);
    }
    await Promise.all(validators.map((v, i) => sendOk(api.tx.stake.addStake(v.hotkey.address, [600n, 400n][i] * VRT), v.coldkey)));

    const neurons = (await api.rpc.verity.neurons(netuid)).toJSON().neurons;
    assert.deepEqual(neurons.map((n) => n.model?.root ?? null), [models[0].root, models[1].root, null, null]);
  });

  it("has the validators' node evaluate both miners and submit the sealed results", { timeout: TEST_TIMEOUT_MS }, async () => {
    // Once the validators hold permits and the epoch is seeded, the node's worker evaluates and
    // submits for each of them, signed by the hotkey, with the backend that ran it.
    const submitted = new Map();
    await waitForEvent((event) => {
      if (!isEvent(event, 'evaluations', 'EvaluationsSubmitted')) return undefined;
      const { validator, count, backend, netuid: n } = fieldsOf(event);
      if (n.toNumber() !== netuid) return undefined;
      submitted.set(validator.toString(), { count: count.toNumber(), backend: Buffer.from(backend.toU8a(true)).toString() });
      return submitted.size === validators.length ? true : undefined;
    }, 'both validators to submit evaluations');
    for (const v of validators) {
      assert.deepEqual(submitted.get(v.hotkey.address), { count: 2, backend: 'cpu' });
    }

    // The scores are the validators' weights: the trained model scored higher with both.
    for (const uid of [2, 3]) {
      const row = (await api.query.scoring.weights(netuid, uid)).toJSON().weights;
      const weight = (miner) => (row.find(([m]) => m === miner) ?? [miner, 0])[1];
      assert.ok(weight(0) > weight(1), `validator ${uid}: trained ${weight(0)} ≤ untrained ${weight(1)}`);
      assert.ok(weight(0) <= SAMPLES);
    }

    // The evaluator reports its work and backend on the node's Prometheus endpoint.
    const metrics = await (await fetch(`http://127.0.0.1:${node.prometheusPort}/metrics`)).text();
    const value = (name) => Number((metrics.match(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm')) ?? [])[1]);
    assert.ok(value('verity_evaluator_jobs_done_total') >= 4, metrics);
    assert.equal(value('verity_evaluator_jobs_failed_total'), 0);
    assert.match(metrics, /verity_evaluator_backend_info\{backend="cpu",device="[^"]+"[^}]*\} 1/);
  });

  it('audits each validator by the other and pays both for every match', { timeout: TEST_TIMEOUT_MS }, async () => {
    const matched = [];
    await waitForEvent((event) => {
      if (isEvent(event, 'evaluations', 'AuditMatched')) matched.push(fieldsOf(event));
      if (isEvent(event, 'evaluations', 'DisputeOpened')) throw new Error('honest validators disagreed');
      return matched.length >= 4 ? true : undefined;
    }, 'the audits of four evaluations to match');
    for (const { validatorReward, auditorReward } of matched) {
      assert.equal(validatorReward.toBigInt(), AUDIT_REWARD);
      assert.equal(auditorReward.toBigInt(), AUDIT_REWARD);
    }
  });

  it('pays the better model more once the epoch runs on the evaluated weights', { timeout: TEST_TIMEOUT_MS }, async () => {
    const epoch = await waitForEvent((event, block) => (
      isEvent(event, 'scoring', 'EpochRun') && fieldsOf(event).netuid.toNumber() === netuid ? block : undefined
    ), 'an epoch on the evaluated weights');
    const neurons = (await api.rpc.verity.neurons(netuid, epoch.hash)).toJSON().neurons;
    const [trained, untrained] = neurons.slice(0, 2).map((n) => n.score);
    assert.ok(trained.incentive > untrained.incentive, `incentive ${trained.incentive} ≤ ${untrained.incentive}`);
    assert.ok(BigInt(trained.emission) > BigInt(untrained.emission));
  });

  it('slashes a forged evaluation: audited by the node, disputed, never revealed', { timeout: TEST_TIMEOUT_MS }, async () => {
    // The forger registers and stakes, and holds a permit from the next epoch on.
    await sendOk(api.tx.subnets.register(netuid, forger.hotkey.address), forger.coldkey);
    await sendOk(api.tx.stake.addStake(forger.hotkey.address, 300n * VRT), forger.coldkey);
    await waitForEvent((event) => (
      isEvent(event, 'evaluations', 'EpochSeeded') && fieldsOf(event).netuid.toNumber() === netuid ? true : undefined
    ), 'the next epoch');

    // It claims a perfect score on the trained model without running it.
    const epoch = await epochOf();
    const forged = api.tx.evaluations.submitEvaluations(netuid, epoch, [
      { miner: 0, outcome: { Evaluated: { score: SAMPLES, sealedRoot: randomAsHex(32) } } },
    ], { backend: 'cpu', device: 'none', quote: '0x' });
    await sendOk(forged, forger.hotkey);

    // The audit goes to a validator of the node, whose worker re-executes and disagrees.
    const opened = await waitForEvent((event) => {
      if (!isEvent(event, 'evaluations', 'DisputeOpened')) return undefined;
      const fields = fieldsOf(event);
      return fields.validator.toString() === forger.hotkey.address ? fields : undefined;
    }, "a dispute of the forger's evaluation");
    const auditor = validators.find((v) => v.hotkey.address === opened.auditor.toString());
    assert.ok(auditor, 'the auditor is a validator of the node');
    const id = opened.id.toNumber();
    const coldkeyBefore = (await api.query.system.account(auditor.coldkey.address)).data.free.toBigInt();

    // The auditor's node reveals its leaves; the forger cannot, and loses when the window ends.
    const settled = await waitForEvent((event, block) => {
      if (!isEvent(event, 'evaluations', 'DisputeSettled')) return undefined;
      const fields = fieldsOf(event);
      return fields.id.toNumber() === id ? { ...fields, block } : undefined;
    }, `dispute ${id} to settle`);
    assert.equal(settled.verdict.toString(), 'NotRevealed');

    const stakeAt = async (hash) => BigInt((await api.rpc.verity.stake(forger.hotkey.address, hash)).toJSON().hotkey.total);
    const before = await stakeAt(settled.block.parentHash);
    const slash = (before * SLASH_PERCENT) / 100n;
    const reward = (slash * HONEST_SHARE_PERCENT) / 100n;
    assert.equal(settled.validatorSlashed.toBigInt(), slash);
    assert.equal(settled.auditorSlashed.toBigInt(), 0n);
    assert.equal(settled.rewarded.toBigInt(), reward);
    assert.equal(settled.burned.toBigInt(), slash - reward);
    const coldkeyAfter = (await api.query.system.account.at(settled.block.hash, auditor.coldkey.address)).data.free.toBigInt();
    assert.equal(coldkeyAfter - coldkeyBefore, reward, "the honest share goes to the auditor's coldkey");
    // The miner whose model was at stake is never slashed; it holds no stake at all.
    const minerStake = BigInt((await api.rpc.verity.stake(miners[0].hotkey.address, settled.block.hash)).toJSON().hotkey.total);
    assert.equal(minerStake, 0n);
  });
});
