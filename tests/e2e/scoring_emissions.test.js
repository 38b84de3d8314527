// End-to-end: validator scoring and emissions on a `verity-node --dev` chain.
//
// A subnet with three miners and two validators of unequal stake: the validators set weights
// that disagree, the subnet's epoch (every `tempo` blocks) runs Yuma consensus, and the test
// checks over RPC that incentive follows the stake-weighted consensus, and that the balances and
// stakes of the owner, the miners and the validators grew by exactly the amounts emitted.
//
// The tests share one node and run in order: each builds on the state the previous ones left.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

import { errorOf, submitAndWaitInBlock, waitForUpdate } from './lib/chain.js';
import { useDevNode } from './lib/node.js';

const VRT = 10n ** 12n;
const TEMPO = 10; // blocks between epochs: the smallest the development bounds allow
const BLOCK_REWARD = VRT; // the initial block reward
const U16_MAX = 65_535;
const EPOCH_TIMEOUT_MS = 3 * TEMPO * 6_000 + 30_000; // three tempos of 6-second blocks, and slack
const TEST_TIMEOUT_MS = 4 * EPOCH_TIMEOUT_MS;

// The validators' stake (60% / 40%) and their weights on the three miners: they disagree on
// miners 0 and 2, and the larger stake decides the consensus.
const STAKE = [600n * VRT, 400n * VRT];
const WEIGHTS = [
  [6_000, 3_000, 1_000],
  [1_000, 3_000, 6_000],
];

/** An event's fields by (camelCase) name. */
function fieldsOf(event) {
  const names = event.data.names ?? [];
  return Object.fromEntries(names.map((name, i) => [name.replace(/_([a-z])/g, (_, c) => c.toUpperCase()), event.data[i]]));
}

/**
 * Incentive of each miner from the formulas of Yuma consensus (floats): stake-normalised
 * validators, row-normalised weights, consensus = the largest weight at least κ of the stake
 * gives at least, clipped weights, rank, normalised.
 */
function expectedIncentive(stake, weights, kappa) {
  const total = stake.reduce((a, b) => a + b, 0);
  const s = stake.map((x) => x / total);
  const w = weights.map((row) => {
    const sum = row.reduce((a, b) => a + b, 0);
    return row.map((x) => x / sum);
  });
  const columns = w[0].length;
  const rank = [];
  for (let j = 0; j < columns; j += 1) {
    const candidates = [0, ...w.map((row) => row[j])].sort((a, b) => b - a);
    const consensus = candidates.find((x) => w.reduce((acc, row, i) => acc + (row[j] >= x ? s[i] : 0), 0) >= kappa);
    rank.push(w.reduce((acc, row, i) => acc + s[i] * Math.min(row[j], consensus), 0));
  }
  const sum = rank.reduce((a, b) => a + b, 0);
  return rank.map((r) => r / sum);
}

