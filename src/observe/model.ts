// The join: Restate's journal (what is durable), its events (what failed), the worker's step log (which ctx.run
// bodies really ran, where) and the supervisor's process events (crashes) → one Timeline per invocation.
// Pure: a Snapshot in, a Timeline out, so the recorded fixtures test it without a stack.
import { callRequest, completionIds, decodeEntry, decodeResult, isObj, num, shortValue, str, targetString, type DecodedEntry } from "./decode.js";
import type {
  Attempt,
  AttemptCause,
  BodyRun,
  EntryKind,
  InvocationInfo,
  JournalRow,
  RunExecution,
  Snapshot,
  StepLogLine,
  Timeline,
  TimelineEntry,
  TimelineMarker,
} from "./types.js";
import { judgeCopiedRuns, restartInfo } from "./restarts.js";

/** Clock slack between the worker's and the server's timestamps (same machine, different processes). */
const CLOCK_SLACK_MS = 50;
/** Awakeables are signals with an index from 17 on; lower indexes are built-in (1 = cancel). */
const FIRST_AWAKEABLE_SIGNAL = 17;
const MAX_DEPTH = 4;

const ms = (iso: string | undefined): number => (iso ? Date.parse(iso) : NaN);

export class UnknownInvocationError extends Error {}

export function buildTimeline(snap: Snapshot, id: string, depth = 0): Timeline {
  const inv = snap.invocations.find((i) => i.id === id);
  if (!inv) throw new UnknownInvocationError(`invocation ${id} is not in the snapshot`);
  const origin = ms(inv.created_at);
  const offset = (iso: string) => Math.max(0, ms(iso) - origin);
  const now = ms(snap.takenAt);

  const rows = snap.journal.filter((r) => r.id === id).sort((a, b) => a.index - b.index);
  const decoded = rows.map((r) => ({ row: r, d: decodeEntry(r.entry_json) }));
  const steps = snap.steps.filter((s) => s.invocationId === id).sort((a, b) => ms(a.at) - ms(b.at));
  const events = snap.events.filter((e) => e.id === id).sort((a, b) => ms(a.appended_at) - ms(b.appended_at));

  // ---- attempts (step log) ----
  const attemptLines = steps.filter((s) => s.kind === "attempt");
  const attemptOf = new Map<string, number>();
  const attempts: Attempt[] = attemptLines.map((l, i) => {
    attemptOf.set(`${l.pid}:${l.attemptSeq}`, i + 1);
    return { n: i + 1, pid: l.pid, startedAt: l.at, offsetMs: offset(l.at), cause: "first" as AttemptCause };
  });
  const bodyRuns = collectBodyRuns(steps, attemptOf, attempts.length, inv.status === "completed");
  const restateExits = snap.components.filter((c) => c.component === "restate" && c.kind === "exit");
  for (let i = 1; i < attempts.length; i++) {
    const prev = attempts[i - 1]!;
    const cur = attempts[i]!;
    const between = (iso: string) => ms(iso) >= ms(prev.startedAt) && ms(iso) <= ms(cur.startedAt);
    // a crash only when the previous attempt's worker (or the server) died in between; a new pid alone can be a
    // resume from suspension on a worker that was restarted for another reason
    const prevWorkerDied = snap.components.some((x) => x.component === "worker" && x.kind === "exit" && x.pid === prev.pid && between(x.at));
    const interruptedBody = bodyRuns.some((b) => b.attempt === prev.n && b.outcome === "interrupted");
    if (prevWorkerDied || restateExits.some((x) => between(x.at)) || (cur.pid !== prev.pid && interruptedBody)) cur.cause = "crash-restart";
    else if (events.some((e) => e.event_type === "Paused" && between(e.appended_at))) cur.cause = "resume";
    else if (events.some((e) => e.event_type === "TransientError" && between(e.appended_at)) || bodyRuns.some((b) => b.attempt === prev.n && b.outcome === "error")) cur.cause = "retry";
    else cur.cause = "resume";
  }

  // ---- entries (journal) ----
  const byCompletion = new Map<number, JournalRow & { d?: DecodedEntry }>();
  for (const { row, d } of decoded) {
    if (d?.family !== "Notification") continue;
    const cid = num(d.body.completion_id);
    if (cid !== undefined) byCompletion.set(cid, { ...row, d });
  }
  const consumed = new Set<number>();
  const entries: TimelineEntry[] = [];
  for (const { row, d } of decoded) {
    if (!d || d.family !== "Command") continue;
    const at = row.appended_at ?? inv.created_at;
    const notes = completionIds(d)
      .map((cid) => byCompletion.get(cid))
      .filter((n): n is JournalRow & { d?: DecodedEntry } => n !== undefined);
    for (const n of notes) consumed.add(n.index);
    // the notification that carries the result: for calls, the Call one (not CallInvocationId)
    const resultNote = notes.find((n) => n.d?.type !== "CallInvocationId");
    const e = commandEntry(row, d, at, offset(at), resultNote);
    if (e) entries.push(e);
  }
  for (const { row, d } of decoded) {
    if (!d || d.family !== "Notification" || consumed.has(row.index) || d.type !== "Signal") continue;
    const at = row.appended_at ?? inv.created_at;
    const sid = isObj(d.body.id) ? d.body.id : {};
    const index = num(sid.Index);
    const name = str(sid.Name);
    const res = decodeResult(d.body.result);
    const kind: EntryKind = index !== undefined && index >= FIRST_AWAKEABLE_SIGNAL ? "awakeable" : "signal";
    entries.push({
      index: row.index,
      kind,
      name: name ?? (kind === "awakeable" ? `signal ${index}` : index === 1 ? "cancel" : `signal ${index ?? "?"}`),
      at,
      offsetMs: offset(at),
      pending: false,
      value: res?.value,
      failure: res?.failure,
    });
  }
  entries.sort((a, b) => a.index - b.index);

  // ---- which run bodies ran where ----
  assignBodyRuns(entries, bodyRuns);
  const hasStepLog = steps.length > 0;
  for (const e of entries) if (e.kind === "run") e.execution = judgeRun(e, attempts, hasStepLog);
  judgeCopiedRuns(inv, entries, attempts);
  for (const e of entries) if (e.kind === "run") workSpan(e);
  for (const e of entries) if (e.kind === "sleep") sleepLateness(e, entries, attempts, steps, snap.components);
  for (const e of entries) if (e.kind === "awakeable" && e.index !== undefined && !e.name?.startsWith("resolve ") && !e.name?.startsWith("reject ")) awakeableWait(e, entries, inv.running_at ?? inv.created_at);

  // ---- markers ----
  const markers: TimelineMarker[] = [];
  const mark = (m: Omit<TimelineMarker, "offsetMs">) => markers.push({ ...m, offsetMs: offset(m.at) });
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
    mark({ kind: "started", at: inv.running_at, text: `started running after waiting ${Math.round(ms(inv.running_at) - origin)} ms` });
  }
  for (const a of attempts) {
    const prevFailure = lastBefore(
      [...events.map((e) => e.appended_at), ...snap.components.filter((c) => c.kind === "exit").map((c) => c.at)],
      ms(a.startedAt),
    );
    const gapMs = a.cause === "retry" || a.cause === "crash-restart" ? (prevFailure !== undefined ? Math.max(0, ms(a.startedAt) - prevFailure) : undefined) : undefined;
    const back = a.cause === "crash-restart" ? lastBefore(snap.components.filter((c) => c.kind === "back").map((c) => c.at), ms(a.startedAt)) : undefined;
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
  const end = inv.completed_at ? ms(inv.completed_at) : now;
  for (const c of snap.components) {
    const t = ms(c.at);
    if (t < origin - CLOCK_SLACK_MS || t > end + CLOCK_SLACK_MS) continue;
    if (c.component === "worker") {
      // worker events matter when this invocation ran on that worker or was in flight
      if (c.kind === "exit") {
        const ran = attempts.filter((a) => a.pid === c.pid && ms(a.startedAt) <= t).map((a) => a.n);
        mark({ kind: "worker-exit", at: c.at, pid: c.pid, text: `worker pid ${c.pid} died (${c.detail ?? "exit"})${ran.length ? `; it ran attempt ${ran.join(", ")}` : ""}` });
      }
      else mark({ kind: "worker-back", at: c.at, pid: c.pid, text: `worker back as pid ${c.pid}`, downMs: downFor(snap.components, c) });
    } else if (c.component === "restate") {
      if (c.kind === "exit") mark({ kind: "restate-exit", at: c.at, pid: c.pid, text: `restate-server pid ${c.pid} died (${c.detail ?? "exit"})` });
      else mark({ kind: "restate-back", at: c.at, pid: c.pid, text: `restate-server back as pid ${c.pid}`, downMs: downFor(snap.components, c) });
    }
  }
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
  markers.sort((a, b) => ms(a.at) - ms(b.at));

  // ---- summary ----
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
    ...restartInfo(snap, inv, entries),
  };

  const children =
    depth >= MAX_DEPTH
      ? []
      : snap.invocations
          .filter((c) => c.invoked_by_id === id)
          .sort((a, b) => ms(a.created_at) - ms(b.created_at))
          .map((c) => buildTimeline(snap, c.id, depth + 1));

  return { invocation: info, entries, markers, attempts, children, stepLog: hasStepLog };
}

