// The rows of a timeline: one per journal entry, marker (crash, restart, attempt, queue) and collapsed child
// invocation, each with its points on the time axis, its bar cells, its paint and its text; sorted strictly by time.
import { c } from "../ui/palette.js";
import { humanDuration } from "../ui/output.js";
import { LATE_MS } from "./model.js";
import type { TimeScale } from "./scale.js";
import type { Timeline, TimelineEntry, TimelineMarker } from "./types.js";
import { durationText, entryText, markerText, ms, shortRef, statusText } from "./render-text.js";

export interface Span {
  from: number;
  to: number;
}

export interface Row {
  /** the time shown in the offset column; rows are sorted by it */
  t: number;
  /** ties: markers that explain an entry first, then the entry, the child it started, "done" last */
  order: number;
  /** journal index, for ties between entries */
  index?: number;
  points: number[];
  /** real work drawn on the row (never squeezed) */
  busy?: Span[];
  /** what is waited on during this row's span (labels squeezed gaps) */
  waiting?: Span & { label: string };
  cells: (scale: TimeScale) => string[];
  paint: (s: string) => string;
  /** icon and label columns; a child row has its own lead ("└─") instead */
  icon?: string;
  label?: string;
  lead?: string;
  text: (room: number) => string;
  /** a line of explanation under the text (wrapped) */
  explain?: string;
}

export const CLOCK_SLACK_MS = 50;

const KIND: Record<TimelineEntry["kind"], { icon: string; label: string; wait: boolean }> = {
  input: { icon: "▶", label: "input", wait: false },
  output: { icon: "◀", label: "output", wait: false },
  run: { icon: "●", label: "run", wait: false },
  sleep: { icon: "◷", label: "sleep", wait: true },
  call: { icon: "→", label: "call", wait: true },
  send: { icon: "⇢", label: "send", wait: false },
  "get-state": { icon: "◇", label: "get", wait: false },
  "set-state": { icon: "◆", label: "set", wait: false },
  "clear-state": { icon: "◆", label: "clear", wait: false },
  "state-keys": { icon: "◇", label: "keys", wait: false },
  promise: { icon: "◈", label: "promise", wait: true },
  awakeable: { icon: "◈", label: "awakeable", wait: true },
  signal: { icon: "◈", label: "signal", wait: false },
  attach: { icon: "→", label: "attach", wait: true },
  other: { icon: "·", label: "entry", wait: false },
};

function waitLabel(e: TimelineEntry): string {
  switch (e.kind) {
    case "sleep":
      return `sleeping${e.name ? ` (${e.name})` : ""}`;
    case "call":
      return `waiting for ${e.target ?? "a call"}`;
    case "awakeable":
      return "waiting for an awakeable";
    default:
      return `waiting for ${KIND[e.kind].label}${e.name ? ` ${e.name}` : ""}`;
  }
}

function entryRow(e: TimelineEntry, endOfView: number): Row {
  const k = KIND[e.kind];
  const start = ms(e.at);
  const stop = e.completedAt ? ms(e.completedAt) : e.pending ? endOfView : undefined;
  const points = [start];
  if (stop !== undefined) points.push(stop);
  if (e.dueAt) points.push(ms(e.dueAt));
  if (e.resumedAt) points.push(ms(e.resumedAt));
  // a step's bar is its body's own work (each execution, from the step log), never the downtime before a re-run
  const bodies: Span[] =
    e.kind === "run" && e.execution?.bodyRuns.length
      ? e.execution.bodyRuns.map((b) => ({ from: ms(b.startedAt), to: Number.isFinite(ms(b.endedAt)) ? ms(b.endedAt) : b.journaled && stop !== undefined ? stop : ms(b.startedAt) }))
      : e.kind === "run" && stop !== undefined
        ? [{ from: start, to: stop }]
        : [];
  for (const b of bodies) points.push(b.from, b.to);
  const waitFrom = e.waitFrom ? ms(e.waitFrom) : undefined;
  if (waitFrom !== undefined) points.push(waitFrom);
  const waiting = waitFrom !== undefined ? { from: waitFrom, to: start, label: waitLabel(e) } : k.wait && stop !== undefined ? { from: start, to: stop, label: waitLabel(e) } : undefined;
  const paint = e.failure ? c.fail : e.kind === "run" ? runPaint(e) : k.wait ? c.info : (s: string) => s;
  const x = e.execution;
  return {
    t: e.kind === "input" ? start : start,
    order: e.kind === "input" ? -1 : 2,
    index: e.index,
    points,
    busy: bodies,
    waiting,
    paint,
    icon: e.failure ? c.fail(k.icon) : k.icon,
    label: k.label,
    cells: (scale) => {
      if (e.kind === "run") {
        const cells = scale.bar(start, undefined, " ");
        for (const b of bodies) {
          const a = scale.col(b.from);
          const z = Math.max(a, scale.col(b.to));
          for (let i = a; i <= z; i++) cells[i] = "█";
        }
        if (!bodies.length) cells[scale.col(start)] = "▌";
        return cells;
      }
      if (waiting) return scale.bar(waiting.from, waiting.to, "░");
      return scale.bar(start, undefined, "▌");
    },
    text: (room) => entryText(e, room - 2),
    // the lesson of the crash demos gets its own line under the step: what ran where, what was replayed
    explain: x && x.verdict !== "live" && x.summary ? (x.verdict === "ran-again" ? c.warn(x.summary) : x.verdict === "replayed" ? c.info(x.summary) : c.dim(x.summary)) : undefined,
  };
}

