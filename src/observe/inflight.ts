// What a crash verb hit and what became of it: the invocations in flight when a component was killed (where each one
// was: the step it ran or the thing it waited on), and, from their timelines afterwards, whether each went on past the
// crash, completed, and which ctx.run steps were replayed from the journal or ran again. The judgements are pure
// functions of Timeline models (the verdicts of model.ts), so the unit tests feed them recorded snapshots.
import type { AdminClient } from "../runtime/admin.js";
import type { StatePaths } from "../runtime/paths.js";
import { humanDuration } from "../ui/output.js";
import { countInvocations, eventually, invocations as findInvocations, type InvocationQuery } from "./index.js";
import { buildTimeline, clock } from "./model.js";
import { gatherSnapshot } from "./snapshot.js";
import type { InvocationRow, Snapshot, Timeline, TimelineEntry } from "./types.js";

const ms = (iso: string | undefined): number => (iso ? Date.parse(iso) : NaN);

/** Statuses of invocations that had started and not finished: what a kill can interrupt. */
export const IN_FLIGHT_STATUSES = ["ready", "running", "backing-off", "suspended", "paused"] as const;

/** What an unfinished invocation is waiting on, if anything. */
export interface WaitingOn {
  kind: "sleep" | "call" | "promise" | "awakeable" | "attach" | "queued" | "scheduled" | "retry" | "paused";
  /** for people: `sleep "moderation pending" due 15:33:34.576` */
  text: string;
  dueAt?: string;
  childId?: string;
}

/** How long a running handler may go without journaling anything before it counts as waiting, not working. */
export const IDLE_MS = 2000;

/** Time since the invocation's last sign of progress (an entry, a completion, an attempt), up to its snapshot. */
export function idleMs(t: Timeline): number {
  const now = ms(t.invocation.createdAt) + t.invocation.durationMs;
  const times = [ms(t.invocation.createdAt), ...t.attempts.map((a) => ms(a.startedAt)), ...t.entries.flatMap((e) => [ms(e.at), ms(e.completedAt)])].filter(Number.isFinite);
  return now - Math.max(...times);
}

/**
 * The ctx.run body each timeline's invocation is executing now, from the step log: a body that started in its latest
 * attempt and has not ended. (A Run command is journaled only once its body returned, so the journal cannot say.)
 */
const openBodies = new WeakMap<Timeline, string>();

/** Timelines of these invocations from one snapshot, knowing which bodies run now (what the judgements below need). */
export function timelinesFrom(snap: Snapshot, ids: string[]): Timeline[] {
  const ts = ids.map((id) => buildTimeline(snap, id));
  for (const t of byId(ts).values()) {
    const id = t.invocation.id;
    if (t.invocation.status === "completed") continue;
    const lines = snap.steps.filter((l) => l.invocationId === id).sort((a, b) => ms(a.at) - ms(b.at));
    const attempt = [...lines].reverse().find((l) => l.kind === "attempt");
    if (!attempt) continue;
    const mine = lines.filter((l) => l.pid === attempt.pid && l.attemptSeq === attempt.attemptSeq);
    const open: string[] = [];
    for (const l of mine) {
      if (l.kind === "run-start") open.push(l.step ?? "");
      else if (l.kind === "run-end") open.splice(open.indexOf(l.step ?? ""), 1);
    }
    if (open.length) openBodies.set(t, open[open.length - 1]!);
  }
  return ts;
}

/** The name of the ctx.run body it runs now, if any. */
export function runningBody(t: Timeline): string | undefined {
  const e = t.entries.find((x) => x.kind === "run" && x.pending && x.execution?.verdict === "running");
  return e ? (e.name ?? "") : openBodies.get(t);
}