/** A pause came before this attempt (since the previous attempt): it is a resume, not a retry. */
function pausedBefore(events: Snapshot["events"], at: string): boolean {
  const paused = events.filter((e) => e.event_type === "Paused" && ms(e.appended_at) <= ms(at));
  return paused.length > 0;
}

/** Summary fields only (for lists): the same rules as the full timeline. */
export function summarize(snap: Snapshot, id: string): InvocationInfo {
  return buildTimeline(snap, id, MAX_DEPTH).invocation;
}

/** How long a component was down before this "back" event (from its last exit). */
function downFor(components: Snapshot["components"], back: Snapshot["components"][number]): number | undefined {
  const t = ms(back.at);
  const exit = lastBefore(components.filter((x) => x.component === back.component && x.kind === "exit").map((x) => x.at), t);
  return exit !== undefined ? t - exit : undefined;
}

/** A ctx.run's own work: the journaled body execution (step log), not the time since its command was journaled,
 *  which can include a crash and the downtime before the body ran again. */
function workSpan(e: TimelineEntry): void {
  const body = e.execution?.bodyRuns.find((b) => b.journaled);
  if (!body) return;
  const end = body.endedAt ?? e.completedAt;
  e.workStartedAt = body.startedAt;
  if (end) e.workMs = Math.max(0, ms(end) - ms(body.startedAt));
}