function runPaint(e: TimelineEntry): (s: string) => string {
  switch (e.execution?.verdict) {
    case "replayed":
      return c.info;
    case "ran-again":
    case "retried":
      return c.warn;
    default:
      return c.ok;
  }
}

const MARK: Record<TimelineMarker["kind"], { icon: string; label: string; ch: string; paint: (s: string) => string }> = {
  scheduled: { icon: "…", label: "delayed", ch: "·", paint: c.dim },
  queued: { icon: "…", label: "queued", ch: "░", paint: c.warn },
  started: { icon: "▷", label: "started", ch: "▏", paint: c.dim },
  attempt: { icon: "▸", label: "attempt", ch: "▸", paint: c.info },
  "transient-error": { icon: "✗", label: "error", ch: "✗", paint: c.fail },
  paused: { icon: "⏸", label: "paused", ch: "⏸", paint: c.warn },
  "worker-exit": { icon: "✕", label: "CRASH", ch: "✕", paint: c.fail },
  "worker-back": { icon: "↑", label: "restart", ch: "╳", paint: c.fail },
  "restate-exit": { icon: "✕", label: "CRASH", ch: "✕", paint: c.fail },
  "restate-back": { icon: "↑", label: "restart", ch: "╳", paint: c.fail },
  "last-failure": { icon: "!", label: "failing", ch: "!", paint: c.warn },
  completed: { icon: "■", label: "done", ch: "■", paint: c.ok },
};

function markerRow(m: TimelineMarker): Row {
  const k = MARK[m.kind];
  const t = ms(m.at);
  const label = m.kind === "completed" && m.text.startsWith("failed") ? "failed" : k.label;
  // waits and downtimes are spans: the queue (inboxed → running), a delayed start, a component's downtime
  const span: Span | undefined =
    (m.kind === "queued" || m.kind === "scheduled") && m.until
      ? { from: t, to: ms(m.until) }
      : (m.kind === "worker-back" || m.kind === "restate-back") && m.downMs !== undefined
        ? { from: t - m.downMs, to: t }
        : undefined;
  const order = m.kind === "completed" ? 4 : m.kind === "attempt" ? 1 : 0;
  return {
    t,
    order,
    points: span ? [span.from, span.to] : [t],
    waiting: (m.kind === "queued" || m.kind === "scheduled") && span ? { ...span, label: m.kind === "queued" ? "queued behind the same key" : "delayed start" } : undefined,
    paint: k.paint,
    icon: k.paint(k.icon),
    label,
    cells: (scale) => (span ? scale.bar(span.from, span.to, k.ch) : scale.bar(t, undefined, k.ch)),
    text: () => markerText(m),
  };
}

/** What a child did that its parent's reader should know: crashes, steps that were not simply live, failure. */
function childNotes(t: Timeline): string[] {
  const notes: string[] = [];
  const crashes = t.markers.filter((m) => m.kind === "worker-exit" || m.kind === "restate-exit");
  if (crashes.length)
    notes.push(
      `${crashes.length} crash${crashes.length === 1 ? "" : "es"} while it ran (${crashes.map((m) => (m.kind === "worker-exit" ? `worker pid ${m.pid ?? "?"}` : "restate-server")).join(", ")})`,
    );
  for (const e of t.entries) {
    const v = e.execution?.verdict;
    if (e.kind !== "run" || !v || v === "live" || v === "unknown") continue;
    const what = v === "ran-again" ? `RAN ${e.execution!.bodyRuns.length}×` : v === "replayed" ? "REPLAYED" : v === "retried" ? `retried ${e.execution!.bodyRuns.length - 1}×` : v;
    notes.push(`${e.name || "(unnamed)"} ${what}`);
  }
  const sleeps = t.entries.filter((e) => e.kind === "sleep" && e.lateMs !== undefined && e.lateMs > LATE_MS);
  for (const e of sleeps) notes.push(`sleep ${e.name ?? ""} late by ${humanDuration(e.lateMs!)}`.replace("  ", " "));
  const grand = t.children.length;
  if (grand) notes.push(`${grand} call${grand === 1 ? "" : "s"}/send${grand === 1 ? "" : "s"} of its own`);
  return notes;
}

