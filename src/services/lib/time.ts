// The playground-wide time scale, inside the worker: the seeds' long waits become short real durable timers.
import { DEFAULT_TIME_SCALE, scaleDuration } from "../../lib/time-scale.js";

export function timeScale(): number {
  const n = Number(process.env.PATTERNS_TIME_SCALE);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_TIME_SCALE;
}

/** Real milliseconds to wait for a nominal duration from a seed (e.g. 1 day → 5 s at the default scale). */
export function scaled(nominalMs: number): number {
  return scaleDuration(nominalMs, timeScale());
}

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
