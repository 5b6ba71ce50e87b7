// When a component that died comes back: capped exponential backoff, reset once it has stayed up. Pure.

export interface BackoffPolicy {
  /** the first restart after a death */
  firstMs: number;
  factor: number;
  /** no restart waits longer than this */
  maxMs: number;
  /** a component up this long is healthy again: its next death restarts after firstMs */
  stableMs: number;
  /** this many failures in a row make a crash loop (status and doctor say so) */
  loopAfter: number;
}

export const BACKOFF: BackoffPolicy = { firstMs: 1000, factor: 2, maxMs: 30_000, stableMs: 10_000, loopAfter: 3 };

/** The delay before the restart that follows the `failures`-th failure in a row (1 = the first death). */
export function restartDelay(failures: number, p: BackoffPolicy = BACKOFF): number {
  const n = Math.max(1, Math.floor(failures));
  return Math.min(p.maxMs, Math.round(p.firstMs * p.factor ** (n - 1)));
}

export function isCrashLoop(failures: number, p: BackoffPolicy = BACKOFF): boolean {
  return failures >= p.loopAfter;
}
