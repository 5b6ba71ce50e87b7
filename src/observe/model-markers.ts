// Timeline markers: what happened to an invocation beside its journal — a delayed or queued start, each attempt and
// why it began, transient errors and pauses (journal events), worker and restate-server crashes and restarts (the
// supervisor's log), the last failure and the completion.
import { formatDuration } from "../lib/duration.js";
import { num, str } from "./decode.js";
import type { Attempt, InvocationRow, JournalEventRow, Snapshot, TimelineMarker } from "./types.js";
import { CLOCK_SLACK_MS, clock, LATE_MS, ms } from "./model-common.js";

type Mark = (m: Omit<TimelineMarker, "offsetMs">) => void;

export interface MarkerInput {
  inv: InvocationRow;
  snap: Snapshot;
  attempts: Attempt[];
  events: JournalEventRow[];
  offset: (iso: string) => number;
}

/** Every marker of one invocation, in time order. */
export function timelineMarkers(x: MarkerInput): TimelineMarker[] {
  const markers: TimelineMarker[] = [];
  const mark: Mark = (m) => markers.push({ ...m, offsetMs: x.offset(m.at) });
  const origin = ms(x.inv.created_at);
  const end = x.inv.completed_at ? ms(x.inv.completed_at) : ms(x.snap.takenAt);
  startMarkers(x.inv, x.snap, origin, mark);
  attemptMarkers(x.attempts, x.events, x.snap.components, mark);
  eventMarkers(x.events, mark);
  componentMarkers(x.snap.components, x.attempts, origin, end, mark);
  endMarkers(x.inv, x.snap, mark);
  markers.sort((a, b) => ms(a.at) - ms(b.at));
  return markers;
}

/** A delayed start, a wait in the key's queue, and when it started running after either. */
function startMarkers(inv: InvocationRow, snap: Snapshot, origin: number, mark: Mark): void {
  if (inv.scheduled_start_at && ms(inv.scheduled_start_at) > origin + CLOCK_SLACK_MS) {
    const ongoing = !inv.running_at && !inv.completed_at;
    const until = inv.running_at ?? (ongoing ? snap.takenAt : undefined);
    mark({
      ongoing: ongoing || undefined,
      kind: "scheduled",
      at: inv.created_at,
      text: `delayed start, due ${clock(inv.scheduled_start_at)}${startLate(inv.running_at, inv.scheduled_start_at)}`,
      until,
      durationMs: until ? Math.max(0, ms(until) - origin) : undefined,
    });
  }
  if (inv.inboxed_at) {
    // still queued: the wait so far (ongoing), up to when the rows were read
    const ongoing = !inv.running_at && !inv.completed_at;
    const until = inv.running_at ?? (ongoing ? snap.takenAt : undefined);
    mark({
      kind: "queued",
      at: inv.inboxed_at,
      text: `queued behind another invocation on key "${inv.target_service_key ?? ""}"`,
      until,
      durationMs: until ? Math.max(0, ms(until) - ms(inv.inboxed_at)) : undefined,
      ongoing: ongoing || undefined,
    });
  }
  if (inv.running_at && (inv.inboxed_at || inv.scheduled_start_at) && ms(inv.running_at) > origin + CLOCK_SLACK_MS) {
    mark({ kind: "started", at: inv.running_at, text: `started running after waiting ${formatDuration(ms(inv.running_at) - origin)}` });
  }
}

/** One marker per attempt: why it began, and how long after the failure (and the restart) before it. */
function attemptMarkers(attempts: Attempt[], events: JournalEventRow[], components: Snapshot["components"], mark: Mark): void {
  const failures = [...events.map((e) => e.appended_at), ...components.filter((c) => c.kind === "exit").map((c) => c.at)];
  const backs = components.filter((c) => c.kind === "back").map((c) => c.at);
  for (const a of attempts) {
    const prevFailure = lastBefore(failures, ms(a.startedAt));
    const gapMs = a.cause === "retry" || a.cause === "crash-restart" ? (prevFailure !== undefined ? Math.max(0, ms(a.startedAt) - prevFailure) : undefined) : undefined;
    const back = a.cause === "crash-restart" ? lastBefore(backs, ms(a.startedAt)) : undefined;
    const sinceBackMs = back !== undefined && back >= ms(attempts[a.n - 2]?.startedAt ?? a.startedAt) ? Math.max(0, ms(a.startedAt) - back) : undefined;
    const text =
      a.cause === "first"
        ? `attempt 1 on worker pid ${a.pid}`
        : a.cause === "crash-restart"
          ? attempts[a.n - 2]!.pid !== a.pid
            ? `attempt ${a.n} on a NEW worker (pid ${a.pid}, was ${attempts[a.n - 2]!.pid}): replaying the journal`
            : `attempt ${a.n} after a restate-server restart (pid ${a.pid}): replaying the journal`
          : a.cause === "retry"
            ? `attempt ${a.n} (retry) on pid ${a.pid}: replaying the journal`
            : `attempt ${a.n} on pid ${a.pid}: resumed after ${pausedBefore(events, a.startedAt) ? "the pause" : "suspension"}, replaying the journal`;
    mark({ kind: "attempt", at: a.startedAt, text, attempt: a.n, pid: a.pid, cause: a.cause, gapMs, sinceBackMs });
  }
}

