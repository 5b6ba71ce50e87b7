// The observation layer: every read of Restate's introspection goes through here (SQL built in ./sql.ts), together
// with the playground's own local sources (the worker's step log, the supervisor's log) and the one `eventually`.
// Timelines, follows, tours' checks, `invocations` and kill summaries all read the same rows.
import { PlaygroundError, UsageError } from "../errors.js";
import type { AdminClient } from "../runtime/admin.js";
import {
  completedWithJournalSql,
  countInvocationsSql,
  invocationPartitionKeysSql,
  invocationsSql,
  journalCountSql,
  journalEventsSql,
  journalSql,
  promiseSql,
  stateSql,
  stuckInvocationsSql,
  subscriptionInputsSql,
  type InvocationQuery,
  type InvocationRow,
  type JournalEventRow,
  type JournalQuery,
  type JournalRow,
  type PromiseRow,
  type StateRow,
} from "./sql.js";
import { eventually, throwIfStackGone } from "./eventually.js";

export * from "./sql.js";
export { eventually, StackGoneError, throwIfStackGone, TimedOutError } from "./eventually.js";

/** Right after a restate-server restart, queries fail for a few seconds until its partitions are loaded. */
/** In a cluster, while a killed node's partitions move to another leader, a query is refused as "connect throttled",
 * "node lookup for partition N failed" (also right after a single node restarts) or DataFusion's "No such scanner". */
const TRANSIENT_QUERY =
  /expecting a partition store|partition.*not (?:yet )?(?:available|running)|connection refused|fetch failed|not reachable|connect throttled|node lookup for partition|no such scanner/i;

/** Run a query, retrying for a while through the errors a restarting restate-server gives. */
export async function query<T>(admin: AdminClient, sql: string, retryForMs = 20_000): Promise<T[]> {
  const deadline = Date.now() + retryForMs;
  for (;;) {
    try {
      return await admin.query<T>(sql);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (!TRANSIENT_QUERY.test(msg) || Date.now() > deadline) throw e;
      throwIfStackGone();
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

const CHUNK = 40;

async function chunked<T>(ids: string[], run: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await run(ids.slice(i, i + CHUNK))));
  return out;
}

export function invocations(admin: AdminClient, q: InvocationQuery): Promise<InvocationRow[]> {
  if (q.ids && q.ids.length > CHUNK) return chunked(q.ids, (c) => query<InvocationRow>(admin, invocationsSql({ ...q, ids: c })));
  return query<InvocationRow>(admin, invocationsSql(q));
}

export async function invocation(admin: AdminClient, id: string): Promise<InvocationRow | undefined> {
  return (await invocations(admin, { ids: [id], limit: 1 }))[0];
}

/** The newest completed, successful invocations of these services that still have their journal (not restarts). */
export function completedWithJournal(admin: AdminClient, services: string[], limit: number): Promise<InvocationRow[]> {
  return query<InvocationRow>(admin, completedWithJournalSql(services, limit, ["restart_as_new"]));
}

/** The partition key (decimal string) and status of each invocation. */
export function invocationPartitionKeys(admin: AdminClient, ids: string[]): Promise<{ id: string; partition_key: string; status: string }[]> {
  return chunked(ids, (c) => query(admin, invocationPartitionKeysSql(c)));
}

/** How many invocations match, in total. */
export async function countInvocations(admin: AdminClient, q: InvocationQuery): Promise<number> {
  const [row] = await query<{ n: number }>(admin, countInvocationsSql(q));
  return Number(row?.n ?? 0);
}

/** How many invocations match, per object key (keys without any are absent). */
export async function countInvocationsByKey(admin: AdminClient, q: InvocationQuery): Promise<Map<string, number>> {
  const rows = await query<{ grp: string; n: number }>(admin, countInvocationsSql(q, "target_service_key"));
  return new Map(rows.map((r) => [r.grp, Number(r.n)]));
}

/** Per status, how many match. */
export async function countInvocationsByStatus(admin: AdminClient, q: InvocationQuery): Promise<Map<string, number>> {
  const rows = await query<{ grp: string; n: number }>(admin, countInvocationsSql(q, "status"));
  return new Map(rows.map((r) => [r.grp, Number(r.n)]));
}

/** Invocations stuck retrying (at least minRetries) or paused: what `doctor` reports. */
export function stuckInvocations(admin: AdminClient, minRetries = 3): Promise<Pick<InvocationRow, "id" | "target" | "status" | "retry_count" | "last_failure">[]> {
  return query(admin, stuckInvocationsSql(minRetries));
}

/** Children, grandchildren… of the given invocations (calls and sends), breadth first, bounded. */
export async function descendants(admin: AdminClient, roots: string[], maxDepth = 4, maxRows = 500): Promise<InvocationRow[]> {
  const out: InvocationRow[] = [];
  const seen = new Set(roots);
  let frontier = roots;
  for (let depth = 0; depth < maxDepth && frontier.length && out.length < maxRows; depth++) {
    const rows = await chunked(frontier, (c) => invocations(admin, { invokedById: c, order: "oldest" }));
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

export function journal(admin: AdminClient, ids: string[], opts: JournalQuery = {}): Promise<JournalRow[]> {
  return ids.length ? chunked(ids, (c) => query<JournalRow>(admin, journalSql(c, opts))) : Promise.resolve([]);
}

export function journalEvents(admin: AdminClient, ids: string[]): Promise<JournalEventRow[]> {
  return ids.length ? chunked(ids, (c) => query<JournalEventRow>(admin, journalEventsSql(c))) : Promise.resolve([]);
}

/** Per invocation, the number of journal entries (or only of its steps). */
export async function journalCounts(admin: AdminClient, ids: string[], onlySteps = false): Promise<Map<string, number>> {
  const rows = ids.length ? await chunked(ids, (c) => query<{ id: string; n: number }>(admin, journalCountSql(c, onlySteps))) : [];
  return new Map(rows.map((r) => [r.id, Number(r.n)]));
}

/** An object's state as raw rows (values as UTF-8 text). */
export function stateRows(admin: AdminClient, service: string, key?: string, stateKey?: string): Promise<StateRow[]> {
  return query<StateRow>(admin, stateSql(service, key, stateKey));
}

/** An object's state, values parsed as JSON where they are JSON. */
export async function objectState(admin: AdminClient, service: string, key: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const r of await stateRows(admin, service, key)) {
    try {
      out[r.key] = r.value_utf8 === undefined ? null : JSON.parse(r.value_utf8);
    } catch {
      out[r.key] = r.value_utf8;
    }
  }
  return out;
}

/** The invocations subscriptions made for these keys, with the headers of their input entry (kafka.offset, …). */
export function subscriptionInputs(
  admin: AdminClient,
  sink: { service: string; handler: string },
  keys: string[],
  subscriptionIds: string[],
): Promise<(Pick<InvocationRow, "id" | "target_service_key" | "invoked_by_subscription_id" | "created_at"> & { entry_json?: string })[]> {
  return query(admin, subscriptionInputsSql(sink.service, sink.handler, keys, subscriptionIds));
}

/** A workflow's durable promise, if it exists yet. */
export async function workflowPromise(admin: AdminClient, service: string, key: string, name: string): Promise<PromiseRow | undefined> {
  return (await query<PromiseRow>(admin, promiseSql(service, key, name)))[0];
}

/** Wait until every invocation is completed; returns their rows. Throws, naming what it waited for, on timeout. */
export async function completed(admin: AdminClient, ids: string[], opts: { timeoutMs?: number; everyMs?: number; what?: string } = {}): Promise<InvocationRow[]> {
  if (ids.length === 0) return [];
  return eventually(
    opts.what ?? `${ids.length === 1 ? `invocation ${ids[0]}` : `${ids.length} invocations`} to complete`,
    async () => {
      const rows = await invocations(admin, { ids });
      return ids.every((id) => rows.find((r) => r.id === id)?.status === "completed") ? rows : undefined;
    },
    { timeoutMs: opts.timeoutMs ?? 30_000, everyMs: opts.everyMs ?? 150 },
  );
}

/** The rows seen when every invocation completed, or the last rows seen when the time ran out (never throws on time). */
export async function completedOrLatest(admin: AdminClient, ids: string[], opts: { timeoutMs?: number; everyMs?: number } = {}): Promise<InvocationRow[]> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    const rows = await invocations(admin, { ids });
    if (ids.every((id) => rows.find((r) => r.id === id)?.status === "completed") || Date.now() >= deadline) return rows;
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 150));
  }
}

