// The one door into Restate's ingress: typed clients from @restatedev/restate-sdk-clients, built here and only here.
// Every verb, tour, compare scenario and test calls a handler through `ingress(url)` with the pattern's api.ts; the
// raw paths a user would type appear only in the "same with curl" lines (src/commands/lib/curl.ts).
import * as clients from "@restatedev/restate-sdk-clients";
import { PlaygroundError } from "../errors.js";

/** The client library's answer types, so callers need no second import of it. */
export type { Ingress, Send, WorkflowSubmission } from "@restatedev/restate-sdk-clients";

/**
 * How a client retries. "once": never (the default: a call without an idempotency key must not run twice);
 * "calls": idempotent calls for up to 20 s; "waiting": idempotent calls for as long as the caller waits (an await
 * that must survive a restarted restate-server).
 */
export type RetryMode = "once" | "calls" | "waiting";

const RETRY: Record<RetryMode, clients.ConnectionOpts["retry"]> = {
  once: undefined,
  calls: { maxDuration: 20_000, maxAttempts: false, initialInterval: 200, maxInterval: 2000 },
  waiting: { maxAttempts: false, maxDuration: false, initialInterval: 200, maxInterval: 2000 },
};

const cache = new Map<string, clients.Ingress>();

/** The typed ingress client for a stack's ingress URL (one per URL and retry mode). */
export function ingress(url: string, retry: RetryMode = "once"): clients.Ingress {
  const id = `${retry} ${url}`;
  let client = cache.get(id);
  if (!client) {
    client = clients.connect({ url, retry: RETRY[retry] });
    cache.set(id, client);
  }
  return client;
}

/** Call options: an idempotency key, extra headers, a timeout in ms. */
export function callOpts<I = unknown, O = unknown>(o: { idempotencyKey?: string; headers?: Record<string, string>; timeoutMs?: number; signal?: AbortSignal }): clients.Opts<I, O> {
  return clients.Opts.from<I, O>({ idempotencyKey: o.idempotencyKey, headers: o.headers, ...(o.signal ? { signal: o.signal } : o.timeoutMs ? { timeout: o.timeoutMs } : {}) });
}

/** Send options: an idempotency key, a delay in ms. */
export function sendOpts<I = unknown>(o: { idempotencyKey?: string; delayMs?: number; headers?: Record<string, string> }): clients.SendOpts<I> {
  return clients.SendOpts.from<I>({ idempotencyKey: o.idempotencyKey, delay: o.delayMs || undefined, headers: o.headers });
}

/** A send's answer as Restate gives it: with `executionTime` for a delayed send. */
export type Sent = clients.Send & { executionTime?: string };

/** Wait for any invocation's result by its id (Restate's attach). A failure throws like a call does. */
export async function attach<T>(url: string, invocationId: string): Promise<T> {
  return ingress(url).result<T>({ invocationId, attachable: true, status: "Accepted" });
}

/** The HTTP status of a failed call (HttpCallError), or undefined for anything else. */
export function httpStatus(e: unknown): number | undefined {
  return e instanceof clients.HttpCallError ? e.status : undefined;
}

/** The message of an ingress error answer: `message` of its JSON body ({code, message}), else its text. */
export function errorText(res: { body?: unknown; text: string }): string {
  const b = res.body as { message?: unknown } | undefined;
  return typeof b === "object" && b && "message" in b ? String(b.message) : res.text;
}

/** The one-line message Restate gave for a failed call: `message` of its JSON answer, else the answer's text. */
export function failureMessage(e: unknown): string {
  if (e instanceof clients.HttpCallError) {
    let body: unknown;
    try {
      body = JSON.parse(e.responseText);
    } catch {
      /* plain text */
    }
    return errorText({ body, text: e.responseText });
  }
  return e instanceof Error ? e.message : String(e);
}

/** An error thrown by the typed ingress client (or a refused connection) as a one-line PlaygroundError. */
export function callError(e: unknown, what: string): PlaygroundError {
  if (e instanceof clients.HttpCallError) return new PlaygroundError(`${what} failed (HTTP ${e.status}): ${failureMessage(e)}`);
  if (e instanceof PlaygroundError) return e;
  const err = e as Error & { cause?: { code?: string } };
  if (err?.cause?.code === "ECONNREFUSED" || /fetch failed/.test(String(err?.message))) {
    return new PlaygroundError(`Restate's ingress is not reachable (${err.message})`, "check `npx patterns status`");
  }
  return new PlaygroundError(`${what} failed: ${err instanceof Error ? err.message : String(e)}`);
}

/** Run a call; turn whatever it throws into the one-line error `callError` makes. */
export async function calling<T>(what: string, call: () => PromiseLike<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw callError(e, what);
  }
}