/** The unfinished entry it waits on (the latest one), or undefined when it waits on nothing in its journal. */
export function waitingOn(t: Timeline): WaitingOn | undefined {
  const i = t.invocation;
  if (i.status === "completed") return undefined;
  if (i.status === "pending") return { kind: "queued", text: `queued behind another invocation on key "${i.key ?? ""}"` };
  if (i.status === "scheduled") {
    const start = t.markers.find((m) => m.kind === "scheduled");
    return { kind: "scheduled", text: start ? start.text : "a delayed start" };
  }
  if (i.status === "paused") return { kind: "paused", text: "paused after its retries ran out (resume it with the admin API)" };
  if (i.status === "backing-off") {
    const next = i.lastFailure?.nextRetryAt;
    return { kind: "retry", text: `a retry${next ? ` at ${clock(next)}` : ""} after: ${i.lastFailure?.message ?? "a failure"}`, dueAt: next };
  }
  const pending = [...t.entries].reverse().find((e) => e.pending && e.kind !== "run" && e.kind !== "get-state" && e.kind !== "state-keys");
  if (!pending) {
    // An awakeable (or a signal) is journaled only when it is completed: an invocation suspended with nothing pending
    // in its journal, or one whose handler has been idle a while, waits on one.
    if (runningBody(t) === undefined && (i.status === "suspended" || (i.status === "running" && idleMs(t) >= IDLE_MS))) {
      return { kind: "awakeable", text: "an awakeable or a signal (journaled only once it is completed)" };
    }
    return undefined;
  }
  switch (pending.kind) {
    case "sleep":
      return { kind: "sleep", text: `sleep${pending.name ? ` "${pending.name}"` : ""}${pending.dueAt ? ` due ${clock(pending.dueAt)}` : ""}`, dueAt: pending.dueAt };
    case "call":
      return { kind: "call", text: `its call to ${pending.target ?? "another service"}`, childId: pending.childId };
    case "promise":
      return { kind: "promise", text: `promise "${(pending.name ?? "").replace(/^(await|peek) /, "")}"` };
    case "awakeable":
      return { kind: "awakeable", text: `an awakeable${pending.name ? ` (${pending.name})` : ""}` };
    case "attach":
      return { kind: "attach", text: "another invocation's result" };
    default:
      return undefined;
  }
}

const entryName = (e: TimelineEntry): string => {
  switch (e.kind) {
    case "run":
      return `run "${e.name ?? ""}"`;
    case "call":
    case "send":
      return `${e.kind} ${e.target ?? ""}`;
    case "get-state":
    case "set-state":
    case "clear-state":
      return `${e.kind} ${e.name ?? ""}`;
    default:
      return `${e.kind}${e.name ? ` "${e.name}"` : ""}`;
  }
};

/** Where an unfinished invocation is, in one phrase: the body it runs, what it waits on, or its last journal entry. */
export function whereNow(t: Timeline, now = Date.now()): string {
  const body = runningBody(t);
  if (body !== undefined) return `running the body of run "${body}"`;
  const unacked = t.entries.find((e) => e.kind === "run" && e.pending);
  if (unacked) return `run "${unacked.name ?? ""}": its body returned, its result is not journaled yet`;
  const w = waitingOn(t);
  const last = [...t.entries].reverse().find((e) => e.kind !== "input" && !e.pending);
  const after = last ? `after ${entryName(last)}` : "before its first step";
  if (!w) return t.invocation.status === "ready" ? `about to run, ${after}` : after;
  const left = w.dueAt && w.kind === "sleep" ? ms(w.dueAt) - now : NaN;
  const due = Number.isFinite(left) ? (left > 0 ? ` (in ${humanDuration(left)})` : " (due now)") : "";
  return `waiting on ${w.text}${due}, ${after}`;
}

/** The attempts that started after the kill (1-based numbers, as in the timeline). */
function attemptsAfter(t: Timeline, killedAtMs: number): number[] {
  return t.attempts.filter((a) => ms(a.startedAt) >= killedAtMs).map((a) => a.n);
}

/** ctx.run steps of this invocation (not its children) taken from the journal by an attempt after the kill. */
export function replayedAfter(t: Timeline, killedAtMs: number): string[] {
  const after = new Set(attemptsAfter(t, killedAtMs));
  return t.entries.filter((e) => e.kind === "run" && e.execution?.replayedIn.some((n) => after.has(n))).map((e) => e.name ?? "");
}

/** ctx.run bodies that ran again after the kill because the kill cut them off before their result was journaled. */
export function ranAgainAfter(t: Timeline, killedAtMs: number): string[] {
  const after = new Set(attemptsAfter(t, killedAtMs));
  return t.entries.filter((e) => e.kind === "run" && e.execution?.verdict === "ran-again" && e.execution.bodyRuns.some((b) => after.has(b.attempt))).map((e) => e.name ?? "");
}

