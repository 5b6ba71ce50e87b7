// The playground on a real Apache Kafka: `start --kafka-brokers` against a fresh single-node Kafka (no topics, no
// auto-create) creates the playground's topics with the spec's partition counts, runs the user feed and the package
// tracker end to end through it, `topics` reads that cluster, and `kill-broker` refuses, saying the playground does
// not own the broker and what to do instead. Skipped, saying why, without a JDK or Kafka's jars.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kafka, logLevel } from "kafkajs";
import { kafkaReference, referenceTitle, startApacheKafka, type ApacheKafka } from "../kafka-reference.js";
import { json, startOwnStack, stopChecked, TIMEOUT, uniqueKey, type OwnStack } from "../helpers.js";
import type { TopicsReport } from "../../src/commands/topics.js";

let apache: ApacheKafka | undefined;
let own: OwnStack | undefined;

beforeAll(async () => {
  if (!kafkaReference.ok) return;
  apache = await startApacheKafka();
  process.stderr.write(`kafka-brokers.test.ts: Apache Kafka formatted in ${Math.round(apache.formatMs)} ms, started in ${Math.round(apache.startMs)} ms\n`);
  own = await startOwnStack(["--kafka-brokers", apache.bootstrap]);
}, TIMEOUT.start);

afterAll(async () => {
  try {
    await stopChecked(own);
  } finally {
    await apache?.stop();
  }
}, TIMEOUT.stop);

const s = () =>
  own ??
  (() => {
    throw new Error("the stack on Apache Kafka did not start (see beforeAll)");
  })();

describe.skipIf(!kafkaReference.ok)(referenceTitle("kafka-brokers.test.ts", "the playground on Apache Kafka (start --kafka-brokers)"), { timeout: 300_000 }, () => {
  it("start created the playground's topics on Kafka, with kafka/asyncapi.yaml's partition counts", async () => {
    const admin = new Kafka({ clientId: "kafka-brokers-e2e", brokers: [apache!.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const md = await admin.fetchTopicMetadata();
    await admin.disconnect();
    const counts = Object.fromEntries(md.topics.filter((t) => !t.name.startsWith("__")).map((t) => [t.name, t.partitions.length]));
    expect(counts).toEqual({ "social-media-posts": 1, "package-location-updates": 1, "delivery-location-updates": 1, "bench-events": 4, "chaos-events": 4 });
    expect(s().logs("supervisor", 200)).toMatch(/topics on 127\.0\.0\.1:\d+: created .*social-media-posts/);
  });

  it("the user feed: posts go through Kafka to the handler, in the user's order", async () => {
    const user = uniqueKey("kafkauser");
    for (const content of ["first on real Kafka", "second on real Kafka"]) {
      const sent = await s().cli(["send-post", user, content, "--pending", "0", "--json"], { timeoutMs: TIMEOUT.cli });
      expect(sent.code, sent.stderr).toBe(0);
    }
    const feed = json<{ posts: { content: string; via: string; offset?: number }[] }>(await s().cli(["feed", user, "--json"]));
    expect(feed.posts.map((p) => [p.content, p.via])).toEqual([
      ["first on real Kafka", "kafka"],
      ["second on real Kafka", "kafka"],
    ]);
    expect(feed.posts[0]!.offset!).toBeLessThan(feed.posts[1]!.offset!);
  });

  it("the package tracker: register, moves through Kafka, show", async () => {
    const id = uniqueKey("kpackage");
    const reg = await s().cli(["package", "register", id, "--to", "Bridge 6, Amsterdam", "--json"]);
    expect(reg.code, reg.stderr).toBe(0);
    for (const [at, where] of [
      ["2024-10-10 13:00", "Pinetree Road 5, Paris"],
      ["2024-10-10 14:00", "Mountain Road 155, Brussels"],
    ]) {
      const mv = await s().cli(["package", "move", id, where!, "--at", at!, "--json"], { timeoutMs: TIMEOUT.cli });
      expect(mv.code, mv.stderr).toBe(0);
      expect(JSON.parse(mv.stdout)).toMatchObject({ via: "kafka", outcome: "applied" });
    }
    expect(json<{ locations: { location: string }[] }>(await s().cli(["package", "show", id, "--json"])).locations.map((l) => l.location)).toEqual([
      "Pinetree Road 5, Paris",
      "Mountain Road 155, Brussels",
    ]);
  });

  it("topics reads the external cluster: its topics, ends, and the subscriptions' groups", async () => {
    const r = json<TopicsReport>(await s().cli(["topics", "--json"]));
    expect(r.brokers).toEqual([apache!.bootstrap]);
    expect(r.embedded).toBe(false);
    const posts = r.topics.find((t) => t.name === "social-media-posts");
    // the two posts of the feed test, and nothing on disk to report for a cluster the playground does not hold
    expect(posts?.records).toBeGreaterThanOrEqual(2);
    expect(posts?.bytes).toBeNull();
    expect(r.topics.map((t) => t.name)).not.toContain("__consumer_offsets");
    const sub = r.subscriptions.find((x) => x.topic === "package-location-updates");
    expect(sub?.partitions.map((p) => p.logEnd)).toEqual([r.topics.find((t) => t.name === "package-location-updates")!.partitions[0]!.logEnd]);
  });

  it("kill-broker refuses: the playground does not own that broker (exit 1, the fix named), and Kafka keeps running", async () => {
    const text = await s().cli(["kill-broker"]);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain(`the Kafka broker at ${apache!.bootstrap} is external`);
    expect(text.stderr).toMatch(/does not own it/);
    expect(text.stderr).toMatch(/npx patterns stop && npx patterns start/);
    const asJson = await s().cli(["kill-broker", "--json"]);
    expect(asJson.code).toBe(1);
    expect(json<{ error: { message: string; fix: string; exitCode: number } }>(asJson).error).toMatchObject({
      message: expect.stringMatching(/does not own it/),
      fix: expect.stringMatching(/docker compose stop broker/),
      exitCode: 1,
    });
    expect(apache!.log()).not.toMatch(/shutting down/);
  });
});
