// Text layout for the terminal, in one place: display width, stripping colour codes, word wrapping, cutting a line,
// tables that fit, and "did you mean". Built on Node's util.stripVTControlCharacters, string-width and wrap-ansi;
// every verb, the menu and the timeline lay text out through here, so a line is measured the same way everywhere.
import { stripVTControlCharacters } from "node:util";
import stringWidth from "string-width";
import wrapAnsiLib from "wrap-ansi";

/** The text without colour or other terminal control codes. */
export function stripAnsi(s: string): string {
  return stripVTControlCharacters(s);
}

// Latin, punctuation, arrows, box drawing, blocks and most shapes: one column each (string-width agrees); anything else
// (wide or combining characters) goes to string-width, which is exact but slow on long timelines
const NARROW = /^[\x20-\x7e\u00a0-\u024f\u2000-\u22ff\u2500-\u25fc]*$/;

/** The columns a line takes on screen, colour codes left out. */
export function displayWidth(s: string): number {
  const plain = s.includes("\x1b") ? stripVTControlCharacters(s) : s;
  return NARROW.test(plain) ? plain.length : stringWidth(plain);
}

/**
 * The width to lay text out in: the terminal's columns; when the stream is not a terminal (piped, or a test asking for
 * 80 columns), COLUMNS; else the fallback (120: a file or a pager can scroll sideways). Never below 20, where nothing fits anyway.
 */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout, fallback = 120): number {
  const cols = stream.isTTY && stream.columns ? stream.columns : Number(process.env.COLUMNS);
  return Number.isFinite(cols) && cols > 0 ? Math.max(20, cols) : fallback;
}

/** The width for prose (narration, tour intros): the terminal's, capped so lines stay readable. */
export function proseWidth(stream: { isTTY?: boolean; columns?: number } = process.stderr, cap = 100): number {
  return Math.min(cap, terminalWidth(stream, cap));
}

/**
 * Word-wrap text (colour codes allowed) to a width: breaks between words; only a word longer than the width is cut;
 * a colour open at a line's end is closed and reopened on the next line.
 */
export function wrap(text: string, width: number): string[] {
  if (width <= 0) return [text];
  if (!text.includes("\n") && displayWidth(text) <= width) return [text.trim()];
  return wrapAnsiLib(text, Math.max(1, width), { hard: true, trim: true, wordWrap: true }).split("\n");
}

// pairs a reader takes as one word are not split across lines: "pid 16280", "attempt 2", "→ value"
const NBSP = "\u00a0";
const PAIRS = /\b(pid|attempt|attempts|key) (\d+|")|(→) /g;
function glue(text: string): string {
  return text.replace(PAIRS, (m, w: string | undefined, n: string | undefined, a: string | undefined) => (w !== undefined ? `${w}${NBSP}${n}` : a !== undefined ? `${a}${NBSP}` : m));
}

/** Text joined so it breaks only where `nbsp` is not: "a b" stays on one line. */
export function keepTogether(text: string): string {
  return text.replace(/ /g, NBSP);
}

/**
 * A prefix, then the text wrapped to the rest of the width; continuation lines are indented to `indent` (by default
 * the prefix's width). The prefix may carry colour.
 */
export function hanging(prefix: string, text: string, width: number, indent = displayWidth(prefix)): string[] {
  const room = Math.max(10, width - indent);
  const lines = wrap(glue(text), room).map((l) => l.replace(/\u00a0/g, " "));
  return lines.map((l, i) => (i === 0 ? `${prefix}${l}` : `${" ".repeat(indent)}${l}`)).map((l) => l.trimEnd());
}

/** Word-wrap plain or coloured text with the same indent on every line. */
export function indented(text: string, width: number, indent = ""): string[] {
  return text.split("\n").flatMap((para) => wrap(para, Math.max(1, width - displayWidth(indent))).map((l) => (l ? indent + l : l)));
}

// built from the escape character rather than written with it, so the regex holds no literal control character
const SGR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "y");

