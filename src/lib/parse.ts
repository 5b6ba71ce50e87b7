// Option parsers shared by the verbs and the measuring tools: they fail with a usage error (exit 2) naming the fix.
import { UsageError } from "../errors.js";
import { durationMs, formatDuration } from "./duration.js";

export function intOption(name: string, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return (raw: string): number => {
    if (!/^-?\d+$/.test(raw.trim())) throw new UsageError(`${name} must be a whole number, got "${raw}"`, `for example ${name} ${Math.max(min, 1)}`);
    const n = Number(raw);
    if (n < min || n > max) throw new UsageError(`${name} must be between ${min} and ${max}, got ${n}`, `for example ${name} ${Math.max(min, 1)}`);
    return n;
  };
}

/** "2s", "500ms", "1m30s", "1.5s" → milliseconds; a bare number (other than 0) is refused: the unit says which. */
export function parseDuration(raw: string, name = "duration"): number {
  const ms = durationMs(raw);
  if (ms !== undefined) return ms;
  if (/^\s*\d+(\.\d+)?\s*$/.test(raw)) {
    const n = Number(raw);
    throw new UsageError(`${name} needs a unit, got "${raw}"`, `for example ${name} ${formatDuration(n * 1000)} (seconds) or ${name} ${n}ms`);
  }
  throw new UsageError(`${name} must be a duration like 500ms, 2s or 1m30s, got "${raw}"`, `for example ${name} 2s`);
}

/** The parser of a duration option, optionally bounded (inclusive); the bounds are said as durations. */
export function durationOption(name: string, bounds: { min?: number; max?: number } = {}) {
  const parse = (raw: string): number => {
    const ms = parseDuration(raw, name);
    const { min, max } = bounds;
    if ((min !== undefined && ms < min) || (max !== undefined && ms > max)) {
      const range =
        min !== undefined && max !== undefined
          ? `between ${formatDuration(min)} and ${formatDuration(max)}`
          : min !== undefined
            ? `at least ${formatDuration(min)}`
            : `at most ${formatDuration(max!)}`;
      throw new UsageError(`${name} must be ${range}, got ${raw}`, `for example ${name} ${formatDuration(Math.min(max ?? Infinity, Math.max(min ?? 0, 2000)))}`);
    }
    return ms;
  };
  return Object.assign(parse, { duration: true as const });
}

/** Is this option parser a duration (its default is then shown as a duration, e.g. "2s")? */
export function isDurationParser(parse: unknown): boolean {
  return typeof parse === "function" && (parse as { duration?: boolean }).duration === true;
}
