// A small client library for durable promises: `durablePromise<T>(name, url)` gives a handle whose
// get/peek/resolve/reject go through Restate's ingress to `durablePromiseServer`. Any process can hold a handle
// to the same name; they all see the same outcome.
//
// get() survives restarts: the await is an idempotent call (a fresh idempotency key per get), so when the
// connection drops — restate-server restarted, a proxy timed out — the client sends the same request again and
// Restate attaches it to the invocation that is already waiting instead of starting another one.
import { randomUUID } from "node:crypto";
import * as clients from "@restatedev/restate-sdk-clients";
import type { DurablePromiseServer, DurablePromisesObject, PromiseInfo, ValueOrError } from "./promises.js";

export type { PromiseInfo, ValueOrError };

/** The promise was rejected (by this or another process); `message` is the rejection's errorMessage. */
export class DurablePromiseRejected extends Error {
  constructor(
    readonly promiseName: string,
    readonly errorMessage: string,
  ) {
    super(errorMessage);
    this.name = "DurablePromiseRejected";
  }
}

/** get() gave up waiting (the promise is still pending; awaiting again later is fine). */
export class DurablePromiseTimeout extends Error {
  constructor(
    readonly promiseName: string,
    readonly timeoutMs: number,
  ) {
    super(`promise ${promiseName} was not completed within ${timeoutMs} ms`);
    this.name = "DurablePromiseTimeout";
  }
}

export interface DurablePromise<T> {
  readonly name: string;
  /** Wait for the outcome: the value, or a DurablePromiseRejected. */
  get(opts?: { timeoutMs?: number; signal?: AbortSignal }): Promise<T>;
  /** The value if resolved, undefined if pending; a DurablePromiseRejected if rejected. Never blocks. */
  peek(): Promise<T | undefined>;
  /** Complete with a value. Returns the promise's actual value: ours if we were first, else the earlier one. */
  resolve(value: T): Promise<T>;
  /** Complete with an error. Throws DurablePromiseRejected (ours, or an earlier rejection); returns the value if it was resolved first. */
  reject(errorMessage: string): Promise<T>;
  /** State, outcome and awaiter counts (from the backing object). */
  info(): Promise<PromiseInfo>;
}

function unwrap<T>(name: string, outcome: ValueOrError): T {
  if (outcome.error !== undefined) throw new DurablePromiseRejected(name, outcome.error);
  return outcome.value as T;
}

const SERVER = { name: "durablePromiseServer" } as DurablePromiseServer;
const OBJECT = { name: "durablePromises" } as DurablePromisesObject;

export function durablePromise<T = unknown>(name: string, url: string): DurablePromise<T> {
  if (!name) throw new Error("a durable promise needs a name");
  // Only calls that carry an idempotency key are retried, so retrying is always safe. An await keeps trying for as
  // long as it is allowed to wait (restarts included); a completion gives up after a while.
  const waiting = clients.connect({ url, retry: { maxAttempts: false, maxDuration: false, initialInterval: 200, maxInterval: 2000 } });
  const calls = clients.connect({ url, retry: { maxDuration: 20_000, maxAttempts: false, initialInterval: 200, maxInterval: 2000 } });
  const once = clients.connect({ url });
  const server = calls.serviceClient(SERVER);

  return {
    name,
    async get(opts = {}) {
      const signal = opts.signal ?? (opts.timeoutMs !== undefined ? AbortSignal.timeout(opts.timeoutMs) : undefined);
      try {
        const outcome = await waiting.serviceClient(SERVER).await({ request: { promiseName: name } }, clients.rpc.opts({ idempotencyKey: `await-${randomUUID()}`, signal }));
        return unwrap<T>(name, outcome);
      } catch (e) {
        if (opts.timeoutMs !== undefined && signal?.aborted && !opts.signal?.aborted) throw new DurablePromiseTimeout(name, opts.timeoutMs);
        throw e;
      }
    },
    async peek() {
      const outcome = await once.serviceClient(SERVER).peek({ request: { promiseName: name } });
      return outcome ? unwrap<T>(name, outcome) : undefined;
    },
    async resolve(value: T) {
      const outcome = await server.resolve({ request: { promiseName: name, value } }, clients.rpc.opts({ idempotencyKey: `resolve-${randomUUID()}` }));
      return unwrap<T>(name, outcome);
    },
    async reject(errorMessage: string) {
      const outcome = await server.reject({ request: { promiseName: name, errorMessage } }, clients.rpc.opts({ idempotencyKey: `reject-${randomUUID()}` }));
      return unwrap<T>(name, outcome);
    },
    async info() {
      return once.objectClient(OBJECT, name).info();
    },
  };
}
