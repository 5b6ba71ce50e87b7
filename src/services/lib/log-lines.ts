// How the worker's log lines read: the Restate SDK hands every log event (its own and `ctx.console`'s) to the
// LoggerTransport given to the endpoint; this one writes them in the shape the other components' logs have (time,
// level, then what it is about) instead of the SDK's `[restate][time][target][inv] LEVEL:` prefix:
//   2026-12-07T19:03:10.421Z WARN  priorityQueue/pq-1/configure inv_10NwGNU3Cldj7scVBea98PY5rc2I1Zfjj2: Error …
//     TerminalError: …
// The invocation id stays whole, so it can be pasted into `patterns timeline <id>`. Continuation lines (an error's
// stack, a multi-line message) are indented, as restate-server's are, so a reader (and the foreground's log filter)
// sees where a record ends.
import { formatWithOptions } from "node:util";
import type { LogMetadata, LoggerTransport } from "@restatedev/restate-sdk";
import { logLine, type LogLevel } from "../../lib/log-line.js";

const LEVELS = ["trace", "debug", "info", "warn", "error"] as const satisfies readonly LogLevel[];

/**
 * The lowest level written, from RESTATE_LOGGING as the SDK's own console logger reads it (default info). The SDK
 * does not export its parsed value, and it already refuses an unknown name when it loads.
 */
export function minLevel(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const name = env.RESTATE_LOGGING?.toLowerCase();
  return (LEVELS as readonly string[]).includes(name ?? "") ? (name as LogLevel) : "info";
}

/** The text after time and level: target, invocation id and any extra context the SDK attached. Pure. */
function subject(meta: LogMetadata): string {
  const c = meta.context;
  if (!c) return "";
  const extra = Object.entries(c.additionalContext ?? {}).map(([k, v]) => ` ${k}=${v}`);
  return `${c.invocationTarget} ${c.invocationId}${extra.join("")}: `;
}

/** One log event as the lines it takes in the log (no trailing newline). Pure but for `now`. */
export function formatLogEvent(meta: LogMetadata, now: Date, message?: unknown, ...params: unknown[]): string {
  return logLine(meta.level as LogLevel, `${subject(meta)}${formatWithOptions({ colors: false }, message, ...params)}`, now);
}

/**
 * The transport for the endpoint: skips what the SDK's console logger skips (events below RESTATE_LOGGING, and
 * `ctx.console` calls made while an invocation replays, which were written when they first ran).
 */
export function workerLogger(write: (text: string) => void = (t) => process.stderr.write(t), env: NodeJS.ProcessEnv = process.env): LoggerTransport {
  const min = LEVELS.indexOf(minLevel(env));
  return (meta, message, ...params) => {
    if (meta.replaying || LEVELS.indexOf(meta.level as LogLevel) < min) return;
    write(`${formatLogEvent(meta, new Date(), message, ...params)}\n`);
  };
}

/**
 * While `active()`, an event without invocation context whose text repeats one already written is skipped; after,
 * every event passes. For the SDK's start-up, which announces the same thing once per request handler it builds.
 */
export function onceWhile(active: () => boolean, inner: LoggerTransport): LoggerTransport {
  const seen = new Set<string>();
  return (meta, message, ...params) => {
    if (active() && !meta.context) {
      const text = `${meta.level} ${formatWithOptions({ colors: false }, message, ...params)}`;
      if (seen.has(text)) return;
      seen.add(text);
    }
    inner(meta, message, ...params);
  };
}