/** When the code after a sleep ran, and so how late the invocation really went on (not only the timer). */
function sleepLateness(e: TimelineEntry, entries: TimelineEntry[], attempts: Attempt[], steps: StepLogLine[], components: Snapshot["components"]): void {
  if (!e.completedAt || !e.dueAt) return;
  const fired = ms(e.completedAt);
  const due = ms(e.dueAt);
  const after = (t: number) => t >= fired - CLOCK_SLACK_MS;
  const candidates = [
    ...attempts.map((a) => ms(a.startedAt)),
    ...steps.filter((s) => s.kind === "run-start").map((s) => ms(s.at)),
    ...entries.filter((x) => x.index > e.index && x.kind !== "awakeable" && x.kind !== "signal").map((x) => ms(x.at)),
  ].filter((t) => Number.isFinite(t) && after(t));
  const resumed = candidates.length ? Math.min(...candidates) : undefined;
  e.firedLateMs = fired - due;
  if (resumed !== undefined) e.resumedAt = new Date(resumed).toISOString();
  e.lateMs = Math.max(fired, resumed ?? fired) - due;
  if (e.lateMs > LATE_MS) {
    // a component that was down across the due time explains it
    const until = resumed ?? fired;
    const down = components.find((x) => {
      if (x.kind !== "exit" || ms(x.at) > due || ms(x.at) < ms(e.at) - CLOCK_SLACK_MS) return false;
      const back = components.find((y) => y.component === x.component && y.kind === "back" && ms(y.at) >= ms(x.at));
      return !back || ms(back.at) >= due - CLOCK_SLACK_MS || ms(back.at) > until;
    });
    if (down) e.lateBecause = `${down.component === "restate" ? "restate-server" : down.component} was down`;
    else if (e.firedLateMs > LATE_MS) e.lateBecause = "the timer fired late";
  }
}