/** It went on after the kill: an attempt started, an entry was journaled, or it completed, after the kill. */
export function wentOn(t: Timeline, killedAtMs: number): boolean {
  const i = t.invocation;
  if (attemptsAfter(t, killedAtMs).length) return true;
  if (i.completedAt && ms(i.completedAt) >= killedAtMs) return true;
  return t.entries.some((e) => ms(e.at) >= killedAtMs || (e.completedAt !== undefined && ms(e.completedAt) >= killedAtMs));
}

export type AfterKill = "completed" | "failed" | "resumed-waiting" | "waiting" | "running" | "retrying" | "paused";

/**
 * What became of an interrupted invocation: completed (or failed), went on and now waits on something ("resumed,
 * waiting on …"), waits without having been touched (it was suspended: no process held it), or still runs/retries.
 */
export function afterKill(t: Timeline, killedAtMs: number): AfterKill {
  const i = t.invocation;
  if (i.status === "completed") return i.result === "failure" ? "failed" : "completed";
  if (i.status === "paused") return "paused";
  if (i.status === "backing-off") return "retrying";
  if (runningBody(t) === undefined && waitingOn(t)) return wentOn(t, killedAtMs) ? "resumed-waiting" : "waiting";
  return "running";
}

/**
 * Nothing more to watch here before the deadline: finished, or past the crash point (it went on after the kill, or
 * no process held it at the kill) and waiting on something that will not come soon by itself (a promise, an
 * awakeable, a sleep due after the deadline, a call whose callee is itself in that state). The whole tree counts:
 * children that still run keep it unsettled.
 */
export function settled(t: Timeline, killedAtMs: number, deadlineMs: number, untouched: ReadonlySet<string> = new Set()): boolean {
  const i = t.invocation;
  const kids = t.children.every((c) => settled(c, killedAtMs, deadlineMs, untouched) || c.invocation.status === "pending");
  if (i.status === "completed") return kids;
  if (i.status === "paused") return kids;
  const past = untouched.has(i.id) || wentOn(t, killedAtMs);
  const w = waitingOn(t);
  if (!past || !w || afterKill(t, killedAtMs) === "running") return false;
  switch (w.kind) {
    case "promise":
    case "awakeable":
    case "attach":
      return kids;
    case "sleep":
    case "scheduled":
      return w.dueAt !== undefined && ms(w.dueAt) > deadlineMs && kids;
    case "call": {
      const callee = t.children.find((c) => c.invocation.id === w.childId);
      return callee !== undefined && callee.invocation.status !== "completed" && settled(callee, killedAtMs, deadlineMs, untouched) && kids;
    }
    default:
      return false;
  }
}

/** One interrupted invocation, before and after. */
export interface InterruptedReport {
  id: string;
  target: string;
  /** the invocation that called it, when that one was in flight too */
  parentId?: string;
  before: { status: string; where: string };
  /** its status when the verb finished (Restate's) */
  status: string;
  outcome: AfterKill;
  /** with resumed-waiting / waiting: what it waits on */
  waitingOn?: string;
  /** attempts that started after the kill */
  attemptsAfterKill: number;
  /** ctx.run steps replayed from the journal after the kill (body not run) */
  stepsReplayed: string[];
  /** ctx.run bodies that ran again after the kill (cut off before their result was journaled) */
  bodiesRunAgain: string[];
  /** its page in the Restate UI */
  uiUrl?: string;
}

export interface KillTally {
  interrupted: number;
  /** went on after the kill (an attempt, a journal entry or its completion after it) */
  resumed: number;
  completed: number;
  stepsReplayed: number;
  bodiesRunAgain: number;
}

/** Every timeline of a tree, by id. */
export function byId(ts: Timeline[]): Map<string, Timeline> {
  const out = new Map<string, Timeline>();
  const walk = (t: Timeline) => {
    if (!out.has(t.invocation.id)) out.set(t.invocation.id, t);
    t.children.forEach(walk);
  };
  ts.forEach(walk);
  return out;
}

