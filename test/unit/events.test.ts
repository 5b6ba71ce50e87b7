// Pure logic of the events group: simulated moderation, the posts send-post builds, the input serde of the Kafka-fed
// handlers, journal rows as steps, invocation outcomes.
import { describe, expect, it } from "vitest";
import { CHAOS_MAX_CHECKS, DEFAULT_PENDING_CHECKS, moderationStatus } from "../../src/services/simulations/moderation.js";
import { lenientJson } from "../../src/services/lib/kafka-input.js";
import { SOCIAL_MEDIA_POST } from "../../src/kafka/schema.js";
import { buildPosts } from "../../src/commands/user-feed/run.js";
import { outcomeOf } from "../../src/commands/lib/outcome.js";
import { seedTimestamp } from "../../src/commands/package-tracker/run.js";
import { patternEntries as registered } from "../../src/registry.js";

const patterns = registered.filter((p) => p.category === "events");

describe("simulated moderation", () => {
  it("is deterministic: pending for exactly n checks, then approved", () => {
    const seq = (n: number) => [1, 2, 3, 4, 5].map((c) => moderationStatus(c, { pendingChecks: n }));
    expect(seq(0)).toEqual(["APPROVED", "APPROVED", "APPROVED", "APPROVED", "APPROVED"]);
    expect(seq(3)).toEqual(["PENDING", "PENDING", "PENDING", "APPROVED", "APPROVED"]);
    expect(moderationStatus(DEFAULT_PENDING_CHECKS, {})).toBe("PENDING");
    expect(moderationStatus(DEFAULT_PENDING_CHECKS + 1, {})).toBe("APPROVED");
  });
  it("is random only with chaos, and never polls forever", () => {
    expect(moderationStatus(1, { chaos: true, random: () => 0.1 })).toBe("PENDING");
    expect(moderationStatus(1, { chaos: true, random: () => 0.9 })).toBe("APPROVED");
    expect(moderationStatus(CHAOS_MAX_CHECKS, { chaos: true, random: () => 0 })).toBe("APPROVED");
  });
});

describe("send-post records", () => {
  it("is the seed's JSON unless a flag asks for more", () => {
    expect(buildPosts({ content: "Hi! This is my first post!" })).toEqual([{ content: "Hi! This is my first post!", metadata: "public" }]);
    expect(buildPosts({ content: "x", pending: 2 })[0]).toEqual({ content: "x", metadata: "public", pendingChecks: 2 });
    expect(buildPosts({ content: "x", chaos: true })[0]?.chaos).toBe(true);
    expect(buildPosts({ content: "x", count: 3 }).map((p) => p.content)).toEqual(["x (#1)", "x (#2)", "x (#3)"]);
  });
});

describe("input serde of the Kafka-fed handlers", () => {
  const serde = lenientJson(SOCIAL_MEDIA_POST);
  const bytes = (s: string) => new TextEncoder().encode(s);
  it("parses JSON and never throws on bad bytes", () => {
    expect(serde.deserialize(bytes('{"content": "Hi!", "metadata": "public"}'))).toEqual({ value: { content: "Hi!", metadata: "public" } });
    expect(serde.deserialize(bytes("{not json")).problem).toMatch(/not valid JSON/);
    expect(serde.deserialize(new Uint8Array()).problem).toMatch(/empty/);
    expect(serde.deserialize(Uint8Array.from([0xff, 0xfe])).problem).toMatch(/UTF-8/);
  });
  it("declares JSON and the topic's schema for discovery", () => {
    expect(serde.contentType).toBe("application/json");
    expect(serde.jsonSchema).toMatchObject({ type: "object", required: ["content"] });
  });
});

describe("record outcomes", () => {
  it("done, rejected with the handler's message, or in flight", () => {
    expect(outcomeOf({ status: "completed", completion_result: "success" }).outcome).toBe("done");
    expect(outcomeOf({ status: "completed", completion_result: "failure", completion_failure: "[404] Package x not found" })).toMatchObject({
      outcome: "rejected",
      error: "[404] Package x not found",
    });
    expect(outcomeOf({ status: "suspended" }).outcome).toBe("in flight");
    expect(outcomeOf(undefined).outcome).toBe("in flight");
  });
  it("seed-style timestamps", () => {
    expect(seedTimestamp(new Date(2024, 9, 10, 13, 0))).toBe("2024-10-10 13:00");
  });
});

describe("pattern entries", () => {
  it("user-feed and package-tracker are registered with a named crash step", () => {
    expect(patterns.map((p) => p.name)).toEqual(["user-feed", "package-tracker"]);
    for (const p of patterns) {
      expect(p.name).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(p.category).toBe("events");
      expect(p.verbs.length).toBeGreaterThan(0);
    }
    expect(patterns[0]!.tour?.crash).toEqual({ step: "create post", when: "after" });
  });
});
