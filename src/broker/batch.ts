// Kafka record batches (magic 2). A batch is stored as it came (compressed or not); the broker only rewrites its
// base offset and its partition leader epoch, which lie outside the CRC (the CRC-32C covers `attributes` to the end).
//
//   0 baseOffset int64 · 8 batchLength int32 · 12 partitionLeaderEpoch int32 · 16 magic int8 · 17 crc uint32 ·
//   21 attributes int16 · 23 lastOffsetDelta int32 · 27 baseTimestamp int64 · 35 maxTimestamp int64 ·
//   43 producerId int64 · 51 producerEpoch int16 · 53 baseSequence int32 · 57 recordCount int32 · 61 records
import * as zlib from "node:zlib";
import { gunzipSync, gzipSync } from "node:zlib";
import { Reader, Writer, ProtocolError } from "./codec.js";
import { crc32c } from "./crc32c.js";
import { ErrorCode } from "./errors.js";

export const BATCH_HEADER_BYTES = 61;
/** bytes before the batchLength count ends: a batch occupies 12 + batchLength bytes */
export const LOG_OVERHEAD = 12;

export interface BatchHeader {
  baseOffset: number;
  /** the whole batch, header included */
  size: number;
  leaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export interface KafkaHeader {
  key: string;
  value: Buffer | null;
}

export interface BatchRecord {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: KafkaHeader[];
}

export const Compression = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
/** attributes bits: codec in the low three, then timestamp type, transactional, control */
export const Attr = { codec: 0x7, transactional: 0x10, control: 0x20 } as const;

export class BatchError extends Error {
  constructor(
    message: string,
    /** the Kafka error code to answer with */
    readonly code: number,
  ) {
    super(message);
  }
}

/** Read the fixed header of the batch at buf[at]; throws BatchError when it is not a whole magic-2 batch. */
export function readBatchHeader(buf: Buffer, at = 0, end = buf.length): BatchHeader {
  if (end - at < BATCH_HEADER_BYTES) throw new BatchError(`a record batch needs ${BATCH_HEADER_BYTES} bytes, got ${end - at}`, 2);
  const batchLength = buf.readInt32BE(at + 8);
  const size = LOG_OVERHEAD + batchLength;
  const magic = buf.readInt8(at + 16);
  if (magic !== 2) throw new BatchError(`record batch magic ${magic}: only magic 2 (Kafka ≥ 0.11 clients) is accepted`, 2);
  if (batchLength < BATCH_HEADER_BYTES - LOG_OVERHEAD || at + size > end) throw new BatchError(`record batch of ${size} bytes runs past its ${end - at} bytes`, 2);
  return {
    baseOffset: Number(buf.readBigInt64BE(at)),
    size,
    leaderEpoch: buf.readInt32BE(at + 12),
    magic,
    crc: buf.readUInt32BE(at + 17),
    attributes: buf.readInt16BE(at + 21),
    lastOffsetDelta: buf.readInt32BE(at + 23),
    baseTimestamp: Number(buf.readBigInt64BE(at + 27)),
    maxTimestamp: Number(buf.readBigInt64BE(at + 35)),
    producerId: Number(buf.readBigInt64BE(at + 43)),
    producerEpoch: buf.readInt16BE(at + 51),
    baseSequence: buf.readInt32BE(at + 53),
    recordCount: buf.readInt32BE(at + 57),
  };
}

/** Does the stored CRC match the batch's bytes? */
export function crcValid(buf: Buffer, at: number, h: BatchHeader): boolean {
  return crc32c(buf, at + 21, at + h.size) === h.crc;
}

/** Split a produce request's records field into whole batches (each a view into `records`), checking each CRC. */
export function splitBatches(records: Buffer): { header: BatchHeader; bytes: Buffer }[] {
  const out: { header: BatchHeader; bytes: Buffer }[] = [];
  let at = 0;
  while (at < records.length) {
    const header = readBatchHeader(records, at);
    if (!crcValid(records, at, header)) throw new BatchError("record batch CRC-32C mismatch", 2);
    out.push({ header, bytes: records.subarray(at, at + header.size) });
    at += header.size;
  }
  if (out.length === 0) throw new BatchError("no record batch in the request", 87);
  return out;
}

/** Write the broker's base offset and leader epoch −1 into a batch, in place (neither is covered by the CRC). */
export function rewriteBatch(bytes: Buffer, baseOffset: number, leaderEpoch = -1): void {
  bytes.writeBigInt64BE(BigInt(baseOffset), 0);
  bytes.writeInt32BE(leaderEpoch, 12);
}

/** Set a batch's max timestamp (inside the CRC, so the CRC is computed again). */
export function setMaxTimestamp(bytes: Buffer, maxTimestamp: number): void {
  bytes.writeBigInt64BE(BigInt(maxTimestamp), 35);
  bytes.writeUInt32BE(crc32c(bytes, 21), 17);
}

/**
 * Kafka's checks of a producer's batch header (its LogValidator, in its order), each refused with INVALID_RECORD:
 * the offset range must be non-empty and match the record count, clients may not write control batches, and an
 * idempotent batch needs a sequence. The record count itself is checked against the records when they are read.
 */
export function checkBatchHeader(h: BatchHeader): void {
  const refuse = (why: string) => {
    throw new BatchError(why, ErrorCode.INVALID_RECORD);
  };
  if (h.lastOffsetDelta + 1 <= 0) refuse(`batch has an invalid offset range: lastOffsetDelta ${h.lastOffsetDelta}`);
  if (h.recordCount <= 0) refuse(`invalid record count ${h.recordCount}`);
  if (h.lastOffsetDelta + 1 !== h.recordCount) refuse(`inconsistent batch: lastOffsetDelta ${h.lastOffsetDelta} for ${h.recordCount} records`);
  if (h.attributes & Attr.control) refuse("clients are not allowed to write control batches");
  if (h.producerId >= 0 && h.baseSequence < 0) refuse(`invalid sequence ${h.baseSequence} for producer id ${h.producerId}`);
}

/**
 * The records of an uncompressed (or already inflated) batch body, exactly `count` of them with offset deltas
 * 0, 1, 2, … and no bytes left over; anything else is refused with INVALID_RECORD, as Kafka refuses a malformed record.
 */
export function parseRecords(body: Buffer, count: number): BatchRecord[] {
  const r = new Reader(body);
  const out: BatchRecord[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const len = r.varint();
      if (len < 0 || len > r.remaining()) throw new ProtocolError(`record ${i} claims ${len} bytes, ${r.remaining()} are left`);
      const end = r.offset + len;
      r.int8(); // attributes
      const timestampDelta = r.varint();
      const offsetDelta = r.varint();
      if (offsetDelta !== i) throw new ProtocolError(`record ${i} has offset delta ${offsetDelta}`);
      const key = r.varBytes();
      const value = r.varBytes();
      const headers: KafkaHeader[] = [];
      const nh = r.varint();
      if (nh < 0 || nh > r.remaining()) throw new ProtocolError(`record ${i} claims ${nh} headers`);
      for (let j = 0; j < nh; j++) {
        const hk = r.varBytes();
        headers.push({ key: hk ? hk.toString("utf8") : "", value: r.varBytes() });
      }
      if (r.offset !== end) throw new ProtocolError(`record ${i} is ${len} bytes but its fields take ${r.offset - end + len}`);
      out.push({ offsetDelta, timestampDelta, key, value, headers });
    }
  } catch (e) {
    throw new BatchError(`malformed record: ${(e as Error).message}`, ErrorCode.INVALID_RECORD);
  }
  if (r.remaining() !== 0) throw new BatchError(`${r.remaining()} bytes follow the batch's ${count} records`, ErrorCode.INVALID_RECORD);
  return out;
}