/** A delayed start: on time or late, from real times (due vs running). */
function startLate(runningAt: string | undefined, dueAt: string): string {
  if (!runningAt) return "";
  const late = ms(runningAt) - ms(dueAt);
  return late > LATE_MS ? `; started late by ${humanMs(late)}` : "; started on time";
}

function humanMs(x: number): string {
  return x < 1000 ? `${Math.round(x)} ms` : `${(x / 1000).toFixed(1)} s`;
}

/** Sleeps later than this (ms) are "late"; below it is scheduling noise. */
export const LATE_MS = 250;

/** An awakeable has no command of its own in the journal: its wait runs from the previous journal activity. */
function awakeableWait(e: TimelineEntry, entries: TimelineEntry[], startedAt: string): void {
  const at = ms(e.at);
  let from = ms(startedAt);
  for (const x of entries) {
    if (x === e || x.index > e.index) continue;
    for (const t of [ms(x.at), ms(x.completedAt)]) if (Number.isFinite(t) && t <= at && t > from) from = t;
  }
  e.waitFrom = new Date(from).toISOString();
  e.durationMs = Math.max(0, at - from);
}

function lastBefore(isoTimes: string[], t: number): number | undefined {
  let best: number | undefined;
  for (const iso of isoTimes) {
    const x = ms(iso);
    if (x <= t && (best === undefined || x > best)) best = x;
  }
  return best;
}

export function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(11, 23);
}

// ---- commands → entries ---------------------------------------------------------------------------------------

function commandEntry(row: JournalRow, d: DecodedEntry, at: string, offsetMs: number, note: (JournalRow & { d?: DecodedEntry }) | undefined): TimelineEntry | undefined {
  const base = { index: row.index, at, offsetMs };
  const done = (e: TimelineEntry): TimelineEntry => {
    if (note?.appended_at) {
      e.completedAt = note.appended_at;
      e.durationMs = Math.max(0, ms(note.appended_at) - ms(at));
      e.pending = false;
      const res = note.d ? decodeResult(note.d.body.result) : undefined;
      if (res?.value !== undefined && e.value === undefined) e.value = res.value;
      if (res?.failure) e.failure = res.failure;
    }
    return e;
  };
  const b = d.body;
  switch (d.type) {
    case "Input":
      return { ...base, kind: "input", pending: false, value: shortValue(b.payload) };
    case "Output": {
      const res = decodeResult(b.result);
      return { ...base, kind: "output", pending: false, value: res?.value, failure: res?.failure };
    }
    case "Run":
      return done({ ...base, kind: "run", name: str(b.name) ?? row.name ?? "", pending: true });
    case "Sleep": {
      const due = num(b.wake_up_time);
      const e = done({ ...base, kind: "sleep", name: str(b.name) || row.name || undefined, pending: true, dueAt: due !== undefined ? new Date(due).toISOString() : undefined });
      if (due !== undefined && e.completedAt) e.lateMs = ms(e.completedAt) - due;
      return e;
    }
    case "Call":
    case "OneWayCall": {
      const req = callRequest(d);
      const target = targetString(req.invocation_target);
      const childId = str(req.invocation_id);
      if (d.type === "Call") return done({ ...base, kind: "call", target, childId, pending: true });
      const invokeTime = num(b.invoke_time);
      return {
        ...base,
        kind: "send",
        target,
        childId,
        pending: false,
        value: shortValue(req.parameter),
        dueAt: invokeTime ? new Date(invokeTime).toISOString() : undefined,
      };
    }
    case "GetEagerState":
    case "GetLazyState": {
      const res = decodeResult(b.result);
      const e: TimelineEntry = { ...base, kind: "get-state", name: str(b.key), pending: d.type === "GetLazyState", value: res?.ok && res.value === undefined ? "null" : res?.value };
      return d.type === "GetLazyState" ? done(e) : e;
    }
    case "GetEagerStateKeys":
    case "GetLazyStateKeys":
      return d.type === "GetLazyStateKeys" ? done({ ...base, kind: "state-keys", pending: true }) : { ...base, kind: "state-keys", pending: false };
    case "SetState":
      return { ...base, kind: "set-state", name: str(b.key), pending: false, value: shortValue(b.value) };
    case "ClearState":
      return { ...base, kind: "clear-state", name: str(b.key), pending: false };
    case "ClearAllState":
      return { ...base, kind: "clear-state", name: "*", pending: false };
    case "GetPromise":
    case "PeekPromise":
      return done({ ...base, kind: "promise", name: `${d.type === "PeekPromise" ? "peek " : "await "}${str(b.key) ?? ""}`, pending: true });
    case "CompletePromise": {
      const res = decodeResult(b.value);
      return done({ ...base, kind: "promise", name: `${res?.ok === false ? "reject" : "resolve"} ${str(b.key) ?? ""}`, pending: true, value: res?.value, failure: res?.failure });
    }
    case "CompleteAwakeable": {
      const res = decodeResult(b.result);
      return { ...base, kind: "awakeable", name: `${res?.ok === false ? "reject" : "resolve"} ${str(b.id) ?? ""}`, pending: false, value: res?.value, failure: res?.failure };
    }
    case "SendSignal":
      return { ...base, kind: "signal", name: `send to ${str(b.target_invocation_id) ?? "?"}`, pending: false };
    case "AttachInvocation":
    case "GetInvocationOutput":
      return done({ ...base, kind: "attach", target: str(isObj(b.target) ? JSON.stringify(b.target) : b.target), pending: true });
    default:
      return { ...base, kind: "other", name: d.type, pending: false };
  }
}

