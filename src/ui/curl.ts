// After each scenario the CLI prints the equivalent raw call, so the user learns Restate itself; the tours narrate it
// the same way.
import { c } from "./palette.js";

export interface RawCall {
  method?: "GET" | "POST" | "PATCH" | "DELETE";
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function curlFor(call: RawCall): string {
  const parts = ["curl"];
  const method = call.method ?? (call.body === undefined ? "GET" : "POST");
  if (call.body !== undefined) parts.push(shellQuote(call.url), "--json", shellQuote(JSON.stringify(call.body)));
  else {
    if (method !== "GET") parts.push("-X", method);
    parts.push(shellQuote(call.url));
  }
  for (const [k, v] of Object.entries(call.headers ?? {})) parts.push("-H", shellQuote(`${k}: ${v}`));
  return parts.join(" ");
}

/** Print "the same with curl:" lines to stderr (chatter, never data). */
export function printEquivalent(calls: RawCall | RawCall[], opts: { json?: boolean } = {}): void {
  if (opts.json) return;
  const list = Array.isArray(calls) ? calls : [calls];
  process.stderr.write(`${c.dim("the same with curl:")}\n`);
  for (const call of list) process.stderr.write(`  ${c.cmd(curlFor(call))}\n`);
}
