// `patterns invocations`, `cancel <id>`, `kill <id>`: Restate's invocations from sys_invocation, and the admin API's
// PATCH /invocations/{id}/cancel|kill. Ids are shortened for people; any unique prefix or the short form works.
import { AdminError, sqlString } from "../../runtime/admin.js";
import type { RunningStack } from "../../runtime/stack.js";
import { PlaygroundError, UsageError } from "../../errors.js";
import { humanDuration, shortId, table } from "../../ui/output.js";
import { c } from "../../ui/palette.js";
import { ago, between, oneLine, paintStatus } from "./format.js";

export const STATUSES = ["pending", "scheduled", "ready", "running", "paused", "backing-off", "suspended", "completed"] as const;
/** extra filters on top of Restate's own statuses */
export const STATUS_ALIASES = ["active", "succeeded", "failed"] as const;

export interface InvocationRow {
  id: string;
  target?: string;
  target_service_name?: string;
  target_service_key?: string;
  target_handler_name?: string;
  status?: string;
  invoked_by?: string;
  created_at?: string;
  modified_at?: string;
  completed_at?: string;
  scheduled_start_at?: string;
  next_retry_at?: string;
  retry_count?: number;
  last_failure?: string;
  last_failure_error_code?: string;
  completion_result?: string;
  completion_failure?: string;
}

export interface InvocationFilter {
  status?: string;
  service?: string;
  key?: string;
  limit: number;
}

const COLUMNS =
  "id, target, target_service_name, target_service_key, target_handler_name, status, invoked_by, created_at, modified_at, completed_at, " +
  "scheduled_start_at, next_retry_at, retry_count, last_failure, last_failure_error_code, completion_result, completion_failure";

export function validateStatus(raw: string): string {
  const s = raw.trim().toLowerCase();
  if ((STATUSES as readonly string[]).includes(s) || (STATUS_ALIASES as readonly string[]).includes(s)) return s;
  throw new UsageError(`--status "${raw}" is not a status`, `use one of: ${[...STATUSES, ...STATUS_ALIASES].join(", ")}`);
}

export function invocationsSql(f: InvocationFilter): string {
  const where: string[] = [];
  if (f.status === "active") where.push("status <> 'completed'");
  else if (f.status === "succeeded") where.push("status = 'completed' AND completion_result = 'success'");
  else if (f.status === "failed") where.push("status = 'completed' AND completion_result = 'failure'");
  else if (f.status) where.push(`status = ${sqlString(f.status)}`);
  if (f.service) where.push(`target_service_name = ${sqlString(f.service)}`);
  if (f.key) where.push(`target_service_key = ${sqlString(f.key)}`);
  return `SELECT ${COLUMNS} FROM sys_invocation${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC LIMIT ${f.limit}`;
}

export function listInvocations(stack: RunningStack, f: InvocationFilter): Promise<InvocationRow[]> {
  return stack.admin.query<InvocationRow>(invocationsSql(f));
}

/** What to say about an invocation in one cell: its failure, its retry reason, or when it is due. */
export function outcome(r: InvocationRow, now = Date.now()): string {
  if (r.status === "completed") return r.completion_result === "failure" ? (r.completion_failure ?? "failed") : "ok";
  if (r.last_failure) return `${r.last_failure_error_code ? `${r.last_failure_error_code} ` : ""}${r.last_failure}`;
  if (r.status === "scheduled" && r.scheduled_start_at) return `starts ${ago(r.scheduled_start_at, now)}`;
  return "";
}

export function renderInvocations(rows: InvocationRow[], opts: { width?: number; now?: number } = {}): string[] {
  const now = opts.now ?? Date.now();
  const body = rows.map((r) => {
    const end = r.completed_at ?? (r.status === "completed" ? r.modified_at : new Date(now).toISOString());
    const took = between(r.created_at, end);
    return [
      c.id(shortId(r.id)),
      r.target ?? "?",
      paintStatus(r.status ?? "?", r.completion_result),
      ago(r.created_at, now),
      took === undefined ? "-" : humanDuration(took),
      String(r.retry_count ?? 0),
      oneLine(outcome(r, now), 160),
    ];
  });
  return table(["id", "target", "status", "created", "took", "retries", "outcome"], body, opts.width ?? (process.stdout.columns || 120));
}