export class UnknownInvocationIdError extends PlaygroundError {
  constructor(id: string) {
    super(`no invocation ${id} in sys_invocation (unknown id, or its record was already purged)`, "list recent ones with `npx patterns timeline`, or check the id with `npx patterns timeline --json`");
  }
}

/** A full id, a prefix ("inv_1abc…" or without the dots), or the shortened form people see ("inv_1abcde…wxyz"). */
export function cleanIdArg(raw: string): { head: string; tail: string } {
  const m = /^(inv_[0-9A-Za-z]{4,})(?:…|\.\.\.)([0-9A-Za-z]*)$/.exec(raw.trim()) ?? /^(inv_[0-9A-Za-z]{4,})()$/.exec(raw.trim());
  if (!m) {
    throw new UsageError(`"${raw}" is not an invocation id (they look like inv_1lFp1nIpfqPj7JjL5EzPT4PeHTaosAF3RE)`, "copy one from `npx patterns timeline`");
  }
  return { head: m[1]!, tail: m[2]! };
}

/** inv_ + 34 characters in Restate 1.7 */
const FULL_ID_LENGTH = 38;

/** A full id, or a unique prefix / shortened form of one (the human output shortens ids). */
export async function resolveInvocationId(admin: AdminClient, raw: string): Promise<string> {
  return (await resolveInvocation(admin, raw)).id;
}

/** The row of the invocation a full id or a unique prefix names (one read: callers need not look it up again). */
export async function resolveInvocation(admin: AdminClient, raw: string): Promise<InvocationRow> {
  const { head, tail } = cleanIdArg(raw);
  if (!tail && head.length >= FULL_ID_LENGTH) {
    // a full id is a point lookup; one Restate cannot parse (a typo) is simply unknown
    const exact = await invocations(admin, { ids: [head], limit: 1 }).catch((e: unknown) => {
      if (/non valid invocation id/i.test(String((e as Error)?.message ?? e))) return [];
      throw e;
    });
    if (exact.length) return exact[0]!;
    throw new UnknownInvocationIdError(head);
  }
  const shown = tail ? `${head}…${tail}` : head;
  if (head.length >= 8) {
    // WHERE id = '<malformed>' is a 500 in 1.7.12; LIKE works
    const like = await invocations(admin, { idLike: `${head}%${tail}`, limit: 2 });
    if (like.length === 1) return like[0]!;
    if (like.length > 1) throw new PlaygroundError(`${shown} matches more than one invocation id`, "give the full id (`--json` prints full ids)");
  }
  throw new UnknownInvocationIdError(shown);
}
