// The timeline's public face for other parts of the CLI (tours, scenario verbs): fetch one invocation's timeline as
// a model (the same JSON `timeline <id> --json` prints) or as rendered lines.
import { PlaygroundError, UsageError } from "../errors.js";
import { sqlString, type AdminClient } from "../runtime/admin.js";
import type { RunningStack } from "../runtime/stack.js";
import { findInvocations, gatherSnapshot, journalQueryFor, query } from "./journal.js";
import { buildTimeline } from "./model.js";
import { renderTimeline, type RenderOptions } from "./render.js";
import type { Timeline } from "./types.js";

export type { Timeline, TimelineEntry, TimelineMarker, RunExecution, RunVerdict, BodyRun, InvocationInfo, Attempt } from "./types.js";
export { buildTimeline } from "./model.js";
export { renderTimeline } from "./render.js";

export class UnknownInvocationIdError extends PlaygroundError {
  constructor(id: string) {
    super(
      `no invocation ${id} in sys_invocation (unknown id, or its record was already purged)`,
      "list recent ones with `npx patterns timeline`, or check the id with `npx patterns timeline --json`",
    );
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

/** A full id, or a unique prefix / shortened form of one (the human output shortens ids). */
export async function resolveInvocationId(admin: AdminClient, raw: string): Promise<string> {
  const { head, tail } = cleanIdArg(raw);
  if (!tail && head.length >= FULL_ID_LENGTH) {
    // a full id is a point lookup; one Restate cannot parse (a typo) is simply unknown
    const exact = await query<{ id: string }>(admin, `SELECT id FROM sys_invocation WHERE id = ${sqlString(head)}`).catch((e: unknown) => {
      if (/non valid invocation id/i.test(String((e as Error)?.message ?? e))) return [];
      throw e;
    });
    if (exact.length) return head;
    throw new UnknownInvocationIdError(head);
  }
  const shown = tail ? `${head}…${tail}` : head;
  if (head.length >= 8) {
    const like = await query<{ id: string }>(admin, `SELECT id FROM sys_invocation WHERE id LIKE ${sqlString(`${head}%${tail}`)} LIMIT 2`);
    if (like.length === 1) return like[0]!.id;
    if (like.length > 1) throw new PlaygroundError(`${shown} matches more than one invocation id`, "give the full id (`--json` prints full ids)");
  }
  throw new UnknownInvocationIdError(shown);
}

/** inv_ + 34 characters in Restate 1.7 */
const FULL_ID_LENGTH = 38;

export interface InvocationTimelineOptions {
  /** include what it called or sent to, as nested timelines (default true) */
  children?: boolean;
}

/** The timeline model of one invocation (and its children): what `timeline <id> --json` prints under timelines[0]. */
export async function invocationTimeline(stack: RunningStack, invocationId: string, opts: InvocationTimelineOptions = {}): Promise<Timeline> {
  const id = await resolveInvocationId(stack.admin, invocationId);
  const roots = await findInvocations(stack.admin, { ids: [id], limit: 1 });
  if (!roots.length) throw new UnknownInvocationIdError(id);
  const snap = await gatherSnapshot(stack.admin, stack.paths, roots, { children: opts.children !== false });
  return buildTimeline(snap, id);
}

/** The rendered timeline of one invocation, one string per line (colour through the palette). */
export async function renderInvocationTimeline(stack: RunningStack, invocationId: string, opts: RenderOptions & InvocationTimelineOptions = {}): Promise<string[]> {
  return renderTimeline(await invocationTimeline(stack, invocationId, opts), opts);
}

/** The SQL a user can run to see the same journal (for "the same with curl" hints). */
export function journalSqlFor(id: string): string {
  return journalQueryFor(id);
}