/** Transient errors and pauses from the journal events. */
function eventMarkers(events: JournalEventRow[], mark: Mark): void {
  for (const e of events) {
    let j: Record<string, unknown> = {};
    try {
      j = e.event_json ? (JSON.parse(e.event_json) as Record<string, unknown>) : {};
    } catch {
      /* keep the type only */
    }
    const step = str(j.related_command_name) || undefined;
    if (e.event_type === "TransientError") {
      const message = str(j.error_message) ?? "error";
      mark({
        kind: "transient-error",
        at: e.appended_at,
        afterIndex: e.after_journal_entry_index,
        text: message,
        message,
        code: num(j.error_code),
        docCode: str(j.restate_doc_error_code),
        step,
      });
    } else if (e.event_type === "Paused") {
      mark({ kind: "paused", at: e.appended_at, afterIndex: e.after_journal_entry_index, text: "paused (by `pause`, or its retries ran out): it waits until resumed", step });
    }
  }
}

/** Worker and restate-server exits and restarts while the invocation was alive. */
function componentMarkers(components: Snapshot["components"], attempts: Attempt[], origin: number, end: number, mark: Mark): void {
  for (const c of components) {
    const t = ms(c.at);
    if (t < origin - CLOCK_SLACK_MS || t > end + CLOCK_SLACK_MS) continue;
    if (c.component === "worker") {
      // worker events matter when this invocation ran on that worker or was in flight
      if (c.kind === "exit") {
        const ran = attempts.filter((a) => a.pid === c.pid && ms(a.startedAt) <= t).map((a) => a.n);
        mark({ kind: "worker-exit", at: c.at, pid: c.pid, text: `worker pid ${c.pid} died (${c.detail ?? "exit"})${ran.length ? `; it ran attempt ${ran.join(", ")}` : ""}` });
      } else mark({ kind: "worker-back", at: c.at, pid: c.pid, text: `worker back as pid ${c.pid}`, downMs: downFor(components, c) });
    } else if (c.component === "restate") {
      if (c.kind === "exit") mark({ kind: "restate-exit", at: c.at, pid: c.pid, text: `restate-server pid ${c.pid} died (${c.detail ?? "exit"})` });
      else mark({ kind: "restate-back", at: c.at, pid: c.pid, text: `restate-server back as pid ${c.pid}`, downMs: downFor(components, c) });
    }
  }
}

/** The last failure of an unfinished invocation, and its completion. */
function endMarkers(inv: InvocationRow, snap: Snapshot, mark: Mark): void {
  if (inv.status !== "completed" && inv.last_failure) {
    mark({
      kind: "last-failure",
      at: inv.last_start_at ?? inv.modified_at ?? snap.takenAt,
      text: `last failure: ${inv.last_failure}${inv.next_retry_at ? `; next retry ${clock(inv.next_retry_at)}` : ""}`,
      message: inv.last_failure,
      docCode: inv.last_failure_error_code,
      step: inv.last_failure_related_command_name,
    });
  }
  if (inv.completed_at) {
    const failed = inv.completion_result === "failure";
    mark({ kind: "completed", at: inv.completed_at, text: failed ? `failed: ${inv.completion_failure ?? "failure"}` : "completed" });
  }
}

/** How long a component was down before this "back" event (from its last exit). */
function downFor(components: Snapshot["components"], back: Snapshot["components"][number]): number | undefined {
  const t = ms(back.at);
  const exit = lastBefore(
    components.filter((x) => x.component === back.component && x.kind === "exit").map((x) => x.at),
    t,
  );
  return exit !== undefined ? t - exit : undefined;
}

/** A pause came before this attempt (since the previous attempt): it is a resume, not a retry. */
function pausedBefore(events: JournalEventRow[], at: string): boolean {
  return events.some((e) => e.event_type === "Paused" && ms(e.appended_at) <= ms(at));
}

/** A delayed start: on time or late, from real times (due vs running). */
function startLate(runningAt: string | undefined, dueAt: string): string {
  if (!runningAt) return "";
  const late = ms(runningAt) - ms(dueAt);
  return late > LATE_MS ? `; started late by ${formatDuration(late)}` : "; started on time";
}

function lastBefore(isoTimes: string[], t: number): number | undefined {
  let best: number | undefined;
  for (const iso of isoTimes) {
    const x = ms(iso);
    if (x <= t && (best === undefined || x > best)) best = x;
  }
  return best;
}
