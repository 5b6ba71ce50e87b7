// Text rendering of timelines: one line per journal entry or event, offset from the invocation's start, a bar on a
// shared time axis (long idle stretches squeezed and labelled), children indented under the call that started them.
// Colour only through the palette, so NO_COLOR / pipes / --json give plain text.
import { c, colorEnabled } from "../ui/palette.js";
import { humanDuration, shortId, table, visibleLength } from "../ui/output.js";
import { clock } from "./model.js";
import { truncate } from "./decode.js";
import { TimeScale, type Gap } from "./scale.js";
import type { InvocationInfo, Timeline, TimelineEntry, TimelineMarker } from "./types.js";

export interface RenderOptions {
  /** bar width in columns (default: from the line width) */
  barWidth?: number;
  /** the line width to fit (default: the terminal's, else 160); longer lines are cut, explanations wrapped */
  width?: number;
  /** "now" for unfinished invocations (default: the latest time in the timeline) */
  now?: number;
}

const ms = (iso: string | undefined) => (iso ? Date.parse(iso) : NaN);

interface Row {
  t: number;
  depth: number;
  /** draws the line, given the shared scale */
  draw: (scale: TimeScale, origin: number) => string;
  /** times this row covers (for the axis) */
  points: number[];
  /** what is waited on during this row's span (labels squeezed gaps) */
  waiting?: { from: number; to: number; label: string };
}

export function offsetLabel(msFromStart: number): string {
  if (msFromStart < 1000) return `+${Math.round(msFromStart)} ms`;
  if (msFromStart < 60_000) return `+${(msFromStart / 1000).toFixed(2)} s`;
  return `+${humanDuration(msFromStart)}`;
}

const OFFSET_WIDTH = 10;
const ATTEMPT_SLACK_MS = 50;
const LABEL_WIDTH = 9;

function lineOf(scale: TimeScale, origin: number, depth: number, t: number, cells: string[], icon: string, label: string, text: string, paint: (s: string) => string = (s) => s): string {
  const off = offsetLabel(Math.max(0, t - origin)).padStart(OFFSET_WIDTH);
  const bar = cells.map((ch) => (ch === "┊" ? c.dim(ch) : ch === " " ? ch : paint(ch))).join("");
  return `${"   ".repeat(depth)}${c.dim(off)} ${c.dim("│")}${bar}${c.dim("│")} ${icon} ${label.padEnd(LABEL_WIDTH)} ${text}`;
}

export function statusText(i: Pick<InvocationInfo, "status" | "result">): string {
  if (i.status === "completed") return i.result === "failure" ? c.fail("failed") : c.ok("completed");
  if (i.status === "running") return c.info("running");
  if (i.status === "backing-off" || i.status === "paused") return c.warn(i.status);
  return c.warn(i.status);
}

