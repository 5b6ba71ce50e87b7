// The broker's request handling, in process on an ephemeral loopback port, spoken to with raw frames: pipelined
// requests answered in order, acks=0 without an answer, unsupported versions, a parked fetch woken by a produce,
// whole batches past max bytes, OFFSET_OUT_OF_RANGE, and a group member evicted when its connection closes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Broker } from "../../src/broker/server.js";
import { parseSpec } from "../../src/broker/spec.js";
import { encodeBatch, readBatchHeader } from "../../src/broker/batch.js";
import { ApiKey, decodeResponse } from "../../src/broker/protocol.js";
import { RawClient } from "../raw-kafka.js";
import { ErrorCode } from "../../src/broker/errors.js";
import { eventually } from "../helpers.js";
import { faults } from "../../src/broker/segment.js";
import { crc32c } from "../../src/broker/crc32c.js";

const SPEC = `
asyncapi: 3.0.0
defaultContentType: application/json
channels:
  t:
    bindings: { kafka: { partitions: 2 } }
    messages:
      m:
        payload: { type: object, required: [n], properties: { n: { type: integer } } }
`;

let dir: string;
let broker: Broker;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "broker-server-"));
  broker = new Broker({ port: 0, dataDir: dir, topics: parseSpec(SPEC) });
  await broker.start();
});

afterAll(async () => {
  await broker.close();
  rmSync(dir, { recursive: true, force: true });
});

const open = () => RawClient.open(broker.port, "unit");

const produceBody = (partition: number, records: Buffer, acks = -1) => ({ transactionalId: null, acks, timeoutMs: 1000, topics: [{ name: "t", partitions: [{ index: partition, records }] }] });
const fetchBody = (partition: number, fetchOffset: number, maxWaitMs: number, partitionMaxBytes = 1 << 20) => ({
  replicaId: -1,
  maxWaitMs,
  minBytes: 1,
  maxBytes: 1 << 20,
  isolationLevel: 1,
  topics: [{ topic: "t", partitions: [{ partition, fetchOffset, logStartOffset: -1, partitionMaxBytes }] }],
});
const rec = (n: number) => ({ key: `k${n}`, value: JSON.stringify({ n }) });

