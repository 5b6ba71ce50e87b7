// The playground's topics and their record schemas, as data. kafka/asyncapi.yaml declares the same schemas for the
// embedded broker (it refuses a bad record at produce time); this copy lets the CLI refuse it first, naming the field,
// and lets handlers reject the same shapes with a TerminalError when a record arrives another way (ingress, curl).
// Pure: no kafkajs here, so the worker can import it.

/** The subset of JSON Schema the playground's topics use. */
export interface FieldSchema {
  type: "string" | "integer" | "boolean";
  minLength?: number;
  minimum?: number;
  maximum?: number;
}

export interface ObjectSchema {
  required: string[];
  properties: Record<string, FieldSchema>;
}

/** Same pattern as components.schemas.RecordKey in kafka/asyncapi.yaml. */
export const KEY_PATTERN = /^[A-Za-z0-9._@-]{1,128}$/;
export const KEY_PATTERN_TEXT = "^[A-Za-z0-9._@-]{1,128}$";

/** 1 MiB: far above any playground record, far below the broker's and Restate's limits. */
export const MAX_VALUE_BYTES = 1024 * 1024;

export const SOCIAL_MEDIA_POST: ObjectSchema = {
  required: ["content"],
  properties: {
    content: { type: "string", minLength: 1 },
    metadata: { type: "string" },
    pendingChecks: { type: "integer", minimum: 0, maximum: 100 },
    chaos: { type: "boolean" },
    holdForModerator: { type: "boolean" },
  },
};

export const LOCATION_UPDATE: ObjectSchema = {
  required: ["timestamp", "location"],
  properties: {
    timestamp: { type: "string", minLength: 1 },
    location: { type: "string", minLength: 1 },
  },
};

export interface TopicSpec {
  topic: string;
  /** the Restate handler a subscription feeds, as Service/handler */
  sink: string;
  value: ObjectSchema;
  /** what the key means, for messages */
  keyMeans: string;
}

export const TOPICS: Record<string, TopicSpec> = {
  "social-media-posts": { topic: "social-media-posts", sink: "userFeed/processPost", value: SOCIAL_MEDIA_POST, keyMeans: "user id" },
  "package-location-updates": { topic: "package-location-updates", sink: "package-tracker/updateLocation", value: LOCATION_UPDATE, keyMeans: "package id" },
  "delivery-location-updates": { topic: "delivery-location-updates", sink: "delivery-tracker/setLocation", value: LOCATION_UPDATE, keyMeans: "delivery id" },
};

/** Why a key cannot be used as a Kafka key for an object subscription, or undefined if it can. */
export function keyProblem(key: string | Uint8Array | null | undefined): string | undefined {
  if (key === null || key === undefined) return "the key is missing (an object subscription needs a key: it becomes the object key)";
  let text: string;
  if (typeof key === "string") text = key;
  else {
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(key);
    } catch {
      return "the key is not valid UTF-8 (Restate would stall the whole partition on it)";
    }
  }
  if (text.length === 0) return "the key is empty (it becomes the object key, so it must name one)";
  if (text.length > 128) return `the key is ${text.length} characters long (at most 128)`;
  if (!KEY_PATTERN.test(text)) {
    const bad = [...text].find((ch) => !/[A-Za-z0-9._@-]/.test(ch)) ?? "";
    return `the key "${text}" contains ${JSON.stringify(bad)}: keys may use letters, digits, . _ @ - (pattern ${KEY_PATTERN_TEXT})`;
  }
  return undefined;
}

/** Problems of a JSON value against an object schema, each naming its field; empty when valid. */
export function valueProblems(value: unknown, schema: ObjectSchema): string[] {
  if (value === null || value === undefined) return ["the value is empty: a JSON object is required"];
  if (typeof value !== "object" || Array.isArray(value)) return [`the value must be a JSON object, got ${Array.isArray(value) ? "an array" : typeof value}`];
  const obj = value as Record<string, unknown>;
  const out: string[] = [];
  for (const field of schema.required) {
    if (!(field in obj) || obj[field] === undefined || obj[field] === null) out.push(`${field} is missing`);
  }
  for (const [field, spec] of Object.entries(schema.properties)) {
    const v = obj[field];
    if (v === undefined || v === null) continue;
    const p = fieldProblem(field, v, spec);
    if (p) out.push(p);
  }
  return out;
}

function fieldProblem(field: string, v: unknown, spec: FieldSchema): string | undefined {
  switch (spec.type) {
    case "string":
      if (typeof v !== "string") return `${field} must be a string, got ${describe(v)}`;
      if (spec.minLength !== undefined && v.length < spec.minLength) return `${field} must not be empty`;
      return undefined;
    case "boolean":
      return typeof v === "boolean" ? undefined : `${field} must be true or false, got ${describe(v)}`;
    case "integer":
      if (typeof v !== "number" || !Number.isInteger(v)) return `${field} must be a whole number, got ${describe(v)}`;
      if (spec.minimum !== undefined && v < spec.minimum) return `${field} must be at least ${spec.minimum}, got ${v}`;
      if (spec.maximum !== undefined && v > spec.maximum) return `${field} must be at most ${spec.maximum}, got ${v}`;
      return undefined;
  }
}

function describe(v: unknown): string {
  if (typeof v === "string") return `"${v.length > 20 ? v.slice(0, 20) + "…" : v}"`;
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  return String(v);
}

/** Parse a record value given as text; undefined + a problem when it is not JSON. */
export function parseValue(text: string): { value?: unknown; problem?: string } {
  if (text.trim() === "") return { problem: "the value is empty: a JSON object is required" };
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    return { problem: `the value is not valid JSON (${(e as Error).message})` };
  }
}

/**
 * A kafka-console-producer line with `parse.key=true` and `key.separator=:` → key and value text,
 * e.g. `userid1:{"content": "Hi!", "metadata": "public"}`.
 */
export function splitConsoleLine(line: string, separator = ":"): { key: string; value: string } | undefined {
  const i = line.indexOf(separator);
  if (i < 0) return undefined;
  return { key: line.slice(0, i), value: line.slice(i + separator.length) };
}
