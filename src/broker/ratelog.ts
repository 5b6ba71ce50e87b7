// Rate-limited log lines for what clients cause (refused batches, bad frames, closed connections): a hostile or broken
// client must not be able to fill the disk through the broker's log. Each kind of line gets `burst` lines per window;
// the rest are counted and summed up in one line when the window ends (or at the next line after it), at the level
// of the lines it stands for.
import type { LogLevel } from "../lib/log-line.js";

export class RateLog {
  private windows = new Map<string, { start: number; written: number; dropped: number; level: LogLevel }>();
  private flushTimer?: NodeJS.Timeout;

  constructor(
    private readonly write: (level: LogLevel, line: string) => void,
    private readonly burst: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Log `line` (a warning unless `level` says otherwise) unless `kind` already logged `burst` lines in this window. */
  line(kind: string, line: string, level: LogLevel = "warn"): void {
    const t = this.now();
    let w = this.windows.get(kind);
    if (w && t - w.start >= this.windowMs) {
      this.summarise(kind, w);
      w = undefined;
    }
    if (!w) {
      w = { start: t, written: 0, dropped: 0, level };
      this.windows.set(kind, w);
    }
    if (w.written < this.burst) {
      w.written++;
      this.write(level, line);
      return;
    }
    w.dropped++;
    this.armFlush();
  }

  private summarise(kind: string, w: { dropped: number; level: LogLevel }): void {
    if (w.dropped > 0) this.write(w.level, `${w.dropped} more "${kind}" lines were not logged (at most ${this.burst} per ${this.windowMs / 1000} s)`);
    this.windows.delete(kind);
  }

  /** one timer for all kinds, so that a burst that simply stops is still summed up */
  private armFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      const t = this.now();
      let pending = false;
      for (const [kind, w] of this.windows) {
        if (t - w.start >= this.windowMs) this.summarise(kind, w);
        else if (w.dropped > 0) pending = true;
      }
      if (pending) this.armFlush();
    }, this.windowMs);
    this.flushTimer.unref();
  }

  close(): void {
    clearTimeout(this.flushTimer);
    for (const [kind, w] of this.windows) this.summarise(kind, w);
  }
}