// ---- step log → body runs -------------------------------------------------------------------------------------

function collectBodyRuns(steps: StepLogLine[], attemptOf: Map<string, number>, attemptCount: number, finished: boolean): (BodyRun & { step: string })[] {
  const runs: (BodyRun & { step: string })[] = [];
  const open = new Map<string, (BodyRun & { step: string })[]>();
  for (const l of steps) {
    if (l.kind !== "run-start" && l.kind !== "run-end") continue;
    const attempt = attemptOf.get(`${l.pid}:${l.attemptSeq}`) ?? 0;
    const k = `${l.pid}:${l.attemptSeq}:${l.step ?? ""}`;
    if (l.kind === "run-start") {
      const r = { step: l.step ?? "", attempt, pid: l.pid, startedAt: l.at, outcome: "running" as BodyRun["outcome"], journaled: false };
      runs.push(r);
      open.set(k, [...(open.get(k) ?? []), r]);
    } else {
      const r = open.get(k)?.shift();
      if (!r) continue;
      r.endedAt = l.at;
      r.outcome = l.outcome === "error" ? "error" : "ok";
      if (l.error) r.error = l.error;
    }
  }
  for (const r of runs) {
    // a body that never ended: its worker died in it, unless it is the latest attempt of a live invocation
    if (r.outcome === "running" && (finished || r.attempt < attemptCount)) r.outcome = "interrupted";
  }
  return runs;
}

/** Give each body execution to the ctx.run entry it belongs to: same name, not yet journaled when it started. */
function assignBodyRuns(entries: TimelineEntry[], runs: (BodyRun & { step: string })[]): void {
  const byEntry = new Map<TimelineEntry, (BodyRun & { step: string })[]>();
  const sorted = [...runs].sort((a, b) => ms(a.startedAt) - ms(b.startedAt));
  for (const r of sorted) {
    const candidate = entries.find(
      (e) =>
        e.kind === "run" &&
        (e.name ?? "") === r.step &&
        (e.completedAt === undefined || ms(e.completedAt) >= ms(r.startedAt) - CLOCK_SLACK_MS) &&
        !(byEntry.get(e) ?? []).some((x) => x.attempt === r.attempt && x.pid === r.pid),
    );
    if (!candidate) continue;
    byEntry.set(candidate, [...(byEntry.get(candidate) ?? []), r]);
  }
  for (const [e, list] of byEntry) {
    e.execution = { verdict: "unknown", bodyRuns: list.map(({ step: _s, ...rest }) => rest), replayedIn: [], summary: "" };
  }
}

