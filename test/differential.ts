// What the differential tests share: the two brokers side by side (the embedded one with schema-free topics, and
// Apache Kafka with the same topics), raw calls to either (through the tests' one raw client), hand-made record
// batches (valid and forged), and kcat with a deadline. A case runs the same sequence against each broker and the
// test compares the outcomes.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { expect, it } from "vitest";
import { crc32c } from "../src/broker/crc32c.js";
import { decodeRecords, encodeBatch, readBatchHeader, type NewRecord } from "../src/broker/batch.js";
import { ApiKey } from "../src/broker/protocol.js";
import { startApacheKafka, type ApacheKafka } from "./kafka-reference.js";
import { startLoneBroker, type LoneBroker } from "./lone-broker.js";
import { RawClient } from "./raw-kafka.js";
import { runToEnd } from "./run-to-end.js";

/** The topics both brokers hold: no schemas (the embedded broker's schema checks are not what is compared here). */
export const DIFF_TOPICS = [
  { name: "diff-records", partitions: 1 },
  { name: "diff-times", partitions: 1 },
  { name: "diff-hostile", partitions: 1 },
  { name: "diff-groups", partitions: 2 },
  { name: "diff-kcat", partitions: 1 },
  { name: "diff-clients", partitions: 1 },
  { name: "diff-codec", partitions: 1 },
  { name: "diff-kcat-gzip", partitions: 1 },
  { name: "diff-kcat-zstd", partitions: 1 },
];

const SPEC = `# topics for the differential tests: no messages declared, so any key and value is accepted
asyncapi: 3.0.0
info: { title: differential, version: "1" }
channels:
${DIFF_TOPICS.map((t) => `  ${t.name}:\n    bindings: { kafka: { partitions: ${t.partitions} } }`).join("\n")}
`;

export interface Target {
  name: "embedded" | "kafka";
  bootstrap: string;
  port: number;
  kafka: Kafka;
}

export interface Pair {
  embedded: Target;
  kafka: Target;
  apache: ApacheKafka;
  lone: LoneBroker;
  stop(): Promise<void>;
}

const target = (name: Target["name"], port: number): Target => ({
  name,
  port,
  bootstrap: `127.0.0.1:${port}`,
  kafka: new Kafka({ clientId: `diff-${name}`, brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 } }),
});

/** Start both brokers (in parallel) with the same topics. */
export async function startPair(): Promise<Pair> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "diff-spec-"));
  const spec = path.join(dir, "asyncapi.yaml");
  writeFileSync(spec, SPEC);
  const [a, b] = await Promise.allSettled([startLoneBroker({ spec }), startApacheKafka()]);
  const stop = async () => {
    await Promise.all([a.status === "fulfilled" ? a.value.stop() : undefined, b.status === "fulfilled" ? b.value.stop() : undefined]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // one of the two failed to start: the other one is stopped, not left running
    if (a.status === "rejected") throw a.reason;
    if (b.status === "rejected") throw b.reason;
    await b.value.createTopics(DIFF_TOPICS);
    // CreateTopics returns when the controller has leaders; the broker may answer NOT_LEADER_OR_FOLLOWER a moment
    // longer, until its metadata caught up (clients retry on it). The cases start once every partition answers.
    await waitForPartitions(b.value.port);
  } catch (e) {
    await stop();
    throw e;
  }
  const [lone, apache] = [a.value, b.value];
  return { lone, apache, embedded: target("embedded", lone.port), kafka: target("kafka", apache.port), stop };
}

/** Until a ListOffsets for every partition of every topic is answered without an error (a deadline names what is not). */
async function waitForPartitions(port: number): Promise<void> {
  const body = {
    replicaId: -1,
    isolationLevel: 0,
    topics: DIFF_TOPICS.map((t) => ({ name: t.name, partitions: Array.from({ length: t.partitions }, (_, i) => ({ partitionIndex: i, currentLeaderEpoch: -1, timestamp: -1 })) })),
  };
  const deadline = Date.now() + 60_000;
  let last = "";
  while (Date.now() < deadline) {
    const c = await RawClient.open(port, "differential");
    const res = await c.callOrClosed(ApiKey.ListOffsets, 5, body).finally(() => c.close());
    if (res === "closed") last = "connection closed";
    else {
      const bad = (res.topics as { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[]).flatMap((t) =>
        t.partitions.filter((p) => p.errorCode !== 0).map((p) => `${t.name}/${p.partitionIndex}: error ${p.errorCode}`),
      );
      if (bad.length === 0) return;
      last = bad.join(", ");
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Apache Kafka's partitions were not ready after 60 s: ${last}`);
}

/** Run the same sequence against both brokers, one after the other; the outcomes by broker. */
export async function both<T>(pair: Pair, fn: (t: Target) => Promise<T>): Promise<{ embedded: T; kafka: T }> {
  return { embedded: await fn(pair.embedded), kafka: await fn(pair.kafka) };
}

// ---- raw frames ----------------------------------------------------------------------------------------------------

/** A raw call that must be answered: a closed connection is an error naming the broker and the request. */
export async function mustCall(c: RawClient, t: Target, apiKey: number, version: number, body: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await c.callOrClosed(apiKey, version, body);
  if (res === "closed") throw new Error(`the ${t.name} broker closed the connection instead of answering API ${apiKey} v${version}`);
  return res;
}

/** One raw request on a connection of its own. */
export async function rawCall(t: Target, apiKey: number, version: number, body: Record<string, unknown>): Promise<Record<string, any> | "closed"> {
  const c = await RawClient.open(t.port, "differential");
  try {
    return await c.callOrClosed(apiKey, version, body);
  } finally {
    c.close();
  }
}

// ---- record batches ------------------------------------------------------------------------------------------------

export const recs = (n: number, prefix = "k"): NewRecord[] => Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: `v${i}` }));

