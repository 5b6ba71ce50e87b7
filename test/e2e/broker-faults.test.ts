// The embedded broker under real storage faults. A full disk, made with a file-size limit on the broker process
// (`ulimit -S -f`; writes past it fail with EFBIG as on a full disk, then `prlimit` frees space again): the producer is
// answered KAFKA_STORAGE_ERROR, and no acknowledged record is lost across the error, the freed space and a SIGKILL.
// A corrupt byte in an older segment of a running playground: after `kill-broker` the recovery keeps the damaged
// segment aside, every intact record (every later segment) is still served, and `status` and `doctor` say so.
import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { decodeRecords, encodeBatch, readBatchHeader } from "../../src/broker/batch.js";
import { ErrorCode } from "../../src/broker/errors.js";
import { ApiKey } from "../../src/broker/protocol.js";
import { startStack, type StartedStack } from "../../src/lab/stack.js";
import { statePaths } from "../../src/runtime/paths.js";
import { fetchBody, offsets, produceBody, RawClient, topicsSpec } from "../raw-kafka.js";
import { startLoneBroker, type LoneBroker } from "../lone-broker.js";
import { eventually, json, TIMEOUT } from "../helpers.js";

/** Every record offset and value of a partition, read with raw fetches across batches and gaps. */
async function readPartition(port: number, topic: string, partition: number): Promise<{ offset: number; value: string }[]> {
  const c = await RawClient.open(port);
  try {
    const [start, end] = await offsets(c, topic, partition);
    const out: { offset: number; value: string }[] = [];
    let next = start;
    while (next < end) {
      const p = (await c.call(ApiKey.Fetch, 11, fetchBody(topic, partition, next, 4 << 20))).responses[0].partitions[0];
      if (p.errorCode !== 0) throw new Error(`fetch at ${next}: error ${p.errorCode}`);
      const buf = p.records as Buffer;
      if (buf.length === 0) break;
      for (let at = 0; at < buf.length;) {
        const h = readBatchHeader(buf, at);
        for (const r of decodeRecords(buf.subarray(at, at + h.size))) {
          const offset = h.baseOffset + r.offsetDelta;
          if (offset >= next) out.push({ offset, value: r.value!.toString() });
        }
        at += h.size;
      }
      next = out[out.length - 1]!.offset + 1;
    }
    return out;
  } finally {
    c.close();
  }
}

