// kafka/asyncapi.yaml is the one source of the Kafka record schemas: the broker validates against it at produce time.
// src/kafka/schema.ts keeps a copy the CLI and the worker use without loading YAML or ajv; this test fails the moment
// the two disagree (a field, a bound, a required list, the key pattern, a topic), naming what differs.
import { describe, expect, it } from "vitest";
import { loadSpec } from "../../src/broker/spec.js";
import { asyncApiSpecPath } from "../../src/runtime/paths.js";
import { KEY_PATTERN, KEY_PATTERN_TEXT, TOPICS } from "../../src/kafka/schema.js";

const spec = loadSpec(asyncApiSpecPath);

describe("src/kafka/schema.ts agrees with kafka/asyncapi.yaml", () => {
  it.each(Object.values(TOPICS).map((t) => [t.topic, t] as const))("%s: the value schema", (topic, t) => {
    const channel = spec.get(topic);
    expect(channel, `${topic} is not a channel of kafka/asyncapi.yaml`).toBeDefined();
    const payload = channel!.messages[0]?.value as { type?: string; required?: string[]; properties?: Record<string, object> } | undefined;
    expect(payload?.type, `${topic}: payload type`).toBe("object");
    expect([...(payload?.required ?? [])].sort(), `${topic}: required fields`).toEqual([...t.value.required].sort());
    expect(payload?.properties, `${topic}: properties`).toEqual(t.value.properties);
  });

  it.each(Object.values(TOPICS).map((t) => [t.topic] as const))("%s: the key pattern", (topic) => {
    const key = spec.get(topic)?.messages[0]?.key as { type?: string; pattern?: string } | undefined;
    expect(key, `${topic}: the message declares no key schema`).toEqual({ type: "string", pattern: KEY_PATTERN_TEXT });
    expect(KEY_PATTERN.source).toBe(KEY_PATTERN_TEXT);
  });
});
