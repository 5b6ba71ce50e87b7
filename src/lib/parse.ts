// Option parsers shared by the verbs and the measuring tools: they fail with a usage error (exit 2) naming the fix.
import { UsageError } from "../errors.js";

export function intOption(name: string, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return (raw: string): number => {
    if (!/^-?\d+$/.test(raw.trim())) throw new UsageError(`${name} must be a whole number, got "${raw}"`, `for example ${name} ${Math.max(min, 1)}`);
    const n = Number(raw);
    if (n < min || n > max) throw new UsageError(`${name} must be between ${min} and ${max}, got ${n}`, `for example ${name} ${Math.max(min, 1)}`);
    return n;
  };
}

/** "2s", "500ms", "1m", "1.5s", "2" (seconds) → milliseconds */
export function parseDuration(raw: string, name = "duration"): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?$/.exec(raw.trim());
  if (!m) throw new UsageError(`${name} must be a duration like 500ms, 2s or 1m, got "${raw}"`, `for example ${name} 2s`);
  const n = Number(m[1]);
  const unit = m[2] ?? "s";
  const factor = unit === "ms" ? 1 : unit === "s" ? 1000 : unit === "h" ? 3_600_000 : 60_000;
  return Math.round(n * factor);
}

export function durationOption(name: string) {
  return (raw: string) => parseDuration(raw, name);
}

