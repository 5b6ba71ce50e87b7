// Output discipline: data to stdout (text or exactly one JSON document), chatter to stderr.
import { formatDuration } from "../lib/duration.js";

export interface OutputOptions {
  json?: boolean;
}

export function printJson(data: unknown): void {
  process.stdout.write(JSON.stringify(data, null, 2) + "\n");
}

export function printNdjson(data: unknown): void {
  process.stdout.write(JSON.stringify(data) + "\n");
}

export function out(line = ""): void {
  process.stdout.write(line + "\n");
}

export function note(line = ""): void {
  process.stderr.write(line + "\n");
}

/** Print data for scripts or people. */
export function emit<T>(opts: OutputOptions, data: T, render: (d: T) => string | string[]): void {
  if (opts.json) return printJson(data);
  const text = render(data);
  for (const line of Array.isArray(text) ? text : [text]) out(line);
}

/** A duration as the CLI shows (and its options accept) them: "450ms", "2.3s", "1m30s". */
export const humanDuration = formatDuration;

/** Shorten an id for people: inv_1abcdef…wxyz */
export function shortId(id: string, keep = 10): string {
  return id.length <= keep + 6 ? id : `${id.slice(0, keep)}…${id.slice(-4)}`;
}
