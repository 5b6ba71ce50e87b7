// The durable promises pattern's payloads, declared once: the seed's { "request": { "promiseName", … } } for the
// service, and the bare value / error message / awakeable id the per-name object takes.
import { z } from "zod";

const promiseName = z
  .string({ error: 'expected a name, e.g. { "request": { "promiseName": "prom-1" } }' })
  .trim()
  .min(1, { error: "expected a non-empty name" })
  .max(200, { error: "expected at most 200 characters" });
const anyJson = z.custom<unknown>((v) => v !== undefined, { error: "expected any JSON value" });
const message = z.string({ error: "expected a non-empty string" }).min(1, { error: "expected a non-empty string" });

export const PeekOrAwaitSchema = z.object({ request: z.object({ promiseName }) });
export const ResolveSchema = z.object({ request: z.object({ promiseName, value: anyJson }) });
export const RejectSchema = z.object({ request: z.object({ promiseName, errorMessage: message }) });

export const ValueSchema = anyJson;
export const ErrorMessageSchema = message;
export const AwakeableIdSchema = message;
