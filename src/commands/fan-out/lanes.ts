// Fan-out lanes: one text bar per subtask from its invocation's start and end, on the parent's time axis.
// Pure (no I/O), so the maths and the drawing are unit-tested.

export interface Lane {
  label: string;
  /** epoch ms */
  start: number;
  end: number;
}

export interface LaneStats {
  /** parent start → parent end */
  totalMs: number;
  /** longest single lane */
  slowestMs: number;
  /** all lanes one after the other */
  sumMs: number;
  /** every lane overlaps every other one (the latest start is before the earliest end) */
  overlapped: boolean;
  /** latest start minus earliest start: how far apart the subtasks were launched */
  launchSpreadMs: number;
}

export function laneStats(lanes: Lane[], parent: { start: number; end: number }): LaneStats {
  const durations = lanes.map((l) => Math.max(0, l.end - l.start));
  const latestStart = Math.max(...lanes.map((l) => l.start));
  const earliestStart = Math.min(...lanes.map((l) => l.start));
  const earliestEnd = Math.min(...lanes.map((l) => l.end));
  return {
    totalMs: Math.max(0, parent.end - parent.start),
    slowestMs: lanes.length ? Math.max(...durations) : 0,
    sumMs: durations.reduce((a, b) => a + b, 0),
    overlapped: lanes.length <= 1 || latestStart < earliestEnd,
    launchSpreadMs: lanes.length ? latestStart - earliestStart : 0,
  };
}

/**
 * "total ≈ slowest": the parent took at most the slowest subtask plus a tolerance for launching, timers and the
 * fan-in (generous, for a loaded 2-core machine), and clearly less than the subtasks one after the other.
 */
export function parallelVerdict(s: LaneStats): { parallel: boolean; toleranceMs: number } {
  const toleranceMs = Math.max(2500, 0.5 * s.slowestMs);
  const parallel = s.overlapped && s.totalMs <= s.slowestMs + toleranceMs && (s.sumMs <= s.slowestMs || s.totalMs < s.sumMs);
  return { parallel, toleranceMs };
}

/** Draw lanes on a shared axis from axisStart to axisEnd: "label  ····█████████·····  0.0 → 1.8 s". */
export function renderLanes(lanes: Lane[], axis: { start: number; end: number }, opts: { width?: number; labelWidth?: number } = {}): string[] {
  const width = Math.max(10, opts.width ?? 40);
  const labelWidth = opts.labelWidth ?? Math.min(24, Math.max(4, ...lanes.map((l) => l.label.length)));
  const span = Math.max(1, axis.end - axis.start);
  const col = (t: number) => Math.min(width, Math.max(0, Math.round(((t - axis.start) / span) * width)));
  const secs = (ms: number) => (ms / 1000).toFixed(1);
  return lanes.map((l) => {
    const from = col(l.start);
    const to = Math.max(from + 1, col(l.end));
    const bar = "·".repeat(from) + "█".repeat(Math.min(width, to) - from) + "·".repeat(Math.max(0, width - to));
    const label = l.label.length > labelWidth ? l.label.slice(0, labelWidth - 1) + "…" : l.label.padEnd(labelWidth);
    return `${label}  ${bar}  ${secs(l.start - axis.start)} → ${secs(l.end - axis.start)} s`;
  });
}