/** The report of each interrupted invocation (in the order given), from the timelines read after the kill. */
export function reportInterrupted(before: Timeline[], after: Map<string, Timeline>, killedAtMs: number, now = Date.now()): InterruptedReport[] {
  const inFlight = new Set(before.map((t) => t.invocation.id));
  return before.map((b) => {
    const t = after.get(b.invocation.id) ?? b;
    const outcome = afterKill(t, killedAtMs);
    const w = outcome === "resumed-waiting" || outcome === "waiting" ? waitingOn(t) : undefined;
    const parent = b.invocation.parentId;
    return {
      id: b.invocation.id,
      target: b.invocation.target,
      ...(parent && inFlight.has(parent) ? { parentId: parent } : {}),
      before: { status: b.invocation.status, where: whereNow(b, now) },
      status: t.invocation.status,
      outcome,
      ...(w ? { waitingOn: w.text } : {}),
      attemptsAfterKill: attemptsAfter(t, killedAtMs).length,
      stepsReplayed: replayedAfter(t, killedAtMs),
      bodiesRunAgain: ranAgainAfter(t, killedAtMs),
      ...(t.invocation.uiUrl ? { uiUrl: t.invocation.uiUrl } : {}),
    };
  });
}

export function tally(reports: InterruptedReport[], after: Map<string, Timeline>, killedAtMs: number): KillTally {
  return {
    interrupted: reports.length,
    resumed: reports.filter((r) => {
      const t = after.get(r.id);
      return t !== undefined && wentOn(t, killedAtMs);
    }).length,
    completed: reports.filter((r) => r.status === "completed").length,
    stepsReplayed: reports.reduce((n, r) => n + r.stepsReplayed.length, 0),
    bodiesRunAgain: reports.reduce((n, r) => n + r.bodiesRunAgain.length, 0),
  };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The one summary line: "1 interrupted, 1 resumed, 1 completed, 2 steps replayed, 0 bodies run again". */
export function tallyLine(t: KillTally, words: { interrupted: string; resumed: string } = { interrupted: "interrupted", resumed: "resumed" }): string {
  return `${t.interrupted} ${words.interrupted}, ${t.resumed} ${words.resumed}, ${t.completed} completed, ${plural(t.stepsReplayed, "step")} replayed, ${plural(t.bodiesRunAgain, "body", "bodies")} run again`;
}

/** After a crash, what an invocation's journal saved it: the steps replayed and the bodies that ran again (text lines). */
export function replayLines(t: Timeline, sinceMs = 0): string[] {
  const lines: string[] = [];
  for (const x of byId([t]).values()) {
    const replayed = replayedAfter(x, sinceMs);
    const again = ranAgainAfter(x, sinceMs);
    if (!replayed.length && !again.length) continue;
    const who = `${x.invocation.target}`;
    if (replayed.length) lines.push(`${who}: replayed from the journal, body not run again: ${quoteList(replayed)}`);
    if (again.length) lines.push(`${who}: ran again (cut off before its result was journaled: at-least-once): ${quoteList(again)}`);
  }
  return lines;
}

export function quoteList(names: string[]): string {
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  return [...counts].map(([n, k]) => `"${n}"${k > 1 ? ` ×${k}` : ""}`).join(", ");
}

// ---- reading ---------------------------------------------------------------------------------------------------

/** The timelines (with their children) of these invocations, read now. */
export async function timelinesOf(admin: AdminClient, paths: StatePaths, ids: string[]): Promise<Timeline[]> {
  if (!ids.length) return [];
  const rows = await findInvocations(admin, { ids, limit: ids.length });
  const snap = await gatherSnapshot(admin, paths, rows);
  return timelinesFrom(
    snap,
    rows.map((r) => r.id),
  );
}

/** Started and unfinished invocations (oldest first), and how many more are queued or scheduled, not started. */
export async function inFlightRows(admin: AdminClient, q: Omit<InvocationQuery, "status" | "notCompleted" | "order"> = {}): Promise<{ rows: InvocationRow[]; notStarted: InvocationRow[] }> {
  const rows = await findInvocations(admin, { ...q, notCompleted: true, order: "oldest", limit: q.limit ?? 500 });
  return {
    rows: rows.filter((r) => (IN_FLIGHT_STATUSES as readonly string[]).includes(r.status)),
    notStarted: rows.filter((r) => r.status === "pending" || r.status === "scheduled"),
  };
}

/**
 * After a restate-server restart its partitions come back one by one, and a query touching one that is not loaded
 * yet fails: wait until a query over all of them (a count of every invocation) answers.
 */
export async function whenQueryable(admin: AdminClient, timeoutMs = 60_000): Promise<void> {
  await eventually("restate-server to answer queries over every partition", async () => (await countInvocations(admin, {}), true), { timeoutMs, everyMs: 300 });
}
