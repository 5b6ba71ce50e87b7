// Pure logic of the Kafka layer: record validation (keys, values), console-producer lines, error mapping, and the
// topic declarations (kafka/asyncapi.yaml for the embedded broker, docker-compose.yml for a real Kafka, TOPICS for the CLI).
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { KEY_PATTERN_TEXT, keyProblem, LOCATION_UPDATE, parseValue, SOCIAL_MEDIA_POST, splitConsoleLine, TOPICS, valueProblems } from "../../src/kafka/schema.js";
import { InvalidRecordError, mapKafkaError, recordProblems, validateRecords } from "../../src/kafka/producer.js";
import { inputHeaders, inputPayload } from "../../src/observe/kafka-records.js";
import { repoRoot } from "../helpers.js";
import { parseSpec } from "../../src/broker/spec.js";

/** Channels of the AsyncAPI file, read as the embedded broker reads it: address → partitions. */
function asyncApiChannels(text: string): Map<string, number> {
  return new Map([...parseSpec(text).values()].map((t) => [t.name, t.partitions]));
}

/** Topics the docker-compose init container creates: name → partitions. */
function composeTopics(text: string): Map<string, number> {
  const loop = /for t in ([^;]+); do/.exec(text);
  if (!loop) throw new Error("no topic loop in docker-compose.yml");
  const out = new Map<string, number>();
  for (const item of loop[1]!.trim().split(/\s+/)) {
    const [name, partitions] = item.split(":");
    out.set(name!, Number(partitions));
  }
  return out;
}

describe("topic declarations", () => {
  const spec = readFileSync(path.join(repoRoot, "kafka", "asyncapi.yaml"), "utf8");
  const compose = readFileSync(path.join(repoRoot, "docker-compose.yml"), "utf8");

  it("docker-compose init-topics creates exactly the AsyncAPI channels, with the same partition counts", () => {
    const channels = asyncApiChannels(spec);
    expect(channels.size).toBeGreaterThanOrEqual(4);
    expect(Object.fromEntries(composeTopics(compose))).toEqual(Object.fromEntries(channels));
  });

  it("declares the benchmark and chaos channels with 4 partitions", () => {
    expect(asyncApiChannels(spec).get("bench-events")).toBe(4);
    expect(asyncApiChannels(spec).get("chaos-events")).toBe(4);
  });

  it("every topic the CLI knows is a channel, and every channel has a receive operation (Restate consumes it)", () => {
    const channels = asyncApiChannels(spec);
    for (const topic of Object.keys(TOPICS)) expect(channels.has(topic), topic).toBe(true);
    const receives = spec.split(/\n {2}(?=\w+:\n {4}action:)/).filter((block) => /action: receive/.test(block));
    expect(receives.length).toBe(channels.size);
  });

  it("the broker's key schema is the CLI's key pattern", () => {
    expect(spec).toContain(`pattern: '${KEY_PATTERN_TEXT}'`);
  });
});

describe("record keys", () => {
  it("accepts the seed's keys", () => {
    for (const k of ["userid1", "package123", "user.name@example.com", "a-b_c"]) expect(keyProblem(k)).toBeUndefined();
  });
  it("refuses keys that would stall a partition or name no object", () => {
    expect(keyProblem(null)).toMatch(/missing/);
    expect(keyProblem("")).toMatch(/empty/);
    expect(keyProblem(Buffer.from([0xff, 0xfe]))).toMatch(/UTF-8/);
    expect(keyProblem("user 1")).toMatch(/" "/);
    expect(keyProblem("x".repeat(129))).toMatch(/129/);
  });
});

