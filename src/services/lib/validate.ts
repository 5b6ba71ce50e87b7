// Input checks for the communication handlers: a malformed request is a terminal 400 that names the field,
// never a retry loop (a retry cannot fix the caller's payload).
import * as restate from "@restatedev/restate-sdk";

export function badInput(message: string): restate.TerminalError {
  return new restate.TerminalError(message, { errorCode: 400 });
}

export function asObject(input: unknown, expected: string): Record<string, unknown> {
  if (input === undefined || input === null) throw badInput(`the request body is missing: expected ${expected}`);
  if (typeof input !== "object" || Array.isArray(input)) throw badInput(`the request body is invalid: expected ${expected}, got ${describe(input)}`);
  return input as Record<string, unknown>;
}

/** Read a dotted path ("data.object.id") out of an object; undefined when a step is missing. */
export function at(obj: Record<string, unknown>, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export function requireString(obj: Record<string, unknown>, path: string, expected: string): string {
  const v = at(obj, path);
  if (v === undefined || v === null) throw badInput(`${path} is missing: expected ${expected}`);
  if (typeof v !== "string" || v.trim() === "") throw badInput(`${path} is invalid: expected a non-empty string, got ${describe(v)}`);
  return v;
}

export function requireNumber(obj: Record<string, unknown>, path: string, expected: string, opts: { positive?: boolean } = {}): number {
  const v = at(obj, path);
  if (v === undefined || v === null) throw badInput(`${path} is missing: expected ${expected}`);
  if (typeof v !== "number" || !Number.isFinite(v)) throw badInput(`${path} is invalid: expected a number, got ${describe(v)}`);
  if (opts.positive && v <= 0) throw badInput(`${path} is invalid: expected a positive number, got ${v}`);
  return v;
}

export function optionalBoolean(obj: Record<string, unknown>, path: string): boolean | undefined {
  const v = at(obj, path);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw badInput(`${path} is invalid: expected true or false, got ${describe(v)}`);
  return v;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === "object") return "an object";
  return `${typeof v} ${String(v)}`;
}
