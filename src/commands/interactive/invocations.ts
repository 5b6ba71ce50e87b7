// `patterns invocations`, `cancel <id>`, `kill <id>`: Restate's invocations (src/observe), and the admin API's
// PATCH /invocations/{id}/cancel|kill. Ids are shortened for people; any unique prefix or the short form works.
import { AdminError } from "../../runtime/admin.js";
import { completedOrLatest, invocations, uiUrlFor, type InvocationQuery, type InvocationRow, type StatusFilter } from "../../observe/index.js";
import { gatherSnapshot } from "../../observe/snapshot.js";
import { summarize } from "../../observe/model.js";
import { playgroundOwnFilter } from "../timeline/own.js";
import { defaultWidth } from "../../observe/render.js";
export type { InvocationRow };
import type { RunningStack } from "../../runtime/stack.js";
import { PlaygroundError, UsageError } from "../../errors.js";
import { humanDuration, shortId } from "../../ui/output.js";
import { displayWidth, table } from "../../ui/text.js";
import { c } from "../../ui/palette.js";
import { ago, between, oneLine, paintStatus } from "./format.js";

export const STATUSES = ["pending", "scheduled", "ready", "running", "paused", "backing-off", "suspended", "completed"] as const;
/** extra filters on top of Restate's own statuses */
export const STATUS_ALIASES = ["active", "succeeded", "failed"] as const;

export interface InvocationFilter {
  status?: string;
  service?: string;
  key?: string;
  limit: number;
  /** include the playground's own invocations (internal services, the CLI's status reads) */
  all?: boolean;
}

/**
 * A row of the `invocations` table: Restate's row plus the numbers the timeline shows for it, counted by the same
 * code (src/observe/model.ts), so the two views agree: retries are attempts after a failure or a crash (Restate's
 * retry_count counts attempts, and a crash-restart may not count at all), durations run created → completed (or →
 * now), and one that is scheduled and not started has no duration yet but a due time.
 */
export interface InvocationListRow extends InvocationRow {
  retries: number;
  attempts: number;
  /** created → completed, or → now; absent while scheduled and not started */
  tookMs?: number;
  /** scheduled and not started: when it is due */
  dueAt?: string;
  /** invocations restarted as new from this one (`rerun`) */
  restartedAs?: string[];
  /** its page in the Restate UI */
  uiUrl?: string;
}

export function validateStatus(raw: string): string {
  const s = raw.trim().toLowerCase();
  if ((STATUSES as readonly string[]).includes(s) || (STATUS_ALIASES as readonly string[]).includes(s)) return s;
  throw new UsageError(`--status "${raw}" is not a status`, `use one of: ${[...STATUSES, ...STATUS_ALIASES].join(", ")}`);
}

export function invocationsQuery(f: InvocationFilter): InvocationQuery {
  return {
    status: f.status as StatusFilter | undefined,
    service: f.service,
    key: f.key || undefined,
    limit: f.limit,
    order: "newest",
    ...(f.all ? {} : playgroundOwnFilter(f.service)),
  };
}

export async function listInvocations(stack: RunningStack, f: InvocationFilter): Promise<InvocationListRow[]> {
  const rows = await invocations(stack.admin, invocationsQuery(f));
  if (rows.length === 0) return [];
  // no journals: the summary's retries and durations come from the rows, the journal events and the step log
  const snap = await gatherSnapshot(stack.admin, stack.paths, rows, { children: false, journals: false });
  return rows.map((r) => listRow(r, summarize(snap, r.id)));
}

export function listRow(r: InvocationRow, i: { retries: number; attempts: number; durationMs: number; dueAt?: string; restartedAs?: string[]; uiUrl?: string }): InvocationListRow {
  return {
    ...r,
    retries: i.retries,
    attempts: i.attempts,
    tookMs: i.dueAt ? undefined : i.durationMs,
    dueAt: i.dueAt,
    ...(i.restartedAs ? { restartedAs: i.restartedAs } : {}),
    ...(i.uiUrl ? { uiUrl: i.uiUrl } : {}),
  };
}

