// The embedded broker's storage and group logic, on temp dirs: record batches (offset and leader-epoch rewriting
// under an unchanged CRC), the segmented log (reads, torn-tail recovery, retention by size and age), committed
// offsets that survive a new coordinator, group membership, and the AsyncAPI schema checks.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { BatchError, crcValid, decodeRecords, encodeBatch, readBatchHeader, rewriteBatch, splitBatches } from "../../src/broker/batch.js";
import { PartitionLog, segmentName } from "../../src/broker/log.js";
import { GroupCoordinator } from "../../src/broker/groups.js";
import { ErrorCode } from "../../src/broker/errors.js";
import { compileChecks, loadSpec, parseSpec } from "../../src/broker/spec.js";
import { asyncApiSpecPath } from "../../src/runtime/paths.js";

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), "broker-unit-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const rec = (i: number) => ({ key: `k${i}`, value: JSON.stringify({ n: i }) });

/** Append a batch of `n` records as the broker does: rewrite to the log's end, then append. */
function append(log: PartitionLog, n: number, from = 0): number {
  const b = encodeBatch(Array.from({ length: n }, (_, i) => rec(from + i)));
  const h = readBatchHeader(b);
  rewriteBatch(b, log.end, -1);
  return log.append(b, h.lastOffsetDelta, h.maxTimestamp);
}

/** Offsets of every record in whatever read() returned. */
function offsetsIn(buf: Buffer): number[] {
  const out: number[] = [];
  let at = 0;
  while (at < buf.length) {
    const h = readBatchHeader(buf, at);
    for (const r of decodeRecords(buf.subarray(at, at + h.size))) out.push(h.baseOffset + r.offsetDelta);
    at += h.size;
  }
  return out;
}

function readAll(log: PartitionLog, from: number): number[] {
  const out: number[] = [];
  let next = from;
  while (next < log.end) {
    const buf = log.read(next, 1 << 20);
    if (buf === "out-of-range" || buf.length === 0) break;
    const got = offsetsIn(buf).filter((o) => o >= next);
    out.push(...got);
    next = got[got.length - 1]! + 1;
  }
  return out;
}

describe("record batches", () => {
  it("rewrites base offset and leader epoch without touching the CRC-covered bytes", () => {
    const b = encodeBatch([rec(1), rec(2), rec(3)]);
    const before = readBatchHeader(b);
    expect(before).toMatchObject({ baseOffset: 0, leaderEpoch: 0, magic: 2, lastOffsetDelta: 2, recordCount: 3 });
    expect(crcValid(b, 0, before)).toBe(true);
    rewriteBatch(b, 41, -1);
    const after = readBatchHeader(b);
    expect(after).toMatchObject({ baseOffset: 41, leaderEpoch: -1, crc: before.crc });
    expect(crcValid(b, 0, after)).toBe(true);
    expect(decodeRecords(b).map((r) => [r.offsetDelta, r.key?.toString(), r.value?.toString()])).toEqual([
      [0, "k1", '{"n":1}'],
      [1, "k2", '{"n":2}'],
      [2, "k3", '{"n":3}'],
    ]);
  });

  it("reads gzip batches, null keys and values, and headers", () => {
    const b = encodeBatch([{ key: null, value: null, headers: [{ key: "h", value: Buffer.from("v") }] }, rec(2)], { compression: 1 });
    expect(splitBatches(b)).toHaveLength(1);
    const [first, second] = decodeRecords(b);
    expect(first).toMatchObject({ key: null, value: null, headers: [{ key: "h", value: Buffer.from("v") }] });
    expect(second?.key?.toString()).toBe("k2");
  });

  it("refuses a batch whose CRC does not match, and magic below 2", () => {
    const b = encodeBatch([rec(1)]);
    b[b.length - 1] = b[b.length - 1]! ^ 0xff;
    expect(() => splitBatches(b)).toThrow(BatchError);
    const old = encodeBatch([rec(1)]);
    old.writeInt8(1, 16);
    expect(() => splitBatches(old)).toThrow(/magic 1/);
    try {
      splitBatches(b);
    } catch (e) {
      expect((e as BatchError).code).toBe(ErrorCode.CORRUPT_MESSAGE);
    }
  });

  it("splits several batches sent back to back", () => {
    const both = Buffer.concat([encodeBatch([rec(1)]), encodeBatch([rec(2), rec(3)])]);
    expect(splitBatches(both).map((b) => b.header.recordCount)).toEqual([1, 2]);
  });
});