/**
 * The records of a whole stored or produced batch, synchronously (tests, tools, and reading back the broker's own
 * log, whose batches passed the checks when written); gzip and zstd are inflated up to `maxOutput` bytes.
 */
export function decodeRecords(bytes: Buffer, maxOutput = 64 * 1024 * 1024): BatchRecord[] {
  const h = readBatchHeader(bytes);
  const codec = h.attributes & Attr.codec;
  let body = bytes.subarray(BATCH_HEADER_BYTES, h.size);
  const zstd = (zlib as { zstdDecompressSync?: (b: Buffer, o: { maxOutputLength: number }) => Buffer }).zstdDecompressSync;
  const inflate = codec === Compression.gzip ? gunzipSync : codec === Compression.zstd ? zstd : undefined;
  if (inflate) {
    try {
      body = inflate(body, { maxOutputLength: maxOutput });
    } catch (e) {
      throw new BatchError(`${codec === Compression.gzip ? "gzip" : "zstd"}: ${(e as Error).message}`, ErrorCode.CORRUPT_MESSAGE);
    }
  } else if (codec !== Compression.none) throw new BatchError(`compression codec ${codec} is not supported (use none, gzip or zstd)`, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
  return parseRecords(body, h.recordCount);
}

export interface NewRecord {
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: KafkaHeader[];
  timestamp?: number;
}

/** Build a batch (as a producer would): base offset 0, leader epoch 0, CRC-32C set. For tests and tools. */
export function encodeBatch(records: NewRecord[], opts: { baseOffset?: number; compression?: 0 | 1 | 4; now?: number } = {}): Buffer {
  const now = opts.now ?? Date.now();
  const times = records.map((r) => r.timestamp ?? now);
  const base = times.length ? Math.min(...times) : now;
  const body = new Writer();
  records.forEach((rec, i) => {
    const w = new Writer();
    w.int8(0)
      .varint(times[i]! - base)
      .varint(i);
    const key = rec.key === null ? null : Buffer.from(rec.key);
    const value = rec.value === null ? null : Buffer.from(rec.value);
    w.varBytes(key)
      .varBytes(value)
      .varint(rec.headers?.length ?? 0);
    for (const hd of rec.headers ?? []) w.varBytes(Buffer.from(hd.key)).varBytes(hd.value);
    body.varint(w.length).raw(w.toBuffer());
  });
  let payload = body.toBuffer();
  const compression = opts.compression ?? 0;
  if (compression === 1) payload = gzipSync(payload);
  if (compression === 4) payload = (zlib as unknown as { zstdCompressSync: (b: Buffer) => Buffer }).zstdCompressSync(payload);
  const w = new Writer(BATCH_HEADER_BYTES + payload.length);
  w.int64(opts.baseOffset ?? 0)
    .int32(BATCH_HEADER_BYTES - LOG_OVERHEAD + payload.length)
    .int32(0)
    .int8(2)
    .int32(0) // crc, set below
    .int16(compression)
    .int32(records.length - 1)
    .int64(base)
    .int64(times.length ? Math.max(...times) : now)
    .int64(-1)
    .int16(-1)
    .int32(-1)
    .int32(records.length)
    .raw(payload);
  const out = Buffer.from(w.toBuffer());
  out.writeUInt32BE(crc32c(out, 21), 17);
  return out;
}