describe('scoring and emissions on verity-node --dev', () => {
  let api;
  let keys;
  let netuid;
  let miners; // [{ coldkey, hotkey }]
  let validators; // [{ coldkey, hotkey }]

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
   * Waits for the subnet's next epoch (a block after the current best one with its
   * `scoring.EpochRun`); resolves with the block's hash, parent hash, number and events.
   */
  const nextEpoch = async () => {
    const after = (await api.rpc.chain.getHeader()).number.toNumber();
    return waitForUpdate(
      (callback) => api.rpc.chain.subscribeNewHeads(async (header) => {
        const events = await api.query.system.events.at(header.hash);
        callback({ header, events });
      }),
      ({ header, events }) => {
        if (header.number.toNumber() <= after) return undefined;
        const run = events.find(({ event }) => event.section === 'scoring' && event.method === 'EpochRun'
          && fieldsOf(event).netuid.toNumber() === netuid);
        return run ? { hash: header.hash, parentHash: header.parentHash, number: header.number.toNumber(), events } : undefined;
      },
      EPOCH_TIMEOUT_MS,
      `an epoch of subnet ${netuid} after block ${after}`,
    );
  };

  useDevNode(async (started) => {
    api = started.api;
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519' });
    const named = (uri) => keyring.addFromUri(uri);
    keys = { alice: named('//Alice'), owner: named('//Bob') };
    miners = ['//Charlie', '//Dave', '//Ferdie'].map((uri) => ({ coldkey: named(uri), hotkey: named(`${uri}//miner`) }));
    validators = ['//Eve', '//Alice//stash'].map((uri) => ({ coldkey: named(uri), hotkey: named(`${uri}//validator`) }));
    // The second validator's coldkey and every hotkey that signs need funds.
    await sendOk(api.tx.utility.batchAll([
      api.tx.balances.transferKeepAlive(validators[1].coldkey.address, 2_000n * VRT),
      ...[...validators, miners[1]].map((n) => api.tx.balances.transferKeepAlive(n.hotkey.address, 10n * VRT)),
    ]), keys.alice);
  });

  it('sets up a subnet with three miners and two staked validators', { timeout: TEST_TIMEOUT_MS }, async () => {
    const events = await sendOk(api.tx.subnets.createSubnet(), keys.owner);
    const created = events.find(({ event }) => event.section === 'subnets' && event.method === 'SubnetCreated');
    netuid = created.event.data[0].toNumber();
    await sendOk(api.tx.subnets.setHyperparameter(netuid, { WeightsRateLimit: 0 }), keys.owner);

    // UIDs in order: miners 0–2, validators 3–4.
    for (const { coldkey, hotkey } of [...miners, ...validators]) {
      await sendOk(api.tx.subnets.register(netuid, hotkey.address), coldkey);
    }
    await Promise.all(validators.map((v, i) => sendOk(api.tx.stake.addStake(v.hotkey.address, STAKE[i]), v.coldkey)));

    const neurons = (await api.rpc.verity.neurons(netuid)).toJSON().neurons;
    assert.deepEqual(neurons.map((n) => n.hotkey), [...miners, ...validators].map((n) => n.hotkey.address));
    assert.deepEqual(neurons.slice(3).map((n) => BigInt(n.stake)), STAKE);
  });

  it('grants validator permits to the staked hotkeys at the next epoch', { timeout: TEST_TIMEOUT_MS }, async () => {
    // The subnet's first epoch is a default tempo (360 blocks) after its creation: until then
    // nobody holds a permit, so weights are refused.
    const early = await send(api.tx.scoring.setWeights(netuid, [0, 1, 2], WEIGHTS[0], 0), validators[0].hotkey);
    assert.equal(early.error, 'scoring.NoValidatorPermit');

    // A shorter tempo reschedules the next epoch.
    const set = await sendOk(api.tx.subnets.setHyperparameter(netuid, { Tempo: TEMPO }), keys.owner);
    assert.ok(set.some(({ event }) => event.method === 'HyperparameterSet'));
    await nextEpoch();
    const neurons = (await api.rpc.verity.neurons(netuid)).toJSON().neurons;
    assert.deepEqual(neurons.map((n) => n.score.validatorPermit), [false, false, false, true, true]);
    // Validators that never set weights are inactive: their stake does not count yet.
    assert.deepEqual(neurons.map((n) => n.score.stakeShare), [0, 0, 0, 0, 0]);

    // A miner has no permit; a weight on an unknown UID is refused.
    const miner = await send(api.tx.scoring.setWeights(netuid, [0], [1], 0), miners[1].hotkey);
    assert.equal(miner.error, 'scoring.NoValidatorPermit');
    const unknown = await send(api.tx.scoring.setWeights(netuid, [0, 9], [1, 1], 0), validators[0].hotkey);
    assert.equal(unknown.error, 'scoring.UnknownUid');
  });

  it('makes incentive follow the stake-weighted consensus of the weights', { timeout: TEST_TIMEOUT_MS }, async () => {
    await Promise.all(validators.map((v, i) => sendOk(api.tx.scoring.setWeights(netuid, [0, 1, 2], WEIGHTS[i], 0), v.hotkey)));
    await nextEpoch();

    const neurons = (await api.rpc.verity.neurons(netuid)).toJSON().neurons;
    const shares = neurons.slice(3).map((n) => n.score.stakeShare);
    assert.ok(Math.abs(shares[0] - 0.6) < 1e-4 && Math.abs(shares[1] - 0.4) < 1e-4, `stake shares ${shares}`);
    assert.ok(neurons.slice(3).every((n) => n.score.lastUpdate > 0));
    const subnet = (await api.rpc.verity.subnet(netuid)).toJSON();
    const kappa = subnet.hyperparameters.kappa / U16_MAX;
    const expected = expectedIncentive(STAKE.map(Number), WEIGHTS, kappa);
    const incentive = neurons.slice(0, 3).map((n) => n.score.incentive);
    for (const [j, value] of incentive.entries()) {
      assert.ok(Math.abs(value - expected[j]) <= 2 / U16_MAX, `miner ${j}: incentive ${value}, expected ${expected[j]}`);
    }
    // 60/40 stake with κ ≈ ½: the larger validator's weights are the consensus, so its weights
    // survive clipping whole while the smaller one's disagreeing weight on miner 2 is clipped.
    assert.ok(Math.abs(expected[0] - 0.5) < 1e-9 && Math.abs(expected[2] - 0.125) < 1e-9);
    const [vtA, vtB] = neurons.slice(3).map((n) => n.score.validatorTrust);
    assert.ok(vtA > 0.999 && vtB < 0.6, `validator trust ${vtA}, ${vtB}`);
    assert.ok(neurons.slice(0, 3).every((n) => n.score.incentive > 0 && n.score.dividends === 0));
    assert.ok(neurons.slice(3).every((n) => n.score.incentive === 0 && n.score.dividends > 0));
  });

  it('pays exactly what it emits: owner and miners as balance, validators as stake', { timeout: TEST_TIMEOUT_MS }, async () => {
    const epoch = await nextEpoch();
    const before = await api.at(epoch.parentHash);
    const after = await api.at(epoch.hash);
    const free = async (at, account) => (await at.query.system.account(account.address)).data.free.toBigInt();
    const hotkeyStake = async (hash, account) => BigInt((await api.rpc.verity.stake(account.address, hash)).toJSON().hotkey.total);

    const paid = epoch.events.find(({ event }) => event.section === 'emissions' && event.method === 'EpochPaid');
    assert.ok(paid, 'an EpochPaid event in the epoch block');
    const p = fieldsOf(paid.event);
    const [accrued, owner, minersPaid, validatorsPaid, unminted] = [p.accrued, p.owner, p.miners, p.validators, p.unminted].map((x) => x.toBigInt());
    assert.equal(accrued, owner + minersPaid + validatorsPaid + unminted);
    // The only subnet with permitted stake accrues the whole reward of every block of its tempo.
    assert.ok(accrued > 0n && accrued <= BigInt(TEMPO + 1) * BLOCK_REWARD, `accrued ${accrued}`);
    // Incentive and dividends are 32-bit fractions: each of the five shares of a ~4 VRT pot
    // rounds down by less than 4.1e12 / 2^32 ≈ 955 planck.
    assert.ok(unminted < 5_000n, `rounding left ${unminted} planck unminted`);

    const neurons = (await api.rpc.verity.neurons(netuid, epoch.hash)).toJSON().neurons;
    for (const [j, miner] of miners.entries()) {
      const emission = BigInt(neurons[j].score.emission);
      assert.ok(emission > 0n, `miner ${j} was paid`);
      assert.equal(await free(after, miner.coldkey) - await free(before, miner.coldkey), emission, `miner ${j}'s coldkey grew by its emission`);
    }
    for (const [i, validator] of validators.entries()) {
      const emission = BigInt(neurons[3 + i].score.emission);
      assert.ok(emission > 0n, `validator ${i} was paid`);
      assert.equal(await hotkeyStake(epoch.hash, validator.hotkey) - await hotkeyStake(epoch.parentHash, validator.hotkey), emission, `validator ${i}'s stake grew by its emission`);
    }
    const sum = (list) => list.reduce((a, b) => a + b, 0n);
    assert.equal(sum(neurons.slice(0, 3).map((n) => BigInt(n.score.emission))), minersPaid);
    assert.equal(sum(neurons.slice(3).map((n) => BigInt(n.score.emission))), validatorsPaid);
    assert.equal(await free(after, keys.owner) - await free(before, keys.owner), owner);

    // Miners 41%, validators 41%, owner 18% of what accrued (rounded down each).
    assert.equal(owner, (accrued * 18n) / 100n);
    assert.ok(accrued * 41n / 100n - minersPaid < 3_000n && accrued * 41n / 100n - validatorsPaid < 2_000n);

    // Issuance: nothing else happened in the epoch block, so total issuance grew by the minted amount.
    const issuance = async (at) => (await at.query.balances.totalIssuance()).toBigInt();
    assert.equal(await issuance(after) - await issuance(before), owner + minersPaid + validatorsPaid);
    const [schedBefore, schedAfter] = await Promise.all([epoch.parentHash, epoch.hash].map(async (h) => (await api.rpc.verity.emissions(h)).toJSON()));
    assert.equal(BigInt(schedAfter.issued) - BigInt(schedBefore.issued), owner + minersPaid + validatorsPaid);
    assert.equal(BigInt(schedAfter.totalIssuance), await issuance(after));
    assert.equal(BigInt(schedAfter.totalIssuance), BigInt(schedAfter.genesisIssuance) + BigInt(schedAfter.issued) - BigInt(schedAfter.burned));
  });

  it('reports the issuance schedule', { timeout: TEST_TIMEOUT_MS }, async () => {
    const schedule = (await api.rpc.verity.emissions()).toJSON();
    assert.equal(BigInt(schedule.cap), 21_000_000n * VRT);
    assert.equal(BigInt(schedule.blockReward), BLOCK_REWARD);
    assert.equal(schedule.halvings, 0);
    assert.equal(BigInt(schedule.nextHalvingAt), 10_500_000n * VRT);
    assert.deepEqual(
      [schedule.split.ownerPerBillion, schedule.split.minersPerBillion, schedule.split.validatorsPerBillion],
      [180_000_000, 410_000_000, 410_000_000],
    );
    // The subnet's weight in the split is its validators' stake at its last epoch (before that
    // epoch's dividends were added to it).
    const ours = schedule.subnets.find((s) => s.netuid === netuid);
    const stakeNow = (await Promise.all(validators.map(async (v) => BigInt((await api.rpc.verity.stake(v.hotkey.address)).toJSON().hotkey.total))))
      .reduce((a, b) => a + b, 0n);
    assert.ok(BigInt(ours.permittedStake) > STAKE[0] + STAKE[1] && BigInt(ours.permittedStake) < stakeNow, `permitted stake ${ours.permittedStake}`);
    assert.ok(BigInt(ours.paid) > 0n);
    assert.equal(BigInt(schedule.totalIssuance), BigInt(schedule.genesisIssuance) + BigInt(schedule.issued) - BigInt(schedule.burned));
  });
});
