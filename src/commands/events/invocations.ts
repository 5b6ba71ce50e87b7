// Small introspection helpers for the events verbs: invocation rows, waiting for completion, and following a
// journal step by step (`send-post --follow`). Self-contained on purpose; the full timeline lives elsewhere.
import type { AdminClient } from "../../runtime/admin.js";
import { sqlString } from "../../runtime/admin.js";

export interface InvocationRow {
  id: string;
  target?: string;
  target_service_key?: string;
  status?: string;
  invoked_by?: string;
  created_at?: string;
  running_at?: string;
  completed_at?: string;
  completion_result?: string;
  completion_failure?: string;
  retry_count?: number;
  last_failure?: string;
}

export interface JournalRow {
  id: string;
  index: number;
  entry_type: string;
  name?: string;
  entry_lite_json?: string;
  appended_at?: string;
}

export async function invocationRows(admin: AdminClient, ids: string[]): Promise<InvocationRow[]> {
  if (ids.length === 0) return [];
  return admin.query<InvocationRow>(
    `SELECT id, target, target_service_key, status, invoked_by, created_at, running_at, completed_at, completion_result, completion_failure, retry_count, last_failure
     FROM sys_invocation WHERE id IN (${ids.map(sqlString).join(", ")})`,
  );
}

export async function journalRows(admin: AdminClient, ids: string[]): Promise<JournalRow[]> {
  if (ids.length === 0) return [];
  return admin.query<JournalRow>(
    `SELECT id, index, entry_type, name, entry_lite_json, appended_at FROM sys_journal WHERE id IN (${ids.map(sqlString).join(", ")}) ORDER BY id, index`,
  );
}

/** Wait until every invocation is completed (or the time is up); returns the last rows seen. */
export async function waitForCompletion(admin: AdminClient, ids: string[], timeoutMs = 30_000, everyMs = 150): Promise<InvocationRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await invocationRows(admin, ids);
    const done = ids.every((id) => rows.find((r) => r.id === id)?.status === "completed");
    if (done || Date.now() >= deadline) return rows;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface StepEvent {
  invocationId: string;
  index: number;
  /** run, sleep, get-state, set-state, clear-state, call, send, output, … */
  kind: string;
  name: string;
  at?: string;
  /** wake-up time for a sleep, result for the output */
  detail?: string;
}

/**
 * A journal row as a step people care about, or undefined for bookkeeping (the input, completion notifications).
 * Pure, so it is unit-tested.
 */
export function describeEntry(row: JournalRow): StepEvent | undefined {
  const m = /^Command: (\w+)$/.exec(row.entry_type);
  if (!m) return undefined;
  const command = m[1]!;
  if (command === "Input") return undefined;
  const kind = command
    .replace(/^GetEager/, "Get")
    .replace(/([a-z])([A-Z])/g, "$1-$2")
    .toLowerCase()
    .replace(/^one-way-call$/, "send");
  let name = row.name ?? "";
  let detail: string | undefined;
  let lite: Record<string, Record<string, Record<string, unknown>>> = {};
  try {
    lite = row.entry_lite_json ? JSON.parse(row.entry_lite_json) : {};
  } catch {
    /* keep defaults */
  }
  const body = lite.Command?.[command] ?? {};
  if (!name && typeof body.key === "string") name = body.key;
  if (command === "Sleep" && typeof body.wake_up_time === "number") detail = `until ${new Date(body.wake_up_time).toISOString().slice(11, 23)}`;
  if (command === "Output" && typeof body.result === "string") detail = body.result.toLowerCase();
  return { invocationId: row.id, index: row.index, kind, name, at: row.appended_at, detail };
}

/**
 * Poll the journals of some invocations and report each new step, until all are completed (or the time is up).
 * Returns the final invocation rows.
 */
export async function followInvocations(
  admin: AdminClient,
  ids: string[],
  onStep: (e: StepEvent) => void,
  opts: { timeoutMs?: number; everyMs?: number } = {},
): Promise<InvocationRow[]> {
  const seen = new Map<string, number>();
  const deadline = Date.now() + (opts.timeoutMs ?? 10 * 60_000);
  for (;;) {
    const rows = await invocationRows(admin, ids);
    const entries = await journalRows(admin, ids);
    for (const e of entries) {
      if (e.index <= (seen.get(e.id) ?? -1)) continue;
      seen.set(e.id, e.index);
      const step = describeEntry(e);
      if (step) onStep(step);
    }
    const done = ids.every((id) => rows.find((r) => r.id === id)?.status === "completed");
    if (done || Date.now() >= deadline) return rows;
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 200));
  }
}

export type RecordOutcome = "done" | "rejected" | "in flight";

/** What became of an invocation so far: done, rejected (failed, with the handler's message) or still in flight. Pure. */
export function outcomeOf(row: InvocationRow | undefined): { outcome: RecordOutcome; status?: string; error?: string } {
  if (!row || row.status !== "completed") return { outcome: "in flight", status: row?.status };
  if (row.completion_result === "success") return { outcome: "done", status: row.status };
  return { outcome: "rejected", status: row.status, error: row.completion_failure ?? "failed" };
}