/** Cut a line to a visible width with "…", keeping colour codes intact (for one-line views that must not wrap). */
export function cut(line: string, width: number): string {
  if (displayWidth(line) <= width) return line;
  let shown = 0;
  let out = "";
  let coloured = false;
  for (let i = 0; i < line.length;) {
    SGR.lastIndex = i;
    const m = line[i] === "\x1b" ? SGR.exec(line) : null;
    if (m) {
      out += m[0];
      coloured = true;
      i += m[0].length;
      continue;
    }
    const ch = String.fromCodePoint(line.codePointAt(i)!);
    const w = displayWidth(ch);
    if (shown + w > width - 1) break;
    out += ch;
    shown += w;
    i += ch.length;
  }
  return `${out}…${coloured ? "\x1b[0m" : ""}`;
}

/** Pad to a display width (left-aligned, or right-aligned with `right`). */
export function pad(s: string, width: number, right = false): string {
  const fill = " ".repeat(Math.max(0, width - displayWidth(s)));
  return right ? fill + s : s + fill;
}

export interface TableOptions {
  /** the line width to fit (default: the terminal's) */
  width?: number;
  /** the columns that give up width when the table is too wide (default: every column, widest first) */
  flexible?: number[];
  /** a flexible column never goes below this (nor below its header): default 8; one number or one per column */
  minWidth?: number | number[];
  /** wrap cells that do not fit at word boundaries (default), or cut them with "…" */
  overflow?: "wrap" | "cut";
  /** columns aligned to the right (numbers) */
  right?: number[];
}

/**
 * A table that fits the width: columns are as wide as their widest cell; when the line would be too long, the
 * flexible columns give up width (the widest first, never below their header, so a header is never split), and
 * their cells wrap at word boundaries or are cut. Two spaces between columns.
 */
export function table(headers: string[], rows: string[][], opts: TableOptions = {}): string[] {
  const width = opts.width ?? terminalWidth();
  const widths = headers.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ""))));
  const min = (i: number) => (Array.isArray(opts.minWidth) ? (opts.minWidth[i] ?? 8) : (opts.minWidth ?? 8));
  const floor = headers.map((h, i) => Math.min(widths[i]!, Math.max(displayWidth(h), min(i))));
  const flexible = opts.flexible ?? headers.map((_, i) => i);
  const total = () => widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  let excess = total() - width;
  while (excess > 0) {
    const shrinkable = flexible.filter((i) => widths[i]! > floor[i]!);
    if (!shrinkable.length) break;
    const widest = shrinkable.reduce((a, b) => (widths[b]! > widths[a]! ? b : a));
    widths[widest]! -= 1;
    excess -= 1;
  }
  const right = new Set(opts.right ?? []);
  const lines: string[] = [];
  for (const r of [headers, ...rows]) {
    const cells = widths.map((w, i) => (opts.overflow === "cut" ? [cut(r[i] ?? "", w)] : wrap(r[i] ?? "", w)));
    const height = Math.max(...cells.map((c) => c.length));
    for (let k = 0; k < height; k++) {
      lines.push(
        cells
          .map((c, i) => pad(c[k] ?? "", widths[i]!, right.has(i)))
          .join("  ")
          .trimEnd(),
      );
    }
  }
  return lines;
}

/** Levenshtein distance between two words, for "did you mean". */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The closest names to a mistyped one (substring matches first, then small edit distances). */
export function closest(input: string, names: string[], max = 3): string[] {
  const lower = input.toLowerCase();
  const sub = names.filter((n) => n.includes(lower) || lower.includes(n));
  const near = names
    .map((n) => ({ n, d: editDistance(lower, n) }))
    .filter((x) => x.d <= Math.max(2, Math.floor(x.n.length / 3)))
    .sort((x, y) => x.d - y.d)
    .map((x) => x.n);
  return [...new Set([...sub, ...near])].slice(0, max);
}
