// A time axis for bars: linear, except that long idle stretches (a sleep, a queue wait, a downtime) are squeezed
// into one column each so the short, busy parts stay readable. The renderer labels each squeezed gap.

export interface Gap {
  from: number;
  to: number;
}

interface Segment {
  from: number;
  to: number;
  gap: boolean;
  firstCol: number;
  cols: number;
}

export class TimeScale {
  readonly gaps: Gap[];
  private readonly segments: Segment[];

  constructor(
    readonly origin: number,
    readonly end: number,
    points: number[],
    readonly width: number,
    /** gaps at least this long are squeezed (default: 1.5 s and a quarter of the span) */
    minGapMs?: number,
    /** stretches of real work (a step's body): never squeezed, however long */
    busy: Gap[] = [],
  ) {
    const span = Math.max(1, end - origin);
    const threshold = minGapMs ?? Math.max(1500, span / 4);
    const sorted = [...new Set(points.filter((p) => Number.isFinite(p)).map((p) => Math.min(end, Math.max(origin, p))))].sort((a, b) => a - b);
    if (sorted[0] !== origin) sorted.unshift(origin);
    if (sorted[sorted.length - 1] !== end) sorted.push(end);
    let gaps: Gap[] = [];
    for (let i = 1; i < sorted.length; i++) {
      const a = sorted[i - 1]!;
      const b = sorted[i]!;
      const worked = busy.reduce((sum, w) => sum + Math.max(0, Math.min(w.to, b) - Math.max(w.from, a)), 0);
      if (b - a >= threshold && worked < (b - a) / 2) gaps.push({ from: a, to: b });
    }
    // keep at least half the columns for linear time: squeeze only the longest gaps
    const maxGaps = Math.floor(width / 4);
    if (gaps.length > maxGaps)
      gaps = [...gaps]
        .sort((x, y) => y.to - y.from - (x.to - x.from))
        .slice(0, maxGaps)
        .sort((x, y) => x.from - y.from);
    this.gaps = gaps;

    const raw: Omit<Segment, "firstCol" | "cols">[] = [];
    let cursor = origin;
    for (const g of gaps) {
      if (g.from > cursor) raw.push({ from: cursor, to: g.from, gap: false });
      raw.push({ from: g.from, to: g.to, gap: true });
      cursor = g.to;
    }
    if (end > cursor || raw.length === 0) raw.push({ from: cursor, to: Math.max(end, cursor + 1), gap: false });
    const linear = raw.filter((s) => !s.gap);
    const linearMs = linear.reduce((s, x) => s + (x.to - x.from), 0) || 1;
    const linearCols = Math.max(linear.length, width - gaps.length);
    // largest-remainder split of the linear columns, at least one each
    const shares = linear.map((s) => ((s.to - s.from) / linearMs) * linearCols);
    const cols = shares.map((x) => Math.max(1, Math.floor(x)));
    let left = linearCols - cols.reduce((a, b) => a + b, 0);
    const order = shares.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r);
    for (let k = 0; left > 0 && order.length; k = (k + 1) % order.length, left--) cols[order[k]!.i]! += 1;
    let li = 0;
    let col = 0;
    this.segments = raw.map((s) => {
      const n = s.gap ? 1 : cols[li++]!;
      const seg = { ...s, firstCol: col, cols: n };
      col += n;
      return seg;
    });
  }

  /** The column (0 … width-1) of a time. */
  col(t: number): number {
    const x = Math.min(this.end, Math.max(this.origin, t));
    for (const s of this.segments) {
      if (x > s.to && s !== this.segments[this.segments.length - 1]) continue;
      if (s.gap) {
        // the exact ends of a gap belong to the busy stretches around it
        if (x === s.from && s.firstCol > 0) return s.firstCol - 1;
        if (x === s.to && s.firstCol + 1 < this.width) return Math.min(this.width - 1, s.firstCol + 1);
        return s.firstCol;
      }
      const frac = (x - s.from) / Math.max(1, s.to - s.from);
      return Math.min(this.width - 1, s.firstCol + Math.min(s.cols - 1, Math.floor(frac * s.cols)));
    }
    return this.width - 1;
  }

  /** Columns that stand for a squeezed gap. */
  gapColumns(): number[] {
    return this.segments.filter((s) => s.gap).map((s) => s.firstCol);
  }

  /** A bar: blanks, the squeezed-gap marks, then a span [from, to] (or one instant) drawn with ch. */
  bar(from: number, to: number | undefined, ch: string): string[] {
    const cells = Array.from({ length: this.width }, () => " ");
    for (const g of this.gapColumns()) if (g < this.width) cells[g] = "┊";
    const a = this.col(from);
    const b = to === undefined ? a : Math.max(a, this.col(to));
    for (let i = a; i <= b; i++) cells[i] = ch;
    return cells;
  }
}
