// Input handling shared by the Kafka-fed handlers. The SDK's default JSON serde fails a non-JSON record with a bare
// "Failed to deserialize input" before the handler runs; this serde never throws, so the handler itself rejects the
// record with a TerminalError that names the record (topic/partition/offset) and the bad field. A TerminalError
// completes the invocation as failed without retries: the record is visible in Restate's invocations and the partition and
// the key keep flowing.
import * as restate from "@restatedev/restate-sdk";
import { valueProblems, type ObjectSchema } from "../../kafka/schema.js";

/** What the handler receives: the parsed JSON, or why the bytes were not JSON. */
export interface RawInput {
  value?: unknown;
  problem?: string;
}

function toJsonSchema(schema: ObjectSchema): object {
  return { type: "object", required: schema.required, properties: schema.properties };
}

/** A JSON serde for handler input that reports problems instead of throwing. */
export function lenientJson(schema: ObjectSchema): restate.Serde<RawInput> {
  return {
    contentType: "application/json",
    jsonSchema: toJsonSchema(schema),
    serialize: (v: RawInput) => new TextEncoder().encode(JSON.stringify(v?.value ?? null)),
    deserialize: (bytes: Uint8Array): RawInput => {
      let text: string;
      try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      } catch {
        return { problem: "the value is not valid UTF-8" };
      }
      if (text.trim() === "") return { problem: "the value is empty: a JSON object is required" };
      try {
        return { value: JSON.parse(text) };
      } catch (e) {
        return { problem: `the value is not valid JSON (${(e as Error).message})` };
      }
    },
  };
}

/** "social-media-posts/0@12" for a Kafka record, "ingress request" otherwise. */
export function origin(ctx: { request(): restate.Request }): string {
  const h = ctx.request().headers;
  const offset = h.get("kafka.offset");
  if (offset === undefined) return "ingress request";
  return `Kafka record ${h.get("kafka.topic") ?? "?"}/${h.get("kafka.partition") ?? "?"}@${offset}`;
}

/** The validated value, or a TerminalError (400) naming the record and every bad field. */
export function validRecord<T>(ctx: { key: string; request(): restate.Request }, what: string, input: RawInput | undefined, schema: ObjectSchema): T {
  const where = origin(ctx);
  if (ctx.key === "") throw new restate.TerminalError(`${what}: rejected ${where}: the key is empty (it becomes the object key)`, { errorCode: 400 });
  const problems = input?.problem ? [input.problem] : valueProblems(input?.value, schema);
  if (problems.length) throw new restate.TerminalError(`${what}: rejected ${where} for key ${ctx.key}: ${problems.join("; ")}`, { errorCode: 400 });
  return input!.value as T;
}