describe("record values", () => {
  it("the seed's post and location update are valid", () => {
    expect(valueProblems({ content: "Hi! This is my first post!", metadata: "public" }, SOCIAL_MEDIA_POST)).toEqual([]);
    expect(valueProblems({ timestamp: "2024-10-10 13:00", location: "Pinetree Road 5, Paris" }, LOCATION_UPDATE)).toEqual([]);
  });
  it("names every bad field", () => {
    expect(valueProblems({ metadata: "public" }, SOCIAL_MEDIA_POST)).toEqual(["content is missing"]);
    expect(valueProblems({ content: "", pendingChecks: 1.5 }, SOCIAL_MEDIA_POST)).toEqual(["content must not be empty", "pendingChecks must be a whole number, got 1.5"]);
    expect(valueProblems({ content: "x", chaos: "yes" }, SOCIAL_MEDIA_POST)[0]).toMatch(/chaos must be true or false/);
    expect(valueProblems([1], LOCATION_UPDATE)[0]).toMatch(/array/);
    expect(valueProblems(undefined, LOCATION_UPDATE)[0]).toMatch(/empty/);
  });
  it("recordProblems checks key, JSON and schema together", () => {
    expect(recordProblems("social-media-posts", { key: "userid1", value: '{"content": "Hi!", "metadata": "public"}' })).toEqual([]);
    expect(recordProblems("social-media-posts", { key: "userid1", value: "{not json" })[0]).toMatch(/not valid JSON/);
    expect(recordProblems("package-location-updates", { key: "", value: { location: "x" } })).toEqual(["the key is empty (it becomes the object key, so it must name one)", "timestamp is missing"]);
  });
  it("validateRecords names the record and refuses the whole batch", () => {
    try {
      validateRecords("social-media-posts", [
        { key: "a", value: { content: "ok" } },
        { key: "b", value: { metadata: "x" } },
      ]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidRecordError);
      expect((e as InvalidRecordError).message).toMatch(/record 2 of 2 .*key "b".*content is missing/);
      expect((e as InvalidRecordError).exitCode).toBe(2);
    }
  });
  it("parseValue reports non-JSON text", () => {
    expect(parseValue('{"a":1}')).toEqual({ value: { a: 1 } });
    expect(parseValue("  ").problem).toMatch(/empty/);
    expect(parseValue("{").problem).toMatch(/not valid JSON/);
  });
});

describe("kafka-console-producer lines", () => {
  it("splits at the first separator only (the JSON keeps its colons)", () => {
    expect(splitConsoleLine('userid1:{"content": "Hi! This is my first post!", "metadata": "public"}')).toEqual({
      key: "userid1",
      value: '{"content": "Hi! This is my first post!", "metadata": "public"}',
    });
    expect(splitConsoleLine("k|v", "|")).toEqual({ key: "k", value: "v" });
    expect(splitConsoleLine("no separator")).toBeUndefined();
  });
});

describe("kafkajs error mapping", () => {
  const ctx = { topic: "social-media-posts", brokers: ["127.0.0.1:9"], knownTopics: ["a", "b"] };
  it("INVALID_RECORD becomes a one-line schema message", () => {
    const e = { name: "KafkaJSNonRetriableError", cause: { name: "KafkaJSProtocolError", type: "INVALID_RECORD", message: "x" } };
    expect(mapKafkaError(e, ctx).message).toMatch(/refused the record for topic social-media-posts \(INVALID_RECORD\)/);
  });
  it("unknown topics list the known ones; connection errors name the broker", () => {
    expect(mapKafkaError({ type: "UNKNOWN_TOPIC_OR_PARTITION" }, ctx).message).toMatch(/topics: a, b/);
    expect(mapKafkaError({ name: "KafkaJSConnectionError", message: "Connection error: connect ECONNREFUSED" }, ctx).message).toMatch(/127\.0\.0\.1:9 is not reachable/);
  });
});

describe("journal Input entries", () => {
  it("reads the Kafka headers and the payload Restate recorded", () => {
    const entry = JSON.stringify({
      Command: {
        Input: {
          headers: [
            { name: "kafka.offset", value: "12" },
            { name: "kafka.topic", value: "social-media-posts" },
          ],
          payload: [...Buffer.from('{"content":"x"}')],
        },
      },
    });
    expect(inputHeaders(entry)).toEqual({ "kafka.offset": "12", "kafka.topic": "social-media-posts" });
    expect(inputPayload(entry)).toBe('{"content":"x"}');
    expect(inputHeaders("not json")).toEqual({});
  });
});