/** The restart links of a row, for its outcome cell (rerun: restarted from / restarted as). */
function restartText(r: InvocationRow | InvocationListRow): string {
  const as = (r as Partial<InvocationListRow>).restartedAs;
  return [r.restarted_from ? ` · restarted from ${shortId(r.restarted_from)}` : "", as?.length ? ` · restarted as ${as.map((x) => shortId(x)).join(", ")}` : ""].join("");
}

/** What to say about an invocation in one cell: its failure, its retry reason, or when it is due. */
export function outcome(r: InvocationRow, now = Date.now()): string {
  if (r.status === "completed") return r.completion_result === "failure" ? (r.completion_failure ?? "failed") : "ok";
  if (r.last_failure) return `${r.last_failure_error_code ? `${r.last_failure_error_code} ` : ""}${r.last_failure}`;
  const due = (r as Partial<InvocationListRow>).dueAt ?? (r.status === "scheduled" && !r.running_at ? r.scheduled_start_at : undefined);
  if (due) return Date.parse(due) > now ? `due ${ago(due, now)}` : `due ${ago(due, now)}, not started yet`;
  return "";
}

export function renderInvocations(rows: (InvocationRow | InvocationListRow)[], opts: { width?: number; now?: number } = {}): string[] {
  const now = opts.now ?? Date.now();
  const body = rows.map((r) => {
    const l = r as Partial<InvocationListRow>;
    const end = r.completed_at ?? (r.status === "completed" ? r.modified_at : new Date(now).toISOString());
    const scheduled = l.dueAt !== undefined || (r.status === "scheduled" && !r.running_at);
    const took = scheduled ? undefined : (l.tookMs ?? between(r.created_at, end));
    return [
      c.id(shortId(r.id)),
      r.target ?? "?",
      paintStatus(r.status ?? "?", r.completion_result),
      ago(r.created_at, now),
      took === undefined ? "-" : humanDuration(took),
      String(l.retries ?? Math.max(0, (r.retry_count ?? 1) - 1)),
      oneLine(`${outcome(r, now)}${restartText(r)}`, 160),
    ];
  });
  const headers = ["id", "target", "status", "created", "took", "retries", "outcome"];
  // the id stays whole (people copy it); the outcome gives way first, then the target, which keeps half of what is
  // left (or all it needs); a header is never split
  const width = opts.width ?? defaultWidth();
  const natural = (col: number) => Math.max(headers[col]!.length, ...body.map((r) => displayWidth(r[col]!)));
  const fixed = [0, 2, 3, 4, 5].reduce((sum, col) => sum + natural(col), 0) + 2 * (headers.length - 1);
  const targetShare = Math.min(natural(1), Math.max(12, Math.floor((width - fixed) / 2)));
  return table(headers, body, { width, flexible: [1, 6], minWidth: [0, targetShare, 0, 0, 0, 0, 7], overflow: "cut" });
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
  // ids are [0-9A-Za-z] after "inv_" (checked above); the "_" wildcard in the prefix only matches itself here
  const rows = await invocations(stack.admin, p.exact ? { ids: [p.exact], limit: 5 } : { idLike: `${p.prefix!}%${p.suffix ?? ""}`, limit: 5 });
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
  /** its page in the Restate UI */
  uiUrl?: string;
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
  const result: ActionResult = { id: inv.id, action, target: inv.target, accepted: true, uiUrl: uiUrlFor(stack.state.adminUrl, inv.id) };
  const [now] = await completedOrLatest(stack.admin, [inv.id], { timeoutMs: opts.waitMs ?? 0, everyMs: 200 });
  result.status = now?.status;
  result.completionResult = now?.completion_result;
  result.completionFailure = now?.completion_failure;
  return result;
}

export function renderAction(r: ActionResult): string {
  const verb = r.action === "cancel" ? "cancellation requested for" : "killed";
  const end =
    r.status === "completed" ? ` → ${paintStatus("completed", r.completionResult)}${r.completionFailure ? ` ${c.dim(r.completionFailure)}` : ""}` : r.status ? c.dim(` (now ${r.status})`) : "";
  return `${verb} ${c.id(r.id)} ${c.dim(r.target ?? "")}${end}${r.uiUrl ? `\n${c.dim(`Restate UI: ${r.uiUrl}`)}` : ""}`;
}
