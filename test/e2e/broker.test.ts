// The embedded broker alone, with kafkajs (the playground's producer, and a consumer group as any Kafka app would
// run one): produce, consume in a group, commit, SIGKILL the broker, and go on from the committed offsets with
// nothing lost or repeated; records that break the topic's schema are refused with INVALID_RECORD.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kafka, logLevel, type Consumer, type Producer } from "kafkajs";
import { startLoneBroker, type LoneBroker } from "../lone-broker.js";
import { eventually } from "../helpers.js";

let broker: LoneBroker;
let kafka: Kafka;
let producer: Producer;

beforeAll(async () => {
  broker = await startLoneBroker();
  kafka = new Kafka({ clientId: "broker-e2e", brokers: [`127.0.0.1:${broker.port}`], logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 1000 } });
  producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
}, 60_000);

afterAll(async () => {
  await producer?.disconnect().catch(() => {});
  await broker?.stop();
}, 60_000);

const event = (key: string, seq: number) => ({ key, value: JSON.stringify({ eventId: `${key}-${seq}`, seq, amount: seq }) });

/** Consume chaos-events in group `group` until `want` records arrived; returns them as key-seq, per partition in order. */
async function consume(group: string, want: number): Promise<{ seen: string[]; byPartition: Map<number, number[]>; consumer: Consumer }> {
  const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 5000, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  await consumer.connect();
  await consumer.subscribe({ topic: "chaos-events", fromBeginning: true });
  const seen: string[] = [];
  const byPartition = new Map<number, number[]>();
  await consumer.run({
    autoCommitInterval: 100,
    eachMessage: async ({ partition, message }) => {
      const v = JSON.parse(message.value!.toString()) as { eventId: string };
      seen.push(v.eventId);
      byPartition.set(partition, [...(byPartition.get(partition) ?? []), Number(message.offset)]);
    },
  });
  await eventually(`${want} records in group ${group} (have ${seen.length})`, async () => seen.length >= want, 60_000);
  return { seen, byPartition, consumer };
}

describe("the embedded broker with kafkajs", () => {
  it("lists the spec's topics and partition counts, all on 127.0.0.1", async () => {
    const admin = kafka.admin();
    await admin.connect();
    const md = await admin.fetchTopicMetadata();
    await admin.disconnect();
    const counts = Object.fromEntries(md.topics.map((t) => [t.name, t.partitions.length]));
    expect(counts).toEqual({ "social-media-posts": 1, "package-location-updates": 1, "delivery-location-updates": 1, "bench-events": 4, "chaos-events": 4 });
  });

  it("refuses a record that breaks the schema (INVALID_RECORD) and logs the field; the next good one is written", async () => {
    const err = await producer.send({ topic: "social-media-posts", messages: [{ key: "u1", value: JSON.stringify({ metadata: "no content" }) }] }).then(
      () => undefined,
      (e: { type?: string; cause?: { type?: string } }) => e,
    );
    expect(err, "the bad record was accepted").toBeDefined();
    expect(JSON.stringify(err)).toMatch(/INVALID_RECORD|failed the validation/);
    // the broker's log line is written as it answers: it may reach the file a moment after the client saw the error
    await eventually("the broker to log the refused record", async () => /^\S+Z WARN {2}INVALID_RECORD: .*social-media-posts.*value\.content is missing/m.test(broker.log()), 5000);
    const [ack] = await producer.send({ topic: "social-media-posts", messages: [{ key: "u1", value: JSON.stringify({ content: "fine" }) }] });
    expect(ack).toMatchObject({ errorCode: 0, baseOffset: "0" });
    const topic = await producer.send({ topic: "no-such-topic", messages: [{ key: "u1", value: "{}" }] }).then(
      () => "accepted",
      (e: Error) => e.message,
    );
    expect(topic).not.toBe("accepted");
  });

  it("a consumer group reads everything in order, commits, and after a broker SIGKILL goes on with nothing lost or repeated", async () => {
    const keys = ["a", "b", "c", "d", "e", "f"];
    for (let seq = 1; seq <= 5; seq++) await producer.send({ topic: "chaos-events", messages: keys.map((k) => event(k, seq)) });
    const first = await consume("group-1", 30);
    // each partition's offsets arrive in order, and each key's events in their sequence
    for (const [p, offsets] of first.byPartition) expect(offsets, `partition ${p}`).toEqual([...offsets].sort((x, y) => x - y));
    for (const k of keys)
      expect(
        first.seen.filter((e) => e.startsWith(`${k}-`)),
        `key ${k}`,
      ).toEqual([1, 2, 3, 4, 5].map((s) => `${k}-${s}`));
    // the commit is visible from outside the group
    const admin = kafka.admin();
    await admin.connect();
    await eventually("committed offsets of group-1 covering all 30 records", async () => {
      const [t] = await admin.fetchOffsets({ groupId: "group-1", topics: ["chaos-events"] });
      return t!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0) === 30;
    });
    await admin.disconnect();
    await first.consumer.disconnect();

    await broker.restart();
    for (let seq = 6; seq <= 8; seq++) await producer.send({ topic: "chaos-events", messages: keys.map((k) => event(k, seq)) });
    const second = await consume("group-1", 18);
    await second.consumer.disconnect();
    expect(second.seen.length, "records after the restart (more means some were repeated)").toBe(18);
    for (const k of keys)
      expect(
        second.seen.filter((e) => e.startsWith(`${k}-`)),
        `key ${k}`,
      ).toEqual([6, 7, 8].map((s) => `${k}-${s}`));
  });
});
