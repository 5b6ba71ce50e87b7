// Small rendering helpers shared by the playground verbs (pure, so unit-tested on fixed inputs).
import wrapAnsiLib from "wrap-ansi";
import { humanDuration } from "../../ui/output.js";
import { c } from "../../ui/palette.js";

/** "3 s ago" from an ISO timestamp; "-" when missing or unparsable. */
export function ago(iso: string | undefined, now = Date.now()): string {
  if (!iso) return "-";
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return "-";
  const d = now - t;
  if (d < 0) return `in ${humanDuration(-d)}`;
  return `${humanDuration(d)} ago`;
}

/** Milliseconds between two ISO timestamps, or undefined. */
export function between(fromIso: string | undefined, toIso: string | undefined): number | undefined {
  if (!fromIso || !toIso) return undefined;
  const a = Date.parse(fromIso);
  const b = Date.parse(toIso);
  return Number.isFinite(a) && Number.isFinite(b) ? b - a : undefined;
}

/** One line, at most max visible characters. */
export function oneLine(s: string, max = 200): string {
  const flat = s.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1))}…`;
}

/** Word-wrap plain text to a width, with an indent on every line. */
export function wrap(text: string, width: number, indent = ""): string[] {
  const lines: string[] = [];
  for (const para of text.split(/\n/)) {
    let line = "";
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (line && indent.length + line.length + 1 + word.length > width) {
        lines.push(indent + line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    lines.push(indent + line);
  }
  return lines;
}

/** The terminal's width; COLUMNS when stdout is not a terminal (piped, or a test asking for 80 columns); else 120. */
export function terminalWidth(stream: NodeJS.WriteStream = process.stdout): number {
  const cols = stream.isTTY ? stream.columns : Number(process.env.COLUMNS);
  return cols && cols >= 20 ? cols : 120;
}

/** The width to lay text out in: the terminal's, capped so prose stays readable. */
export function proseWidth(stream: NodeJS.WriteStream = process.stderr, cap = 100): number {
  return Math.max(40, Math.min(cap, stream.columns || cap));
}

/** Colour an invocation status the same way everywhere. */
export function paintStatus(status: string, result?: string): string {
  if (status === "completed") return result === "failure" ? c.fail("failed") : c.ok("completed");
  if (status === "backing-off" || status === "paused") return c.warn(status);
  if (status === "running") return c.info(status);
  return status;
}

/** Levenshtein distance, for "did you mean". */
export function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** The closest names to a mistyped one (substring matches first, then small edit distances). */
export function closest(input: string, names: string[], max = 3): string[] {
  const lower = input.toLowerCase();
  const sub = names.filter((n) => n.includes(lower) || lower.includes(n));
  const near = names
    .map((n) => ({ n, d: distance(lower, n) }))
    .filter((x) => x.d <= Math.max(2, Math.floor(x.n.length / 3)))
    .sort((x, y) => x.d - y.d)
    .map((x) => x.n);
  return [...new Set([...sub, ...near])].slice(0, max);
}

const SGR = /\x1b\[[0-9;]*m/g;
const visible = (s: string) => s.replace(SGR, "").length;

/**
 * Word-wrap text that may carry colour codes, with the `wrap-ansi` library (as the timeline does): breaks between words,
 * cuts only a word longer than the width, and closes a colour at a line's end and reopens it on the next.
 */
export function wrapAnsi(text: string, width: number): string[] {
  return wrapAnsiLib(text, Math.max(1, width), { hard: true, trim: true, wordWrap: true }).split("\n");
}

/**
 * A table whose cells wrap at word boundaries instead of being cut: the columns in `flexible` give up width (down to
 * their longest word, or `minFlex`) until the table fits; the others keep their natural width.
 */
export function wrapTable(headers: string[], rows: string[][], width: number, flexible: number[], minFlex = 12): string[] {
  const widths = headers.map((h, i) => Math.max(visible(h), ...rows.map((r) => visible(r[i] ?? ""))));
  const gaps = 2 * (headers.length - 1);
  const total = () => widths.reduce((a, b) => a + b, 0) + gaps;
  while (total() > width) {
    const shrinkable = flexible.filter((i) => widths[i]! > minFlex);
    if (!shrinkable.length) break;
    const widest = shrinkable.reduce((a, b) => (widths[b]! > widths[a]! ? b : a));
    widths[widest]! -= 1;
  }
  const lines: string[] = [];
  for (const r of [headers, ...rows]) {
    const cells = widths.map((w, i) => wrapAnsi(r[i] ?? "", w));
    const height = Math.max(...cells.map((c) => c.length));
    for (let k = 0; k < height; k++) {
      lines.push(
        cells
          .map((c, i) => {
            const s = c[k] ?? "";
            return s + " ".repeat(Math.max(0, widths[i]! - visible(s)));
          })
          .join("  ")
          .trimEnd(),
      );
    }
  }
  return lines;
}
