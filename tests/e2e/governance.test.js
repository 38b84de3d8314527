// End-to-end: OpenGov on a `verity-node --dev` chain, driven the way a voter drives it from
// polkadot.js apps — note a preimage, submit a referendum, place its decision deposit, vote with
// conviction, and watch it pass (or fail) and its call take effect.
//
// - A referendum on the network-parameters track lowers the subnet limit: once enacted, creating
//   a subnet fails with the limit error.
// - A referendum the majority votes against is rejected and changes nothing.
// - A referendum on the root track upgrades the runtime (`system.setCode` with a runtime of the
//   next spec_version, built next to the node's own); the chain goes on producing and
//   finalizing blocks under the new version.
//
// The dev chain runs governance at its fast pace: prepare 2 blocks, decide within 10, confirm 2,
// enact after 1. The tests share one node and run in order.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';

import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';

import { errorOf, submitAndWaitInBlock, waitForBlockNumber, waitForUpdate } from './lib/chain.js';
import { useDevNode } from './lib/node.js';

const VRT = 10n ** 12n;
const REFERENDUM_TIMEOUT_MS = 40 * 6_000; // a referendum decided and enacted: well under 40 blocks
const TEST_TIMEOUT_MS = 2 * REFERENDUM_TIMEOUT_MS + 60_000;
const NODE_SPEC_VERSION = 104;

/** The runtime the upgrade test enacts: $VERITY_UPGRADE_WASM, else the one the build made. */
function upgradeWasmPath() {
  if (process.env.VERITY_UPGRADE_WASM) return process.env.VERITY_UPGRADE_WASM;
  const target = process.env.CARGO_TARGET_DIR ?? path.join(os.homedir(), '.cache', 'verity', 'target');
  return path.join(target, 'release', 'wbuild', 'verity-runtime', 'upgrade_test_wasm_binary.rs.compact.compressed.wasm');
}

