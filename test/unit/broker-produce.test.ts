// What a producer's records must pass before the embedded broker writes them, each case refused with the error code
// Apache Kafka answers for it: one whole magic-2 batch per partition, message.max.bytes, the CRC, a header consistent
// with its records (forged lastOffsetDelta, empty batches, control and transactional batches), a gzip body that
// inflates within the bound (a bomb is refused without inflating it all), and records that parse.
import { describe, expect, it } from "vitest";
import { gzipSync, zstdCompressSync } from "node:zlib";
import { Attr, encodeBatch, readBatchHeader } from "../../src/broker/batch.js";
import { crc32c } from "../../src/broker/crc32c.js";
import { ErrorCode } from "../../src/broker/errors.js";
import { checkProduced } from "../../src/broker/produce.js";
import { DEFAULT_LIMITS } from "../../src/broker/settings.js";

const rec = (i: number) => ({ key: `k${i}`, value: JSON.stringify({ n: i }) });
const limits = { maxBatchBytes: DEFAULT_LIMITS.maxBatchBytes, maxDecompressedBytes: 1024 * 1024 };

/** Change header fields of a valid batch and set its CRC again, as a hostile client would. */
export function forge(b: Buffer, edit: (b: Buffer) => void): Buffer {
  const out = Buffer.from(b);
  edit(out);
  out.writeUInt32BE(crc32c(out, 21), 17);
  return out;
}

/** A gzip (or zstd) batch whose body is `payload` compressed (records or not), header consistent with `count` records. */
function gzipBatch(payload: Buffer, count = 1, codec: 1 | 4 = 1): Buffer {
  const plain = encodeBatch(Array.from({ length: count }, (_, i) => rec(i)));
  const z = codec === 1 ? gzipSync(payload) : zstdCompressSync(payload);
  const out = Buffer.concat([plain.subarray(0, 61), z]);
  out.writeInt32BE(61 - 12 + z.length, 8);
  out.writeInt16BE(codec, 21);
  out.writeUInt32BE(crc32c(out, 21), 17);
  return out;
}

async function code(records: Buffer | null, l = limits, version = 7): Promise<number> {
  try {
    await checkProduced(records, l, version);
    return 0;
  } catch (e) {
    return (e as { code: number }).code;
  }
}

