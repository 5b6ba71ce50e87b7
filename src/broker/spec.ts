// Topics, partition counts, retention and record schemas from an AsyncAPI 3 document (the playground's
// kafka/asyncapi.yaml): each channel is a topic (`bindings.kafka.partitions`, optional
// `bindings.kafka.topicConfiguration` with retention.bytes / retention.ms / segment.bytes), each of its messages
// declares the value's JSON schema (`payload`) and the key's (`bindings.kafka.key`). Records are checked against
// them at produce time. YAML is parsed with `yaml`, schemas compiled with `ajv`. Compiling is the slow part of a
// start (loading ajv and generating the validators), so it is separate: `compileChecks` runs once the broker listens,
// and produce requests wait for it.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { ErrorObject, ValidateFunction } from "ajv";
import { DEFAULT_RETENTION, type RetentionConfig } from "./log.js";

export interface TopicSpec {
  name: string;
  partitions: number;
  retention: RetentionConfig;
  /** each message the channel declares: its key and value schemas (resolved), and whether values are JSON */
  messages: { json: boolean; key?: object; value?: object }[];
  /** checks a record; returns the problems (each naming the field), empty when it may be written (after compileChecks) */
  check(key: Buffer | null, value: Buffer | null): string[];
}

type Json = Record<string, unknown>;

function pointer(doc: Json, ref: string): unknown {
  if (!ref.startsWith("#/")) throw new Error(`only local $refs are supported, got ${ref}`);
  let cur: unknown = doc;
  for (const raw of ref.slice(2).split("/")) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (cur === null || typeof cur !== "object" || !(part in (cur as Json))) throw new Error(`$ref ${ref} does not resolve`);
    cur = (cur as Json)[part];
  }
  return cur;
}

/** Replace every local $ref by what it points at (the documents here have no cycles). */
function deref(doc: Json, node: unknown, depth = 0): unknown {
  if (depth > 50) throw new Error("$ref nesting too deep (a cycle?)");
  if (Array.isArray(node)) return node.map((n) => deref(doc, n, depth + 1));
  if (node === null || typeof node !== "object") return node;
  const obj = node as Json;
  if (typeof obj.$ref === "string") return deref(doc, pointer(doc, obj.$ref), depth + 1);
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, deref(doc, v, depth + 1)]));
}

/** One line per schema error, naming the field: `value.content is missing`, `key must match pattern …`. */
export function describeErrors(what: "key" | "value", errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const at = what + e.instancePath.replace(/\//g, ".");
    if (e.keyword === "required") return `${at}.${(e.params as { missingProperty: string }).missingProperty} is missing`;
    if (e.keyword === "additionalProperties") return `${at}.${(e.params as { additionalProperty: string }).additionalProperty} is not allowed`;
    return `${at} ${e.message ?? "is invalid"}`;
  });
}

function numberOr(v: unknown, dflt: number): number {
  const n = typeof v === "string" ? Number(v) : v;
  return typeof n === "number" && Number.isFinite(n) ? n : dflt;
}

export function loadSpec(file: string): Map<string, TopicSpec> {
  return parseSpec(readFileSync(file, "utf8"), file);
}

/** Compile every topic's schemas and install its record check. */
export async function compileChecks(topics: Map<string, TopicSpec>): Promise<void> {
  const { default: AjvModule } = await import("ajv");
  const ajv = new AjvModule.default({ allErrors: true, strict: false });
  for (const t of topics.values()) {
    const validators: Validators[] = t.messages.map((m) => ({ json: m.json, value: m.value ? ajv.compile(m.value) : undefined, key: m.key ? ajv.compile(m.key) : undefined }));
    t.check = (key, value) => checkRecord(validators, key, value);
  }
}

export function parseSpec(text: string, where = "spec"): Map<string, TopicSpec> {
  const doc = parse(text) as Json;
  const channels = doc?.channels as Record<string, Json> | undefined;
  if (!channels || typeof channels !== "object") throw new Error(`${where}: no channels`);
  const out = new Map<string, TopicSpec>();
  for (const [id, rawChannel] of Object.entries(channels)) {
    const channel = deref(doc, rawChannel) as Json;
    const name = typeof channel.address === "string" ? channel.address : id;
    const kafka = ((channel.bindings as Json | undefined)?.kafka ?? {}) as Json;
    const partitions = numberOr(kafka.partitions, 1);
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > 1000) throw new Error(`${where}: channel ${id} has ${String(kafka.partitions)} partitions`);
    const cfg = (kafka.topicConfiguration ?? {}) as Json;
    const retention: RetentionConfig = {
      retentionBytes: numberOr(cfg["retention.bytes"], DEFAULT_RETENTION.retentionBytes),
      retentionMs: numberOr(cfg["retention.ms"], DEFAULT_RETENTION.retentionMs),
      segmentBytes: numberOr(cfg["segment.bytes"], DEFAULT_RETENTION.segmentBytes),
    };
    const messages = Object.values((channel.messages ?? {}) as Record<string, Json>).map((m) => {
      const key = ((m.bindings as Json | undefined)?.kafka as Json | undefined)?.key;
      return {
        json: m.contentType === undefined ? doc.defaultContentType === "application/json" : m.contentType === "application/json",
        value: (m.payload as object | undefined) ?? undefined,
        key: (key as object | undefined) ?? undefined,
      };
    });
    const check = () => {
      throw new Error(`the schemas of ${name} are not compiled yet (compileChecks)`);
    };
    out.set(name, { name, partitions, retention, messages, check });
  }
  return out;
}

interface Validators {
  json: boolean;
  value?: ValidateFunction;
  key?: ValidateFunction;
}

function checkRecord(validators: Validators[], key: Buffer | null, value: Buffer | null): string[] {
  if (validators.length === 0) return [];
  let first: string[] | undefined;
  for (const v of validators) {
    const problems = checkOne(v, key, value);
    if (problems.length === 0) return [];
    first ??= problems;
  }
  return first ?? [];
}

function checkOne(v: Validators, key: Buffer | null, value: Buffer | null): string[] {
  const out: string[] = [];
  if (v.key) {
    if (key === null) out.push("key is missing");
    else {
      let text: string | undefined;
      try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(key);
      } catch {
        out.push("key is not valid UTF-8");
      }
      if (text !== undefined && !v.key(text)) out.push(...describeErrors("key", v.key.errors));
    }
  }
  if (v.value) {
    if (value === null) out.push("value is null (a tombstone), a record is required");
    else if (v.json) {
      let parsed: unknown;
      let ok = true;
      try {
        parsed = JSON.parse(value.toString("utf8"));
      } catch (e) {
        ok = false;
        out.push(`value is not JSON (${(e as Error).message})`);
      }
      if (ok && !v.value(parsed)) out.push(...describeErrors("value", v.value.errors));
    }
  }
  return out;
}