describe("segmented partition log", () => {
  it("assigns consecutive offsets, reads whole batches from any offset, and answers out-of-range outside the log", () => {
    const log = new PartitionLog(tempDir());
    expect([log.logStart, log.end]).toEqual([0, 0]);
    expect(append(log, 3)).toBe(0);
    expect(append(log, 2, 3)).toBe(3);
    expect(log.end).toBe(5);
    // offset 1 lies inside the first batch: the whole batch comes back
    const mid = log.read(1, 10);
    expect(mid).not.toBe("out-of-range");
    expect(offsetsIn(mid as Buffer)).toEqual([0, 1, 2]);
    expect(readAll(log, 0)).toEqual([0, 1, 2, 3, 4]);
    expect((log.read(5, 100) as Buffer).length).toBe(0);
    expect(log.read(6, 100)).toBe("out-of-range");
    log.close();
  });

  it("recovers after a restart, truncating a torn tail at the last whole batch", () => {
    const dir = tempDir();
    let log = new PartitionLog(dir);
    append(log, 2);
    append(log, 2, 2);
    const sizeAfterTwo = log.sizeBytes;
    append(log, 3, 4);
    log.close();
    const file = path.join(dir, segmentName(0));
    // a write cut short: the third batch loses its last 10 bytes
    truncateSync(file, statSync(file).size - 10);
    log = new PartitionLog(dir);
    expect(log.recovery.truncatedBytes).toBeGreaterThan(0);
    expect(log.end).toBe(4);
    expect(statSync(file).size).toBe(sizeAfterTwo);
    expect(readAll(log, 0)).toEqual([0, 1, 2, 3]);
    // and the log goes on from there
    expect(append(log, 1, 9)).toBe(4);
    log.close();
  });

  it("drops a tail batch whose bytes are corrupt (CRC) and garbage appended after it", () => {
    const dir = tempDir();
    let log = new PartitionLog(dir);
    append(log, 2);
    append(log, 2, 2);
    log.close();
    const file = path.join(dir, segmentName(0));
    const bytes = readFileSync(file);
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0x55; // inside the second batch's records
    writeFileSync(file, bytes);
    appendFileSync(file, Buffer.alloc(7, 0xab));
    log = new PartitionLog(dir);
    expect(log.end).toBe(2);
    expect(readAll(log, 0)).toEqual([0, 1]);
    log.close();
  });

  it("rolls segments and deletes the oldest beyond retention.bytes; reads below the new start are out of range", () => {
    const dir = tempDir();
    const one = encodeBatch([rec(0)]).length;
    const log = new PartitionLog(dir, { segmentBytes: one * 4, retentionBytes: one * 10, retentionMs: -1 });
    for (let i = 0; i < 40; i++) append(log, 1, i);
    expect(log.end).toBe(40);
    expect(log.segmentCount).toBeGreaterThan(1);
    expect(log.logStart).toBeGreaterThan(0);
    expect(log.sizeBytes).toBeLessThanOrEqual(one * 14);
    expect(readdirSync(dir).filter((f) => f.endsWith(".log")).length).toBe(log.segmentCount);
    expect(log.read(log.logStart - 1, 100)).toBe("out-of-range");
    expect(readAll(log, log.logStart)).toEqual(Array.from({ length: 40 - log.logStart }, (_, i) => log.logStart + i));
    const start = log.logStart;
    log.close();
    // the start survives a restart (the first segment's name)
    const again = new PartitionLog(dir, log.config);
    expect([again.logStart, again.end]).toEqual([start, 40]);
    again.close();
  });

  it("deletes closed segments older than retention.ms, never the active one", () => {
    const one = encodeBatch([rec(0)]).length;
    const log = new PartitionLog(tempDir(), { segmentBytes: one * 2, retentionBytes: -1, retentionMs: 60_000 });
    for (let i = 0; i < 10; i++) append(log, 1, i);
    expect(log.enforceRetention(Date.now())).toBe(0);
    const freed = log.enforceRetention(Date.now() + 61_000);
    expect(freed).toBeGreaterThan(0);
    expect(log.segmentCount).toBe(1);
    expect(log.end).toBe(10);
    expect(log.logStart).toBeGreaterThan(0);
    log.close();
  });
});