describe("produce checks", () => {
  it("accepts a plain and a gzip batch, returning its records", async () => {
    const plain = await checkProduced(encodeBatch([rec(1), rec(2)]), limits);
    expect(plain.records.map((r) => r.key?.toString())).toEqual(["k1", "k2"]);
    const z = await checkProduced(encodeBatch([rec(1), rec(2), rec(3)], { compression: 1 }), limits);
    expect(z.records).toHaveLength(3);
  });

  it("refuses a forged lastOffsetDelta, an empty batch and a zero record count with INVALID_RECORD", async () => {
    const three = encodeBatch([rec(1), rec(2), rec(3)]);
    expect(await code(forge(three, (b) => b.writeInt32BE(999_999_995, 23)))).toBe(ErrorCode.INVALID_RECORD);
    expect(await code(forge(three, (b) => b.writeInt32BE(1, 23)))).toBe(ErrorCode.INVALID_RECORD);
    expect(await code(forge(three, (b) => b.writeInt32BE(-7, 23)))).toBe(ErrorCode.INVALID_RECORD);
    // an empty batch: no records, lastOffsetDelta −1 (what sent librdkafka consumers into a loop)
    const empty = encodeBatch([]);
    expect(readBatchHeader(empty)).toMatchObject({ recordCount: 0, lastOffsetDelta: -1 });
    expect(await code(empty)).toBe(ErrorCode.INVALID_RECORD);
    expect(await code(forge(three, (b) => b.writeInt32BE(0, 57)))).toBe(ErrorCode.INVALID_RECORD);
    // header consistent, but it claims more records than the body holds
    expect(await code(forge(three, (b) => (b.writeInt32BE(3, 23), b.writeInt32BE(4, 57))))).toBe(ErrorCode.INVALID_RECORD);
  });

  it("refuses client control batches (INVALID_RECORD) and transactional ones (TRANSACTIONAL_ID_AUTHORIZATION_FAILED, as Kafka without a transactional id)", async () => {
    const b = encodeBatch([rec(1)]);
    expect(await code(forge(b, (x) => x.writeInt16BE(Attr.control, 21)))).toBe(ErrorCode.INVALID_RECORD);
    // Kafka refuses transactional records for the request before it looks at the batch
    expect(await code(forge(b, (x) => x.writeInt16BE(Attr.control | Attr.transactional, 21)))).toBe(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    expect(await code(forge(b, (x) => x.writeInt16BE(Attr.transactional, 21)))).toBe(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    // an idempotent batch without a sequence
    expect(await code(forge(b, (x) => (x.writeBigInt64BE(7n, 43), x.writeInt32BE(-1, 53))))).toBe(ErrorCode.INVALID_RECORD);
  });

  it("refuses records whose offset deltas do not count 0, 1, 2, … and bytes after the last record", async () => {
    const b = encodeBatch([rec(1), rec(2)]);
    // the second record's offset delta (varint 1 = 0x02) sits after its length, attributes and timestamp delta
    const first = b.readInt8(61) / 2; // zig-zag length of record 0
    const at = 61 + 1 + first + 1 + 1 + 1; // record 1: length byte, attributes, timestamp delta, then offset delta
    expect(b[at]).toBe(2);
    expect(await code(forge(b, (x) => (x[at] = 0)))).toBe(ErrorCode.INVALID_RECORD);
    const longer = Buffer.concat([b, Buffer.from([0, 0])]);
    longer.writeInt32BE(b.readInt32BE(8) + 2, 8);
    expect(await code(forge(longer, () => {}))).toBe(ErrorCode.INVALID_RECORD);
  });

  it("wants exactly one whole magic-2 batch (INVALID_RECORD), no larger than message.max.bytes (MESSAGE_TOO_LARGE), with its CRC (CORRUPT_MESSAGE)", async () => {
    expect(await code(null)).toBe(ErrorCode.INVALID_RECORD);
    expect(await code(Buffer.alloc(0))).toBe(ErrorCode.INVALID_RECORD);
    expect(await code(Buffer.concat([encodeBatch([rec(1)]), encodeBatch([rec(2)])]))).toBe(ErrorCode.INVALID_RECORD);
    expect(await code(forge(encodeBatch([rec(1)]), (b) => b.writeInt8(1, 16)))).toBe(ErrorCode.INVALID_RECORD);
    expect(await code(encodeBatch([rec(1)]).subarray(0, 40))).toBe(ErrorCode.INVALID_RECORD);
    const big = encodeBatch([{ key: "k", value: "x".repeat(2000) }]);
    expect(await code(big, { ...limits, maxBatchBytes: 1000 })).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    const bad = encodeBatch([rec(1)]);
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0xff;
    expect(await code(bad)).toBe(ErrorCode.CORRUPT_MESSAGE);
    // a trailing partial batch is dropped, as Kafka drops it
    const tail = await checkProduced(Buffer.concat([encodeBatch([rec(1)]), Buffer.from([1, 2, 3])]), limits);
    expect(tail.records).toHaveLength(1);
  });

  it("refuses a gzip bomb with MESSAGE_TOO_LARGE once the inflated bytes pass the bound, and non-gzip flagged gzip with CORRUPT_MESSAGE", async () => {
    const bomb = gzipBatch(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(200 * 1024);
    const rss = process.memoryUsage().rss;
    expect(await code(bomb)).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    // the bound is 1 MiB here: nowhere near the 64 MiB the bomb inflates to was held
    expect(process.memoryUsage().rss - rss).toBeLessThan(48 * 1024 * 1024);
    const notGzip = forge(encodeBatch([rec(1)]), (b) => b.writeInt16BE(1, 21));
    expect(await code(notGzip)).toBe(ErrorCode.CORRUPT_MESSAGE);
    for (const snappyOrLz4 of [2, 3]) expect(await code(forge(encodeBatch([rec(1)]), (b) => b.writeInt16BE(snappyOrLz4, 21)))).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
  });

  it("reads zstd from Produce v7 on, with the same bound and the same refusals as gzip", async () => {
    const batch = encodeBatch([rec(1), rec(2)], { compression: 4 });
    expect(readBatchHeader(batch).attributes & Attr.codec).toBe(4);
    expect((await checkProduced(batch, limits)).records.map((r) => r.value?.toString())).toEqual([JSON.stringify({ n: 1 }), JSON.stringify({ n: 2 })]);
    // Kafka: UNSUPPORTED_COMPRESSION_TYPE for zstd in a Produce below v7 (the client never said it knows zstd)
    expect(await code(batch, limits, 6)).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
    expect(await code(gzipBatch(Buffer.alloc(64 * 1024 * 1024), 1, 4))).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    expect(await code(forge(encodeBatch([rec(1)]), (b) => b.writeInt16BE(4, 21)))).toBe(ErrorCode.CORRUPT_MESSAGE);
  });
});
