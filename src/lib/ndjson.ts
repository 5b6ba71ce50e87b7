// Append-only JSON-lines files (the worker's step log, the simulated-systems ledger, the bench sink) and plain log
// files: one reader and one tail for all of them. Writers append whole lines; a reader can still meet a torn last
// line, which it skips (a full read) or keeps for the next read (a tail).
import { closeSync, existsSync, fstatSync, openSync, readSync } from "node:fs";

function readRange(file: string, from: number): { text: string; size: number } {
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    if (size <= from) return { text: "", size };
    const buf = Buffer.alloc(size - from);
    readSync(fd, buf, 0, buf.length, from);
    return { text: buf.toString("utf8"), size };
  } finally {
    closeSync(fd);
  }
}

/** Every line of a text file (none when it does not exist), without the empty last one. */
export function readLines(file: string): string[] {
  if (!existsSync(file)) return [];
  const lines = readRange(file, 0).text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

function parse<T>(line: string): T | undefined {
  if (!line) return undefined;
  try {
    return JSON.parse(line) as T;
  } catch {
    return undefined; // a torn line while the writer appends
  }
}

/**
 * Every record of a JSON-lines file that passes `keep`. `prefilter` sees the raw line first (a cheap substring test
 * saves parsing lines that cannot match in big files).
 */
export function readNdjson<T>(file: string, opts: { prefilter?: (line: string) => boolean; keep?: (record: T) => boolean } = {}): T[] {
  const out: T[] = [];
  for (const line of readLines(file)) {
    if (opts.prefilter && !opts.prefilter(line)) continue;
    const r = parse<T>(line);
    if (r !== undefined && (!opts.keep || opts.keep(r))) out.push(r);
  }
  return out;
}

export interface LineCursor {
  /** the whole lines appended since the last call (a partial last line waits for the next call) */
  next(): string[];
  /** bytes read so far */
  readonly offset: number;
}

/** Lines appended to a file after this call (or from byte `from`); a file that shrank is read again from the start. */
export function lineCursor(file: string, from?: number): LineCursor {
  let offset = from ?? (existsSync(file) ? readRange(file, Number.MAX_SAFE_INTEGER).size : 0);
  let rest = "";
  return {
    get offset() {
      return offset;
    },
    next() {
      if (!existsSync(file)) return [];
      let { text, size } = readRange(file, offset);
      if (size < offset) {
        ({ text, size } = readRange(file, 0));
        rest = "";
      }
      offset = size;
      if (!text) return [];
      const parts = (rest + text).split("\n");
      rest = parts.pop() ?? "";
      return parts;
    },
  };
}

/** Records appended to a JSON-lines file after this call. */
export function ndjsonCursor<T>(file: string, from?: number): { next(): T[] } {
  const lines = lineCursor(file, from);
  return {
    next: () =>
      lines
        .next()
        .map((l) => parse<T>(l))
        .filter((r): r is T => r !== undefined),
  };
}
