// `patterns state <service> <key>`: a Virtual Object's or workflow's K/V state (like `restate kv get`), read
// from Restate's `state` SQL table; values are JSON, pretty-printed.
import { stateRows, type StateRow } from "../../observe/index.js";
import type { RunningStack } from "../../runtime/stack.js";
import { PlaygroundError, UsageError } from "../../errors.js";
import { c } from "../../ui/palette.js";
import { closest, displayWidth, table } from "../../ui/text.js";

export interface StateEntry {
  key: string;
  /** parsed JSON when the value is JSON, else the text (or hex for binary values) */
  value: unknown;
  /** "json" | "text" | "hex" */
  encoding: "json" | "text" | "hex";
}

export interface StateReport {
  service: string;
  key: string;
  serviceType: string;
  entries: StateEntry[];
}

export function decodeValue(row: StateRow): StateEntry {
  if (row.value_utf8 !== undefined) {
    try {
      return { key: row.key, value: JSON.parse(row.value_utf8) as unknown, encoding: "json" };
    } catch {
      return { key: row.key, value: row.value_utf8, encoding: "text" };
    }
  }
  return { key: row.key, value: row.value ?? "", encoding: "hex" };
}

export async function fetchState(stack: RunningStack, service: string, key: string): Promise<StateReport> {
  const services = (await stack.admin.services()).services;
  const svc = services.find((s) => s.name === service);
  if (!svc) {
    const keyed = services
      .filter((s) => s.ty !== "Service")
      .map((s) => s.name)
      .sort();
    const near = closest(service, keyed);
    throw new UsageError(
      `no service named "${service}" is registered`,
      near.length ? `did you mean ${near.map((n) => `"${n}"`).join(" or ")}?` : `objects and workflows with state: ${keyed.join(", ") || "none"}`,
    );
  }
  if (svc.ty === "Service") {
    throw new UsageError(`${service} is a stateless service; only Virtual Objects and workflows keep state`, "pass an object or workflow name (see `npx patterns list`)");
  }
  let rows: StateRow[];
  try {
    rows = await stateRows(stack.admin, service, key);
  } catch (e) {
    throw new PlaygroundError(`reading the state of ${service}/${key} failed: ${(e as Error).message}`);
  }
  return { service, key, serviceType: svc.ty, entries: rows.map(decodeValue) };
}

function show(e: StateEntry, pretty: boolean): string {
  if (e.encoding === "json") return JSON.stringify(e.value, null, pretty ? 2 : undefined);
  if (e.encoding === "hex") return c.dim(`0x${String(e.value)}`);
  return String(e.value);
}

/** A key/value table when every value fits on one line, otherwise each key with its value pretty-printed below it. */
export function renderState(r: StateReport, width = process.stdout.columns || 120): string[] {
  if (r.entries.length === 0) return [];
  const longestKey = Math.max(3, ...r.entries.map((e) => e.key.length));
  const compact = r.entries.map((e) => show(e, false));
  const fits = compact.every((v) => displayWidth(v) + longestKey + 2 <= width && displayWidth(v) <= 80);
  if (fits)
    return table(
      ["key", "value"],
      r.entries.map((e, i) => [c.bold(e.key), compact[i]!]),
      { width },
    );
  const lines: string[] = [];
  for (const e of r.entries) {
    lines.push(c.bold(e.key));
    for (const l of show(e, true).split("\n")) lines.push(`  ${l}`);
  }
  return lines;
}

/** --json: the state as one object, key → value. */
export function stateJson(r: StateReport): Record<string, unknown> {
  return { service: r.service, key: r.key, serviceType: r.serviceType, state: Object.fromEntries(r.entries.map((e) => [e.key, e.value])) };
}
