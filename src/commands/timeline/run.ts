// Runners of `timeline`: they read the stack and return data; src/commands/timeline.ts renders it.
import { UsageError } from "../../errors.js";
import type { RunningStack } from "../../runtime/stack.js";
import { invocations as findInvocations, resolveInvocation, STATUS_FILTERS, type InvocationQuery as InvocationFilter, type StatusFilter } from "../../observe/index.js";
import { gatherSnapshot } from "../../observe/snapshot.js";
import { buildTimeline, summarize } from "../../observe/model.js";
import { buildLanes, type LanesView } from "../../observe/lanes.js";
import type { InvocationInfo, Timeline } from "../../observe/types.js";
import { playgroundOwnFilter } from "./own.js";

export interface TimelineArgs {
  id?: string;
  key?: string;
  service?: string;
  handler?: string;
  status?: string;
  /** ms back from now */
  since?: number;
  limit?: number;
  lanes?: boolean;
  follow?: boolean;
  children?: boolean;
  /** include the playground's own invocations (internal services, the CLI's status reads) */
  all?: boolean;
}

export type TimelineMode = "one" | "keyed" | "list" | "lanes";

/** Which view the flags ask for; throws UsageError (exit 2) on combinations that make no sense. */
export function timelineMode(a: TimelineArgs): TimelineMode {
  const filters = a.key !== undefined || a.service !== undefined || a.handler !== undefined || a.status !== undefined || a.since !== undefined;
  if (a.status !== undefined && !(STATUS_FILTERS as readonly string[]).includes(a.status)) {
    throw new UsageError(`--status must be one of ${STATUS_FILTERS.join(", ")}, got "${a.status}"`, "for example --status active");
  }
  if (a.key !== undefined && a.key === "") throw new UsageError("--key must not be empty", "for example --key userid1");
  if (a.lanes && a.follow) throw new UsageError("--lanes and --follow cannot be combined", "draw the lanes after the fact: timeline --lanes --since 2m");
  if (a.id !== undefined) {
    if (filters || a.lanes)
      throw new UsageError("give an invocation id or filters (--key, --service, --handler, --status, --since, --lanes), not both", "for example: timeline inv_1abc… or timeline --key userid1");
    return "one";
  }
  if (a.lanes) return "lanes";
  if (a.key !== undefined) return "keyed";
  return "list";
}

export function filterOf(a: TimelineArgs, limit: number, now = Date.now()): InvocationFilter {
  return {
    service: a.service,
    key: a.key,
    handler: a.handler,
    status: a.status as StatusFilter | undefined,
    since: a.since !== undefined ? new Date(now - a.since) : undefined,
    limit,
    order: "newest",
    ...(a.all ? {} : playgroundOwnFilter(a.service, a.handler)),
  };
}

/** The filter as printed in --json (what was asked). */
export function describeFilter(f: InvocationFilter): Record<string, unknown> {
  return Object.fromEntries(Object.entries({ service: f.service, key: f.key, handler: f.handler, status: f.status, since: f.since?.toISOString(), limit: f.limit }).filter(([, v]) => v !== undefined));
}

export interface TimelinesResult {
  filter: Record<string, unknown>;
  timelines: Timeline[];
}

/** One invocation (id or unique prefix) and its children. */
export async function oneTimeline(stack: RunningStack, rawId: string, children = true): Promise<TimelinesResult> {
  const root = await resolveInvocation(stack.admin, rawId);
  const id = root.id;
  const snap = await gatherSnapshot(stack.admin, stack.paths, [root], { children });
  return { filter: { id }, timelines: [buildTimeline(snap, id)] };
}

/** The newest matching invocations (default 5), shown oldest first, each with its children. */
export async function keyedTimelines(stack: RunningStack, a: TimelineArgs): Promise<TimelinesResult> {
  const f = filterOf(a, a.limit ?? 5);
  const rows = (await findInvocations(stack.admin, f)).reverse();
  const ids = new Set(rows.map((r) => r.id));
  // an invocation whose parent is also listed is drawn under it, not again on its own
  const roots = rows.filter((r) => !r.invoked_by_id || !ids.has(r.invoked_by_id));
  const snap = await gatherSnapshot(stack.admin, stack.paths, roots, { children: a.children !== false });
  return { filter: describeFilter(f), timelines: roots.map((r) => buildTimeline(snap, r.id)) };
}

export interface ListResult {
  filter: Record<string, unknown>;
  invocations: InvocationInfo[];
}

/** A summary of recent invocations (newest first): target, status, duration, steps, retries. */
export async function listInvocations(stack: RunningStack, a: TimelineArgs): Promise<ListResult> {
  const f = filterOf(a, a.limit ?? 20);
  const rows = await findInvocations(stack.admin, f);
  const snap = await gatherSnapshot(stack.admin, stack.paths, rows, { children: false });
  return { filter: describeFilter(f), invocations: rows.map((r) => summarize(snap, r.id)) };
}

export interface LanesResult extends LanesView {
  filter: Record<string, unknown>;
}

export async function lanesView(stack: RunningStack, a: TimelineArgs): Promise<LanesResult> {
  const now = Date.now();
  const f = filterOf({ ...a, since: a.since ?? 120_000 }, a.limit ?? 200, now);
  const rows = await findInvocations(stack.admin, f);
  // the axis starts at the first invocation in the window, not at the window's start: the busy part stays wide
  return { filter: describeFilter(f), ...buildLanes(rows, new Date(now)) };
}
