// Starts a throw-away `verity-node --dev` and connects @polkadot/api to it.
//
// Every node this module starts is stopped again: by the caller's stop() (from a test's `after`
// hook) or, when the test process ends some other way, by the exit and signal handlers below.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { ApiPromise, WsProvider } from '@polkadot/api';

import { withTimeout } from './chain.js';
import { VERITY_RPC } from './rpc.js';

const RPC_READY_TIMEOUT_MS = 120_000; // a cold start compiles the wasm runtime; the machine has 2 cores
const API_READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;
const LOG_TAIL_LINES = 100;

/** Node processes still running, so that the process-level handlers can kill them. */
const running = new Set();

function killAllRunning() {
  // SIGKILL, not SIGTERM: this runs while our own process is going away and cannot wait for a
  // graceful shutdown; leaving a node behind would be worse than leaving its --tmp directory.
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

function onSignal(signal) {
  killAllRunning();
  // Re-raise with our handlers removed, so the process ends the way it would have without them.
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  process.removeListener('SIGHUP', onSignal);
  process.kill(process.pid, signal);
}

// An uncaught exception needs no handler of its own: node:test reports it against the running
// test and goes on (so `after` still stops the node), and a process that does die of one still
// emits 'exit'.
process.on('exit', killAllRunning);
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('SIGHUP', onSignal);

/** The node binary: $VERITY_NODE, else the release build under $CARGO_TARGET_DIR or ~/.cache/verity/target. */
export function resolveNodeBinary() {
  let binary;
  let source;
  if (process.env.VERITY_NODE) {
    [binary, source] = [process.env.VERITY_NODE, 'VERITY_NODE'];
  } else if (process.env.CARGO_TARGET_DIR) {
    [binary, source] = [path.join(process.env.CARGO_TARGET_DIR, 'release', 'verity-node'), 'CARGO_TARGET_DIR'];
  } else {
    [binary, source] = [path.join(os.homedir(), '.cache', 'verity', 'target', 'release', 'verity-node'), 'the default target dir'];
  }
  try {
    fs.accessSync(binary, fs.constants.X_OK);
  } catch {
    throw new Error(
      `verity-node binary not found or not executable at ${binary} (from ${source}). ` +
        'Build it with `cargo build --release -p verity-node`, or set VERITY_NODE to its path.',
    );
  }
  return binary;
}

/** The `verity` command line: $VERITY_CLI, else the release build beside the node's. */
export function resolveCliBinary() {
  const binary = process.env.VERITY_CLI ?? path.join(path.dirname(resolveNodeBinary()), 'verity');
  try {
    fs.accessSync(binary, fs.constants.X_OK);
  } catch {
    throw new Error(
      `verity binary not found or not executable at ${binary}. ` +
        'Build it with `cargo build --release -p verity-cli`, or set VERITY_CLI to its path.',
    );
  }
  return binary;
}

/** Distinct free TCP ports on 127.0.0.1: bind port 0 for each, read the port, then release them all. */
export async function freePorts(count) {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((server) => server.address().port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

function logTail(logPath, lines = LOG_TAIL_LINES) {
  try {
    const text = fs.readFileSync(logPath, 'utf8').trimEnd();
    return text ? text.split('\n').slice(-lines).join('\n') : '(the log is empty)';
  } catch (err) {
    return `(could not read ${logPath}: ${err.message})`;
  }
}

/** One JSON-RPC call over HTTP (the node serves HTTP and WebSocket on the same port). */
async function httpRpc(rpcPort, method, params = []) {
  const response = await fetch(`http://127.0.0.1:${rpcPort}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: AbortSignal.timeout(2_000),
  });
  return response.json();
}

/** Polls system_health until the RPC server answers; fails early if the node exits first. */
async function waitForRpc(rpcPort, exited) {
  const deadline = Date.now() + RPC_READY_TIMEOUT_MS;
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    const exit = exited();
    if (exit) throw new Error(`verity-node exited before its RPC came up (${exit})`);
    try {
      const body = await httpRpc(rpcPort, 'system_health');
      if (body.result) return;
      lastError = JSON.stringify(body.error);
    } catch (err) {
      lastError = err.cause?.code ?? err.message; // fetch hides ECONNREFUSED and the like in `cause`
    }
    await sleep(250);
  }
  throw new Error(`verity-node RPC on port ${rpcPort} did not answer within ${RPC_READY_TIMEOUT_MS / 1000} s (last: ${lastError})`);
}

/**
 * Starts `verity-node --dev --tmp` on free ports and connects an ApiPromise to it.
 *
 * Returns { api, provider, rpcPort, prometheusPort, logPath, printLogTail(), stop() }.
 * stop() is idempotent; call it from `after` even when a test failed.
 */
export async function startNode({ extraArgs = [] } = {}) {
  const binary = resolveNodeBinary();
  const [rpcPort, p2pPort, prometheusPort] = await freePorts(3);
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-e2e-'));
  const logPath = path.join(logDir, 'verity-node.log');
  const logFd = fs.openSync(logPath, 'a');

  const args = [
    '--dev', '--tmp',
    '--rpc-port', String(rpcPort),
    '--port', String(p2pPort),
    '--prometheus-port', String(prometheusPort),
    '--no-telemetry', '--no-mdns',
    ...extraArgs,
  ];
  process.stderr.write(`[e2e] starting ${binary} ${args.join(' ')}\n[e2e] node log: ${logPath}\n`);

  const child = spawn(binary, args, { stdio: ['ignore', logFd, logFd] });
  fs.closeSync(logFd); // the child holds its own copy of the descriptor
  running.add(child);

  let exitReason = null;
  const exitedPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exitReason = signal ? `killed by ${signal}` : `exit code ${code}`;
      running.delete(child);
      resolve();
    });
    child.once('error', (err) => {
      exitReason = `failed to start: ${err.message}`;
      running.delete(child);
      resolve();
    });
  });

  const printLogTail = () => {
    process.stderr.write(`[e2e] last ${LOG_TAIL_LINES} lines of ${logPath}:\n${logTail(logPath)}\n`);
  };

  let api = null;
  let provider = null;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // Disconnecting first stops the provider's reconnect loop, which would otherwise keep the
    // test process alive after the node is gone.
    if (api) await api.disconnect().catch(() => {});
    else if (provider) await provider.disconnect().catch(() => {});
    if (exitReason) return;
    child.kill('SIGTERM');
    const killTimer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exitedPromise;
    clearTimeout(killTimer);
  };

  try {
    await waitForRpc(rpcPort, () => exitReason);
    const endpoint = `ws://127.0.0.1:${rpcPort}`;
    provider = new WsProvider(endpoint);
    api = await withTimeout(
      // throwOnConnect rejects with the WebSocket's error event, not an Error: name the endpoint.
      ApiPromise.create({ provider, rpc: VERITY_RPC, throwOnConnect: true, noInitWarn: true }).catch((err) => {
        throw new Error(`could not connect @polkadot/api to ${endpoint}: ${err?.message || err?.type || err}`);
      }),
      API_READY_TIMEOUT_MS,
      'the API to connect and load metadata',
    );
  } catch (err) {
    printLogTail();
    await stop();
    throw err;
  }

  return { api, provider, rpcPort, prometheusPort, logPath, printLogTail, stop };
}

/**
 * Registers the hooks of a suite that shares one dev node (started with `extraArgs` besides the
 * defaults): `before` starts it and passes it to `onStarted` (for the suite's own setup), `after` prints the node's log tail when any test of
 * the suite failed, then stops the node. Call it inside `describe`.
 */
export function useDevNode(onStarted, { timeoutMs = 240_000, extraArgs = [] } = {}) {
  let node = null;
  let anyTestFailed = false;

  before(async () => {
    node = await startNode({ extraArgs });
    await onStarted(node);
  }, { timeout: timeoutMs });

  afterEach((t) => {
    anyTestFailed ||= !t.passed;
  });

  after(async () => {
    if (anyTestFailed) node?.printLogTail();
    await node?.stop();
  });
}
