// End-to-end: subnets, neurons and stake on a `verity-node --dev` chain, driven through
// @polkadot/api as a subnet owner, miners, a validator and a delegator would.
//
// The tests share one node and run in order: each builds on the state the previous ones left.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

import { errorOf, submitAndWaitInBlock, waitForBlockNumber } from './lib/chain.js';
import { useDevNode } from './lib/node.js';

const VRT = 10n ** 12n;
const TEST_TIMEOUT_MS = 120_000;
const DEV_UNBONDING_PERIOD = 20; // blocks, from the development preset

/** The events of one extrinsic as `section.method` → data. */
function eventsNamed(events, section, method) {
  return events
    .filter(({ event }) => event.section === section && event.method === method)
    .map(({ event }) => event.data);
}

describe('subnets and stake on verity-node --dev', () => {
  let api;
  let keys;
  let netuid;

  // Submits and returns { events, error } once the extrinsic is in a block.
  const send = async (tx, signer) => {
    const { events, dispatchError } = await submitAndWaitInBlock(tx, signer);
    return { events, error: errorOf(api, dispatchError) };
  };
  const sendOk = async (tx, signer) => {
    const result = await send(tx, signer);
    assert.equal(result.error, null, `${tx.method.section}.${tx.method.method} failed`);
    return result.events;
  };
  const reservedOf = async (account) => (await api.query.system.account(account.address)).data.reserved.toBigInt();
  const freeOf = async (account) => (await api.query.system.account(account.address)).data.free.toBigInt();

  useDevNode(async (started) => {
    api = started.api;
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519' });
    const named = (uri) => keyring.addFromUri(uri);
    keys = {
      alice: named('//Alice'),
      owner: named('//Bob'),
      minerA: named('//Charlie'),
      minerB: named('//Dave'),
      validator: named('//Eve'),
      delegator: named('//Ferdie'),
      minerAHot: named('//Charlie//miner'),
      minerBHot: named('//Dave//miner'),
      validatorHot: named('//Eve//validator'),
      poor: named('//Nobody//with//funds'),
    };
    // Hotkeys sign serve/commit_model: give them something for fees, and the poor account
    // a little more than the existential deposit.
    await sendOk(api.tx.utility.batchAll([
      api.tx.balances.transferKeepAlive(keys.minerAHot.address, 10n * VRT),
      api.tx.balances.transferKeepAlive(keys.minerBHot.address, 10n * VRT),
      api.tx.balances.transferKeepAlive(keys.validatorHot.address, 10n * VRT),
      api.tx.balances.transferKeepAlive(keys.poor.address, VRT),
    ]), keys.alice);
  });

  it('creates a subnet and locks its cost from the owner', { timeout: TEST_TIMEOUT_MS }, async () => {
    const reservedBefore = await reservedOf(keys.owner);
    const events = await sendOk(api.tx.subnets.createSubnet(), keys.owner);
    const [created] = eventsNamed(events, 'subnets', 'SubnetCreated');
    assert.ok(created, 'a SubnetCreated event');
    netuid = created[0].toNumber();

    const subnet = (await api.rpc.verity.subnet(netuid)).toJSON();
    assert.equal(subnet.netuid, netuid);
    assert.equal(subnet.owner, keys.owner.address);
    assert.equal(BigInt(subnet.locked), created[2].toBigInt());
    assert.ok(BigInt(subnet.locked) > 0n);
    assert.equal(await reservedOf(keys.owner), reservedBefore + BigInt(subnet.locked));
    const all = (await api.rpc.verity.subnets()).toJSON().subnets;
    assert.deepEqual(all.map((s) => s.netuid), [netuid]);
  });

  it('doubles the lock for the next subnet', { timeout: TEST_TIMEOUT_MS }, async () => {
    const first = BigInt((await api.rpc.verity.subnet(netuid)).toJSON().locked);
    const events = await sendOk(api.tx.subnets.createSubnet(), keys.alice);
    const [created] = eventsNamed(events, 'subnets', 'SubnetCreated');
    // A few blocks of linear decay may have passed since the first creation.
    const second = created[2].toBigInt();
    assert.ok(second > first && second <= 2n * first, `second lock ${second} vs first ${first}`);
  });

  it('registers neurons from several coldkeys, burning the registration cost', { timeout: TEST_TIMEOUT_MS }, async () => {
    const registrations = [
      [keys.minerA, keys.minerAHot],
      [keys.minerB, keys.minerBHot],
      [keys.validator, keys.validatorHot],
    ];
    for (const [index, [coldkey, hotkey]] of registrations.entries()) {
      const burn = BigInt((await api.rpc.verity.subnet(netuid)).toJSON().registrationBurn);
      const issuanceBefore = (await api.query.balances.totalIssuance()).toBigInt();
      const events = await sendOk(api.tx.subnets.register(netuid, hotkey.address), coldkey);
      const [registered] = eventsNamed(events, 'subnets', 'NeuronRegistered');
      assert.equal(registered[1].toNumber(), index, 'UIDs are assigned in order');
      assert.equal(registered[4].toBigInt(), burn, 'the current registration burn');
      // The burn leaves total issuance (so does the fee, which is burned too).
      assert.ok((await api.query.balances.totalIssuance()).toBigInt() <= issuanceBefore - burn);
    }
  });

  it('serves endpoints and commits models from the hotkeys', { timeout: TEST_TIMEOUT_MS }, async () => {
    await sendOk(api.tx.subnets.serve(netuid, {
      ip: { V4: [127, 0, 0, 1] }, port: 8091, protocol: 'Http', version: 1,
    }), keys.minerAHot);
    await sendOk(api.tx.subnets.serve(netuid, {
      ip: { V6: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1] }, port: 8092, protocol: 'Http', version: 1,
    }), keys.minerBHot);
    await sendOk(api.tx.subnets.commitModel(netuid, '0x' + 'ab'.repeat(32), 4_096, 1), keys.minerAHot);
    await sendOk(api.tx.subnets.setOperatorProfile('self-hosted', 'eu-central', 'Cpu'), keys.minerA);
  });

  it('stakes and delegates on the validator hotkey, held from the coldkeys', { timeout: TEST_TIMEOUT_MS }, async () => {
    const ownReservedBefore = await reservedOf(keys.validator);
    const delegatorReservedBefore = await reservedOf(keys.delegator);
    await sendOk(api.tx.stake.addStake(keys.validatorHot.address, 500n * VRT), keys.validator);
    await sendOk(api.tx.stake.addStake(keys.validatorHot.address, 300n * VRT), keys.delegator);
    assert.equal(await reservedOf(keys.validator), ownReservedBefore + 500n * VRT);
    assert.equal(await reservedOf(keys.delegator), delegatorReservedBefore + 300n * VRT);

    const hot = (await api.rpc.verity.stake(keys.validatorHot.address)).toJSON();
    assert.equal(hot.hotkey.owner, keys.validator.address);
    assert.equal(BigInt(hot.hotkey.total), 800n * VRT);
    assert.equal(hot.hotkey.stakers, 2);

    const delegator = (await api.rpc.verity.stake(keys.delegator.address)).toJSON();
    assert.deepEqual(delegator.positions.map((p) => [p.hotkey, BigInt(p.active)]), [[keys.validatorHot.address, 300n * VRT]]);
  });

  it('reads the metagraph over RPC', { timeout: TEST_TIMEOUT_MS }, async () => {
    const neurons = (await api.rpc.verity.neurons(netuid)).toJSON().neurons;
    assert.deepEqual(neurons.map((n) => [n.uid, n.hotkey, n.coldkey]), [
      [0, keys.minerAHot.address, keys.minerA.address],
      [1, keys.minerBHot.address, keys.minerB.address],
      [2, keys.validatorHot.address, keys.validator.address],
    ]);
    assert.deepEqual(neurons[0].endpoint, { ip: '127.0.0.1', port: 8091, protocol: 'http', version: 1 });
    assert.deepEqual(neurons[1].endpoint, { ip: '::1', port: 8092, protocol: 'http', version: 1 });
    assert.equal(neurons[0].model.root, '0x' + 'ab'.repeat(32));
    assert.equal(neurons[0].model.size, 4096);
    assert.equal(neurons[1].model, null);
    assert.equal(BigInt(neurons[2].stake), 800n * VRT);
    assert.equal(BigInt(neurons[0].stake), 0n);
  });

  it('unstakes through the unbonding period', { timeout: 240_000 }, async () => {
    const freeBefore = await freeOf(keys.delegator);
    const reservedBefore = await reservedOf(keys.delegator);
    const events = await sendOk(api.tx.stake.removeStake(keys.validatorHot.address, 300n * VRT), keys.delegator);
    const [unbonding] = eventsNamed(events, 'stake', 'StakeUnbonding');
    const unlocksAt = unbonding[3].toNumber();
    const header = await api.rpc.chain.getHeader();
    assert.ok(unlocksAt >= header.number.toNumber() + DEV_UNBONDING_PERIOD - 1, `unlocks at ${unlocksAt}`);

    // Still held, no longer counted for the hotkey.
    assert.equal(await reservedOf(keys.delegator), reservedBefore);
    const hot = (await api.rpc.verity.stake(keys.validatorHot.address)).toJSON();
    assert.equal(BigInt(hot.hotkey.total), 500n * VRT);
    const position = (await api.rpc.verity.stake(keys.delegator.address)).toJSON().positions[0];
    assert.deepEqual(position.unbonding, [{ amount: (300n * VRT).toString(), unlocksAt }]);

    const early = await send(api.tx.stake.withdrawUnbonded(keys.validatorHot.address), keys.delegator);
    assert.equal(early.error, 'stake.NothingToWithdraw');

    await waitForBlockNumber((cb) => api.rpc.chain.subscribeNewHeads(cb), BigInt(unlocksAt), 200_000, `block ${unlocksAt}`);
    const withdrawn = await sendOk(api.tx.stake.withdrawUnbonded(keys.validatorHot.address), keys.delegator);
    assert.equal(eventsNamed(withdrawn, 'stake', 'StakeWithdrawn')[0][2].toBigInt(), 300n * VRT);
    assert.equal(await reservedOf(keys.delegator), reservedBefore - 300n * VRT);
    // Free balance got the stake back, less the fees of three transactions (well under 1 VRT).
    const gained = (await freeOf(keys.delegator)) - freeBefore;
    assert.ok(gained > 299n * VRT && gained < 300n * VRT, `gained ${gained}`);
    assert.deepEqual((await api.rpc.verity.stake(keys.delegator.address)).toJSON().positions, []);
  });

  it('refuses bad input with precise errors', { timeout: TEST_TIMEOUT_MS }, async () => {
    const unknownSubnet = await send(api.tx.subnets.register(999, keys.poor.address), keys.minerA);
    assert.equal(unknownSubnet.error, 'subnets.SubnetNotFound');

    const again = await send(api.tx.subnets.register(netuid, keys.minerAHot.address), keys.minerA);
    assert.equal(again.error, 'subnets.AlreadyRegistered');

    // Another coldkey cannot take over a hotkey: on the second subnet, Dave names Charlie's.
    const otherNetuid = (await api.rpc.verity.subnets()).toJSON().subnets.map((s) => s.netuid).find((n) => n !== netuid);
    const stolen = await send(api.tx.subnets.register(otherNetuid, keys.minerAHot.address), keys.minerB);
    assert.equal(stolen.error, 'subnets.NotHotkeyOwner');

    const tempo = await send(api.tx.subnets.setHyperparameter(netuid, { Tempo: 0 }), keys.owner);
    assert.equal(tempo.error, 'subnets.TempoOutOfBounds');
    const notOwner = await send(api.tx.subnets.setHyperparameter(netuid, { Tempo: 100 }), keys.minerA);
    assert.equal(notOwner.error, 'subnets.NotSubnetOwner');

    const broke = await send(api.tx.subnets.createSubnet(), keys.poor);
    assert.equal(broke.error, 'subnets.InsufficientBalance');
    const tooMuch = await send(api.tx.stake.addStake(keys.validatorHot.address, 1_000_000n * VRT), keys.delegator);
    assert.equal(tooMuch.error, 'stake.InsufficientBalance');

    // Nothing changed on the subnet.
    const subnet = (await api.rpc.verity.subnet(netuid)).toJSON();
    assert.equal(subnet.neuronCount, 3);
    assert.notEqual(subnet.hyperparameters.tempo, 0);
  });

  it('answers unknown subnets over RPC with a JSON-RPC error', { timeout: TEST_TIMEOUT_MS }, async () => {
    await assert.rejects(api.rpc.verity.neurons(999), /subnet 999 does not exist/);
    await assert.rejects(api.rpc.verity.subnet(999), /subnet 999 does not exist/);
  });
});
