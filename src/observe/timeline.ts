// The timeline's public face for other parts of the CLI (tours, scenario verbs): fetch one invocation's timeline as
// a model (the same JSON `timeline <id> --json` prints) or as rendered lines.
import type { RunningStack } from "../runtime/stack.js";
import { invocations, resolveInvocationId, UnknownInvocationIdError } from "./index.js";
import { gatherSnapshot } from "./snapshot.js";
import { buildTimeline } from "./model.js";
import { renderTimeline, type RenderOptions } from "./render.js";
import type { Timeline } from "./types.js";

export type { Timeline, TimelineEntry, TimelineMarker, RunExecution, RunVerdict, BodyRun, InvocationInfo, Attempt } from "./types.js";
export { buildTimeline } from "./model.js";
export { renderTimeline } from "./render.js";
export { resolveInvocationId, cleanIdArg, UnknownInvocationIdError } from "./index.js";
export { journalSqlFor } from "./sql.js";

export interface InvocationTimelineOptions {
  /** include what it called or sent to, as nested timelines (default true) */
  children?: boolean;
}

/** The timeline model of one invocation (and its children): what `timeline <id> --json` prints under timelines[0]. */
export async function invocationTimeline(stack: RunningStack, invocationId: string, opts: InvocationTimelineOptions = {}): Promise<Timeline> {
  const id = await resolveInvocationId(stack.admin, invocationId);
  const roots = await invocations(stack.admin, { ids: [id], limit: 1 });
  if (!roots.length) throw new UnknownInvocationIdError(id);
  const snap = await gatherSnapshot(stack.admin, stack.paths, roots, { children: opts.children !== false });
  return buildTimeline(snap, id);
}

/** The rendered timeline of one invocation, one string per line (colour through the palette). */
export async function renderInvocationTimeline(stack: RunningStack, invocationId: string, opts: RenderOptions & InvocationTimelineOptions = {}): Promise<string[]> {
  return renderTimeline(await invocationTimeline(stack, invocationId, opts), opts);
}
