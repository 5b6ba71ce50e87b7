// The shape of one log line for every component we run (broker, supervisor, client app, worker):
//   2026-12-07T19:03:10.421Z WARN  refused a batch for user-feed-0: …
// the shape restate-server's own lines have (time, level, then what it is about), so `patterns logs` reads the same
// across components and the foreground's filter (runtime/log-filter.ts) sorts every component's lines by level.
// Continuation lines (a stack, a multi-line message) are indented, so a reader sees where a record ends.

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error";

/** One record as the lines it takes in the log (no trailing newline). Pure but for `now`. */
export function logLine(level: LogLevel, message: string, now = new Date()): string {
  const [first = "", ...rest] = message.split("\n").filter((l, i) => i === 0 || l.trim() !== "");
  const head = `${now.toISOString()} ${level.toUpperCase().padEnd(5)} ${first}`;
  return [head.trimEnd(), ...rest.map((l) => `  ${l}`)].join("\n");
}

/** A log function writing whole lines to a stream (stderr by default): what a component's `log(level, line)` is. */
export function lineWriter(write: (text: string) => void = (t) => void process.stderr.write(t)): (level: LogLevel, message: string) => void {
  return (level, message) => write(`${logLine(level, message)}\n`);
}
