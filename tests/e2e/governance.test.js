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

import { Keyring } from '@polkadot/keyring';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';

import { submitAndWaitInBlock, waitForBlockNumber, waitForUpdate } from './lib/chain.js';
import { useDevNode } from './lib/node.js';

const VRT = 10n ** 12n;
const REFERENDUM_TIMEOUT_MS = 40 * 6_000; // a referendum decided and enacted: well under 40 blocks
const TEST_TIMEOUT_MS = 2 * REFERENDUM_TIMEOUT_MS + 60_000;
const NODE_SPEC_VERSION = 101;

/** The runtime the upgrade test enacts: $VERITY_UPGRADE_WASM, else the one the build made. */
function upgradeWasmPath() {
  if (process.env.VERITY_UPGRADE_WASM) return process.env.VERITY_UPGRADE_WASM;
  const target = process.env.CARGO_TARGET_DIR ?? path.join(os.homedir(), '.cache', 'verity', 'target');
  return path.join(target, 'release', 'wbuild', 'verity-runtime', 'upgrade_test_wasm_binary.rs.compact.compressed.wasm');
}

/** `Pallet.Error` of a failed dispatch, or null when it succeeded. */
function errorOf(api, dispatchError) {
  if (!dispatchError) return null;
  if (dispatchError.isModule) {
    const { section, name } = api.registry.findMetaError(dispatchError.asModule);
    return `${section}.${name}`;
  }
  return dispatchError.toString();
}

describe('governance on verity-node --dev', () => {
  let api;
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
   * Waits for a block whose events `check` accepts (it returns a value, not undefined);
   * resolves with { value, number, hash }.
   */
  const waitForEvents = (check, what) =>
    waitForUpdate(
      (callback) => api.rpc.chain.subscribeNewHeads(async (header) => {
        const events = await api.query.system.events.at(header.hash);
        callback({ header, events });
      }),
      ({ header, events }) => {
        const value = check(events.map(({ event }) => event));
        return value === undefined ? undefined : { value, number: header.number.toNumber(), hash: header.hash };
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
    const enacted = await waitForEnactment(index);
    const events = (await api.query.system.events.at(enacted.hash)).map(({ event }) => event);
    assert.ok(events.some((e) => e.section === 'system' && e.method === 'CodeUpdated'), 'System.CodeUpdated in the enactment block');

    // The next blocks run the new runtime, and GRANDPA goes on finalizing.
    const after = await waitForBlockNumber((cb) => api.rpc.chain.subscribeNewHeads(cb), BigInt(enacted.number + 3), 60_000, `block #${enacted.number + 3}`);
    const version = await api.rpc.state.getRuntimeVersion(after.hash);
    assert.equal(version.specVersion.toNumber(), NODE_SPEC_VERSION + 1);
    assert.equal(version.specName.toString(), 'verity');
    const last = await api.query.system.lastRuntimeUpgrade();
    assert.equal(last.unwrap().specVersion.toNumber(), NODE_SPEC_VERSION + 1);
    await waitForUpdate(
      (cb) => api.rpc.chain.subscribeFinalizedHeads(cb),
      (header) => (header.number.toNumber() > enacted.number + 1 ? header : undefined),
      60_000,
      `a finalized block after the upgrade (#${enacted.number})`,
    );
    // Transactions still go through under the new runtime.
    await sendOk(api.tx.system.remark('after the upgrade'), accounts[1]);
  });
});