/** Set the CRC-32C of a batch after its header was changed (over attributes to the end, as Kafka computes it). */
function reseal(batch: Buffer): Buffer {
  batch.writeUInt32BE(crc32c(batch, 21), 17);
  return batch;
}

/** A valid batch with header fields overwritten and the CRC made valid again: a forged, not a corrupt, batch. */
export function forge(records: NewRecord[], fields: { lastOffsetDelta?: number; attributes?: number; recordCount?: number }): Buffer {
  const b = encodeBatch(records);
  if (fields.attributes !== undefined) b.writeInt16BE(fields.attributes, 21);
  if (fields.lastOffsetDelta !== undefined) b.writeInt32BE(fields.lastOffsetDelta, 23);
  if (fields.recordCount !== undefined) b.writeInt32BE(fields.recordCount, 57);
  return reseal(b);
}

/** A valid batch with one byte of its records flipped, CRC untouched: a corrupt batch. */
export function corrupt(records: NewRecord[]): Buffer {
  const b = encodeBatch(records);
  b[b.length - 2]! ^= 0xff;
  return b;
}

/** Every record in a Fetch answer's records field, as offset, timestamp, key and value; null when the field is null. */
export function readRecords(records: Buffer | null): { offset: number; timestamp: number; key: string | null; value: string | null }[] | null {
  if (records === null) return null;
  const out: { offset: number; timestamp: number; key: string | null; value: string | null }[] = [];
  let at = 0;
  while (at + 61 <= records.length) {
    const h = readBatchHeader(records, at);
    if (at + h.size > records.length) break; // a partial batch at the end of an answer is normal: the client skips it
    for (const r of decodeRecords(records.subarray(at, at + h.size))) {
      out.push({ offset: h.baseOffset + r.offsetDelta, timestamp: h.baseTimestamp + r.timestampDelta, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null });
    }
    at += h.size;
  }
  return out;
}

export const produceBody = (topic: string, records: Buffer, partition = 0) => ({
  transactionalId: null,
  acks: -1,
  timeoutMs: 5000,
  topics: [{ name: topic, partitions: [{ index: partition, records }] }],
});

export const fetchBody = (topic: string, fetchOffset: number, partition = 0, maxWaitMs = 0) => ({
  replicaId: -1,
  maxWaitMs,
  minBytes: 1,
  maxBytes: 1 << 20,
  isolationLevel: 0,
  sessionId: 0,
  sessionEpoch: -1,
  topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
  forgottenTopics: [],
  rackId: "",
});

export const listOffsetsBody = (topic: string, timestamp: number, partition = 0) => ({
  replicaId: -1,
  isolationLevel: 0,
  topics: [{ name: topic, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp }] }],
});

// ---- kcat ----------------------------------------------------------------------------------------------------------

export interface KcatResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** killed at the deadline: it had not finished */
  timedOut: boolean;
}

/** kcat against a broker, killed at the deadline (a consumer that loops is an outcome, not a hang of the test). */
export async function kcat(t: Target, args: string[], input = "", deadlineMs = 30_000): Promise<KcatResult> {
  const r = await runToEnd("kcat", ["-b", t.bootstrap, ...args], { input, deadlineMs, stderrLimit: 20_000 });
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, timedOut: r.timedOut };
}

// ---- cases ---------------------------------------------------------------------------------------------------------

export interface CaseOptions<T> {
  /** what Apache Kafka answers: asserted on its own, so a case never passes by both brokers failing alike */
  kafka: (out: T) => void;
  /** how to compare (default: the embedded broker's outcome equals Kafka's) */
  same?: (embedded: T, kafka: T) => void;
  /** a known defect of the embedded broker (named in kafka-diffs.md): the comparison is expected to fail until fixed */
  diff?: string;
}

/**
 * One differential case as two tests: Apache Kafka's answer, then the embedded broker's against it. The sequence runs
 * once (in the first test) against both brokers, one after the other.
 */
export function diffCase<T>(getPair: () => Pair, name: string, run: (t: Target) => Promise<T>, opts: CaseOptions<T>): void {
  let out: { embedded: T; kafka: T } | undefined;
  it(`${name}: Apache Kafka`, async () => {
    out = await both(getPair(), run);
    opts.kafka(out.kafka);
  });
  const compare = async () => {
    if (!out) throw new Error(`the sequence did not run (see "${name}: Apache Kafka")`);
    if (opts.same) opts.same(out.embedded, out.kafka);
    else expect(out.embedded).toEqual(out.kafka);
  };
  if (opts.diff) it.fails(`${name}: the embedded broker answers the same [diff: ${opts.diff}]`, compare);
  else it(`${name}: the embedded broker answers the same`, compare);
}
