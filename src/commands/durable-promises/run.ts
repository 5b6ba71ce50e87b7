// Runners of `patterns promise await|resolve|reject|peek <name>`: everything goes through the client library
// (./handle.ts), the way an application would use durable promises.
import { durablePromise, DurablePromiseRejected, DurablePromiseTimeout, type PromiseInfo } from "./handle.js";
import { PlaygroundError, UsageError } from "../../errors.js";
import type { RawCall } from "../../ui/curl.js";
import { callError } from "../../runtime/ingress.js";
import { humanDuration } from "../../ui/output.js";

export const PROMISE_SERVER = "durablePromiseServer";

export function validatePromiseName(name: string): string {
  if (name.trim() === "" || name.length > 200 || /\p{Cc}/u.test(name))
    throw new UsageError(`promise name "${name}" is not valid`, "use a non-empty name of at most 200 printable characters, e.g. prom-1");
  return name;
}

/** The value argument of `promise resolve`: JSON, with a fix that shows how to quote a string. */
export function parseJsonValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new UsageError(`the value ${JSON.stringify(raw)} is not JSON`, `pass JSON, e.g. '{"name":"Barack"}' or a quoted string '"hello"'`);
  }
}

export function promiseCall(ingressUrl: string, handler: "await" | "peek" | "resolve" | "reject", request: Record<string, unknown>): RawCall {
  return { url: `${ingressUrl}/${PROMISE_SERVER}/${handler}`, body: { request } };
}

export interface Outcome {
  state: "resolved" | "rejected";
  value?: unknown;
  error?: string;
}

export interface AwaitResult extends Outcome {
  name: string;
  waitedMs: number;
  /** the process that awaited (demos compare awaiters in different processes) */
  pid: number;
}

export interface CompleteResult extends Outcome {
  name: string;
  /** what this call asked for */
  asked: { value?: unknown; error?: string };
  /** true when the stored outcome is the one this call sent (it completed the promise, or an equal one did) */
  won: boolean;
}

export interface PeekResult {
  name: string;
  state: "pending" | "resolved" | "rejected";
  value?: unknown;
  error?: string;
  completedAt?: string;
  /** awaiters registered and still waiting */
  waiting: number;
  /** awaiters handed the outcome so far */
  notified: number;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export async function awaitPromise(url: string, name: string, timeoutMs?: number): Promise<AwaitResult> {
  const started = Date.now();
  const p = durablePromise(name, url);
  try {
    const value = await p.get({ timeoutMs });
    return { name, state: "resolved", value, waitedMs: Date.now() - started, pid: process.pid };
  } catch (e) {
    if (e instanceof DurablePromiseRejected) return { name, state: "rejected", error: e.errorMessage, waitedMs: Date.now() - started, pid: process.pid };
    if (e instanceof DurablePromiseTimeout)
      throw new PlaygroundError(
        `promise ${name} is still pending after ${humanDuration(timeoutMs!)}`,
        `await it again later (the promise is durable), or complete it: npx patterns promise resolve ${name} '<json>'`,
      );
    throw callError(e, `awaiting promise ${name}`);
  }
}

export async function resolvePromise(url: string, name: string, value: unknown): Promise<CompleteResult> {
  const p = durablePromise(name, url);
  try {
    const stored = await p.resolve(value);
    return { name, state: "resolved", value: stored, asked: { value }, won: same(stored, value) };
  } catch (e) {
    if (e instanceof DurablePromiseRejected) return { name, state: "rejected", error: e.errorMessage, asked: { value }, won: false };
    throw callError(e, `resolving promise ${name}`);
  }
}

export async function rejectPromise(url: string, name: string, errorMessage: string): Promise<CompleteResult> {
  const p = durablePromise(name, url);
  try {
    const stored = await p.reject(errorMessage);
    return { name, state: "resolved", value: stored, asked: { error: errorMessage }, won: false };
  } catch (e) {
    if (e instanceof DurablePromiseRejected) return { name, state: "rejected", error: e.errorMessage, asked: { error: errorMessage }, won: e.errorMessage === errorMessage };
    throw callError(e, `rejecting promise ${name}`);
  }
}

export async function peekPromise(url: string, name: string): Promise<PeekResult> {
  const p = durablePromise(name, url);
  let info: PromiseInfo;
  let peeked: { value?: unknown; error?: string } | undefined;
  try {
    // peek() is the seed's non-blocking read; info() adds the awaiter counts kept by the backing object
    try {
      const v = await p.peek();
      peeked = v === undefined ? undefined : { value: v };
    } catch (e) {
      if (!(e instanceof DurablePromiseRejected)) throw e;
      peeked = { error: e.errorMessage };
    }
    info = await p.info();
  } catch (e) {
    throw callError(e, `peeking at promise ${name}`);
  }
  const state = peeked === undefined ? "pending" : peeked.error !== undefined ? "rejected" : "resolved";
  return {
    name,
    state,
    ...(peeked ?? {}),
    ...(info.completedAt ? { completedAt: new Date(info.completedAt).toISOString() } : {}),
    waiting: info.waiting,
    notified: info.notified,
  };
}

export function describeOutcome(o: { state: string; value?: unknown; error?: string }): string {
  if (o.state === "resolved") return `resolved with ${JSON.stringify(o.value)}`;
  if (o.state === "rejected") return `rejected: ${o.error}`;
  return "pending";
}
