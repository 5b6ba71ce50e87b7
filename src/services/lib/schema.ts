// One schema per payload: a handler's input is declared once as a zod schema (in the pattern's schema.ts) and checked by
// the SDK's serde before the handler runs. The serde is the SDK's Standard Schema serde (which also publishes the JSON
// schema in the discovery manifest); only the message differs: one line naming the first bad field and what was
// expected, never the SDK's multi-line dump. A bad payload is a terminal 400: a retry cannot fix the caller's bytes.
// The messages come from ./problems.ts, which the CLI uses for its own argument checks without loading the SDK.
import * as restate from "@restatedev/restate-sdk";
import type { z } from "zod";
import { problemsOf } from "./problems.js";
export { problemsOf };

/** The same check as a thrown 400, for handlers that validate a value they built themselves (headers, Kafka records). */
export function parseOrReject<S extends z.ZodType>(schema: S, value: unknown, prefix = "", root?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new restate.TerminalError(`${prefix}${problemsOf(schema, value, root)[0]}`, { errorCode: 400 });
}

function decodeJson(bytes: Uint8Array): unknown {
  if (bytes.length === 0) return undefined;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new restate.TerminalError("the request body is not valid UTF-8", { errorCode: 400 });
  }
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new restate.TerminalError(`the request body is not valid JSON (${(e as Error).message})`, { errorCode: 400 });
  }
}

/**
 * The input serde of a handler: JSON checked against `schema`. Use as
 * `restate.handlers.handler({ input: validInput(Schema) }, fn)`; fn then receives the parsed, typed value. `root` names
 * the whole body in messages (a bare number is "amount", not "the request body").
 */
export function validInput<S extends z.ZodType>(schema: S, opts: { root?: string } = {}): restate.Serde<z.output<S>> {
  const base = restate.serde.schema(schema);
  // A body that may be left out (the seeds' bodiless curls) gets no JSON schema in the manifest: Restate's ingress
  // refuses an empty body for a handler whose input declares one.
  const optional = schema.safeParse(undefined).success;
  return {
    contentType: "application/json",
    jsonSchema: optional ? undefined : base.jsonSchema,
    serialize: (v: z.output<S>) => base.serialize(v),
    deserialize: (bytes: Uint8Array): z.output<S> => parseOrReject(schema, decodeJson(bytes), "", opts.root),
  };
}
