// Handler-input validation shared by the patterns' services: an InputError names the field; the service turns it
// into a TerminalError 400. Pure, so it is unit-tested.

/** A handler-input problem: the service turns it into a TerminalError 400 naming the field. */
export class InputError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field} ${message}`);
    this.name = "InputError";
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

export function text(obj: Record<string, unknown>, key: string, path: string, max = 200): string {
  const v = obj[key];
  if (v === undefined || v === null || v === "") throw new InputError(join(path, key), "is missing");
  if (typeof v !== "string" || v.length > max) throw new InputError(join(path, key), `is invalid: a string of at most ${max} characters is expected`);
  return v;
}

export function section(input: Record<string, unknown>, key: string): Record<string, unknown> {
  const v = input[key];
  if (v === undefined || v === null) throw new InputError(key, "is missing");
  if (!isObject(v)) throw new InputError(key, "is invalid: an object is expected");
  return v;
}
