// The embedded broker's log under faults, on temp dirs: a write that fails half way (disk full) leaves index and file
// as they were, loses nothing acknowledged and takes the next write at the same offset; recovery checks the CRCs of
// what was not known to be flushed only, keeps a damaged segment's original aside with a note, serves every intact
// batch around it (later segments included) and lets reads jump the gap; offsets for a time are per record.
import { afterEach, describe, expect, it } from "vitest";
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, writeSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { decodeRecords, encodeBatch, readBatchHeader, rewriteBatch } from "../../src/broker/batch.js";
import { PartitionLog, segmentName, StorageError } from "../../src/broker/log.js";
import { faults } from "../../src/broker/segment.js";
import { recoveryNotes } from "../../src/broker/inspect.js";

const dirs: string[] = [];
/** a data dir and the partition dir inside it, laid out as the broker lays them out */
function partitionDir(): { dataDir: string; dir: string } {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "broker-recovery-"));
  dirs.push(dataDir);
  return { dataDir, dir: path.join(dataDir, "topics", "t-0") };
}
afterEach(() => {
  faults.beforeWrite = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

// every record the same size, so that batches line up with segment sizes
const rec = (i: number, timestamp?: number) => ({ key: `k${String(i).padStart(3, "0")}`, value: JSON.stringify({ n: String(i).padStart(3, "0") }), timestamp });

function append(log: PartitionLog, n: number, from = 0, times?: number[]): number {
  const b = encodeBatch(Array.from({ length: n }, (_, i) => rec(from + i, times?.[i])));
  const h = readBatchHeader(b);
  rewriteBatch(b, log.end, -1);
  return log.append(b, h.lastOffsetDelta, h.maxTimestamp);
}

/** every record offset the log serves from `from`, following reads across gaps */
function readAll(log: PartitionLog, from = log.logStart): number[] {
  const out: number[] = [];
  let next = from;
  while (next < log.end) {
    const buf = log.read(next, 1 << 20);
    if (buf === "out-of-range" || buf.length === 0) break;
    let at = 0;
    while (at < buf.length) {
      const h = readBatchHeader(buf, at);
      for (const r of decodeRecords(buf.subarray(at, at + h.size))) if (h.baseOffset + r.offsetDelta >= next) out.push(h.baseOffset + r.offsetDelta);
      at += h.size;
    }
    next = out[out.length - 1]! + 1;
  }
  return out;
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

describe("a write the disk refuses", () => {
  it("answers StorageError, leaves file and index as they were, and loses nothing acknowledged across a restart", () => {
    const { dir } = partitionDir();
    let log = new PartitionLog(dir);
    for (let i = 0; i < 5; i++) append(log, 2, i * 2);
    const file = path.join(dir, segmentName(0));
    const size = statSync(file).size;
    // the disk fills half way through the next batch: half its bytes land, then ENOSPC
    faults.beforeWrite = (f, position, bytes) => {
      const fd = openSync(f, "r+");
      writeSync(fd, Buffer.alloc(bytes >> 1, 0xee), 0, bytes >> 1, position);
      closeSync(fd);
      throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
    };
    expect(() => append(log, 2, 10)).toThrow(StorageError);
    expect(log.end).toBe(10);
    expect(statSync(file).size).toBe(size);
    faults.beforeWrite = undefined;
    // the space is back: the next write takes the same offset, at the right place
    expect(append(log, 2, 10)).toBe(10);
    expect(readAll(log)).toEqual(range(0, 12));
    // a kill (no clean close): recovery finds nothing to cut
    log = new PartitionLog(dir);
    expect(log.recovery.findings).toEqual([]);
    expect(readAll(log)).toEqual(range(0, 12));
    log.close();
  });
});

describe("recovery", () => {
  /** five segments of four 1-record batches each; returns the log, killed (not closed) */
  function fiveSegments(dir: string): PartitionLog {
    const one = encodeBatch([rec(0)]).length;
    const log = new PartitionLog(dir, { segmentBytes: one * 4, retentionBytes: -1, retentionMs: -1 });
    for (let i = 0; i < 20; i++) append(log, 1, i);
    expect(log.segmentCount).toBe(5);
    return log;
  }

  it("a corrupt byte in an older segment: that batch is kept aside, every other batch and every later segment is served", () => {
    const { dataDir, dir } = partitionDir();
    const cfg = fiveSegments(dir).config;
    const second = path.join(dir, segmentName(4));
    const original = readFileSync(second);
    const bytes = Buffer.from(original);
    const one = bytes.length / 4;
    bytes[one + 70] = bytes[one + 70]! ^ 0x01; // inside the records of offset 5
    writeFileSync(second, bytes);
    const log = new PartitionLog(dir, cfg);
    expect(readAll(log)).toEqual([...range(0, 5), ...range(6, 20)]);
    expect(log.end).toBe(20);
    const [f] = log.recovery.findings;
    expect(f).toMatchObject({ kind: "corrupt", segment: segmentName(4), fromOffset: 5, bytes: one });
    expect(f!.detail).toMatch(/CRC/);
    // the original, whole, kept aside with a note that status and doctor read
    expect(readFileSync(f!.movedTo!)).toEqual(bytes);
    expect(recoveryNotes(dataDir)).toMatchObject([{ partition: "t-0", segment: segmentName(4), fromOffset: 5, movedTo: f!.movedTo }]);
    log.close();
    // the repaired segment is what the next start finds: nothing new to report, nothing kept twice
    const again = new PartitionLog(dir, cfg);
    expect(again.recovery.findings).toEqual([]);
    expect(readdirSync(path.join(dir, "corrupt"))).toHaveLength(2);
    again.close();
  });

  it("a damaged batch header in an older segment: the rest of that segment is kept aside, reads jump the gap to the next segment", () => {
    const { dir } = partitionDir();
    const cfg = fiveSegments(dir).config;
    const second = path.join(dir, segmentName(4));
    const bytes = readFileSync(second);
    const one = bytes.length / 4;
    bytes.writeInt32BE(3, one + 8); // batchLength of offset 5: the framing is lost from there
    writeFileSync(second, bytes);
    const log = new PartitionLog(dir, cfg);
    expect(readAll(log)).toEqual([...range(0, 5), ...range(8, 20)]);
    expect(readAll(log, 6)).toEqual(range(8, 20));
    expect(log.recovery.findings).toMatchObject([{ kind: "corrupt", fromOffset: 5, bytes: one * 3 }]);
    log.close();
  });

  it("checks only what is not known to be flushed: after a clean stop, a segment unchanged since is trusted", () => {
    const { dir } = partitionDir();
    const log = fiveSegments(dir);
    log.close();
    expect(existsSync(path.join(dir, "checkpoint.json"))).toBe(true);
    let again = new PartitionLog(dir, log.config);
    expect(again.recovery.checked).toBe(0);
    again.close();
    // a byte flipped behind the broker's back, mtime kept: not checked, as in Kafka below its recovery point
    const first = path.join(dir, segmentName(0));
    const st = statSync(first);
    const bytes = readFileSync(first);
    bytes[70] = bytes[70]! ^ 0x01;
    writeFileSync(first, bytes);
    utimesSync(first, st.atimeMs / 1000, st.mtimeMs / 1000);
    again = new PartitionLog(dir, log.config);
    expect(again.recovery.checked).toBe(0);
    expect(again.recovery.findings).toEqual([]);
    again.close();
    // the same file touched: checked, and the damage found
    utimesSync(first, st.atime, new Date(st.mtimeMs + 5000));
    again = new PartitionLog(dir, log.config);
    expect(again.recovery.checked).toBe(1);
    expect(again.recovery.findings).toMatchObject([{ kind: "corrupt", segment: segmentName(0), fromOffset: 0 }]);
    again.close();
  });

  it("a segment that starts inside the one before is moved aside whole", () => {
    const { dir } = partitionDir();
    const cfg = fiveSegments(dir).config;
    writeFileSync(path.join(dir, segmentName(6)), readFileSync(path.join(dir, segmentName(8))));
    const log = new PartitionLog(dir, cfg);
    expect(readAll(log)).toEqual(range(0, 20));
    expect(log.recovery.findings.map((f) => f.kind)).toEqual(["overlap"]);
    expect(existsSync(path.join(dir, segmentName(6)))).toBe(false);
    log.close();
  });
});

describe("offset for a time", () => {
  it("is the first record (not batch) at or after the time, with that record's timestamp; null past the last", () => {
    const { dir } = partitionDir();
    const log = new PartitionLog(dir);
    append(log, 3, 0, [1000, 2000, 3000]);
    append(log, 2, 3, [4000, 5000]);
    expect(log.offsetForTime(0)).toEqual({ offset: 0, timestamp: 1000 });
    expect(log.offsetForTime(1500)).toEqual({ offset: 1, timestamp: 2000 });
    expect(log.offsetForTime(3000)).toEqual({ offset: 2, timestamp: 3000 });
    expect(log.offsetForTime(3001)).toEqual({ offset: 3, timestamp: 4000 });
    expect(log.offsetForTime(5001)).toBeNull();
    log.close();
  });
});
