// Text rendering of timelines: one row per journal entry or event, strictly in time order, offset from the
// invocation's start, a bar on one shared time axis (long idle stretches squeezed and labelled, a step's own work
// never). Waiting is drawn as waiting (sleep, call, promise, awakeable, queue), downtime as downtime. Invocations it
// called or sent to are collapsed into one row each, at their own time on the same axis (`timeline <child id>` shows
// one in full), so time never runs backwards. Lines fit the width: text wraps at word boundaries (wrap-ansi), values
// are shortened to fit. Colour only through the palette, so NO_COLOR / pipes / --json give plain text.
import { c } from "../ui/palette.js";
import { humanDuration } from "../ui/output.js";
import { cut, displayWidth, hanging, stripAnsi } from "../ui/text.js";
import { TimeScale, type Gap } from "./scale.js";
import type { Timeline, TimelineEntry } from "./types.js";
import { allTimes, CLOCK_SLACK_MS, rowsOf, type Row } from "./render-rows.js";
import { defaultWidth, headerLine, ms, offsetLabel, shortRef } from "./render-text.js";

export { defaultWidth, durationText, entryText, headerLine, markerText, offsetLabel, shortRef, sleepOutcome, statusText, verdictTag } from "./render-text.js";
export { renderList } from "./render-list.js";

export interface RenderOptions {
  /** bar width in columns (default: from the line width) */
  barWidth?: number;
  /** the line width to fit (default: the terminal's, else 160); text wraps at word boundaries to fit it */
  width?: number;
  /** "now" for unfinished invocations (default: the latest time in the timeline) */
  now?: number;
}

const OFFSET_WIDTH = 10;

const LABEL_WIDTH = 9;

/** Where the columns are for a line width. */
interface Layout {
  width: number;
  bar: number;
  /** the column the text starts at */
  textCol: number;
  /** too narrow for text beside the bar: each row's text goes on the lines under it */
  narrow: boolean;
}

/** Beside the bar, text needs at least this many columns; with fewer it goes under the row. */
const MIN_TEXT_ROOM = 24;
/** How far text under a row is indented on a narrow terminal. */
const NARROW_INDENT = 4;

function layoutFor(width: number, barWidth?: number): Layout {
  const bar = barWidth ?? barWidthFor(width);
  const textCol = OFFSET_WIDTH + 2 + bar + 2 + 2 + LABEL_WIDTH + 1;
  const narrow = width - textCol < MIN_TEXT_ROOM;
  return { width, bar, textCol: narrow ? NARROW_INDENT : textCol, narrow };
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
  const indent = L.narrow ? NARROW_INDENT : r.lead !== undefined ? displayWidth(prefix) : L.textCol;
  const room = Math.max(10, L.width - indent);
  // on a narrow terminal the bar row stands alone and its text follows, indented: the two never share columns
  const lines = L.narrow ? [prefix.trimEnd(), ...hanging(" ".repeat(indent), r.text(room), L.width)] : hanging(prefix, r.text(room), L.width, indent);
  if (r.explain) lines.push(...hanging(`${" ".repeat(indent)}${c.dim("↳ ")}`, r.explain, L.width, indent + 2));
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
  const scale = new TimeScale(
    origin,
    endOfView,
    points,
    L.bar,
    undefined,
    rows.flatMap((r) => r.busy ?? []),
  );
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
  return out.flatMap((l) => l.split("\n")).map((l) => (displayWidth(l) > lineWidth ? cut(l, lineWidth) : l));
}

/** Fit lines to the width: each line wraps at word boundaries, continuation lines keep its indent. */
export function fitLines(lines: string[], width: number): string[] {
  const out: string[] = [];
  for (const raw of lines.flatMap((l) => l.split("\n"))) {
    if (displayWidth(raw) <= width) {
      out.push(raw);
      continue;
    }
    const indent = /^ */.exec(stripAnsi(raw))![0].length;
    // continuation lines of a live line (it starts with a clock) line up after the clock
    const hang = /^\d\d:\d\d:\d\d/.test(stripAnsi(raw)) ? 14 : indent + 2;
    out.push(...hanging(" ".repeat(indent), raw.trimStart(), width, hang));
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
  const text = c.dim(`${humanDuration(g.to - g.from)} squeezed: ${what}`);
  if (L.narrow) return [prefix.trimEnd(), ...hanging(" ".repeat(NARROW_INDENT), text, L.width)];
  return hanging(prefix, text, L.width);
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
  return lines.flatMap((l) => hanging("  ", l.trimStart(), width, 4));
}

function collectRuns(t: Timeline): TimelineEntry[] {
  return [...t.entries.filter((e) => e.kind === "run" && e.name), ...t.children.flatMap(collectRuns)];
}