export function headerLine(i: InvocationInfo): string {
  const parts = [
    `${statusText(i)} ${i.status === "completed" ? "in" : "for"} ${humanDuration(i.durationMs)}`,
    `${i.attempts} attempt${i.attempts === 1 ? "" : "s"}${i.retries ? `, ${i.retries} retr${i.retries === 1 ? "y" : "ies"}` : ""}`,
    `${i.steps} step${i.steps === 1 ? "" : "s"}`,
    i.invokedBy ? `from ${i.invokedBy}${i.parentTarget ? ` ${i.parentTarget}` : ""}` : undefined,
    `created ${clock(i.createdAt)}`,
  ].filter(Boolean);
  return `${c.bold(i.target)}  ${c.id(i.id)}\n  ${parts.join(c.dim(" · "))}${i.failure ? `\n  ${c.fail(i.failure)}` : ""}`;
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

/** Values are cut shorter in the text view than in the model. */
const SHOWN_VALUE = 60;
function shown(v: string): string {
  return truncate(v, SHOWN_VALUE);
}

function valueText(e: TimelineEntry): string {
  if (e.failure) return c.fail(`✗ ${e.failure.code !== undefined ? `[${e.failure.code}] ` : ""}${e.failure.message}`);
  return e.value !== undefined ? c.dim(shown(e.value)) : "";
}

export function entryText(e: TimelineEntry): string {
  const dur = e.durationMs !== undefined ? humanDuration(e.durationMs) : e.pending ? c.info("…") : "";
  const join = (...parts: (string | undefined)[]) => parts.filter((p) => p !== undefined && p !== "").join("  ");
  switch (e.kind) {
    case "run": {
      const name = e.name ? c.bold(e.name) : c.dim(isClockValue(e.value) ? "(unnamed: ctx.date.now)" : "(unnamed)");
      const tag = verdictTag(e);
      const where = e.execution?.verdict === "live" ? c.dim(`(${bodyWhere(e)})`) : "";
      return join(name, dur, tag, where, e.failure ? valueText(e) : e.value !== undefined ? `${c.dim("→")} ${c.dim(shown(e.value))}` : "");
    }
    case "sleep": {
      const planned = e.dueAt ? ms(e.dueAt) - ms(e.at) : undefined;
      const fired = e.pending
        ? c.info(`sleeping, due ${e.dueAt ? clock(e.dueAt) : "?"}`)
        : e.lateMs !== undefined && e.lateMs > 250
          ? c.warn(`fired ${humanDuration(e.lateMs)} late`)
          : c.dim("fired on time");
      return join(e.name ? c.bold(e.name) : undefined, planned !== undefined ? humanDuration(planned) : undefined, e.dueAt ? c.dim(`wake-up ${clock(e.dueAt)}`) : undefined, fired);
    }
    case "call":
      return join(c.bold(e.target ?? "?"), dur, e.failure ? valueText(e) : e.value !== undefined ? `${c.dim("→")} ${c.dim(shown(e.value))}` : "", e.childId ? c.id(shortRef(e.childId)) : undefined);
    case "send":
      return join(
        c.bold(e.target ?? "?"),
        e.dueAt ? c.info(`delayed to ${clock(e.dueAt)} (+${humanDuration(ms(e.dueAt) - ms(e.at))})`) : undefined,
        e.value !== undefined ? c.dim(`with ${shown(e.value)}`) : undefined,
        e.childId ? c.id(shortRef(e.childId)) : undefined,
      );
    case "get-state":
      return join(c.bold(e.name ?? "?"), e.value !== undefined ? `${c.dim("→")} ${c.dim(shown(e.value))}` : e.pending ? c.info("…") : undefined);
    case "set-state":
      return join(c.bold(e.name ?? "?"), e.value !== undefined ? `${c.dim("=")} ${c.dim(shown(e.value))}` : undefined);
    case "clear-state":
      return c.bold(e.name === "*" ? "all keys" : (e.name ?? "?"));
    case "input":
      return e.value !== undefined ? c.dim(shown(e.value)) : c.dim("(no input)");
    case "output":
      return e.failure ? valueText(e) : e.value !== undefined ? c.dim(shown(e.value)) : c.dim("(no output)");
    default:
      return join(e.name ? c.bold(e.name) : undefined, dur, valueText(e), e.target);
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

function entryRow(e: TimelineEntry, depth: number, endOfView: number): Row {
  const k = KIND[e.kind];
  const start = ms(e.at);
  const stop = e.completedAt ? ms(e.completedAt) : e.pending ? endOfView : undefined;
  const points = [start];
  if (stop !== undefined) points.push(stop);
  if (e.dueAt) points.push(ms(e.dueAt));
  const waiting =
    k.wait && stop !== undefined
      ? { from: start, to: stop, label: e.kind === "sleep" ? `sleeping${e.name ? ` (${e.name})` : ""}` : e.kind === "call" ? `waiting for ${e.target ?? "a call"}` : `waiting for ${k.label}${e.name ? ` ${e.name}` : ""}` }
      : e.kind === "run" && stop !== undefined
        ? { from: start, to: stop, label: `running ${e.name || "a step"}` }
        : undefined;
  const ch = e.kind === "run" ? "█" : k.wait ? "░" : "▌";
  const paint = e.failure ? c.fail : e.kind === "run" ? runPaint(e) : k.wait ? c.info : (s: string) => s;
  return {
    t: start,
    depth,
    points,
    waiting,
    draw: (scale, origin) => {
      const line = lineOf(scale, origin, depth, start, scale.bar(start, stop, ch), e.failure ? c.fail(k.icon) : k.icon, k.label, entryText(e), paint);
      const x = e.execution;
      // the lesson of the crash demos gets its own line under the step: what ran where, what was replayed
      if (!x || x.verdict === "live" || !x.summary) return line;
      return `${line}\n${EXPLAIN}${" ".repeat(continuationIndent(depth, scale.width))}${c.dim("↳ ")}${x.verdict === "ran-again" ? c.warn(x.summary) : x.verdict === "replayed" ? c.info(x.summary) : c.dim(x.summary)}`;
    },
  };
}

/** Marks a continuation line (wrapped, not cut, when fitting the width). */
const EXPLAIN = "\u0000";

function continuationIndent(depth: number, barWidth: number): number {
  return depth * 3 + OFFSET_WIDTH + 1 + barWidth + 2 + 1 + 2 + LABEL_WIDTH + 1;
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
  queued: { icon: "…", label: "queued", ch: "·", paint: c.dim },
  started: { icon: "▷", label: "started", ch: "▏", paint: c.dim },
  attempt: { icon: "▸", label: "attempt", ch: "▸", paint: c.info },
  "transient-error": { icon: "✗", label: "error", ch: "✗", paint: c.fail },
  paused: { icon: "⏸", label: "paused", ch: "⏸", paint: c.warn },
  "worker-exit": { icon: "✕", label: "CRASH", ch: "✕", paint: c.fail },
  "worker-back": { icon: "↑", label: "restart", ch: "↑", paint: c.ok },
  "restate-exit": { icon: "✕", label: "CRASH", ch: "✕", paint: c.fail },
  "restate-back": { icon: "↑", label: "restart", ch: "↑", paint: c.ok },
  "last-failure": { icon: "!", label: "failing", ch: "!", paint: c.warn },
  completed: { icon: "■", label: "done", ch: "■", paint: c.ok },
};

export function markerText(m: TimelineMarker): string {
  switch (m.kind) {
    case "transient-error": {
      const codes = [m.code, m.docCode].filter((x) => x !== undefined).join(" ");
      return `${c.fail(m.message ?? m.text)}${codes ? ` ${c.dim(`[${codes}]`)}` : ""}${m.step ? c.dim(` at "${m.step}"`) : ""}`;
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
      return c.ok(m.text);
    case "completed":
      return m.text.startsWith("failed") ? c.fail(m.text) : c.ok(m.text);
    default:
      return m.text;
  }
}

function markerRow(m: TimelineMarker, depth: number): Row {
  const k = MARK[m.kind];
  const t = ms(m.at);
  const label = m.kind === "completed" && m.text.startsWith("failed") ? "failed" : k.label;
  return {
    t,
    depth,
    points: [t],
    draw: (scale, origin) => lineOf(scale, origin, depth, t, scale.bar(t, undefined, k.ch), k.paint(k.icon), label, markerText(m), k.paint),
  };
}

// ---- a whole timeline ------------------------------------------------------------------------------------------

function rowsOf(t: Timeline, depth: number, endOfView: number, childIdsShown: Set<string>): Row[] {
  const items: { t: number; order: number; row: Row; entry?: TimelineEntry }[] = [];
  for (const m of t.markers) {
    // markers sort before the entries they explain, "done" after everything; an attempt starts a few ms before the
    // journal records its first entry (two processes' clocks), so it sorts with that slack
    const order = m.kind === "completed" ? 3 : m.kind === "attempt" ? 1 : 0;
    items.push({ t: ms(m.at) - (m.kind === "attempt" ? ATTEMPT_SLACK_MS : 0), order, row: markerRow(m, depth) });
  }
  // the input is journaled when the invocation is created: it always comes first
  for (const e of t.entries) items.push({ t: e.kind === "input" ? -Infinity : ms(e.at), order: 2, row: entryRow(e, depth, endOfView), entry: e });
  items.sort((a, b) => a.t - b.t || a.order - b.order || (a.entry && b.entry ? a.entry.index - b.entry.index : 0));
  const rows: Row[] = [];
  for (const it of items) {
    rows.push(it.row);
    const childId = it.entry?.childId;
    const child = childId ? t.children.find((x) => x.invocation.id === childId) : undefined;
    if (child && !childIdsShown.has(child.invocation.id)) {
      childIdsShown.add(child.invocation.id);
      rows.push(...childRows(child, depth + 1, endOfView, childIdsShown));
    }
  }
  for (const child of t.children) {
    if (childIdsShown.has(child.invocation.id)) continue;
    childIdsShown.add(child.invocation.id);
    rows.push(...childRows(child, depth + 1, endOfView, childIdsShown));
  }
  return rows;
}

function childRows(child: Timeline, depth: number, endOfView: number, shown: Set<string>): Row[] {
  const i = child.invocation;
  const start = ms(i.createdAt);
  const head: Row = {
    t: start,
    depth,
    points: [start],
    draw: () =>
      `${"   ".repeat(depth)}${" ".repeat(OFFSET_WIDTH - 2)}${c.dim("└─")} ${c.bold(i.target)} ${c.id(shortRef(i.id))} ${statusText(i)} ${c.dim(`${humanDuration(i.durationMs)}, ${i.steps} step${i.steps === 1 ? "" : "s"}${i.retries ? `, ${i.retries} retries` : ""}`)}`,
  };
  return [head, ...rowsOf(child, depth, endOfView, shown)];
}

function allTimes(t: Timeline): number[] {
  const out = [ms(t.invocation.createdAt)];
  if (t.invocation.completedAt) out.push(ms(t.invocation.completedAt));
  for (const e of t.entries) {
    out.push(ms(e.at));
    if (e.completedAt) out.push(ms(e.completedAt));
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

export function renderTimeline(t: Timeline, opts: RenderOptions = {}): string[] {
  const lineWidth = opts.width ?? defaultWidth();
  const width = opts.barWidth ?? barWidthFor(lineWidth);
  const origin = ms(t.invocation.createdAt);
  const times = allTimes(t);
  const endOfView = Math.max(opts.now ?? 0, origin + t.invocation.durationMs, ...times);
  const rows = rowsOf(t, 0, endOfView, new Set());
  const points = rows.flatMap((r) => r.points);
  const scale = new TimeScale(origin, endOfView, points, width);
  const out = [headerLine(t.invocation)];
  const labelled = new Set<Gap>();
  const downs = downIntervals(t, endOfView);
  let prevT = origin;
  for (const r of rows) {
    for (const g of scale.gaps) {
      if (labelled.has(g) || !(prevT <= g.from && r.t >= g.to)) continue;
      labelled.add(g);
      out.push(gapLine(scale, g, rows, r.depth, downs));
    }
    out.push(r.draw(scale, origin));
    if (Number.isFinite(r.t)) prevT = Math.max(prevT, r.t);
  }
  for (const g of scale.gaps) if (!labelled.has(g)) out.push(gapLine(scale, g, rows, 0, downs));
  out.push(...footer(t));
  return fitLines(out, lineWidth);
}

const ANSI = /\x1b\[[0-9;]*m/g;

/** Cut a line to a visible width, keeping colour codes intact. */
export function fitLine(line: string, width: number): string {
  if (visibleLength(line) <= width) return line;
  let shown = 0;
  let outStr = "";
  for (let i = 0; i < line.length; ) {
    ANSI.lastIndex = i;
    const m = line[i] === "\x1b" ? ANSI.exec(line) : null;
    if (m && m.index === i) {
      outStr += m[0];
      i += m[0].length;
      continue;
    }
    if (shown >= width - 1) break;
    outStr += line[i];
    shown++;
    i++;
  }
  return `${outStr}…${colorEnabled() ? "\x1b[0m" : ""}`;
}

/** Word-wrap plain-ish text to a width; continuation lines get the indent. */
export function wrapText(text: string, width: number, indent: string): string[] {
  const words = text.split(" ");
  const lines: string[] = [];
  let cur = "";
  for (const w of words) {
    if (cur && visibleLength(cur) + 1 + visibleLength(w) > width) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines.map((l, i) => (i === 0 ? l : indent + l));
}

/** Fit rendered lines to the width: normal lines are cut, explanation lines (marked) are wrapped. */
export function fitLines(lines: string[], width: number): string[] {
  const out: string[] = [];
  for (const raw of lines.flatMap((l) => l.split("\n"))) {
    if (raw.startsWith(EXPLAIN)) {
      const line = raw.slice(EXPLAIN.length);
      const indent = /^ */.exec(line)![0];
      const body = line.slice(indent.length);
      const room = Math.max(30, width - indent.length);
      const wrapped = wrapText(body, room, `${indent}  `);
      out.push(...wrapped.map((l, i) => (i === 0 ? indent + l : l)));
    } else out.push(fitLine(raw, width));
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

function gapLine(scale: TimeScale, g: Gap, rows: Row[], depth: number, downs: { from: number; to: number; label: string }[] = []): string {
  const overlap = (x: { from: number; to: number }) => Math.max(0, Math.min(x.to, g.to) - Math.max(x.from, g.from));
  const down = downs.find((d) => overlap(d) >= (g.to - g.from) / 2)?.label;
  const waiting = rows.find((r) => r.waiting && r.waiting.from <= g.from + 5 && r.waiting.to >= g.to - 5)?.waiting?.label;
  const what = [waiting, down].filter(Boolean).join("; ") || "nothing journaled";
  const cells = Array.from({ length: scale.width }, () => " ");
  for (const col of scale.gapColumns()) cells[col] = "┊";
  const bar = cells.map((ch) => (ch === "┊" ? c.warn(ch) : ch)).join("");
  return `${"   ".repeat(depth)}${" ".repeat(OFFSET_WIDTH)} ${c.dim("│")}${bar}${c.dim("│")} ${c.warn("┊")} ${c.dim(`${humanDuration(g.to - g.from)} squeezed: ${what}`)}`;
}

/** One line on what the step log says about the ctx.run bodies, the lesson of the crash demos. */
export function footer(t: Timeline): string[] {
  const runs = collectRuns(t);
  if (!t.stepLog) return [c.dim("  (no step-log lines for this invocation: cannot tell replayed from re-executed bodies)")];
  if (runs.length === 0) return [];
  const count = (v: string) => runs.filter((e) => e.execution?.verdict === v).length;
  const parts = [
    count("live") ? `${count("live")} ran live` : "",
    count("replayed") ? c.info(`${count("replayed")} replayed from the journal (body not run again)`) : "",
    count("ran-again") ? c.warn(`${count("ran-again")} ran again (at-least-once body)`) : "",
    count("retried") ? c.warn(`${count("retried")} retried after errors`) : "",
    count("running") + count("pending") ? `${count("running") + count("pending")} not journaled yet` : "",
  ].filter(Boolean);
  return [`  ${c.dim("ctx.run steps:")} ${parts.join(c.dim(", "))}`];
}

function collectRuns(t: Timeline): TimelineEntry[] {
  return [...t.entries.filter((e) => e.kind === "run" && e.name), ...t.children.flatMap(collectRuns)];
}

// ---- lists -----------------------------------------------------------------------------------------------------

export function renderList(items: InvocationInfo[], width = defaultWidth()): string[] {
  if (items.length === 0) return [c.dim("no invocations match")];
  // full ids (people copy them into `timeline <id>`); the target column gives way when the line is too long
  const fixed = 8 + 10 + 9 + 5 + 7 + Math.max(...items.map((i) => i.id.length)) + 2 * 6;
  const room = Math.max(16, width - fixed);
  const cut = (s: string) => (s.length <= room ? s : `${s.slice(0, room - 1)}…`);
  const rows = items.map((i) => [clock(i.createdAt).slice(0, 8), cut(i.target), statusText(i), humanDuration(i.durationMs), String(i.steps), i.retries ? c.warn(String(i.retries)) : "0", c.id(i.id)]);
  return table(["created", "target", "status", "duration", "steps", "retries", "id"], rows, Number.MAX_SAFE_INTEGER);
}

/** A shortened id for people ("inv_1abcdefgh…wxyz"); `timeline` accepts it back (it matches head and tail). */
export function shortRef(id: string): string {
  return shortId(id, 12);
}