describe('governance on verity-node --dev', () => {
  let api;
  let node; // the started node: its RPC port
  let accounts; // the well-known dev accounts, Alice first

  const send = async (tx, signer) => {
    const { events, dispatchError } = await submitAndWaitInBlock(tx, signer, 120_000);
    return { events, error: errorOf(api, dispatchError) };
  };
  const sendOk = async (tx, signer) => {
    const result = await send(tx, signer);
    assert.equal(result.error, null, `${tx.method.section}.${tx.method.method} failed`);
    return result.events;
  };
  const eventOf = (events, section, method) =>
    events.find(({ event }) => event.section === section && event.method === method)?.event;

  /**
   * The events of block `hash`, decoded with the metadata of the block's own runtime (the
   * upgrade test crosses a runtime change; the api may still be switching metadata, hence the
   * retries).
   */
  const eventsAt = async (hash) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const apiAt = await api.at(hash);
        return (await apiAt.query.system.events()).map(({ event }) => event);
      } catch (err) {
        if (attempt >= 5) throw err;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  };

  /**
   * Waits for a block whose events `check` accepts (it returns a value, not undefined);
   * resolves with { value, number, hash }.
   */
  const waitForEvents = (check, what) =>
    waitForUpdate(
      (callback) => api.rpc.chain.subscribeNewHeads(async (header) => {
        try {
          callback({ header, events: await eventsAt(header.hash) });
        } catch (error) {
          callback({ header, error });
        }
      }),
      ({ header, events, error }) => {
        if (error) throw error;
        const value = check(events);
        return value === undefined ? undefined : { value, events, number: header.number.toNumber(), hash: header.hash };
      },
      REFERENDUM_TIMEOUT_MS,
      what,
    );

  /**
   * What a proposer does in apps: notes `call`'s preimage, submits it as a referendum with
   * `origin` (enacted one block after approval), and places the decision deposit. Returns the
   * referendum's index.
   */
  const propose = async (call, origin, proposer) => {
    await sendOk(api.tx.preimage.notePreimage(call.method.toHex()), proposer);
    const proposal = { Lookup: { hash: call.method.hash, len: call.method.encodedLength } };
    const submitted = await sendOk(api.tx.referenda.submit(origin, proposal, { After: 1 }), proposer);
    const index = eventOf(submitted, 'referenda', 'Submitted').data[0].toNumber();
    await sendOk(api.tx.referenda.placeDecisionDeposit(index), proposer);
    return index;
  };

  /** Votes on `index` from each of `voters` ([signer, aye, balance, conviction]) at once. */
  const vote = (index, voters) =>
    Promise.all(voters.map(([signer, aye, balance, conviction]) => sendOk(
      api.tx.convictionVoting.vote(index, { Standard: { vote: { aye, conviction }, balance } }),
      signer,
    )));

  /** The scheduler task name under which referenda enact referendum `index`. */
  const enactmentTask = (index) =>
    blake2AsHex(api.createType('([u8;8], Text, u32)', ['assembly', 'enactment', index]).toU8a());

  /** Waits for the referendum to be approved, then for the scheduler to dispatch it. */
  const waitForEnactment = async (index) => {
    await waitForEvents(
      (events) => events.find((e) => e.section === 'referenda' && e.method === 'Confirmed' && e.data[0].toNumber() === index),
      `referendum ${index} to be confirmed`,
    );
    const dispatched = await waitForEvents(
      (events) => events.find((e) => e.section === 'scheduler'
        && ['Dispatched', 'PermanentlyOverweight', 'CallUnavailable'].includes(e.method)
        && e.data[1].isSome && e.data[1].unwrap().toHex() === enactmentTask(index)),
      `referendum ${index}'s call to be dispatched`,
    );
    const event = dispatched.value;
    assert.equal(event.method, 'Dispatched', `the scheduler did not dispatch referendum ${index}: ${event.method}`);
    const result = event.data[2];
    assert.ok(result.isOk, `referendum ${index}'s call failed: ${errorOf(api, result.isErr ? result.asErr : null)}`);
    const info = await api.query.referenda.referendumInfoFor(index);
    assert.ok(info.unwrap().isApproved, `referendum ${index} ends ${info.unwrap().type}`);
    return dispatched;
  };

  useDevNode(async (started) => {
    node = started;
    api = started.api;
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519' });
    accounts = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie']
      .flatMap((name) => [`//${name}`, `//${name}//stash`])
      .map((uri) => keyring.addFromUri(uri));
  });

  it('shows the root and network_parameters tracks in referenda.tracks', { timeout: TEST_TIMEOUT_MS }, async () => {
    const tracks = api.consts.referenda.tracks.map(([id, info]) => ({
      id: id.toNumber(),
      name: info.name.toString().replace(/\0+$/, ''),
      maxDeciding: info.maxDeciding.toNumber(),
      decisionDeposit: info.decisionDeposit.toBigInt(),
      decisionPeriod: info.decisionPeriod.toNumber(),
    }));
    assert.deepEqual(tracks, [
      { id: 0, name: 'root', maxDeciding: 1, decisionDeposit: 10_000n * VRT, decisionPeriod: 10 },
      { id: 1, name: 'network_parameters', maxDeciding: 10, decisionDeposit: 1_000n * VRT, decisionPeriod: 10 },
    ]);
  });

  it('refuses a network parameter change from a plain signed account', { timeout: TEST_TIMEOUT_MS }, async () => {
    const current = (await api.query.networkParameters.subnetCreation()).toJSON();
    const { error } = await send(api.tx.networkParameters.setSubnetCreation({ ...current, maxSubnets: 1 }), accounts[1]);
    assert.equal(error, 'BadOrigin');
    assert.deepEqual((await api.query.networkParameters.subnetCreation()).toJSON(), current);
  });

  it('enacts a passed network-parameters referendum: the subnet limit bites', { timeout: TEST_TIMEOUT_MS }, async () => {
    const [alice, , bob] = accounts;
    await sendOk(api.tx.subnets.createSubnet(), bob);
    const count = (await api.query.subnets.counterForSubnets()).toNumber();
    assert.ok(count >= 1);
    const current = (await api.query.networkParameters.subnetCreation()).toJSON();
    assert.ok(current.maxSubnets > count, 'the dev chain starts with room for more subnets');

    const call = api.tx.networkParameters.setSubnetCreation({ ...current, maxSubnets: count });
    const index = await propose(call, { Origins: 'NetworkParameters' }, alice);
    const ongoing = (await api.query.referenda.referendumInfoFor(index)).unwrap().asOngoing;
    assert.equal(ongoing.track.toNumber(), 1, 'the network-parameters origin takes track 1');
    // Six holders, 50,000 VRT each, with different convictions: 25% support, 100% approval.
    await vote(index, accounts.slice(0, 6).map((signer, i) => [signer, true, 50_000n * VRT, ['Locked1x', 'Locked2x', 'Locked3x', 'None', 'Locked1x', 'Locked6x'][i]]));
    await waitForEnactment(index);

    assert.equal((await api.query.networkParameters.subnetCreation()).toJSON().maxSubnets, count);
    const { error } = await send(api.tx.subnets.createSubnet(), accounts[3]);
    assert.equal(error, 'subnets.TooManySubnets');

    // The decision deposit comes back once the referendum is over.
    await sendOk(api.tx.referenda.refundDecisionDeposit(index), alice);
  });

  it('leaves the parameter unchanged when the referendum is rejected', { timeout: TEST_TIMEOUT_MS }, async () => {
    const [alice] = accounts;
    const before = (await api.query.networkParameters.maxSubnetShare()).toNumber();
    const call = api.tx.networkParameters.setMaxSubnetShare(500_000_000); // 50%
    assert.notEqual(before, 500_000_000);
    const index = await propose(call, { Origins: 'NetworkParameters' }, alice);
    // Three against with 50,000 VRT each, one for with 10,000 VRT.
    await vote(index, [
      [accounts[6], false, 50_000n * VRT, 'Locked1x'],
      [accounts[7], false, 50_000n * VRT, 'Locked1x'],
      [accounts[8], false, 50_000n * VRT, 'Locked1x'],
      [accounts[9], true, 10_000n * VRT, 'Locked1x'],
    ]);
    await waitForEvents(
      (events) => events.find((e) => e.section === 'referenda' && e.method === 'Rejected' && e.data[0].toNumber() === index),
      `referendum ${index} to be rejected`,
    );
    assert.ok((await api.query.referenda.referendumInfoFor(index)).unwrap().isRejected);
    assert.equal((await api.query.networkParameters.maxSubnetShare()).toNumber(), before);
  });

  it('upgrades the runtime by a root referendum and keeps producing and finalizing blocks', { timeout: TEST_TIMEOUT_MS }, async () => {
    const wasmPath = upgradeWasmPath();
    assert.ok(fs.existsSync(wasmPath), `the upgrade runtime is missing at ${wasmPath}: build the chain (scripts/test.sh) or set VERITY_UPGRADE_WASM`);
    const code = fs.readFileSync(wasmPath);
    assert.equal((await api.rpc.state.getRuntimeVersion()).specVersion.toNumber(), NODE_SPEC_VERSION);

    const [alice] = accounts;
    const call = api.tx.system.setCode(`0x${code.toString('hex')}`);
    const index = await propose(call, { system: 'Root' }, alice);
    assert.equal((await api.query.referenda.referendumInfoFor(index)).unwrap().asOngoing.track.toNumber(), 0);
    // Eight holders, 80,000 VRT each: 53% support, above the root track's 50% from the start.
    await vote(index, accounts.slice(0, 8).map((signer) => [signer, true, 80_000n * VRT, 'Locked1x']));
    await waitForEvents(
      (events) => events.find((e) => e.section === 'referenda' && e.method === 'Confirmed' && e.data[0].toNumber() === index),
      `referendum ${index} to be confirmed`,
    );
    // The enactment block stores the new code: from its state on, the node reports the new
    // version. (Its events are not decoded here: @polkadot/api switches metadata at that block.)
    const enacted = await waitForUpdate(
      (callback) => api.rpc.chain.subscribeNewHeads(async (header) => {
        try {
          callback({ header, version: await api.rpc.state.getRuntimeVersion(header.hash) });
        } catch (error) {
          callback({ header, error });
        }
      }),
      ({ header, version, error }) => {
        if (error) throw error;
        return version.specVersion.toNumber() > NODE_SPEC_VERSION ? { number: header.number.toNumber(), hash: header.hash } : undefined;
      },
      REFERENDUM_TIMEOUT_MS,
      `referendum ${index} to upgrade the runtime`,
    );
    // A wallet connecting now sees the new runtime (a fresh connection: the metadata of a
    // runtime built with other features may number its types differently, and the long-lived
    // connection switches in the middle of its subscriptions).
    const fresh = await ApiPromise.create({ provider: new WsProvider(`ws://127.0.0.1:${node.rpcPort}`), noInitWarn: true });
    try {
      assert.equal(fresh.runtimeVersion.specVersion.toNumber(), NODE_SPEC_VERSION + 1);
      assert.equal(fresh.runtimeVersion.specName.toString(), 'verity');
      assert.ok((await fresh.query.referenda.referendumInfoFor(index)).unwrap().isApproved);
      // The chain's code is exactly the runtime the referendum proposed.
      assert.equal((await fresh.rpc.state.getStorageHash('0x3a636f6465', enacted.hash)).toHex(), blake2AsHex(code));

      // The next blocks run the new runtime, and GRANDPA goes on finalizing.
      const after = await waitForBlockNumber((cb) => fresh.rpc.chain.subscribeNewHeads(cb), BigInt(enacted.number + 3), 60_000, `block #${enacted.number + 3}`);
      assert.equal((await fresh.rpc.state.getRuntimeVersion(after.hash)).specVersion.toNumber(), NODE_SPEC_VERSION + 1);
      const last = await fresh.query.system.lastRuntimeUpgrade();
      assert.equal(last.unwrap().specVersion.toNumber(), NODE_SPEC_VERSION + 1);
      await waitForUpdate(
        (cb) => fresh.rpc.chain.subscribeFinalizedHeads(cb),
        (header) => (header.number.toNumber() > enacted.number + 1 ? header : undefined),
        60_000,
        `a finalized block after the upgrade (#${enacted.number})`,
      );
      // Transactions still go through under the new runtime.
      const { dispatchError } = await submitAndWaitInBlock(fresh.tx.system.remark('after the upgrade'), accounts[1], 60_000);
      assert.equal(errorOf(fresh, dispatchError), null);
    } finally {
      await fresh.disconnect();
    }
  });
});