function judgeRun(e: TimelineEntry, attempts: Attempt[], hasStepLog: boolean): RunExecution {
  const runs = e.execution?.bodyRuns ?? [];
  if (!hasStepLog) {
    return { verdict: "unknown", bodyRuns: [], replayedIn: [], summary: "no step-log lines for this invocation: body executions unknown" };
  }
  const journaledAt = e.completedAt ? ms(e.completedAt) : undefined;
  if (journaledAt !== undefined) {
    const before = runs.filter((r) => ms(r.startedAt) <= journaledAt + CLOCK_SLACK_MS);
    const last = before[before.length - 1];
    if (last) last.journaled = true;
  }
  const replayedIn = journaledAt === undefined ? [] : attempts.filter((a) => ms(a.startedAt) > journaledAt).map((a) => a.n);
  const journaled = runs.find((r) => r.journaled);
  const lost = runs.filter((r) => !r.journaled && (r.outcome === "ok" || r.outcome === "interrupted"));
  const threw = runs.filter((r) => !r.journaled && r.outcome === "error");
  const where = (r: BodyRun) => `attempt ${r.attempt || "?"} (pid ${r.pid})`;
  const replayText = replayedIn.length ? `; replayed from the journal in attempt${replayedIn.length > 1 ? "s" : ""} ${replayedIn.join(", ")} (body not run)` : "";
  let verdict: RunExecution["verdict"];
  let summary: string;
  if (runs.length === 0) {
    verdict = e.pending ? "pending" : "unknown";
    summary = e.pending ? "waiting to run" : "no body execution in the step log (journaled before the log started?)";
  } else if (e.pending) {
    const cur = runs[runs.length - 1]!;
    verdict = cur.outcome === "running" ? "running" : "pending";
    summary = cur.outcome === "running" ? `body running now (${where(cur)})` : `body ran ${runs.length}×, result not journaled yet`;
    if (runs.length > 1 || cur.outcome !== "running") summary += `; earlier: ${runs.slice(0, -1).map((r) => `${where(r)} ${r.outcome}`).join(", ") || cur.outcome}`;
  } else if (lost.length > 0) {
    verdict = "ran-again";
    const first = lost[0]!;
    // the same worker process ran it again: the attempt ended on Restate's side (a restate-server restart, a partition
    // leader moving in a cluster), not because the worker died
    const next = runs[runs.indexOf(first) + 1];
    const workerLived = next !== undefined && next.pid === first.pid;
    const why = workerLived
      ? `the attempt ended before its result was journaled (the worker lived on: restate-server's side of the attempt was lost)`
      : first.outcome === "interrupted"
        ? "the worker died inside the body"
        : "the body finished, but the worker died before its result was journaled";
    summary = `body ran ${runs.length}× (at-least-once): in ${where(first)} ${why}; it ran again in ${journaled ? where(journaled) : "a later attempt"}${replayText}`;
  } else if (threw.length > 0) {
    verdict = "retried";
    summary = `body threw ${threw.length}× (${threw[threw.length - 1]!.error ?? "error"}), then ${e.failure ? "failed terminally" : "succeeded"} in ${journaled ? where(journaled) : "a later attempt"}${replayText}`;
  } else if (replayedIn.length > 0) {
    verdict = "replayed";
    summary = `body ran once, in ${where(runs[0]!)}; attempt${replayedIn.length > 1 ? "s" : ""} ${replayedIn.join(", ")} took its result from the journal without running it`;
  } else {
    verdict = "live";
    summary = `body ran once, live, in ${where(runs[0]!)}`;
  }
  return { verdict, bodyRuns: runs, replayedIn, summary };
}
