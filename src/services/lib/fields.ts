// Input checks shared by the custom group's handlers: bad input is a terminal 400 that names the field.
import { badInput } from "./validate.js";

export { badInput };

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A non-empty name (promise name, queue name, limiter name): printable, at most 200 characters. */
export function nameField(v: unknown, field: string, example: string): string {
  if (v === undefined || v === null) throw badInput(`${field} is missing: ${example}`);
  if (typeof v !== "string" || v.trim().length === 0 || v.length > 200) throw badInput(`${field} is invalid: a non-empty string of at most 200 characters is expected (${example})`);
  return v;
}

export function optionalNumber(v: unknown, field: string, opts: { min: number; max: number; integer?: boolean }): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || v < opts.min || v > opts.max || (opts.integer && !Number.isInteger(v))) {
    throw badInput(`${field} is invalid: ${opts.integer ? "a whole number" : "a number"} from ${opts.min} to ${opts.max} is expected`);
  }
  return v;
}