describe("a full disk (a file-size limit on the broker)", () => {
  let broker: LoneBroker | undefined;
  afterAll(async () => {
    await broker?.stop();
  });

  it("answers KAFKA_STORAGE_ERROR and loses no acknowledged record across the error, freed space and a SIGKILL", async () => {
    // one big segment per partition, so the file-size limit (256 KiB) is the disk that fills
    const spec = topicsSpec([{ name: "full", config: { "segment.bytes": 64 << 20, "retention.bytes": -1 } }]);
    broker = await startLoneBroker({ topics: spec, shell: "ulimit -S -f 256" });
    const c = await RawClient.open(broker.port);
    const acked: { offset: number; value: string }[] = [];
    const value = (i: number) => JSON.stringify({ i, pad: "z".repeat(3000) });
    const segment = path.join(broker.dataDir, "topics", "full-0", "00000000000000000000.log");
    let ackedBytes = 0;
    let refused = 0;
    let i = 0;
    while (refused === 0) {
      if (i > 200) throw new Error("256 KiB never filled up");
      const p = (await c.call(ApiKey.Produce, 7, produceBody("full", 0, encodeBatch([{ key: `k${i}`, value: value(i) }])))).responses[0].partitions[0];
      if (p.errorCode === 0) {
        acked.push({ offset: Number(p.baseOffset), value: value(i) });
        ackedBytes = statSync(segment).size;
      } else {
        expect(p.errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
        refused++;
      }
      i++;
    }
    expect(acked.length).toBeGreaterThan(50);
    // the broker logs as it answers: the line may come through its stderr pipe a moment after the answer
    await eventually("the broker's STORAGE ERROR line", async () => /^\S+Z ERROR STORAGE ERROR: nothing written for full-0 .*EFBIG/m.test(broker!.log()), 10_000);
    // the part of the refused batch that fit was cut back off: the file ends with the last acknowledged batch
    expect(statSync(segment).size).toBe(ackedBytes);
    // still full: refused again, and the end has not moved
    const again = (await c.call(ApiKey.Produce, 7, produceBody("full", 0, encodeBatch([{ key: "again", value: value(-1) }])))).responses[0].partitions[0];
    expect(again.errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    expect((await offsets(c, "full", 0))[1]).toBe(acked.length);
    // space freed (the limit lifted on the running broker): writes go on from the same offset
    const lifted = spawnSync("prlimit", ["--pid", String(broker.pid), "--fsize=unlimited"]);
    expect(lifted.status, lifted.stderr.toString()).toBe(0);
    for (let j = 0; j < 5; j++) {
      const p = (await c.call(ApiKey.Produce, 7, produceBody("full", 0, encodeBatch([{ key: `after${j}`, value: value(1000 + j) }])))).responses[0].partitions[0];
      expect(p).toMatchObject({ errorCode: 0, baseOffset: acked.length });
      acked.push({ offset: acked.length, value: value(1000 + j) });
    }
    c.close();
    // a SIGKILL and a start over the same files: every acknowledged record, in order, nothing else, nothing cut
    await broker.restart();
    expect(await readPartition(broker.port, "full", 0)).toEqual(acked);
    expect(broker.log()).not.toMatch(/recovery:|RECOVERY:/);
  });
});

describe("a corrupt byte in an older segment of a running playground", () => {
  let stack: StartedStack | undefined;
  afterAll(async () => {
    await stack?.stop();
  }, TIMEOUT.stop);

  it(
    "keeps later segments readable after kill-broker, and status and doctor report what recovery kept aside",
    async () => {
      stack = await startStack({ prefix: "broker-faults" });
      const port = Number(stack.brokers[0]!.split(":")[1]);
      const kafka = new Kafka({ clientId: "faults", brokers: stack.brokers, logLevel: logLevel.NOTHING });
      const producer = kafka.producer();
      await producer.connect();
      // 60 records of ~50 KB under one key: one partition, three segments of 1 MiB
      const n = 60;
      for (let seq = 1; seq <= n; seq++)
        await producer.send({ topic: "bench-events", acks: -1, messages: [{ key: "faults", value: JSON.stringify({ run: "faults", seq, sentAt: Date.now(), pad: "p".repeat(50_000) }) }] });
      await producer.disconnect();
      const dataDir = statePaths(stack.stateDir).brokerData;
      const partDir = readdirSync(path.join(dataDir, "topics"))
        .filter((d) => d.startsWith("bench-events-"))
        .map((d) => path.join(dataDir, "topics", d))
        .find((d) => readdirSync(d).filter((f) => f.endsWith(".log")).length >= 3);
      expect(partDir, "a bench-events partition with three segments").toBeDefined();
      const partition = Number(/-(\d+)$/.exec(partDir!)![1]);
      const before = await readPartition(port, "bench-events", partition);
      expect(before).toHaveLength(n);
      // one byte flipped inside a record of the oldest segment
      const oldest = path.join(
        partDir!,
        readdirSync(partDir!)
          .filter((f) => f.endsWith(".log"))
          .sort()[0]!,
      );
      const bytes = readFileSync(oldest);
      const hit = 20_000;
      bytes[hit] = bytes[hit]! ^ 0x40;
      writeFileSync(oldest, bytes);
      expect(statSync(oldest).size).toBe(bytes.length);
      await stack.kill("broker");
      await eventually("the broker's recovery to report the damaged segment", async () => /^\S+Z ERROR RECOVERY: bench-events-\d+ segment/m.test(stack!.logs("broker", 200)), 60_000);
      // every record but the damaged one is served, the later segments' included
      const after = await readPartition(port, "bench-events", partition);
      expect(after).toEqual(before.filter((r) => r.offset !== 0));
      const status = json<{ brokerRecovery: { partition: string; fromOffset: number; movedTo: string }[] }>(await stack.cli(["status", "--json"]));
      expect(status.brokerRecovery).toMatchObject([{ partition: `bench-events-${partition}`, fromOffset: 0 }]);
      const text = await stack.cli(["status"], { env: { NO_COLOR: "1" } });
      expect(text.stdout).toMatch(new RegExp(`broker recovery: bench-events-${partition} .*CRC`));
      const doctor = await stack.cli(["doctor", "--json"]);
      expect(doctor.code).toBe(1);
      const check = json<{ checks: { name: string; ok: boolean; detail: string; fix: string }[] }>(doctor).checks.find((x) => x.name === "broker log");
      expect(check).toMatchObject({ ok: false });
      expect(check!.detail).toMatch(/damaged segment/);
      expect(check!.fix).toContain(path.dirname(status.brokerRecovery[0]!.movedTo));
    },
    TIMEOUT.test,
  );
});
