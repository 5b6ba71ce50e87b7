// `timeline --lanes`: one lane per key over a time window, from the invocation rows alone. Waiting in the key's queue
// (inboxed → running) is drawn differently from running (running → completed), so parallel keys and queued keys
// are visible at a glance. Keyless services get one lane per invocation.
import { c } from "../ui/palette.js";
import { humanDuration } from "../ui/output.js";
import { displayWidth, wrap } from "../ui/text.js";
import { clock } from "./model.js";
import type { InvocationRow } from "./types.js";

export interface LaneSpan {
  id: string;
  target: string;
  status: string;
  result?: string;
  createdAt: string;
  /** when it entered the key's queue (Virtual Objects) or was due (delayed) */
  queuedAt?: string;
  runningAt?: string;
  completedAt?: string;
  /** queued → running */
  waitedMs: number;
  /** running → completed (or → now) */
  ranMs?: number;
}

export interface Lane {
  label: string;
  service: string;
  key?: string;
  spans: LaneSpan[];
}

export interface LanesView {
  from: string;
  to: string;
  lanes: Lane[];
  invocations: number;
  /** the most invocations running at the same moment */
  maxParallel: number;
  /** invocations that waited in their key's queue */
  queued: number;
  longestWaitMs: number;
}

const ms = (iso: string | undefined) => (iso ? Date.parse(iso) : NaN);

