// An invocation of playground/recovery held in flight on a durable promise until the test lets it go: the way a test
// keeps work provably in flight across a crash or a reload, however slow the machine, instead of timing a sleep.
// The hold is product behaviour (`holdOn` of playground/recovery); the release goes through the CLI a user runs.
import { expect } from "vitest";
import { eventually, ingressRequest, json, postIdempotent, uniqueKey, type CliResult } from "./helpers.js";
import type { RecoveryInput } from "../src/services/system/index.js";
import type { PromiseInfo } from "../src/services/durable-promises/api.js";

export interface Held {
  /** the recovery invocation */
  invocationId: string;
  /** the durable promise it waits for */
  promise: string;
}

/**
 * Send playground/recovery held on a fresh durable promise, and return once the promise counts it as an awaiter: from
 * then on it cannot complete before `release`. Its prepare step has run by then (the hold comes after it).
 */
export async function sendHeld(ingressUrl: string, body: Omit<RecoveryInput, "holdOn"> = {}): Promise<Held> {
  const promise = uniqueKey("hold");
  const res = await postIdempotent(`${ingressUrl}/playground/recovery/send`, { ...body, holdOn: promise }, promise);
  expect(res.status, `playground/recovery/send: ${res.status}`).toBe(202);
  const { invocationId } = (await res.json()) as { invocationId: string };
  await eventually(
    `${invocationId} held: registered as an awaiter of promise ${promise}`,
    async () => {
      // a read: a connection closed under it is retried by the next poll
      const info = await fetch(`${ingressUrl}/durablePromises/${promise}/info`, { method: "POST" });
      return info.ok && ((await info.json()) as PromiseInfo).waiting >= 1;
    },
    120_000,
    250,
  );
  return { invocationId, promise };
}

/** Let the held invocation go on: `npx patterns promise resolve <name> true`, as a user would. */
export async function release(cli: (args: string[]) => Promise<CliResult>, held: Held): Promise<void> {
  const r = await cli(["promise", "resolve", held.promise, "true", "--json"]);
  expect(r.code, r.stderr).toBe(0);
  expect(json<{ won: boolean }>(r).won, `promise ${held.promise} resolved by this call`).toBe(true);
}

/** The released invocation's result (attach), waited for up to timeoutMs; a timeout names what was awaited. */
export async function heldResult<T>(ingressUrl: string, held: Held, timeoutMs = 120_000): Promise<T> {
  try {
    const res = await ingressRequest(`${ingressUrl}/restate/invocation/${held.invocationId}/attach`, { signal: AbortSignal.timeout(timeoutMs) });
    expect(res.status, `attach to ${held.invocationId}`).toBe(200);
    return (await res.json()) as T;
  } catch (e) {
    if ((e as Error).name === "TimeoutError") throw new Error(`timed out after ${timeoutMs} ms waiting for the result of ${held.invocationId}, released from promise ${held.promise}`, { cause: e });
    throw e;
  }
}