describe("the broker over raw frames", () => {
  it("answers pipelined requests in order, and acks=0 produces without an answer", async () => {
    const c = await open();
    const a = c.send(ApiKey.ApiVersions, 2, {});
    const b = c.send(ApiKey.Produce, 7, produceBody(0, encodeBatch([rec(1)]), 0));
    const d = c.send(ApiKey.Metadata, 8, { topics: null });
    expect(decodeResponse(ApiKey.ApiVersions, 2, await c.frame()).correlationId).toBe(a);
    const md = decodeResponse(ApiKey.Metadata, 8, await c.frame());
    expect(md.correlationId, `acks=0 produce (${b}) must not be answered`).toBe(d);
    expect((md.body.topics as { name: string; partitions: unknown[] }[]).map((t) => [t.name, t.partitions.length])).toEqual([["t", 2]]);
    const lo = await c.call(ApiKey.ListOffsets, 5, { replicaId: -1, isolationLevel: 1, topics: [{ name: "t", partitions: [{ partitionIndex: 0, timestamp: -1 }] }] });
    expect(lo.topics[0].partitions[0]).toMatchObject({ errorCode: 0, offset: 1, leaderEpoch: -1 });
    c.close();
  });

  it("answers an unsupported ApiVersions with UNSUPPORTED_VERSION and its versions; closes on another unsupported request", async () => {
    const c = await open();
    c.send(ApiKey.ApiVersions, 9, {});
    const res = decodeResponse(ApiKey.ApiVersions, 0, await c.frame());
    expect(res.body.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect((res.body.apiKeys as { apiKey: number; maxVersion: number }[]).find((k) => k.apiKey === ApiKey.Fetch)?.maxVersion).toBe(11);
    c.send(ApiKey.Metadata, 0, { topics: [] });
    await new Promise<void>((resolve) => (c.closed ? resolve() : c.socket.once("close", () => resolve())));
    expect(c.closed).toBe(true);
  });

  it("parks a fetch with nothing new and answers it with the record a produce then appends", async () => {
    const consumer = await open();
    const producer = await open();
    const end = (await producer.call(ApiKey.ListOffsets, 5, { replicaId: -1, isolationLevel: 1, topics: [{ name: "t", partitions: [{ partitionIndex: 1, timestamp: -1 }] }] })).topics[0].partitions[0]
      .offset as number;
    // a minute of max wait: only a wake-up by the produce brings the record back in this answer
    const fetchId = consumer.send(ApiKey.Fetch, 11, fetchBody(1, end, 60_000));
    const answered = consumer.frame();
    const prod = await producer.call(ApiKey.Produce, 7, produceBody(1, encodeBatch([rec(7)])));
    expect(prod.responses[0].partitions[0]).toMatchObject({ errorCode: 0, baseOffset: end });
    const res = decodeResponse(ApiKey.Fetch, 11, await answered);
    expect(res.correlationId).toBe(fetchId);
    const p = (res.body.responses as any[])[0].partitions[0];
    expect(p).toMatchObject({ errorCode: 0, highWatermark: end + 1, lastStableOffset: end + 1 });
    const h = readBatchHeader(p.records as Buffer);
    expect([h.baseOffset, h.leaderEpoch, h.recordCount]).toEqual([end, -1, 1]);
    consumer.close();
    producer.close();
  });

  it("returns one whole batch even past the partition's max bytes, and OFFSET_OUT_OF_RANGE beyond the end", async () => {
    const c = await open();
    const batch = encodeBatch([rec(1), rec(2), rec(3)]);
    const base = (await c.call(ApiKey.Produce, 7, produceBody(0, batch))).responses[0].partitions[0].baseOffset as number;
    const small = await c.call(ApiKey.Fetch, 4, fetchBody(0, base + 1, 0, 10));
    const records = small.responses[0].partitions[0].records as Buffer;
    expect(records.length).toBe(batch.length);
    expect(readBatchHeader(records).baseOffset).toBe(base);
    const beyond = await c.call(ApiKey.Fetch, 4, fetchBody(0, base + 100, 0));
    expect(beyond.responses[0].partitions[0].errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    c.close();
  });

  it("refuses a record against the schema with INVALID_RECORD and writes nothing of its batch", async () => {
    const c = await open();
    const before = (await c.call(ApiKey.ListOffsets, 5, { replicaId: -1, isolationLevel: 1, topics: [{ name: "t", partitions: [{ partitionIndex: 0, timestamp: -1 }] }] })).topics[0].partitions[0]
      .offset;
    const bad = encodeBatch([rec(1), { key: "k", value: JSON.stringify({ n: "one" }) }]);
    const res = await c.call(ApiKey.Produce, 7, produceBody(0, bad));
    expect(res.responses[0].partitions[0].errorCode).toBe(ErrorCode.INVALID_RECORD);
    const after = (await c.call(ApiKey.ListOffsets, 5, { replicaId: -1, isolationLevel: 1, topics: [{ name: "t", partitions: [{ partitionIndex: 0, timestamp: -1 }] }] })).topics[0].partitions[0]
      .offset;
    expect(after).toBe(before);
    c.close();
  });

  it("holds a JoinGroup until the rebalance completes, and evicts a member whose connection closes", async () => {
    const join = (memberId = "") => ({
      groupId: "g",
      sessionTimeoutMs: 30_000,
      rebalanceTimeoutMs: 30_000,
      memberId,
      groupInstanceId: null,
      protocolType: "consumer",
      protocols: [{ name: "range", metadata: Buffer.from("x") }],
    });
    const a = await open();
    const b = await open();
    const first = await a.call(ApiKey.JoinGroup, 5, join());
    expect(first).toMatchObject({ errorCode: 0, generationId: 1 });
    await a.call(ApiKey.SyncGroup, 3, { groupId: "g", generationId: 1, memberId: first.memberId, groupInstanceId: null, assignments: [] });
    // b joins: held until a rejoins (a hears of the rebalance through its heartbeat)
    const bJoin = b.send(ApiKey.JoinGroup, 5, join());
    const bAnswer = b.frame();
    expect((await a.call(ApiKey.Heartbeat, 3, { groupId: "g", generationId: 1, memberId: first.memberId, groupInstanceId: null })).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const again = await a.call(ApiKey.JoinGroup, 5, join(first.memberId));
    const second = decodeResponse(ApiKey.JoinGroup, 5, await bAnswer);
    expect(second.correlationId).toBe(bJoin);
    expect([again.generationId, second.body.generationId]).toEqual([2, 2]);
    // a's connection goes: b is asked to rejoin and is then alone
    a.close();
    const hb = async () => (await b.call(ApiKey.Heartbeat, 3, { groupId: "g", generationId: 2, memberId: second.body.memberId, groupInstanceId: null })).errorCode;
    expect(
      await eventually("b to hear of the rebalance after a's connection closed", async () => {
        const code = await hb();
        return code === 0 ? undefined : code;
      }),
    ).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const alone = await b.call(ApiKey.JoinGroup, 5, join(second.body.memberId as string));
    expect(alone.members.map((m: { memberId: string }) => m.memberId)).toEqual([second.body.memberId]);
    // a commit from the member of the current generation is kept, and read back from outside the group
    await b.call(ApiKey.SyncGroup, 3, { groupId: "g", generationId: alone.generationId, memberId: alone.memberId, groupInstanceId: null, assignments: [] });
    const commit = await b.call(ApiKey.OffsetCommit, 7, {
      groupId: "g",
      generationId: alone.generationId,
      memberId: alone.memberId,
      groupInstanceId: null,
      topics: [{ name: "t", partitions: [{ partitionIndex: 1, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: "" }] }],
    });
    expect(commit.topics[0].partitions[0].errorCode).toBe(0);
    const fetched = await b.call(ApiKey.OffsetFetch, 5, { groupId: "g", topics: null });
    expect(fetched.topics).toEqual([{ name: "t", partitions: [{ partitionIndex: 1, committedOffset: 1, committedLeaderEpoch: -1, metadata: "", errorCode: 0 }] }]);
    b.close();
  });

  const listEnd = async (c: RawClient, partition: number) =>
    (await c.call(ApiKey.ListOffsets, 5, { replicaId: -1, isolationLevel: 1, topics: [{ name: "t", partitions: [{ partitionIndex: partition, timestamp: -1 }] }] })).topics[0].partitions[0]
      .offset as number;

  it("answers a fetch in error with an empty records field, never null (librdkafka cannot reset past a null one)", async () => {
    const c = await open();
    const end = await listEnd(c, 0);
    const beyond = (await c.call(ApiKey.Fetch, 11, fetchBody(0, end + 5, 0))).responses[0].partitions[0];
    expect(beyond.errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(beyond.records).toEqual(Buffer.alloc(0));
    const unknown = (await c.call(ApiKey.Fetch, 11, { ...fetchBody(0, 0, 0), topics: [{ topic: "nope", partitions: [{ partition: 0, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 100 }] }] }))
      .responses[0].partitions[0];
    expect(unknown.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(unknown.records).toEqual(Buffer.alloc(0));
    c.close();
  });

  it("refuses forged batches (lastOffsetDelta, empty, control) with INVALID_RECORD and the log end does not move", async () => {
    const c = await open();
    const before = await listEnd(c, 1);
    const forge = (b: Buffer, edit: (x: Buffer) => void) => {
      edit(b);
      b.writeUInt32BE(crc32c(b, 21), 17);
      return b;
    };
    const cases = {
      "lastOffsetDelta past the records": forge(encodeBatch([rec(1), rec(2)]), (b) => b.writeInt32BE(999_999_995, 23)),
      "lastOffsetDelta short of the records": forge(encodeBatch([rec(1), rec(2), rec(3), rec(4)]), (b) => b.writeInt32BE(1, 23)),
      "an empty batch": encodeBatch([]),
      "a control batch": forge(encodeBatch([rec(1)]), (b) => b.writeInt16BE(0x20, 21)),
    };
    for (const [what, batch] of Object.entries(cases)) {
      const res = await c.call(ApiKey.Produce, 7, produceBody(1, batch));
      expect(res.responses[0].partitions[0].errorCode, what).toBe(ErrorCode.INVALID_RECORD);
    }
    expect(await listEnd(c, 1)).toBe(before);
    // the producer's base offset is not the broker's business: Kafka assigns its own, and so does this broker
    const any = forge(encodeBatch([rec(1)]), (b) => b.writeBigInt64BE(999n, 0));
    expect((await c.call(ApiKey.Produce, 7, produceBody(1, any))).responses[0].partitions[0]).toMatchObject({ errorCode: 0, baseOffset: before });
    c.close();
  });

  it("answers an offset for a time with the first record at or after it and that record's timestamp; −1 when none is that late", async () => {
    const c = await open();
    const base = (await c.call(ApiKey.Produce, 7, produceBody(1, encodeBatch([1, 2, 3].map((n) => ({ ...rec(n), timestamp: 4_000_000_000_000 + n * 1000 })))))).responses[0].partitions[0]
      .baseOffset as number;
    const at = async (timestamp: number) =>
      (await c.call(ApiKey.ListOffsets, 5, { replicaId: -1, isolationLevel: 1, topics: [{ name: "t", partitions: [{ partitionIndex: 1, timestamp }] }] })).topics[0].partitions[0];
    expect(await at(4_000_000_001_500)).toMatchObject({ errorCode: 0, offset: base + 1, timestamp: 4_000_000_002_000 });
    expect(await at(4_000_000_003_001)).toMatchObject({ errorCode: 0, offset: -1, timestamp: -1 });
    c.close();
  });

  it("answers KAFKA_STORAGE_ERROR when the disk refuses a write; the next write takes the same offset", async () => {
    const c = await open();
    const before = await listEnd(c, 0);
    faults.beforeWrite = () => {
      throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
    };
    try {
      const res = await c.call(ApiKey.Produce, 7, produceBody(0, encodeBatch([rec(1)])));
      expect(res.responses[0].partitions[0].errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    } finally {
      faults.beforeWrite = undefined;
    }
    expect(await listEnd(c, 0)).toBe(before);
    const ok = await c.call(ApiKey.Produce, 7, produceBody(0, encodeBatch([rec(2)])));
    expect(ok.responses[0].partitions[0]).toMatchObject({ errorCode: 0, baseOffset: before });
    c.close();
  });

  it("answers a commit the disk refuses with KAFKA_STORAGE_ERROR, and the group keeps the offset it had", async () => {
    const c = await open();
    const commit = (offset: number) =>
      c.call(ApiKey.OffsetCommit, 7, {
        groupId: "disk",
        generationId: -1,
        memberId: "",
        groupInstanceId: null,
        topics: [{ name: "t", partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: "" }] }],
      });
    expect((await commit(1)).topics[0].partitions[0].errorCode).toBe(0);
    faults.beforeWrite = () => {
      throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
    };
    try {
      expect((await commit(2)).topics[0].partitions[0].errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    } finally {
      faults.beforeWrite = undefined;
    }
    const fetched = await c.call(ApiKey.OffsetFetch, 5, { groupId: "disk", topics: null });
    expect(fetched.topics[0].partitions[0].committedOffset).toBe(1);
    c.close();
  });

  it("bounds a fetch answer by the broker's fetch.max.bytes whatever the client asks, one whole batch at least", async () => {
    const ownDir = mkdtempSync(path.join(os.tmpdir(), "broker-fetchmax-"));
    const own = new Broker({ port: 0, dataDir: ownDir, topics: parseSpec(SPEC), limits: { maxFetchBytes: 1000 } });
    await own.start();
    try {
      const c = await RawClient.open(own.port, "unit");
      const one = encodeBatch([{ key: "k", value: JSON.stringify({ n: 1, pad: "x".repeat(300) }) }]);
      for (let i = 0; i < 6; i++) expect((await c.call(ApiKey.Produce, 7, produceBody(0, Buffer.from(one)))).responses[0].partitions[0].errorCode).toBe(0);
      const got = (await c.call(ApiKey.Fetch, 11, { ...fetchBody(0, 0, 0), maxBytes: 1 << 30 })).responses[0].partitions[0].records as Buffer;
      expect(got.length).toBe(2 * one.length);
      const big = (await c.call(ApiKey.Fetch, 11, { ...fetchBody(0, 0, 0, 10), maxBytes: 0 })).responses[0].partitions[0].records as Buffer;
      expect(big.length).toBe(one.length);
      c.close();
    } finally {
      await own.close();
      rmSync(ownDir, { recursive: true, force: true });
    }
  });

  it("advertises Produce from v0 as Kafka 4 does (librdkafka compresses only then) and still closes on a Produce below v3", async () => {
    const c = await open();
    const versions = await c.call(ApiKey.ApiVersions, 2, {});
    expect(versions.apiKeys.find((k: { apiKey: number }) => k.apiKey === ApiKey.Produce)).toEqual({ apiKey: ApiKey.Produce, minVersion: 0, maxVersion: 7 });
    c.send(ApiKey.Produce, 2, produceBody(0, encodeBatch([rec(1)])));
    await new Promise<void>((resolve) => (c.closed ? resolve() : c.socket.once("close", () => resolve())));
    expect(c.closed).toBe(true);
  });
});