export function buildLanes(rows: InvocationRow[], now: Date, from?: Date): LanesView {
  const byLane = new Map<string, Lane>();
  const spans: LaneSpan[] = [];
  for (const r of [...rows].sort((a, b) => ms(a.created_at) - ms(b.created_at))) {
    const keyed = r.target_service_key !== undefined;
    const label = keyed ? `${r.target_service_name}/${r.target_service_key}` : `${r.target_service_name} ${r.id.slice(0, 12)}…`;
    const queuedAt = r.inboxed_at ?? (r.scheduled_start_at ? r.created_at : undefined);
    const start = r.running_at ? ms(r.running_at) : undefined;
    const end = r.completed_at ? ms(r.completed_at) : now.getTime();
    const span: LaneSpan = {
      id: r.id,
      target: r.target,
      status: r.status,
      result: r.completion_result,
      createdAt: r.created_at,
      queuedAt,
      runningAt: r.running_at,
      completedAt: r.completed_at,
      waitedMs: queuedAt ? Math.max(0, (start ?? now.getTime()) - ms(r.inboxed_at ?? r.scheduled_start_at ?? r.created_at)) : 0,
      ranMs: start !== undefined ? Math.max(0, end - start) : undefined,
    };
    spans.push(span);
    let lane = byLane.get(label);
    if (!lane) {
      lane = { label, service: r.target_service_name, key: r.target_service_key, spans: [] };
      byLane.set(label, lane);
    }
    lane.spans.push(span);
  }
  const starts = spans.map((s) => ms(s.createdAt));
  const fromMs = from ? from.getTime() : starts.length ? Math.min(...starts) : now.getTime();
  const toMs = Math.max(fromMs + 1, ...spans.map((s) => (s.completedAt ? ms(s.completedAt) : now.getTime())));
  // sweep for the peak of concurrently running invocations
  const edges: [number, number][] = [];
  for (const s of spans) {
    if (!s.runningAt) continue;
    edges.push([ms(s.runningAt), 1], [s.completedAt ? ms(s.completedAt) : now.getTime(), -1]);
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0;
  let maxParallel = 0;
  for (const [, d] of edges) {
    cur += d;
    maxParallel = Math.max(maxParallel, cur);
  }
  const waited = spans.filter((s) => s.queuedAt !== undefined && s.waitedMs > 0);
  return {
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    lanes: [...byLane.values()],
    invocations: spans.length,
    maxParallel,
    queued: waited.length,
    longestWaitMs: waited.reduce((m, s) => Math.max(m, s.waitedMs), 0),
  };
}

/** What a lane is doing at the end of the window: how many run and how many wait in its queue now. */
export function laneNow(lane: Lane): { running: number; queued: number } {
  const open = lane.spans.filter((s) => !s.completedAt);
  return { running: open.filter((s) => s.runningAt).length, queued: open.filter((s) => !s.runningAt).length };
}

/**
 * The lanes, fitted to a line width: label, bar, note. Running is painted over queued, never the reverse: a key
 * whose first invocation runs while two wait is drawn running, with the wait in the note. The note goes on a line
 * of its own when it does not fit beside the bar.
 */
export function renderLanes(v: LanesView, lineWidth = 120): string[] {
  if (v.lanes.length === 0) return [c.dim("no invocations in this window")];
  const from = ms(v.from);
  const to = ms(v.to);
  const span = Math.max(1, to - from);
  const labelWidth = Math.min(Math.max(12, Math.floor(lineWidth / 3)), 40, Math.max(...v.lanes.map((l) => l.label.length)));
  const notes = v.lanes.map(laneNote);
  const noteWidth = Math.max(...notes.map(displayWidth));
  const besides = lineWidth - labelWidth - 2 - 2 - noteWidth >= 24;
  const width = Math.max(12, Math.min(80, besides ? lineWidth - labelWidth - 4 - noteWidth : lineWidth - labelWidth - 2));
  const col = (t: number) => Math.min(width - 1, Math.max(0, Math.floor(((t - from) / span) * width)));
  const out: string[] = [];
  out.push(c.dim(`${" ".repeat(labelWidth)}  ${clock(v.from)}${" ".repeat(Math.max(1, width - 24))}${clock(v.to)}`));
  v.lanes.forEach((lane, li) => {
    const cells = Array.from({ length: width }, () => c.dim("·"));
    for (const s of lane.spans) {
      const q = s.queuedAt ? ms(s.queuedAt) : undefined;
      const r = s.runningAt ? ms(s.runningAt) : undefined;
      if (q !== undefined) for (let i = col(q); i <= col(r ?? (s.completedAt ? ms(s.completedAt) : to)); i++) cells[i] = c.warn("░");
    }
    for (const s of lane.spans) {
      const r = s.runningAt ? ms(s.runningAt) : undefined;
      const e = s.completedAt ? ms(s.completedAt) : to;
      // each state has its own glyph, so the lanes read the same without colour (NO_COLOR, a pipe)
      const glyph = s.result === "failure" ? c.fail(GLYPH.failed) : s.completedAt ? c.ok(GLYPH.ran) : c.info(GLYPH.running);
      if (r !== undefined) for (let i = col(r); i <= col(e); i++) cells[i] = glyph;
    }
    const label = lane.label.length > labelWidth ? `${lane.label.slice(0, labelWidth - 1)}…` : lane.label;
    const line = `${label}${" ".repeat(Math.max(0, labelWidth - displayWidth(label)))}  ${cells.join("")}`;
    if (besides) out.push(`${line}  ${c.dim(notes[li]!)}`);
    else out.push(line, `${" ".repeat(labelWidth + 2)}${c.dim(notes[li]!)}`);
  });
  out.push("");
  const failed = v.lanes.some((l) => l.spans.some((x) => x.result === "failure"));
  const legend = `${c.ok(GLYPH.ran)} ran  ${failed ? `${c.fail(GLYPH.failed)} failed  ` : ""}${c.info(GLYPH.running)} running now  ${c.warn("░")} queued behind the same key  ${c.dim("·")} idle`;
  out.push(...wrap(legend, lineWidth));
  const summary = `${v.invocations} invocations on ${v.lanes.length} lane${v.lanes.length === 1 ? "" : "s"}; up to ${v.maxParallel} running at once; ${v.queued} waited in a queue${v.queued ? ` (longest ${humanDuration(v.longestWaitMs)})` : ""}`;
  out.push(...wrap(summary, lineWidth).map((l) => c.dim(l)));
  return out;
}

/** One glyph per state of a lane's cell. */
const GLYPH = { ran: "█", running: "▓", failed: "▚" } as const;

function laneNote(lane: Lane): string {
  const n = lane.spans.length;
  const waits = lane.spans.filter((s) => s.waitedMs > 0);
  const now = laneNow(lane);
  const state = [now.running ? `${now.running} running now` : "", now.queued ? `${now.queued} queued now` : ""].filter(Boolean).join(", ");
  return `${n} invocation${n === 1 ? "" : "s"}${waits.length ? `, ${waits.length} queued (max ${humanDuration(Math.max(...waits.map((w) => w.waitedMs)))})` : ""}${state ? `; ${state}` : ""}`;
}
