// Reading Restate's introspection for timelines: which invocations match, their journals, their journal events,
// and their children (sys_invocation.invoked_by_id). The SQL builders are pure (unit-tested); fetches go through
// the admin client's POST /query.
import { sqlString, type AdminClient } from "../runtime/admin.js";
import type { StatePaths } from "../runtime/paths.js";
import { readComponentEvents, readStepLog } from "./sources.js";
import type { InvocationRow, JournalEventRow, JournalRow, Snapshot } from "./types.js";

export const INVOCATION_COLUMNS = [
  "id",
  "target",
  "target_service_name",
  "target_service_key",
  "target_handler_name",
  "target_service_ty",
  "status",
  "invoked_by",
  "invoked_by_id",
  "invoked_by_target",
  "invoked_by_subscription_id",
  "idempotency_key",
  "created_at",
  "modified_at",
  "inboxed_at",
  "scheduled_at",
  "scheduled_start_at",
  "running_at",
  "completed_at",
  "retry_count",
  "last_start_at",
  "next_retry_at",
  "last_failure",
  "last_failure_error_code",
  "last_failure_related_command_index",
  "last_failure_related_command_name",
  "last_failure_related_command_type",
  "completion_result",
  "completion_failure",
  "journal_size",
  "journal_commands_size",
] as const;

/** Status filter values: Restate's own, plus three conveniences. */
export const STATUS_FILTERS = ["pending", "scheduled", "ready", "running", "paused", "backing-off", "suspended", "completed", "active", "succeeded", "failed"] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export interface InvocationFilter {
  ids?: string[];
  service?: string;
  key?: string;
  handler?: string;
  status?: StatusFilter;
  /** only invocations created at or after this time */
  since?: Date;
  limit: number;
  /** newest first (lists) or oldest first (timelines) */
  order?: "newest" | "oldest";
}

export function invocationWhere(f: InvocationFilter): string {
  const where: string[] = [];
  if (f.ids?.length) where.push(`id IN (${f.ids.map(sqlString).join(", ")})`);
  if (f.service) where.push(`target_service_name = ${sqlString(f.service)}`);
  if (f.key !== undefined) where.push(`target_service_key = ${sqlString(f.key)}`);
  if (f.handler) where.push(`target_handler_name = ${sqlString(f.handler)}`);
  if (f.status === "active") where.push(`status <> 'completed'`);
  else if (f.status === "succeeded") where.push(`status = 'completed' AND completion_result = 'success'`);
  else if (f.status === "failed") where.push(`status = 'completed' AND completion_result = 'failure'`);
  else if (f.status) where.push(`status = ${sqlString(f.status)}`);
  if (f.since) where.push(`created_at >= ${sqlString(f.since.toISOString())}`);
  return where.length ? ` WHERE ${where.join(" AND ")}` : "";
}

export function invocationQuery(f: InvocationFilter): string {
  const order = f.order === "oldest" ? "ASC" : "DESC";
  return `SELECT ${INVOCATION_COLUMNS.join(", ")} FROM sys_invocation${invocationWhere(f)} ORDER BY created_at ${order} LIMIT ${Math.max(1, Math.floor(f.limit))}`;
}

export function journalQuery(ids: string[]): string {
  return `SELECT id, index, entry_type, name, appended_at, entry_json FROM sys_journal WHERE id IN (${ids.map(sqlString).join(", ")}) ORDER BY id, index`;
}

export function eventsQuery(ids: string[]): string {
  return `SELECT id, after_journal_entry_index, appended_at, event_type, event_json FROM sys_journal_events WHERE id IN (${ids.map(sqlString).join(", ")}) ORDER BY appended_at`;
}

export function childrenQuery(parentIds: string[]): string {
  return `SELECT ${INVOCATION_COLUMNS.join(", ")} FROM sys_invocation WHERE invoked_by_id IN (${parentIds.map(sqlString).join(", ")}) ORDER BY created_at`;
}

/** The journal as one SQL statement a user can paste (for the "same with curl" hint). */
export function journalQueryFor(id: string): string {
  return `SELECT index, entry_type, name, appended_at, entry_lite_json FROM sys_journal WHERE id = ${sqlString(id)} ORDER BY index`;
}

const CHUNK = 40;

async function chunked<T>(ids: string[], run: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await run(ids.slice(i, i + CHUNK))));
  return out;
}

/** Right after a restate-server restart, queries fail for a few seconds until its partitions are loaded. */
const TRANSIENT_QUERY = /expecting a partition store|partition.*not (?:yet )?(?:available|running)|connection refused|fetch failed/i;

export async function query<T>(admin: AdminClient, sql: string, retryForMs = 20_000): Promise<T[]> {
  const deadline = Date.now() + retryForMs;
  for (;;) {
    try {
      return await admin.query<T>(sql);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (!TRANSIENT_QUERY.test(msg) || Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

export function findInvocations(admin: AdminClient, f: InvocationFilter): Promise<InvocationRow[]> {
  return query<InvocationRow>(admin, invocationQuery(f));
}

/** Children, grandchildren… of the given invocations (calls and sends), breadth first, bounded. */
export async function findDescendants(admin: AdminClient, roots: string[], maxDepth = 4, maxRows = 500): Promise<InvocationRow[]> {
  const out: InvocationRow[] = [];
  const seen = new Set(roots);
  let frontier = roots;
  for (let depth = 0; depth < maxDepth && frontier.length && out.length < maxRows; depth++) {
    const rows = await chunked(frontier, (c) => query<InvocationRow>(admin, childrenQuery(c)));
    frontier = [];
    for (const r of rows) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      out.push(r);
      frontier.push(r.id);
    }
  }
  return out;
}

export interface SnapshotOptions {
  /** also read the journals of children (calls/sends) */
  children?: boolean;
  /** skip journals (lists only need counts) */
  journals?: boolean;
}

/** Everything a timeline needs for these invocations: rows, children, journals, events, step log, process events. */
export async function gatherSnapshot(admin: AdminClient, paths: StatePaths, roots: InvocationRow[], opts: SnapshotOptions = {}): Promise<Snapshot> {
  const takenAt = new Date().toISOString();
  const invocations = [...roots];
  if (opts.children !== false && roots.length) {
    const kids = await findDescendants(admin, roots.map((r) => r.id));
    const known = new Set(invocations.map((i) => i.id));
    for (const k of kids) if (!known.has(k.id)) invocations.push(k);
  }
  const ids = invocations.map((i) => i.id);
  const journal = opts.journals === false || !ids.length ? [] : await chunked(ids, (c) => query<JournalRow>(admin, journalQuery(c)));
  const events = ids.length ? await chunked(ids, (c) => query<JournalEventRow>(admin, eventsQuery(c))) : [];
  return {
    takenAt,
    invocations,
    journal,
    events,
    steps: readStepLog(paths.stepLog, ids),
    components: readComponentEvents(paths.logsDir),
  };
}

/** Per invocation, the number of steps (commands other than input/output) — for lists, without reading journals. */
export async function stepCounts(admin: AdminClient, ids: string[]): Promise<Map<string, number>> {
  const rows = ids.length
    ? await chunked(ids, (c) =>
        query<{ id: string; n: number }>(
          admin,
          `SELECT id, count(*) AS n FROM sys_journal WHERE id IN (${c.map(sqlString).join(", ")}) AND entry_type LIKE 'Command:%' AND entry_type <> 'Command: Input' AND entry_type <> 'Command: Output' GROUP BY id`,
        ),
      )
    : [];
  return new Map(rows.map((r) => [r.id, Number(r.n)]));
}
