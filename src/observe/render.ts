// Text rendering of timelines: one row per journal entry or event, strictly in time order, offset from the
// invocation's start, a bar on one shared time axis (long idle stretches squeezed and labelled, a step's own work
// never). Waiting is drawn as waiting (sleep, call, promise, awakeable, queue), downtime as downtime. Invocations it
// called or sent to are collapsed into one row each, at their own time on the same axis (`timeline <child id>` shows
// one in full), so time never runs backwards. Lines fit the width: text wraps at word boundaries (wrap-ansi), values
// are shortened to fit. Colour only through the palette, so NO_COLOR / pipes / --json give plain text.
import wrapAnsi from "wrap-ansi";
import stringWidth from "string-width";
import { c, colorEnabled } from "../ui/palette.js";
import { humanDuration, shortId, table } from "../ui/output.js";
import { clock, LATE_MS } from "./model.js";
import { truncate } from "./decode.js";
import { TimeScale, type Gap } from "./scale.js";
import type { InvocationInfo, Timeline, TimelineEntry, TimelineMarker } from "./types.js";

export interface RenderOptions {
  /** bar width in columns (default: from the line width) */
  barWidth?: number;
  /** the line width to fit (default: the terminal's, else 160); text wraps at word boundaries to fit it */
  width?: number;
  /** "now" for unfinished invocations (default: the latest time in the timeline) */
  now?: number;
}

const ms = (iso: string | undefined) => (iso ? Date.parse(iso) : NaN);

interface Span {
  from: number;
  to: number;
}