function childRow(child: Timeline, calledAt: number | undefined, endOfView: number): Row {
  const i = child.invocation;
  const created = ms(i.createdAt);
  const running = i.runningAt ? ms(i.runningAt) : undefined;
  const end = i.completedAt ? ms(i.completedAt) : endOfView;
  const delayed = child.markers.some((m) => m.kind === "scheduled");
  // a delayed send's child is shown when it started (or is due), not when it was sent: time order
  const t = delayed ? (running ?? (i.dueAt ? ms(i.dueAt) : created)) : Math.max(created, calledAt ?? created);
  const runs = child.entries.filter((e) => e.kind === "run" && e.execution);
  const live = runs.filter((e) => e.execution!.verdict === "live").length;
  const steps = `${i.steps} step${i.steps === 1 ? "" : "s"}${runs.length && live === runs.length ? `, ${live === 1 ? "its run" : `${live} runs`} live` : ""}`;
  const notes = childNotes(child);
  const warnNotes = notes.some((n) => /RAN|crash|late|retried/.test(n));
  return {
    t,
    order: 3,
    points: [created, end, ...(running !== undefined ? [running] : [])],
    busy: running !== undefined ? [{ from: running, to: end }] : [],
    paint: i.result === "failure" ? c.fail : i.status === "completed" ? c.dim : c.info,
    lead: c.dim("└─"),
    cells: (scale) => {
      const cells = scale.bar(created, undefined, " ");
      if (running !== undefined && running > created + CLOCK_SLACK_MS) for (let k = scale.col(created); k < scale.col(running); k++) cells[k] = "·";
      const a = scale.col(running ?? created);
      for (let k = a; k <= Math.max(a, scale.col(end)); k++) cells[k] = "▒";
      return cells;
    },
    text: () =>
      `${c.bold(i.target)} ${c.id(shortRef(i.id))} ${statusText(i)} ${c.dim(`${i.dueAt && i.status !== "completed" ? durationText(i) : humanDuration(i.durationMs)}, ${steps}${i.retries ? `, ${i.retries} retr${i.retries === 1 ? "y" : "ies"}` : ""}`)}`,
    explain: notes.length ? (warnNotes ? c.warn(notes.join("; ")) : c.dim(notes.join("; "))) : undefined,
  };
}

export function rowsOf(t: Timeline, endOfView: number): Row[] {
  const rows: Row[] = [];
  const waitMarkers = t.markers.filter((m) => (m.kind === "queued" || m.kind === "scheduled") && m.until);
  for (const m of t.markers) {
    // "started running after waiting" is the end of the queued/delayed row's bar: not a row of its own
    if (m.kind === "started" && waitMarkers.length) continue;
    rows.push(markerRow(m));
  }
  for (const e of t.entries) rows.push(entryRow(e, endOfView));
  const callOf = new Map(t.entries.filter((e) => e.childId).map((e) => [e.childId!, e]));
  for (const child of t.children) rows.push(childRow(child, callOf.has(child.invocation.id) ? ms(callOf.get(child.invocation.id)!.at) : undefined, endOfView));
  const i = t.invocation;
  // suspended with nothing pending in the journal: it waits for something that has no command (an awakeable)
  if (i.status === "suspended" && !t.entries.some((e) => e.pending)) {
    const last = Math.max(ms(i.runningAt ?? i.createdAt), ...t.entries.flatMap((e) => [ms(e.at), ms(e.completedAt)]).filter(Number.isFinite));
    rows.push({
      t: last,
      order: 3.5,
      points: [last, endOfView],
      waiting: { from: last, to: endOfView, label: "suspended, waiting for an awakeable or a signal" },
      paint: c.info,
      icon: "◈",
      label: "waiting",
      cells: (scale) => scale.bar(last, endOfView, "░"),
      text: () => c.info(`suspended for ${humanDuration(endOfView - last)}: waiting for an awakeable or a signal to be completed`),
    });
  }
  // strictly in time order: the offset column never goes back
  rows.sort((a, b) => a.t - b.t || a.order - b.order || (a.index ?? 0) - (b.index ?? 0));
  return rows;
}

export function allTimes(t: Timeline): number[] {
  const out = [ms(t.invocation.createdAt)];
  if (t.invocation.completedAt) out.push(ms(t.invocation.completedAt));
  for (const e of t.entries) {
    out.push(ms(e.at));
    if (e.completedAt) out.push(ms(e.completedAt));
    if (e.resumedAt) out.push(ms(e.resumedAt));
  }
  for (const m of t.markers) out.push(ms(m.at));
  for (const ch of t.children) out.push(...allTimes(ch));
  return out.filter((x) => Number.isFinite(x));
}
