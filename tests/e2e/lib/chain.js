// Waiting helpers with a deadline on every wait, so a stalled chain fails a test instead of hanging it.

/** Settles like `promise`, or rejects after `timeoutMs` with a message naming what was awaited. */
export async function withTimeout(promise, timeoutMs, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Subscribes with `subscribe(callback)` (which resolves to an unsubscribe function, as the
 * @polkadot/api subscriptions do) and resolves with the first non-undefined value `check`
 * returns for an update; rejects if `check` throws or after `timeoutMs`. Always unsubscribes.
 */
export function waitForUpdate(subscribe, check, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    let unsubscribe = null;
    let settled = false;
    const settle = (fn, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe?.();
      fn(value);
    };
    const timer = setTimeout(
      () => settle(reject, new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`)),
      timeoutMs,
    );
    subscribe((update) => {
      try {
        const result = check(update);
        if (result !== undefined) settle(resolve, result);
      } catch (err) {
        settle(reject, err);
      }
    }).then(
      (unsub) => (settled ? unsub() : (unsubscribe = unsub)),
      (err) => settle(reject, err),
    );
  });
}

/** Waits until a header numbered `target` or higher arrives on a head subscription. */
export function waitForBlockNumber(subscribeHeads, target, timeoutMs, what) {
  return waitForUpdate(
    subscribeHeads,
    (header) => (header.number.toBigInt() >= target ? header : undefined),
    timeoutMs,
    what,
  );
}

/**
 * Signs and submits `tx`, and resolves once it is in a best block with
 * { blockHash, events, dispatchError } (events are this extrinsic's only).
 */
export function submitAndWaitInBlock(tx, signer, timeoutMs = 60_000) {
  return waitForUpdate(
    (callback) => tx.signAndSend(signer, callback),
    ({ status, events, dispatchError }) => {
      if (status.isInBlock) return { blockHash: status.asInBlock, events, dispatchError };
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        throw new Error(`transaction ${tx.hash.toHex()} was ${status.type} before inclusion`);
      }
      return undefined;
    },
    timeoutMs,
    `transaction ${tx.method.section}.${tx.method.method} to be included in a block`,
  );
}

/** `section.Error` of a failed dispatch (or its text when not a module error), or null when it succeeded. */
export function errorOf(api, dispatchError) {
  if (!dispatchError) return null;
  if (dispatchError.isModule) {
    const { section, name } = api.registry.findMetaError(dispatchError.asModule);
    return `${section}.${name}`;
  }
  return dispatchError.toString();
}