interface Row {
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

export function offsetLabel(msFromStart: number): string {
  if (msFromStart < 1000) return `+${Math.round(msFromStart)} ms`;
  if (msFromStart < 60_000) return `+${(msFromStart / 1000).toFixed(2)} s`;
  return `+${humanDuration(msFromStart)}`;
}

const OFFSET_WIDTH = 10;
const LABEL_WIDTH = 9;
const CLOCK_SLACK_MS = 50;

/** Where the columns are for a line width. */
interface Layout {
  width: number;
  bar: number;
  /** the column the text starts at */
  textCol: number;
}

function layoutFor(width: number, barWidth?: number): Layout {
  const bar = barWidth ?? barWidthFor(width);
  return { width, bar, textCol: OFFSET_WIDTH + 2 + bar + 2 + 2 + LABEL_WIDTH + 1 };
}

const ANSI_CODES = /\x1b\[[0-9;]*m/g;
// Latin, punctuation, arrows, box drawing, blocks and most shapes: one column each (string-width agrees); anything else
// (wide or combining characters) goes to string-width, which is exact but slow on long timelines
const NARROW = /^[\x20-\x7e\u00a0-\u024f\u2000-\u22ff\u2500-\u25fc]*$/;

/** The display width of a line, colour codes left out. */
export function displayWidth(s: string): number {
  const plain = s.replace(ANSI_CODES, "");
  return NARROW.test(plain) ? plain.length : stringWidth(plain);
}

/** Wrap text to a width at word boundaries (ANSI-aware); a word longer than the width is the only thing broken. */
export function wrapWords(text: string, width: number): string[] {
  if (width <= 0) return [text];
  if (!text.includes("\n") && displayWidth(text) <= width) return [text.trim()];
  return wrapAnsi(text, width, { hard: true, trim: true, wordWrap: true }).split("\n");
}

/** A prefix, then text wrapped to the rest of the width, continuation lines indented to the text. */
function prefixed(prefix: string, text: string, width: number, indent = displayWidth(prefix)): string[] {
  const room = Math.max(10, width - indent);
  const lines = wrapWords(glue(text), room).map(unglue);
  return lines.map((l, i) => (i === 0 ? `${prefix}${l}` : `${" ".repeat(indent)}${l}`)).map((l) => l.trimEnd());
}

// pairs a reader takes as one word are not split across lines: "419 ms", "pid 16280", "attempt 2", "→ value"
const NBSP = "\u00a0";
const PAIRS = /(\d) (ms|s|min|h|d)\b|\b(pid|attempt|attempts|key) (\d+|")|(→) /g;
function glue(text: string): string {
  return text.replace(PAIRS, (m, d: string | undefined, u: string | undefined, w: string | undefined, n: string | undefined, a: string | undefined) =>
    d !== undefined ? `${d}${NBSP}${u}` : w !== undefined ? `${w}${NBSP}${n}` : a !== undefined ? `${a}${NBSP}` : m,
  );
}
function unglue(line: string): string {
  return line.replace(/\u00a0/g, " ");
}

export function statusText(i: Pick<InvocationInfo, "status" | "result">): string {
  if (i.status === "completed") return i.result === "failure" ? c.fail("failed") : c.ok("completed");
  if (i.status === "running") return c.info("running");
  if (i.status === "backing-off" || i.status === "paused") return c.warn(i.status);
  return c.warn(i.status);
}

/** How long it took, or, for one that has not started, when it is due: the same words in lists and timelines. */
export function durationText(i: Pick<InvocationInfo, "status" | "durationMs" | "dueAt">, now = Date.now()): string {
  if (i.dueAt && i.status !== "completed") {
    const left = ms(i.dueAt) - now;
    return left > 0 ? `due in ${humanDuration(left)}` : `due ${humanDuration(-left)} ago`;
  }
  return `${i.status === "completed" ? "in" : "for"} ${humanDuration(i.durationMs)}`;
}

export function headerLine(i: InvocationInfo, width = Number.MAX_SAFE_INTEGER, now?: number): string {
  const parts = [
    `${statusText(i)} ${durationText(i, now)}`,
    `${i.attempts} attempt${i.attempts === 1 ? "" : "s"}${i.retries ? `, ${i.retries} retr${i.retries === 1 ? "y" : "ies"}` : ""}`,
    `${i.steps} step${i.steps === 1 ? "" : "s"}`,
    i.invokedBy ? `from ${i.invokedBy}${i.parentTarget ? ` ${i.parentTarget}` : ""}` : undefined,
    `created ${clock(i.createdAt)}`,
  ].filter(Boolean) as string[];
  const lines = [...prefixed("", `${c.bold(i.target)}  ${c.id(i.id)}`, width, 2)];
  // the parts break between themselves first: " · " joins are kept with the part that follows
  lines.push(...prefixed("  ", parts.map((p) => p.replace(/ /g, NBSP)).join(` ${c.dim("·")} `), width));
  if (i.failure) lines.push(...prefixed("  ", c.fail(i.failure), width));
  for (const l of linkLines(i)) lines.push(...prefixed("  ", l, width));
  return lines.join("\n");
}

/** Restart-as-new links (both ways) and the invocation's page in the Restate UI. */
function linkLines(i: InvocationInfo): string[] {
  const out: string[] = [];
  const from = i.restartedFrom;
  if (from) {
    const copied = from.copiedUpTo !== undefined ? `journal entries 0–${from.copiedUpTo} copied (answered from the journal), the rest ran live` : "only the input copied: it ran from the start";
    out.push(c.info(`restarted as new from ${from.id}: ${copied}`));
  }
  if (i.restartedAs?.length) out.push(c.info(`restarted as ${i.restartedAs.join(", ")}`));
  if (i.uiUrl) out.push(c.dim(`Restate UI: ${i.uiUrl}`));
  return out;
}

// ---- entries ---------------------------------------------------------------------------------------------------

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

export function verdictTag(e: TimelineEntry): string {
  const x = e.execution;
  if (!x) return "";
  switch (x.verdict) {
    case "live":
      return c.ok("live");
    case "replayed":
      return c.info(c.bold("REPLAYED"));
    case "ran-again":
      return c.warn(c.bold(`RAN ${x.bodyRuns.length}×`));
    case "retried":
      return c.warn(`retried ${x.bodyRuns.length - 1}×`);
    case "running":
      return c.info("running");
    case "pending":
      return c.dim("pending");
    default:
      return c.dim("?");
  }
}

/** Values are cut shorter in the text view than in the model (the whole value is in --json). */
const SHOWN_VALUE = 60;
function shown(v: string, max = SHOWN_VALUE): string {
  return truncate(v.replace(/\s+/g, " "), Math.max(12, Math.min(SHOWN_VALUE, max)));
}

function valueText(e: TimelineEntry, max?: number): string {
  if (e.failure) return c.fail(`✗ ${e.failure.code !== undefined ? `[${e.failure.code}] ` : ""}${clip(e.failure.message, SHOWN_MESSAGE)}`);
  return e.value !== undefined ? c.dim(shown(e.value, max)) : "";
}

/** How a sleep ended: on time, or late by how much and why (from real times: due vs when the code went on). */
export function sleepOutcome(e: TimelineEntry): string {
  if (e.pending) return c.info(e.dueAt ? "sleeping" : "sleeping, due time unknown");
  if (e.lateMs === undefined) return "";
  if (e.lateMs <= LATE_MS) return c.dim("on time");
  const timerOnTime = e.firedLateMs !== undefined && e.firedLateMs <= LATE_MS;
  const why = e.lateBecause ? `${e.lateBecause}${timerOnTime ? "; the timer itself fired on time" : ""}` : "";
  return c.warn(`late by ${humanDuration(e.lateMs)}${why ? ` (${why})` : ""}`);
}

/** The text of an entry's row; values are shortened to maxValue columns (default 60). */
export function entryText(e: TimelineEntry, maxValue?: number): string {
  const dur = e.durationMs !== undefined ? humanDuration(e.durationMs) : e.pending ? c.info("…") : "";
  const join = (...parts: (string | undefined)[]) => parts.filter((p) => p !== undefined && p !== "").join("  ");
  const arrow = (v: string | undefined) => (v !== undefined ? `${c.dim("→")} ${c.dim(shown(v, maxValue))}` : "");
  switch (e.kind) {
    case "run": {
      const name = e.name ? c.bold(e.name) : c.dim(isClockValue(e.value) ? "(unnamed: ctx.date.now)" : "(unnamed)");
      const work = e.workMs !== undefined ? humanDuration(e.workMs) : dur;
      const where = e.execution?.verdict === "live" ? c.dim(`(${bodyWhere(e)})`) : "";
      return join(name, work, verdictTag(e), where, e.failure ? valueText(e, maxValue) : arrow(e.value));
    }
    case "sleep": {
      // the wake-up time was computed by the worker a moment before the entry was journaled: a planned 1 s reads 999 ms
      // from the two stamps, so it is shown to the nearest 10 ms
      const planned = e.dueAt ? Math.round((ms(e.dueAt) - ms(e.at)) / 10) * 10 : undefined;
      return join(e.name ? c.bold(e.name) : undefined, planned !== undefined ? humanDuration(planned) : undefined, e.dueAt ? c.dim(`wake-up ${clock(e.dueAt)}`) : undefined, sleepOutcome(e));
    }
    case "call":
      return join(c.bold(e.target ?? "?"), e.pending ? c.info(`waiting for it${dur ? ` ${dur}` : ""}`) : dur, e.failure ? valueText(e, maxValue) : arrow(e.value), e.childId ? c.id(shortRef(e.childId)) : undefined);
    case "send":
      return join(
        c.bold(e.target ?? "?"),
        e.dueAt ? c.info(`delayed to ${clock(e.dueAt)} (+${humanDuration(ms(e.dueAt) - ms(e.at))})`) : undefined,
        e.value !== undefined ? c.dim(`with ${shown(e.value, maxValue)}`) : undefined,
        e.childId ? c.id(shortRef(e.childId)) : undefined,
      );
    case "get-state":
      return join(c.bold(e.name ?? "?"), e.value !== undefined ? arrow(e.value) : e.pending ? c.info("…") : undefined);
    case "set-state":
      return join(c.bold(e.name ?? "?"), e.value !== undefined ? `${c.dim("=")} ${c.dim(shown(e.value, maxValue))}` : undefined);
    case "clear-state":
      return c.bold(e.name === "*" ? "all keys" : (e.name ?? "?"));
    case "input":
      return e.value !== undefined ? c.dim(shown(e.value, maxValue)) : c.dim("(no input)");
    case "output":
      return e.failure ? valueText(e, maxValue) : e.value !== undefined ? c.dim(shown(e.value, maxValue)) : c.dim("(no output)");
    case "awakeable":
      if (e.waitFrom) return join(c.info(`waited ${humanDuration(e.durationMs ?? 0)}`), e.failure ? valueText(e, maxValue) : arrow(e.value) || c.dim("resolved"));
      return join(e.name ? c.bold(e.name) : undefined, valueText(e, maxValue));
    case "promise":
      return join(e.name ? c.bold(e.name) : undefined, e.pending ? c.info(`waiting${dur ? ` ${dur}` : ""}`) : dur, e.failure ? valueText(e, maxValue) : arrow(e.value));
    default:
      return join(e.name ? c.bold(e.name) : undefined, dur, valueText(e, maxValue), e.target);
  }
}

function bodyWhere(e: TimelineEntry): string {
  const r = e.execution?.bodyRuns.find((b) => b.journaled) ?? e.execution?.bodyRuns[0];
  return r ? `attempt ${r.attempt}, pid ${r.pid}` : "";
}

function isClockValue(v: string | undefined): boolean {
  if (!v || !/^\d{13}$/.test(v)) return false;
  return Math.abs(Number(v) - Date.now()) < 10 * 365 * 86_400_000;
}

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
  const waiting =
    waitFrom !== undefined
      ? { from: waitFrom, to: start, label: waitLabel(e) }
      : k.wait && stop !== undefined
        ? { from: start, to: stop, label: waitLabel(e) }
        : undefined;
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

// ---- markers ---------------------------------------------------------------------------------------------------

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

/** Error messages can be long (a stack of causes): the text view keeps the start, --json has all of it. */
const SHOWN_MESSAGE = 120;

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  const cut = flat.lastIndexOf(" ", max - 1);
  return `${flat.slice(0, cut > max / 2 ? cut : max - 1)}…`;
}

export function markerText(m: TimelineMarker): string {
  switch (m.kind) {
    case "transient-error": {
      const codes = [m.code, m.docCode].filter((x) => x !== undefined).join(" ");
      return `${c.fail(clip(m.message ?? m.text, SHOWN_MESSAGE))}${codes ? ` ${c.dim(`[${codes}]`)}` : ""}${m.step ? c.dim(` at "${m.step}"`) : ""}`;
    }
    case "attempt": {
      const gap = [
        m.gapMs !== undefined ? `${humanDuration(m.gapMs)} after the ${m.cause === "crash-restart" ? "crash" : "last error"}` : "",
        m.sinceBackMs !== undefined ? `${humanDuration(m.sinceBackMs)} after the restart` : "",
      ].filter(Boolean);
      const gapText = gap.length ? c.dim(` — ${gap.join(", ")}`) : "";
      return `${m.cause === "crash-restart" ? c.warn(m.text) : m.cause === "first" ? c.dim(m.text) : m.text}${gapText}`;
    }
    case "worker-exit":
    case "restate-exit":
      return c.fail(m.text);
    case "worker-back":
    case "restate-back":
      return c.ok(`${m.text}${m.downMs !== undefined ? ` after ${humanDuration(m.downMs)} down` : ""}`);
    case "queued":
      return `${c.warn(m.text)}${m.durationMs !== undefined ? `  ${c.warn(`${humanDuration(m.durationMs)}${m.ongoing ? " so far" : ""}`)}` : ""}`;
    case "scheduled":
      return `${m.text}${m.durationMs !== undefined ? `  ${c.dim(m.ongoing ? "not started yet" : `waited ${humanDuration(m.durationMs)}`)}` : ""}`;
    case "completed":
      // the failure itself is in the header and on the output row
      return m.text.startsWith("failed") ? c.fail(clip(m.text, 48)) : c.ok(m.text);
    case "last-failure":
    case "paused":
      return clip(m.text, SHOWN_MESSAGE);
    default:
      return m.text;
  }
}

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

// ---- children, collapsed ---------------------------------------------------------------------------------------

/** What a child did that its parent's reader should know: crashes, steps that were not simply live, failure. */
function childNotes(t: Timeline): string[] {
  const notes: string[] = [];
  const crashes = t.markers.filter((m) => m.kind === "worker-exit" || m.kind === "restate-exit");
  if (crashes.length) notes.push(`${crashes.length} crash${crashes.length === 1 ? "" : "es"} while it ran (${crashes.map((m) => (m.kind === "worker-exit" ? `worker pid ${m.pid ?? "?"}` : "restate-server")).join(", ")})`);
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

// ---- a whole timeline ------------------------------------------------------------------------------------------

function rowsOf(t: Timeline, endOfView: number): Row[] {
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

function allTimes(t: Timeline): number[] {
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

export function defaultWidth(): number {
  const cols = process.stdout.isTTY ? process.stdout.columns : Number(process.env.COLUMNS);
  return cols && cols >= 60 ? cols : 160;
}

export function barWidthFor(lineWidth: number): number {
  return Math.max(12, Math.min(36, Math.floor(lineWidth * 0.2)));
}

function drawRow(r: Row, scale: TimeScale, origin: number, L: Layout): string[] {
  const off = offsetLabel(Math.max(0, r.t - origin)).padStart(OFFSET_WIDTH);
  const bar = r
    .cells(scale)
    .map((ch) => (ch === "┊" ? c.dim(ch) : ch === " " ? ch : r.paint(ch)))
    .join("");
  const head = `${c.dim(off)} ${c.dim("│")}${bar}${c.dim("│")} `;
  const prefix = r.lead !== undefined ? `${head}${r.lead} ` : `${head}${r.icon ?? " "} ${(r.label ?? "").padEnd(LABEL_WIDTH)} `;
  const indent = r.lead !== undefined ? displayWidth(prefix) : L.textCol;
  const room = Math.max(10, L.width - indent);
  const lines = prefixed(prefix, r.text(room), L.width, indent);
  if (r.explain) lines.push(...prefixed(`${" ".repeat(indent)}${c.dim("↳ ")}`, r.explain, L.width, indent + 2));
  return lines;
}

export function renderTimeline(t: Timeline, opts: RenderOptions = {}): string[] {
  const lineWidth = opts.width ?? defaultWidth();
  const L = layoutFor(lineWidth, opts.barWidth);
  const origin = ms(t.invocation.createdAt);
  const times = allTimes(t);
  const endOfView = Math.max(opts.now ?? 0, origin + t.invocation.durationMs, ...times);
  const rows = rowsOf(t, endOfView);
  const points = rows.flatMap((r) => r.points);
  const scale = new TimeScale(origin, endOfView, points, L.bar, undefined, rows.flatMap((r) => r.busy ?? []));
  const out: string[] = [headerLine(t.invocation, lineWidth, opts.now)];
  const labelled = new Set<Gap>();
  const downs = downIntervals(t, endOfView);
  let prevT = origin;
  for (const r of rows) {
    for (const g of scale.gaps) {
      if (labelled.has(g) || !(prevT <= g.from + CLOCK_SLACK_MS && r.t >= g.to - CLOCK_SLACK_MS)) continue;
      labelled.add(g);
      out.push(...gapLines(scale, g, rows, downs, L));
    }
    out.push(...drawRow(r, scale, origin, L));
    if (Number.isFinite(r.t)) prevT = Math.max(prevT, r.t);
  }
  for (const g of scale.gaps) if (!labelled.has(g)) out.push(...gapLines(scale, g, rows, downs, L));
  out.push(...footer(t, lineWidth));
  return out.flatMap((l) => l.split("\n")).map((l) => (displayWidth(l) > lineWidth ? fitLine(l, lineWidth) : l));
}

const ANSI = /\x1b\[[0-9;]*m/g;

/** Cut a line to a visible width, keeping colour codes intact (for one-line views; timelines wrap instead). */
export function fitLine(line: string, width: number): string {
  if (displayWidth(line) <= width) return line;
  let shownCols = 0;
  let outStr = "";
  for (let i = 0; i < line.length; ) {
    ANSI.lastIndex = i;
    const m = line[i] === "\x1b" ? ANSI.exec(line) : null;
    if (m && m.index === i) {
      outStr += m[0];
      i += m[0].length;
      continue;
    }
    const ch = String.fromCodePoint(line.codePointAt(i)!);
    const w = displayWidth(ch);
    if (shownCols + w > width - 1) break;
    outStr += ch;
    shownCols += w;
    i += ch.length;
  }
  return `${outStr}…${colorEnabled() ? "\x1b[0m" : ""}`;
}

/** Word-wrap text to a width; continuation lines get the indent. */
export function wrapText(text: string, width: number, indent: string): string[] {
  return wrapWords(text, width).map((l, i) => (i === 0 ? l : indent + l));
}

/** Fit lines to the width: each line wraps at word boundaries, continuation lines keep its indent. */
export function fitLines(lines: string[], width: number): string[] {
  const out: string[] = [];
  for (const raw of lines.flatMap((l) => l.split("\n"))) {
    if (displayWidth(raw) <= width) {
      out.push(raw);
      continue;
    }
    const indent = /^ */.exec(raw.replace(ANSI, ""))![0].length;
    // continuation lines of a live line (it starts with a clock) line up after the clock
    const hang = /^\d\d:\d\d:\d\d/.test(raw.replace(ANSI, "")) ? 14 : indent + 2;
    out.push(...prefixed(" ".repeat(indent), raw.trimStart(), width, hang));
  }
  return out;
}

/** When a component was down (exit → back), from the markers: squeezed gaps inside one are labelled with it. */
function downIntervals(t: Timeline, endOfView: number): { from: number; to: number; label: string }[] {
  const out: { from: number; to: number; label: string }[] = [];
  const all = [t.markers, ...t.children.map((ch) => ch.markers)].flat().sort((a, b) => ms(a.at) - ms(b.at));
  for (const [exit, back, label] of [
    ["worker-exit", "worker-back", "worker down"],
    ["restate-exit", "restate-back", "restate-server down"],
  ] as const) {
    for (const m of all.filter((x) => x.kind === exit)) {
      const b = all.find((x) => x.kind === back && ms(x.at) >= ms(m.at));
      out.push({ from: ms(m.at), to: b ? ms(b.at) : endOfView, label: `${label}${m.pid ? ` (pid ${m.pid} killed)` : ""}` });
    }
  }
  return out;
}

function gapLines(scale: TimeScale, g: Gap, rows: Row[], downs: { from: number; to: number; label: string }[], L: Layout): string[] {
  const overlap = (x: { from: number; to: number }) => Math.max(0, Math.min(x.to, g.to) - Math.max(x.from, g.from));
  const down = downs.find((d) => overlap(d) >= (g.to - g.from) / 2)?.label;
  const waiting = rows.find((r) => r.waiting && r.waiting.from <= g.from + CLOCK_SLACK_MS && r.waiting.to >= g.to - CLOCK_SLACK_MS)?.waiting?.label;
  const what = [waiting, down].filter(Boolean).join("; ") || "nothing journaled";
  const cells = Array.from({ length: scale.width }, () => " ");
  for (const col of scale.gapColumns()) cells[col] = "┊";
  const bar = cells.map((ch) => (ch === "┊" ? c.warn(ch) : ch)).join("");
  const prefix = `${" ".repeat(OFFSET_WIDTH)} ${c.dim("│")}${bar}${c.dim("│")} ${c.warn("┊")} `;
  return prefixed(prefix, c.dim(`${humanDuration(g.to - g.from)} squeezed: ${what}`), L.width);
}

/** One line on what the step log says about the ctx.run bodies, the lesson of the crash demos. */
export function footer(t: Timeline, width = Number.MAX_SAFE_INTEGER): string[] {
  const runs = collectRuns(t);
  const lines: string[] = [];
  if (!t.stepLog && t.invocation.attempts > 0) lines.push(c.dim("  (no step-log lines for this invocation: cannot tell replayed from re-executed bodies)"));
  else if (runs.length) {
    const count = (v: string) => runs.filter((e) => e.execution?.verdict === v).length;
    const parts = [
      count("live") ? `${count("live")} ran live` : "",
      count("replayed") ? c.info(`${count("replayed")} replayed from the journal (body not run again)`) : "",
      count("ran-again") ? c.warn(`${count("ran-again")} ran again (at-least-once body)`) : "",
      count("retried") ? c.warn(`${count("retried")} retried after errors`) : "",
      count("running") + count("pending") ? `${count("running") + count("pending")} not journaled yet` : "",
    ].filter(Boolean);
    lines.push(`  ${c.dim("ctx.run steps:")} ${parts.join(c.dim(", "))}`);
  }
  if (t.children.length) lines.push(c.dim(`  calls and sends are one row each; one in full: npx patterns timeline ${shortRef(t.children[0]!.invocation.id)}`));
  return lines.flatMap((l) => prefixed("  ", l.trimStart(), width, 4));
}

function collectRuns(t: Timeline): TimelineEntry[] {
  return [...t.entries.filter((e) => e.kind === "run" && e.name), ...t.children.flatMap(collectRuns)];
}

// ---- lists -----------------------------------------------------------------------------------------------------

export function renderList(items: InvocationInfo[], width = defaultWidth(), now = Date.now()): string[] {
  if (items.length === 0) return [c.dim("no invocations match")];
  const headers = ["created", "target", "status", "duration", "steps", "retries", "id"];
  const cellsOf = (i: InvocationInfo, id: string, target: string) => [
    clock(i.createdAt).slice(0, 8),
    target,
    statusText(i),
    i.dueAt && i.status !== "completed" ? durationText(i, now) : humanDuration(i.durationMs),
    String(i.steps),
    i.retries ? c.warn(String(i.retries)) : "0",
    c.id(id),
  ];
  const widthOf = (rows: string[][], col: number) => Math.max(displayWidth(headers[col]!), ...rows.map((r) => displayWidth(r[col]!)));
  const others = (rows: string[][]) => [0, 2, 3, 4, 5, 6].reduce((sum, col) => sum + widthOf(rows, col), 0) + 2 * (headers.length - 1);
  // full ids (people copy them into `timeline <id>`); the target column gives way first, and on a narrow terminal
  // the ids take the shortened form, which `timeline` accepts back
  const fullRows = items.map((i) => cellsOf(i, i.id, i.target));
  const short = others(fullRows) + 10 > width;
  const base = items.map((i) => cellsOf(i, short ? shortRef(i.id) : i.id, i.target));
  const room = Math.max(6, width - others(base));
  const cut = (t: string) => (t.length <= room ? t : `${t.slice(0, room - 1)}…`);
  const rows = items.map((i) => cellsOf(i, short ? shortRef(i.id) : i.id, cut(i.target)));
  return table(headers, rows, Number.MAX_SAFE_INTEGER);
}

/** A shortened id for people ("inv_1abcdefgh…wxyz"); `timeline` accepts it back (it matches head and tail). */
export function shortRef(id: string): string {
  return shortId(id, 12);
}
