// Helpers shared by the communication verbs and demos: argument checks, introspection queries, step-log counts.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { sqlString, type AdminClient } from "../../runtime/admin.js";
import type { RunningStack } from "../../runtime/stack.js";
import { UsageError } from "../../errors.js";
import type { StepLogLine } from "../../services/lib/steplog.js";
export { callError } from "../lib/ingress-errors.js";

/** A run-unique suffix for keys, so repeated runs on one stack never collide. */
export function randomSuffix(n = 6): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(randomBytes(n), (b) => alphabet[b % alphabet.length]).join("");
}

/** Object keys, idempotency keys, ids typed on the command line: printable, no spaces, not absurdly long. */
export function checkKeyArg(raw: string | undefined, what: string, example: string): string {
  const v = (raw ?? "").trim();
  if (!v) throw new UsageError(`${what} is missing`, `for example ${example}`);
  if (v.length > 200) throw new UsageError(`${what} is too long (${v.length} characters, at most 200)`, `for example ${example}`);
  if (/[\s\u0000-\u001f\u007f]/.test(v)) throw new UsageError(`${what} must not contain spaces or control characters, got ${JSON.stringify(v)}`, `for example ${example}`);
  return v;
}

export interface InvocationRow {
  id: string;
  target?: string;
  target_service_key?: string;
  idempotency_key?: string;
  status: string;
  invoked_by?: string;
  invoked_by_id?: string;
  invoked_by_target?: string;
  created_at?: string;
  scheduled_at?: string;
  scheduled_start_at?: string;
  running_at?: string;
  completed_at?: string;
  completion_result?: string;
  completion_failure?: string;
  retry_count?: number;
}

// scheduled_start_at is only filled in when scheduled_at is selected too (restate-server 1.7.12 projection quirk).
const INVOCATION_COLUMNS =
  "id, target, target_service_key, idempotency_key, status, invoked_by, invoked_by_id, invoked_by_target, created_at, scheduled_at, scheduled_start_at, running_at, completed_at, completion_result, completion_failure, retry_count";

export interface InvocationFilter {
  service: string;
  handler?: string;
  key?: string;
  idempotencyKey?: string;
  id?: string;
  invokedById?: string;
  notCompleted?: boolean;
}

export function invocationsSql(f: InvocationFilter, limit?: number): string {
  const where = [`target_service_name = ${sqlString(f.service)}`];
  if (f.handler) where.push(`target_handler_name = ${sqlString(f.handler)}`);
  if (f.key !== undefined) where.push(`target_service_key = ${sqlString(f.key)}`);
  if (f.idempotencyKey !== undefined) where.push(`idempotency_key = ${sqlString(f.idempotencyKey)}`);
  if (f.id) where.push(`id = ${sqlString(f.id)}`);
  if (f.invokedById) where.push(`invoked_by_id = ${sqlString(f.invokedById)}`);
  if (f.notCompleted) where.push(`status <> 'completed'`);
  return `SELECT ${INVOCATION_COLUMNS} FROM sys_invocation WHERE ${where.join(" AND ")} ORDER BY created_at${limit ? ` DESC LIMIT ${limit}` : ""}`;
}

export function invocations(admin: AdminClient, f: InvocationFilter, limit?: number): Promise<InvocationRow[]> {
  return admin.query<InvocationRow>(invocationsSql(f, limit));
}

export interface JournalRow {
  index: number;
  entry_type: string;
  name?: string;
}

export function journal(admin: AdminClient, invocationId: string): Promise<JournalRow[]> {
  return admin.query<JournalRow>(`SELECT index, entry_type, name FROM sys_journal WHERE id = ${sqlString(invocationId)} ORDER BY index`);
}

export function stepLogLines(file: string): StepLogLine[] {
  if (!existsSync(file)) return [];
  const out: StepLogLine[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as StepLogLine);
    } catch {
      /* a torn last line while the worker writes */
    }
  }
  return out;
}

/** How often the worker really ran an invocation's handler (attempts) and each named step's body. */
export function executions(stack: RunningStack, invocationId: string): { attempts: number; steps: Record<string, number> } {
  const steps: Record<string, number> = {};
  let attempts = 0;
  for (const l of stepLogLines(stack.paths.stepLog)) {
    if (l.invocationId !== invocationId) continue;
    if (l.kind === "attempt") attempts++;
    else if (l.kind === "run-start" && l.step) steps[l.step] = (steps[l.step] ?? 0) + 1;
  }
  return { attempts, steps };
}


/** "in 8.0 s" / "2.1 s ago" relative to now */
export function relative(iso: string | undefined, now = Date.now()): string {
  if (!iso) return "-";
  const ms = Date.parse(iso) - now;
  const abs = Math.abs(ms);
  const s = abs < 1000 ? `${abs} ms` : abs < 60_000 ? `${(abs / 1000).toFixed(1)} s` : `${Math.round(abs / 60_000)} min`;
  return ms >= 0 ? `in ${s}` : `${s} ago`;
}

export function ingressPath(...segments: string[]): string {
  return "/" + segments.map((s) => encodeURIComponent(s)).join("/");
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function pollUntil<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs: number, everyMs = 250): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() >= deadline) return undefined;
    await sleep(everyMs);
  }
}
