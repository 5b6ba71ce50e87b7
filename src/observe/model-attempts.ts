// Attempts and body executions from the worker's step log: which attempt ran where and why it started (first,
// retry, crash-restart, resume), which ctx.run bodies ran in which attempt, and the verdict on each run entry (live,
// replayed, ran again, retried).
import type { Attempt, AttemptCause, BodyRun, JournalEventRow, RunExecution, Snapshot, StepLogLine, TimelineEntry } from "./types.js";
import { CLOCK_SLACK_MS, ms } from "./model-common.js";

type StepRun = BodyRun & { step: string };

/** The attempts of one invocation (step log), each with its cause, and the body runs of its ctx.run steps. */
export function readAttempts(
  steps: StepLogLine[],
  events: JournalEventRow[],
  components: Snapshot["components"],
  finished: boolean,
  offset: (iso: string) => number,
): { attempts: Attempt[]; bodyRuns: StepRun[] } {
  const attemptLines = steps.filter((s) => s.kind === "attempt");
  const attemptOf = new Map<string, number>();
  const attempts: Attempt[] = attemptLines.map((l, i) => {
    attemptOf.set(`${l.pid}:${l.attemptSeq}`, i + 1);
    return { n: i + 1, pid: l.pid, startedAt: l.at, offsetMs: offset(l.at), cause: "first" as AttemptCause };
  });
  const bodyRuns = collectBodyRuns(steps, attemptOf, attempts.length, finished);
  const restateExits = components.filter((c) => c.component === "restate" && c.kind === "exit");
  for (let i = 1; i < attempts.length; i++) {
    const prev = attempts[i - 1]!;
    const cur = attempts[i]!;
    const between = (iso: string) => ms(iso) >= ms(prev.startedAt) && ms(iso) <= ms(cur.startedAt);
    // a crash only when the previous attempt's worker (or the server) died in between; a new pid alone can be a
    // resume from suspension on a worker that was restarted for another reason
    const prevWorkerDied = components.some((x) => x.component === "worker" && x.kind === "exit" && x.pid === prev.pid && between(x.at));
    const interruptedBody = bodyRuns.some((b) => b.attempt === prev.n && b.outcome === "interrupted");
    if (prevWorkerDied || restateExits.some((x) => between(x.at)) || (cur.pid !== prev.pid && interruptedBody)) cur.cause = "crash-restart";
    else if (events.some((e) => e.event_type === "Paused" && between(e.appended_at))) cur.cause = "resume";
    else if (events.some((e) => e.event_type === "TransientError" && between(e.appended_at)) || bodyRuns.some((b) => b.attempt === prev.n && b.outcome === "error")) cur.cause = "retry";
    else cur.cause = "resume";
  }
  return { attempts, bodyRuns };
}

/** Which run bodies ran where: each body run to its entry, then each run entry's verdict. */
export function judgeBodies(entries: TimelineEntry[], bodyRuns: StepRun[], attempts: Attempt[], hasStepLog: boolean): void {
  assignBodyRuns(entries, bodyRuns);
  for (const e of entries) if (e.kind === "run") e.execution = judgeRun(e, attempts, hasStepLog);
}

/** Each judged run entry's own work span (after every verdict is final). */
export function workSpans(entries: TimelineEntry[]): void {
  for (const e of entries) if (e.kind === "run") workSpan(e);
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

function collectBodyRuns(steps: StepLogLine[], attemptOf: Map<string, number>, attemptCount: number, finished: boolean): StepRun[] {
  const runs: StepRun[] = [];
  const open = new Map<string, StepRun[]>();
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

/**
 * Give each body execution to the ctx.run entry it belongs to: same name, not yet journaled when it started. Entries
 * are grouped by name and their completion times parsed once: a long journal has hundreds of runs.
 */
function assignBodyRuns(entries: TimelineEntry[], runs: StepRun[]): void {
  const byName = new Map<string, { e: TimelineEntry; completed: number; runs: StepRun[] }[]>();
  for (const e of entries) {
    if (e.kind !== "run") continue;
    const list = byName.get(e.name ?? "") ?? [];
    list.push({ e, completed: e.completedAt === undefined ? Infinity : ms(e.completedAt), runs: [] });
    byName.set(e.name ?? "", list);
  }
  const sorted = runs.map((r) => ({ r, started: ms(r.startedAt) })).sort((a, b) => a.started - b.started);
  for (const { r, started } of sorted) {
    const candidate = byName.get(r.step)?.find((x) => x.completed >= started - CLOCK_SLACK_MS && !x.runs.some((y) => y.attempt === r.attempt && y.pid === r.pid));
    candidate?.runs.push(r);
  }
  for (const list of byName.values()) {
    for (const { e, runs: mine } of list) {
      if (mine.length) e.execution = { verdict: "unknown", bodyRuns: mine.map(({ step: _s, ...rest }) => rest), replayedIn: [], summary: "" };
    }
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
    if (runs.length > 1 || cur.outcome !== "running")
      summary += `; earlier: ${
        runs
          .slice(0, -1)
          .map((r) => `${where(r)} ${r.outcome}`)
          .join(", ") || cur.outcome
      }`;
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
