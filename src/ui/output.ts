// Output discipline: data to stdout (text or exactly one JSON document), chatter to stderr.
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

/** "2.3 s", "450 ms", "3 min 2 s", "1 h 5 min" */
export function humanDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "-";
  const neg = ms < 0;
  ms = Math.abs(ms);
  let s: string;
  if (ms < 1000) s = `${Math.round(ms)} ms`;
  else if (ms < 60_000) s = `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  else if (ms < 3_600_000) s = `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  else if (ms < 86_400_000) s = `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
  else s = `${Math.floor(ms / 86_400_000)} d ${Math.round((ms % 86_400_000) / 3_600_000)} h`;
  return neg ? `-${s}` : s;
}

/** Shorten an id for people: inv_1abcdef…wxyz */
export function shortId(id: string, keep = 10): string {
  return id.length <= keep + 6 ? id : `${id.slice(0, keep)}…${id.slice(-4)}`;
}

const ANSI = /\x1b\[[0-9;]*m/g;
export function visibleLength(s: string): number {
  return s.replace(ANSI, "").length;
}

/** A table that fits the terminal: the widest column is cut when the line would be too long. */
export function table(headers: string[], rows: string[][], maxWidth = process.stdout.columns || 120): string[] {
  const widths = headers.map((h, i) => Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ""))));
  const total = () => widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  while (total() > maxWidth) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest]! <= 8) break;
    widths[widest]! -= 1;
  }
  const cell = (s: string, w: number) => {
    const len = visibleLength(s);
    if (len <= w) return s + " ".repeat(w - len);
    const plain = s.replace(ANSI, "");
    return plain.slice(0, Math.max(0, w - 1)) + "…";
  };
  const line = (r: string[]) => r.map((v, i) => cell(v ?? "", widths[i]!)).join("  ").trimEnd();
  return [line(headers), ...rows.map(line)];
}
