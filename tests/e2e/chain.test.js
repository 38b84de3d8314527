// End-to-end checks of a single `verity-node --dev` chain: block production, finality, the
// runtime's identity, a balance transfer with its fee, rejected extrinsics, RPCs and metrics.
//
// The tests share one node and run in order; the stale-nonce test relies on the transfer before it.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

import { submitAndWaitInBlock, waitForBlockNumber } from './lib/chain.js';
import { useDevNode } from './lib/node.js';

const VRT = 10n ** 12n; // VRT has 12 decimals
const BLOCK_TIME_MS = 6_000;
const TEST_TIMEOUT_MS = 120_000;

// The pallets the Verity runtime is built from (names as in the metadata).
const EXPECTED_PALLETS = [
  'System', 'Timestamp', 'Babe', 'Grandpa', 'Session', 'Authorship',
  'Balances', 'TransactionPayment', 'Utility', 'Sudo', 'Stake', 'Subnets',
  'Scoring', 'Emissions', 'Evaluations', 'Preimage', 'Scheduler', 'Referenda', 'ConvictionVoting', 'Origins',
  'NetworkParameters',
];

describe('verity-node --dev', () => {
  let node;
  let api;
  let alice;
  let bob;

  useDevNode(async (started) => {
    node = started;
    api = started.api;
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519' });
    alice = keyring.addFromUri('//Alice');
    bob = keyring.addFromUri('//Bob');
  });

  const freeBalanceAt = async (blockHash, account) => {
    const apiAt = await api.at(blockHash);
    const { data } = await apiAt.query.system.account(account.address);
    return data.free.toBigInt();
  };

  it('produces new best blocks', { timeout: TEST_TIMEOUT_MS }, async () => {
    const start = (await api.rpc.chain.getHeader()).number.toBigInt();
    const header = await waitForBlockNumber(
      (cb) => api.rpc.chain.subscribeNewHeads(cb),
      start + 2n,
      6 * BLOCK_TIME_MS,
      `best block #${start + 2n}`,
    );
    assert.ok(header.number.toBigInt() >= start + 2n);
  });

  it('runs the Verity runtime (metadata, version, token properties, pallets)', { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.ok(
      api.runtimeMetadata.version >= 15,
      `metadata version is V${api.runtimeMetadata.version}, expected V15 or later`,
    );

    assert.equal(api.runtimeVersion.specName.toString(), 'verity');
    assert.equal(api.runtimeVersion.implName.toString(), 'verity');

    const properties = await api.rpc.system.properties();
    assert.deepEqual(properties.tokenSymbol.unwrapOrDefault().map(String), ['VRT']);
    assert.deepEqual(properties.tokenDecimals.unwrapOrDefault().map((d) => d.toNumber()), [12]);

    assert.ok(api.consts.balances.existentialDeposit.toBigInt() > 0n, 'existential deposit must be positive');

    const pallets = api.runtimeMetadata.asLatest.pallets.map((pallet) => pallet.name.toString());
    for (const name of EXPECTED_PALLETS) {
      assert.ok(pallets.includes(name), `pallet ${name} missing from the metadata (has: ${pallets.join(', ')})`);
      // Decorated section names are the pallet names in lowerCamelCase.
      const section = name[0].toLowerCase() + name.slice(1);
      assert.ok(api.tx[section] || api.query[section], `pallet ${name} has neither calls nor storage in the API`);
    }
  });

  it('transfers VRT from Alice to Bob and charges Alice the fee', { timeout: TEST_TIMEOUT_MS }, async () => {
    const amount = 3n * VRT;
    const tx = api.tx.balances.transferKeepAlive(bob.address, amount);
    // Estimate via the TransactionPaymentApi runtime call, on a fake-signed copy of tx.
    const { partialFee } = await tx.paymentInfo(alice);
    const estimatedFee = partialFee.toBigInt();

    const { blockHash, events, dispatchError } = await submitAndWaitInBlock(tx, alice);
    assert.equal(dispatchError, undefined, `transfer failed: ${dispatchError?.toString()}`);
    assert.ok(events.some(({ event }) => api.events.system.ExtrinsicSuccess.is(event)), 'no ExtrinsicSuccess event');

    const feeEvent = events.find(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event));
    assert.ok(feeEvent, 'no transactionPayment.TransactionFeePaid event');
    const [payer, actualFeeCodec, tip] = feeEvent.event.data;
    assert.ok(payer.eq(alice.publicKey), 'the fee was paid by someone other than Alice');
    assert.equal(tip.toBigInt(), 0n);
    const actualFee = actualFeeCodec.toBigInt();

    // Compare the balances just before and just after the including block, so that nothing
    // else that happens on the chain meanwhile can blur the difference.
    const { parentHash } = await api.rpc.chain.getHeader(blockHash);
    const [aliceBefore, aliceAfter, bobBefore, bobAfter] = await Promise.all([
      freeBalanceAt(parentHash, alice),
      freeBalanceAt(blockHash, alice),
      freeBalanceAt(parentHash, bob),
      freeBalanceAt(blockHash, bob),
    ]);
    assert.equal(bobAfter - bobBefore, amount, "Bob's free balance did not grow by the amount sent");
    // Exact only while fees do not flow back to Alice: she is the --dev block author, so a runtime
    // that pays fees to the author would credit her part of her own fee.
    assert.equal(aliceBefore - aliceAfter, amount + actualFee, "Alice's free balance did not drop by amount + fee");

    // The estimate is not exact by design: it was taken against the best block before submission
    // (the fee multiplier may have moved by the including block), and the actual fee is the
    // post-dispatch fee, which a weight refund can lower. Both should be the same order of magnitude.
    assert.ok(actualFee > 0n, 'the transfer paid no fee');
    assert.ok(
      actualFee * 2n <= estimatedFee * 3n,
      `actual fee ${actualFee} exceeds 1.5 x the estimated partialFee ${estimatedFee}`,
    );
  });

  it('finalizes blocks with GRANDPA', { timeout: TEST_TIMEOUT_MS }, async () => {
    const finalizedHash = await api.rpc.chain.getFinalizedHead();
    const start = (await api.rpc.chain.getHeader(finalizedHash)).number.toBigInt();
    const header = await waitForBlockNumber(
      (cb) => api.rpc.chain.subscribeFinalizedHeads(cb),
      start + 1n,
      60_000,
      `a finalized block after #${start}`,
    );
    assert.ok(header.number.toBigInt() > start);
  });

  it('rejects an extrinsic that does not decode', { timeout: TEST_TIMEOUT_MS }, async () => {
    // 0x0102 is a SCALE compact length of 128 bytes, followed by only 4: it cannot decode. Sent
    // raw, because @polkadot/api would refuse to encode it client-side.
    await assert.rejects(node.provider.send('author_submitExtrinsic', ['0x0102deadbeef']), (err) => {
      // Author RPC codes: 1001 bad format, 1002 verification error, 1040 other (sc-rpc currently
      // reports a failed decode as "Client error: <codec error>" with 1040).
      assert.ok([1001, 1002, 1040].includes(err.code), `unexpected error: ${err.message}`);
      assert.match(err.message, /format|decode|Client error|not enough data/i);
      return true;
    });
  });

  it('rejects a transfer signed with a stale nonce', { timeout: TEST_TIMEOUT_MS }, async () => {
    const nextNonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
    assert.ok(nextNonce >= 1, 'Alice has not sent a transaction yet (the transfer test must run first)');

    // Nonce 0 is already used, so the pool rejects it as outdated (a future nonce would be queued).
    const stale = await api.tx.balances.transferKeepAlive(bob.address, VRT).signAsync(alice, { nonce: 0 });
    await assert.rejects(api.rpc.author.submitExtrinsic(stale), (err) => {
      assert.equal(err.code, 1010, `unexpected error: ${err.message}`);
      assert.match(err.message, /Invalid Transaction/);
      assert.match(String(err.data), /outdated/i);
      return true;
    });
  });

  it('answers the account nonce and payment RPCs', { timeout: TEST_TIMEOUT_MS }, async () => {
    const nextIndex = (await api.rpc.system.accountNextIndex(alice.address)).toBigInt();
    const { nonce } = await api.query.system.account(alice.address);
    // Nothing of Alice's is waiting in the pool here, so the pool-aware RPC equals the state.
    assert.equal(nextIndex, nonce.toBigInt());

    const signed = await api.tx.balances.transferKeepAlive(bob.address, VRT).signAsync(alice);
    const at = await api.rpc.chain.getBlockHash();
    // Raw call: @polkadot/api decodes payment_queryInfo's weight as a V1 number, but the node
    // answers with a V2 weight object ({ ref_time, proof_size }).
    const info = await node.provider.send('payment_queryInfo', [signed.toHex(), at.toHex()]);
    assert.equal(info.class, 'normal');
    assert.ok(BigInt(info.weight.ref_time) > 0n, `unexpected weight ${JSON.stringify(info.weight)}`);

    const bytes = signed.toU8a(); // length-prefixed, as the RPC received it
    const viaRuntimeApi = await (await api.at(at)).call.transactionPaymentApi.queryInfo(bytes, bytes.length);
    assert.equal(BigInt(info.partialFee), viaRuntimeApi.partialFee.toBigInt());
    assert.ok(BigInt(info.partialFee) > 0n);
  });

  it('serves Prometheus metrics with the block height', { timeout: TEST_TIMEOUT_MS }, async () => {
    const bestBefore = (await api.rpc.chain.getHeader()).number.toNumber();
    const response = await fetch(`http://127.0.0.1:${node.prometheusPort}/metrics`, {
      signal: AbortSignal.timeout(10_000),
    });
    assert.equal(response.status, 200);
    const metrics = await response.text();
    const best = metrics.match(/^substrate_block_height\{[^}]*status="best"[^}]*\} (\d+)$/m);
    assert.ok(best, 'substrate_block_height{status="best"} missing from /metrics');
    // The node refreshes this metric on a timer (and a block may be imported between the two
    // reads), so it may be one block behind or ahead of the RPC's answer.
    const height = Number(best[1]);
    assert.ok(
      Math.abs(height - bestBefore) <= 1,
      `metric best height ${height}, RPC best height ${bestBefore}`,
    );
  });
});
