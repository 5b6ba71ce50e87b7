// The join: Restate's journal (what is durable), its events (what failed), the worker's step log (which ctx.run
// bodies really ran, where) and the supervisor's process events (crashes) → one Timeline per invocation.
// Pure: a Snapshot in, a Timeline out, so the recorded fixtures test it without a stack.
import type { Attempt, InvocationInfo, InvocationRow, JournalEventRow, Snapshot, Timeline, TimelineEntry } from "./types.js";
import { ms } from "./model-common.js";
import { judgeBodies, readAttempts, workSpans } from "./model-attempts.js";
import { judgeCopiedRuns, restartInfo } from "./restarts.js";
import { journalEntries, waits } from "./model-entries.js";
import { timelineMarkers } from "./model-markers.js";

export { clock, LATE_MS } from "./model-common.js";

const MAX_DEPTH = 4;

export class UnknownInvocationError extends Error {}

export function buildTimeline(snap: Snapshot, id: string, depth = 0): Timeline {
  const inv = snap.invocations.find((i) => i.id === id);
  if (!inv) throw new UnknownInvocationError(`invocation ${id} is not in the snapshot`);
  const origin = ms(inv.created_at);
  const offset = (iso: string) => Math.max(0, ms(iso) - origin);
  const rows = snap.journal.filter((r) => r.id === id).sort((a, b) => a.index - b.index);
  const steps = snap.steps.filter((s) => s.invocationId === id).sort((a, b) => ms(a.at) - ms(b.at));
  const events = snap.events.filter((e) => e.id === id).sort((a, b) => ms(a.appended_at) - ms(b.appended_at));
  const hasStepLog = steps.length > 0;

  const { attempts, bodyRuns } = readAttempts(steps, events, snap.components, inv.status === "completed", offset);
  const entries = journalEntries(rows, inv.created_at, offset);
  judgeBodies(entries, bodyRuns, attempts, hasStepLog);
  judgeCopiedRuns(inv, entries, attempts);
  workSpans(entries);
  waits(entries, attempts, steps, snap.components, inv.running_at ?? inv.created_at);
  const markers = timelineMarkers({ inv, snap, attempts, events, offset });
  const info = { ...invocationInfo(inv, { entries, attempts, events, hasStepLog, end: inv.completed_at ? ms(inv.completed_at) : ms(snap.takenAt) }), ...restartInfo(snap, inv, entries) };

  const children =
    depth >= MAX_DEPTH
      ? []
      : snap.invocations
          .filter((c) => c.invoked_by_id === id)
          .sort((a, b) => ms(a.created_at) - ms(b.created_at))
          .map((c) => buildTimeline(snap, c.id, depth + 1));

  return { invocation: info, entries, markers, attempts, children, stepLog: hasStepLog };
}

/** The header facts of a timeline: status, times, retries and attempts (from the step log when there is one). */
function invocationInfo(inv: InvocationRow, x: { entries: TimelineEntry[]; attempts: Attempt[]; events: JournalEventRow[]; hasStepLog: boolean; end: number }): InvocationInfo {
  const { entries, attempts, events, hasStepLog, end } = x;
  const origin = ms(inv.created_at);
  const errorEvents = events.filter((e) => e.event_type === "TransientError").length;
  const retriesFromLog = attempts.filter((a) => a.cause === "retry" || a.cause === "crash-restart").length;
  const retriesFromServer = inv.status !== "completed" && inv.retry_count ? Math.max(0, inv.retry_count - 1) : 0;
  const info: InvocationInfo = {
    id: inv.id,
    target: inv.target,
    service: inv.target_service_name,
    key: inv.target_service_key,
    handler: inv.target_handler_name,
    status: inv.status,
    invokedBy: inv.invoked_by,
    parentId: inv.invoked_by_id,
    parentTarget: inv.invoked_by_target,
    createdAt: inv.created_at,
    runningAt: inv.running_at,
    completedAt: inv.completed_at,
    durationMs: Math.max(0, end - origin),
    dueAt: !inv.running_at && !inv.completed_at && inv.scheduled_start_at ? inv.scheduled_start_at : undefined,
    result: inv.completion_result === "success" || inv.completion_result === "failure" ? inv.completion_result : undefined,
    failure: inv.completion_failure,
    retries: hasStepLog ? Math.max(retriesFromLog, retriesFromServer) : Math.max(errorEvents, retriesFromServer),
    attempts: hasStepLog ? attempts.length : !inv.running_at && !inv.completed_at ? 0 : Math.max(1, inv.retry_count ?? 0),
    steps: entries.filter((e) => e.kind !== "input" && e.kind !== "output").length,
    lastFailure: inv.last_failure
      ? { message: inv.last_failure, code: inv.last_failure_error_code, step: inv.last_failure_related_command_name, at: inv.last_start_at, nextRetryAt: inv.next_retry_at }
      : undefined,
  };
  return info;
}

/** Summary fields only (for lists): the same rules as the full timeline. */
export function summarize(snap: Snapshot, id: string): InvocationInfo {
  return buildTimeline(snap, id, MAX_DEPTH).invocation;
}
