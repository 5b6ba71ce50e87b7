// Output discipline: data to stdout (text or exactly one JSON document), chatter to stderr. In a terminal a line wider
// than the screen is wrapped between words (the terminal would break it inside one); piped output is left as written.
import { formatDuration } from "../lib/duration.js";
import { displayWidth, hanging, keepTogether } from "./text.js";

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
  process.stdout.write(fitToScreen(line, process.stdout) + "\n");
}

export function note(line = ""): void {
  process.stderr.write(fitToScreen(line, process.stderr) + "\n");
}

// leading spaces, then a one-character mark and its space ("! ", "• ", "✓ "), colour codes allowed around the mark
const LEAD = new RegExp(`^( *)((?:${String.fromCharCode(27)}\\[[0-9;]*m)*[^\\sA-Za-z0-9"'(\\[](?:${String.fromCharCode(27)}\\[[0-9;]*m)* )?`);

/**
 * The line as a terminal of `stream.columns` should show it: unchanged when it fits or the stream is not a terminal;
 * else wrapped between words, each continuation indented under the text (after the line's indent and its mark).
 */
export function fitToScreen(line: string, stream: { isTTY?: boolean; columns?: number }): string {
  if (!stream.isTTY || !stream.columns) return line;
  if (line.includes("\n"))
    return line
      .split("\n")
      .map((l) => fitToScreen(l, stream))
      .join("\n");
  if (displayWidth(line) <= stream.columns) return line;
  const prefix = LEAD.exec(line)?.[0] ?? "";
  const room = stream.columns - displayWidth(prefix);
  // a command in backticks that fits on a line is not broken: it stays copyable as one line
  const text = line.slice(prefix.length).replace(/`[^`]+`/g, (cmd) => (displayWidth(cmd) <= room ? keepTogether(cmd) : cmd));
  return hanging(prefix, text, stream.columns).join("\n");
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
