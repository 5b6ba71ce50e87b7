// Bits the orchestration verbs and demos share: keys, send-then-attach calls, invocation timings from Restate (src/observe).
import { randomBytes } from "node:crypto";
import { UsageError } from "../../errors.js";
import { invocations, journalEvents, type InvocationRow } from "../../observe/index.js";
import { attach, callError, calling, errorText, failureMessage, httpStatus, type Sent } from "../../runtime/ingress.js";
export { errorText };
import type { RunningStack } from "../../runtime/stack.js";
import { readLedger, type LedgerEntry } from "../../services/lib/simulated.js";

/** 6 random lowercase characters: run-unique keys that demos print. */
export function suffix(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return [...randomBytes(6)].map((b) => alphabet[b % alphabet.length]).join("");
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,99}$/;

/** Object/workflow keys from the command line: plain enough to sit in a URL and a shell command unquoted. */
export function keyArg(what: string) {
  return (raw: string): string => {
    if (!KEY.test(raw)) throw new UsageError(`${what} "${raw}" is invalid: use 1 to 100 letters, digits, or . _ : @ -`, `for example ${what === "--trip" ? "--trip trip123" : "my-machine"}`);
    return raw;
  };
}

export function checkKey(what: string, raw: string): string {
  return keyArg(what)(raw);
}

/** Send through a typed send client, then wait for the answer: the answer with the invocation id it ran as. */
export async function sendAndAttach<T>(stack: RunningStack, what: string, sendIt: () => Promise<Sent>): Promise<{ body: T; invocationId: string }> {
  const sent = await calling(what, sendIt);
  return { body: await calling(what, () => attach<T>(stack.ingressUrl, sent.invocationId)), invocationId: sent.invocationId };
}

/** Wait for an invocation's result; failures come back as {ok:false}. */
export async function attachOutcome<T>(stack: RunningStack, invocationId: string): Promise<{ ok: true; value: T } | { ok: false; status: number; message: string }> {
  try {
    return { ok: true, value: await attach<T>(stack.ingressUrl, invocationId) };
  } catch (e) {
    const status = httpStatus(e);
    if (status === undefined) throw callError(e, `waiting for ${invocationId}`);
    return { ok: false, status, message: failureMessage(e) };
  }
}

export interface InvocationTimes {
  id: string;
  target: string;
  handler: string;
  key?: string;
  status: string;
  createdAt?: number;
  inboxedAt?: number;
  runningAt?: number;
  completedAt?: number;
  completionResult?: string;
  completionFailure?: string;
  invokedById?: string;
}

const ms = (iso: unknown) => (typeof iso === "string" ? Date.parse(iso) : undefined);

function toTimes(r: InvocationRow): InvocationTimes {
  return {
    id: String(r.id),
    target: String(r.target),
    handler: String(r.target_handler_name ?? ""),
    key: r.target_service_key === undefined ? undefined : String(r.target_service_key),
    status: String(r.status),
    createdAt: ms(r.created_at),
    inboxedAt: ms(r.inboxed_at),
    runningAt: ms(r.running_at),
    completedAt: ms(r.completed_at),
    completionResult: r.completion_result === undefined ? undefined : String(r.completion_result),
    completionFailure: r.completion_failure === undefined ? undefined : String(r.completion_failure),
    invokedById: r.invoked_by_id === undefined ? undefined : String(r.invoked_by_id),
  };
}

/** Timings of the invocations of one keyed service. */
export async function invocationsOfKey(stack: RunningStack, service: string, key: string): Promise<InvocationTimes[]> {
  return (await invocations(stack.admin, { service, key, order: "oldest" })).map(toTimes);
}

/** Invocations started by another invocation (a workflow's calls to Flights/CarRentals). */
export async function invocationsCalledBy(stack: RunningStack, callerId: string): Promise<InvocationTimes[]> {
  return (await invocations(stack.admin, { invokedById: [callerId], order: "oldest" })).map(toTimes);
}

export async function invocationsById(stack: RunningStack, ids: string[]): Promise<Map<string, InvocationTimes>> {
  if (ids.length === 0) return new Map();
  return new Map((await invocations(stack.admin, { ids })).map((r) => [r.id, toTimes(r)]));
}

/** Retryable failures Restate recorded for an invocation (its journal events), optionally for one ctx.run step. */
export async function transientErrors(stack: RunningStack, invocationId: string, step?: string): Promise<{ message: string; step?: string }[]> {
  const rows = (await journalEvents(stack.admin, [invocationId])).filter((r) => r.event_type === "TransientError");
  const out: { message: string; step?: string }[] = [];
  for (const r of rows) {
    try {
      const e = JSON.parse(r.event_json ?? "{}") as { error_message?: string; related_command_name?: string };
      if (step && e.related_command_name !== step) continue;
      out.push({ message: e.error_message ?? "", step: e.related_command_name });
    } catch {
      /* not JSON */
    }
  }
  return out;
}

/** Ledger entries of the simulated systems whose detail names this trip / machine / invocation. */
export function ledgerWhere(stack: RunningStack, pred: (e: LedgerEntry) => boolean): LedgerEntry[] {
  return readLedger(stack.paths.root).filter(pred);
}

export function detailOf(e: LedgerEntry): Record<string, unknown> {
  return typeof e.detail === "object" && e.detail !== null ? (e.detail as Record<string, unknown>) : {};
}