describe("consumer groups", () => {
  const join = (g: GroupCoordinator, conn: object, memberId = "") =>
    g.join(
      {
        groupId: "g",
        sessionTimeoutMs: 30_000,
        rebalanceTimeoutMs: 30_000,
        memberId,
        groupInstanceId: null,
        protocolType: "consumer",
        protocols: [{ name: "range", metadata: Buffer.from("m") }],
        clientId: "c",
      },
      conn,
    );

  it("holds JoinGroup until every member has rejoined, then hands out the leader's assignment", async () => {
    const g = new GroupCoordinator(tempDir());
    const a = {};
    const b = {};
    const first = await join(g, a);
    expect(first).toMatchObject({ errorCode: 0, generationId: 1, protocolName: "range" });
    expect(first.leader).toBe(first.memberId);
    expect((await g.sync("g", 1, first.memberId, [{ memberId: first.memberId, assignment: Buffer.from("all") }])).assignment.toString()).toBe("all");

    // a second member: its join waits; the first learns of the rebalance by heartbeat and rejoins
    let secondDone = false;
    const second = join(g, b).then((r) => ((secondDone = true), r));
    await new Promise((r) => setImmediate(r));
    expect(secondDone).toBe(false);
    expect(g.heartbeat("g", 1, first.memberId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const [again, other] = await Promise.all([join(g, a, first.memberId), second]);
    expect(again.generationId).toBe(2);
    expect(other.generationId).toBe(2);
    expect(again.members.map((m) => m.memberId).sort()).toEqual([first.memberId, other.memberId].sort());
    expect(other.members).toEqual([]);
    const followerSync = g.sync("g", 2, other.memberId, []);
    const leaderSync = g.sync("g", 2, first.memberId, [
      { memberId: first.memberId, assignment: Buffer.from("p0") },
      { memberId: other.memberId, assignment: Buffer.from("p1") },
    ]);
    expect((await followerSync).assignment.toString()).toBe("p1");
    expect((await leaderSync).assignment.toString()).toBe("p0");
    expect(g.heartbeat("g", 2, other.memberId)).toBe(0);
    expect(g.heartbeat("g", 1, other.memberId)).toBe(ErrorCode.ILLEGAL_GENERATION);

    // a member whose connection closes is out at once: the other one is asked to rejoin alone
    g.connectionClosed(b);
    expect(g.heartbeat("g", 2, other.memberId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(g.heartbeat("g", 2, first.memberId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect((await join(g, a, first.memberId)).members.map((m) => m.memberId)).toEqual([first.memberId]);
    g.close();
  });

  it("refuses commits from unknown members or old generations, accepts standalone ones, and keeps offsets across a restart", async () => {
    const dir = tempDir();
    const g = new GroupCoordinator(dir);
    const m = await join(g, {});
    expect(g.commitAllowed("g", m.generationId, "nobody")).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(g.commitAllowed("g", m.generationId + 1, m.memberId)).toBe(ErrorCode.ILLEGAL_GENERATION);
    await g.sync("g", m.generationId, m.memberId, []);
    expect(g.commitAllowed("g", m.generationId, m.memberId)).toBe(0);
    expect(g.commitAllowed("other", -1, "")).toBe(0);
    g.commit("g", [
      { topic: "t", partition: 0, offset: 7, metadata: "" },
      { topic: "t", partition: 3, offset: 2, metadata: null },
    ]);
    g.close();
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    const restarted = new GroupCoordinator(dir);
    expect(restarted.committed("g", "t", 0)?.offset).toBe(7);
    expect(restarted.committed("g", "t", 3)?.offset).toBe(2);
    expect(restarted.committed("g", "t", 1)).toBeUndefined();
    // the members are gone with the old process: their next commit or heartbeat makes them rejoin
    expect(restarted.heartbeat("g", m.generationId, m.memberId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    restarted.close();
  });
});

describe("topics and schemas from kafka/asyncapi.yaml", () => {
  const topics = loadSpec(asyncApiSpecPath);
  beforeAll(() => compileChecks(topics));
  const check = (topic: string, key: string | Buffer | null, value: string | null) => topics.get(topic)!.check(key === null ? null : Buffer.from(key), value === null ? null : Buffer.from(value));

  it("declares the playground's topics with their partition counts", () => {
    expect(Object.fromEntries([...topics.values()].map((t) => [t.name, t.partitions]))).toEqual({
      "social-media-posts": 1,
      "package-location-updates": 1,
      "delivery-location-updates": 1,
      "bench-events": 4,
      "chaos-events": 4,
    });
  });

  it("accepts good records and names the field of a bad one", () => {
    expect(check("social-media-posts", "userid1", JSON.stringify({ content: "hi", pendingChecks: 2 }))).toEqual([]);
    expect(check("social-media-posts", "userid1", JSON.stringify({ metadata: "x" }))).toEqual(["value.content is missing"]);
    expect(check("social-media-posts", "userid1", JSON.stringify({ content: "hi", pendingChecks: 101 }))).toEqual(["value.pendingChecks must be <= 100"]);
    expect(check("social-media-posts", "userid1", JSON.stringify({ content: 5 }))).toEqual(["value.content must be string"]);
    expect(check("package-location-updates", "p1", '{"timestamp": "t"')[0]).toMatch(/^value is not JSON/);
    expect(check("package-location-updates", "p1", null)).toEqual(["value is null (a tombstone), a record is required"]);
    expect(check("chaos-events", "k", JSON.stringify({ eventId: "e", seq: 0, amount: 1 }))).toEqual(["value.seq must be >= 1"]);
    expect(check("bench-events", "k", JSON.stringify({ anything: true }))).toEqual([]);
  });

  it("checks the key: present, UTF-8, and of the declared pattern", () => {
    expect(check("social-media-posts", null, '{"content":"x"}')).toEqual(["key is missing"]);
    expect(check("social-media-posts", Buffer.from([0xff, 0xfe]), '{"content":"x"}')).toEqual(["key is not valid UTF-8"]);
    expect(check("social-media-posts", "", '{"content":"x"}')[0]).toMatch(/^key must match pattern/);
    expect(check("social-media-posts", "has space", '{"content":"x"}')[0]).toMatch(/^key must match pattern/);
  });

  it("reads retention per topic from bindings.kafka.topicConfiguration, with defaults", async () => {
    const spec = parseSpec(`
asyncapi: 3.0.0
channels:
  a:
    address: topic-a
    bindings: { kafka: { partitions: 2, topicConfiguration: { retention.bytes: 1000, retention.ms: 5000 } } }
  b:
    bindings: { kafka: { partitions: 1 } }
`);
    expect(spec.get("topic-a")).toMatchObject({ partitions: 2, retention: { retentionBytes: 1000, retentionMs: 5000 } });
    expect(spec.get("b")!.retention.retentionBytes).toBe(6 * 1024 * 1024);
    expect(() => spec.get("b")!.check(null, null)).toThrow(/not compiled yet/);
    await compileChecks(spec);
    expect(spec.get("b")!.check(null, null)).toEqual([]);
  });
});