/** Full id, `inv_1abcdefgh…wxyz` (as printed by `invocations`), or a unique prefix. */
export function parseIdPattern(raw: string): { exact?: string; prefix?: string; suffix?: string } {
  const s = raw.trim();
  if (!/^inv_/.test(s)) throw new UsageError(`"${raw}" is not an invocation id (they start with inv_)`, "list them with `npx patterns invocations`");
  const m = /^(inv_[0-9A-Za-z]+)(?:…|\.\.\.)([0-9A-Za-z]*)$/.exec(s);
  if (m) return { prefix: m[1]!, suffix: m[2] || undefined };
  if (!/^inv_[0-9A-Za-z]+$/.test(s)) throw new UsageError(`"${raw}" is not an invocation id`, "copy it from `npx patterns invocations` (short ids work too)");
  if (s.length >= 30) return { exact: s };
  if (s.length < 8) throw new UsageError(`"${raw}" is too short to identify an invocation`, "give at least the first 8 characters, or the whole id");
  return { prefix: s };
}

export async function resolveInvocation(stack: RunningStack, raw: string): Promise<InvocationRow> {
  const p = parseIdPattern(raw);
  let where: string;
  if (p.exact) where = `id = ${sqlString(p.exact)}`;
  else {
    // ids are [0-9A-Za-z] after "inv_" (checked above); the "_" wildcard in the prefix only matches itself here
    where = `id LIKE ${sqlString(`${p.prefix!}%`)}`;
    if (p.suffix) where += ` AND id LIKE ${sqlString(`%${p.suffix}`)}`;
  }
  const rows = await stack.admin.query<InvocationRow>(`SELECT ${COLUMNS} FROM sys_invocation WHERE ${where} LIMIT 5`);
  if (rows.length === 0) throw new PlaygroundError(`no invocation matches ${raw}`, "list them with `npx patterns invocations` (finished ones are kept for a day)");
  if (rows.length > 1) throw new UsageError(`${raw} matches ${rows.length} invocations: ${rows.map((r) => r.id).join(", ")}`, "give more characters of the id");
  return rows[0]!;
}

export type Action = "cancel" | "kill";

export interface ActionResult {
  id: string;
  action: Action;
  target?: string;
  accepted: boolean;
  /** the invocation's status after the action (with --wait: once it ended) */
  status?: string;
  completionResult?: string;
  completionFailure?: string;
}

export async function actOn(stack: RunningStack, action: Action, raw: string, opts: { waitMs?: number } = {}): Promise<ActionResult> {
  const inv = await resolveInvocation(stack, raw);
  if (inv.status === "completed") {
    throw new PlaygroundError(`${inv.id} (${inv.target ?? "?"}) has already completed (${inv.completion_result ?? "?"}); there is nothing to ${action}`);
  }
  try {
    if (action === "cancel") await stack.admin.cancelInvocation(inv.id);
    else await stack.admin.killInvocation(inv.id);
  } catch (e) {
    if (e instanceof AdminError && e.status === 409) throw new PlaygroundError(`${inv.id} has already completed; there is nothing to ${action}`);
    if (e instanceof AdminError && e.status === 404) throw new PlaygroundError(`no invocation ${inv.id}`, "list them with `npx patterns invocations`");
    throw e;
  }
  const result: ActionResult = { id: inv.id, action, target: inv.target, accepted: true };
  const deadline = Date.now() + (opts.waitMs ?? 0);
  for (;;) {
    const [now] = await stack.admin.query<InvocationRow>(`SELECT id, status, completion_result, completion_failure FROM sys_invocation WHERE id = ${sqlString(inv.id)}`);
    result.status = now?.status;
    result.completionResult = now?.completion_result;
    result.completionFailure = now?.completion_failure;
    if (!now || now.status === "completed" || Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return result;
}

export function renderAction(r: ActionResult): string {
  const verb = r.action === "cancel" ? "cancellation requested for" : "killed";
  const end = r.status === "completed" ? ` → ${paintStatus("completed", r.completionResult)}${r.completionFailure ? ` ${c.dim(r.completionFailure)}` : ""}` : r.status ? c.dim(` (now ${r.status})`) : "";
  return `${verb} ${c.id(r.id)} ${c.dim(r.target ?? "")}${end}`;
}
