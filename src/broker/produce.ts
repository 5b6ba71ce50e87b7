// What a producer's records must pass before they reach the log, in the order Apache Kafka checks them, each refused
// with the error code Kafka answers: exactly one whole magic-2 batch per partition (INVALID_RECORD), no bigger than
// message.max.bytes (MESSAGE_TOO_LARGE), an intact CRC (CORRUPT_MESSAGE), a consistent header (INVALID_RECORD), a
// codec we read (UNSUPPORTED_COMPRESSION_TYPE), records that parse (INVALID_RECORD), then the topic's schemas.
// Inflating gzip and zstd runs on libuv's thread pool with an output limit, so a compressed bomb costs neither the
// event loop nor memory; at most two inflate at a time, whatever the number of connections. zstd is Node's own (22.15+)
// and, as in Kafka, only from Produce v7; snappy and lz4 are refused (UNSUPPORTED_COMPRESSION_TYPE).
import * as zlib from "node:zlib";
import { Attr, BATCH_HEADER_BYTES, BatchError, checkBatchHeader, Compression, crcValid, LOG_OVERHEAD, parseRecords, readBatchHeader, type BatchHeader, type BatchRecord } from "./batch.js";
import { ErrorCode } from "./errors.js";

export interface ProduceLimits {
  maxBatchBytes: number;
  maxDecompressedBytes: number;
}

export interface CheckedBatch {
  header: BatchHeader;
  /** the batch alone, without any trailing partial bytes (Kafka drops those too) */
  bytes: Buffer;
  records: BatchRecord[];
}

const MIN_BATCH_LENGTH = BATCH_HEADER_BYTES - LOG_OVERHEAD;

/** The one batch of a partition's records field, its framing checked (not yet its size, CRC or contents). */
export function frameBatch(records: Buffer | null): { header: BatchHeader; bytes: Buffer } {
  const invalid = (why: string) => new BatchError(why, ErrorCode.INVALID_RECORD);
  if (!records || records.length < LOG_OVERHEAD) throw invalid("a produce request must carry one record batch per partition");
  const batchLength = records.readInt32BE(8);
  const size = LOG_OVERHEAD + batchLength;
  if (batchLength < MIN_BATCH_LENGTH) throw new BatchError(`record batch length ${batchLength} is below the ${MIN_BATCH_LENGTH} bytes of its header`, ErrorCode.CORRUPT_MESSAGE);
  if (size > records.length) throw invalid(`the record batch of ${size} bytes runs past the ${records.length} bytes sent`);
  const magic = records.readInt8(16);
  if (magic !== 2) throw invalid(`record batch magic ${magic}: only magic 2 (Kafka ≥ 0.11 clients) is accepted`);
  const rest = records.length - size;
  if (rest >= LOG_OVERHEAD && LOG_OVERHEAD + records.readInt32BE(size + 8) <= rest) throw invalid("a produce request must carry exactly one record batch per partition");
  const bytes = records.subarray(0, size);
  return { header: readBatchHeader(bytes), bytes };
}

let inflating = 0;
const waiting: (() => void)[] = [];
const MAX_INFLATING = 2;

type Inflater = (body: Buffer, opts: { maxOutputLength: number }, done: (err: Error | null, out: Buffer) => void) => void;

/** The codecs this broker reads, by Kafka's codec id; zstd only where this Node has it. */
const INFLATERS = new Map<number, { name: string; run: Inflater }>([
  [Compression.gzip, { name: "gzip", run: zlib.gunzip as Inflater }],
  ...(typeof (zlib as { zstdDecompress?: unknown }).zstdDecompress === "function"
    ? [[Compression.zstd, { name: "zstd", run: (zlib as unknown as { zstdDecompress: Inflater }).zstdDecompress }] as const]
    : []),
]);

/** The codecs a producer may send, for messages. */
export function codecNames(): string {
  return ["none", ...[...INFLATERS.values()].map((i) => i.name)].join(", ");
}

async function inflate(body: Buffer, codec: { name: string; run: Inflater }, maxOutput: number): Promise<Buffer> {
  if (inflating >= MAX_INFLATING) await new Promise<void>((r) => waiting.push(r));
  inflating++;
  try {
    return await new Promise<Buffer>((resolve, reject) =>
      codec.run(body, { maxOutputLength: maxOutput }, (err, out) => {
        if (!err) return resolve(out);
        if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") reject(new BatchError(`the ${codec.name} batch inflates past the ${maxOutput} bytes allowed`, ErrorCode.MESSAGE_TOO_LARGE));
        else reject(new BatchError(`the batch is flagged ${codec.name} but does not inflate: ${err.message}`, ErrorCode.CORRUPT_MESSAGE));
      }),
    );
  } finally {
    inflating--;
    waiting.shift()?.();
  }
}

/** Every check but the schemas; returns the batch and its records, or throws BatchError with Kafka's code. */
export async function checkProduced(records: Buffer | null, limits: ProduceLimits, produceVersion = 7): Promise<CheckedBatch> {
  const { header, bytes } = frameBatch(records);
  // no transactions here (no InitProducerId, no markers): refused as Kafka refuses transactional records sent without
  // an authorised transactional id, before it looks at the batch itself
  if (header.attributes & Attr.transactional) throw new BatchError("transactional batches are not supported by this broker", ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  if (header.size > limits.maxBatchBytes) throw new BatchError(`a record batch of ${header.size} bytes is larger than the ${limits.maxBatchBytes} allowed`, ErrorCode.MESSAGE_TOO_LARGE);
  if (!crcValid(bytes, 0, header)) throw new BatchError("record batch CRC-32C mismatch", ErrorCode.CORRUPT_MESSAGE);
  checkBatchHeader(header);
  const codec = header.attributes & Attr.codec;
  let body = bytes.subarray(BATCH_HEADER_BYTES);
  const inflater = INFLATERS.get(codec);
  // Kafka takes zstd only from clients that said they know it (Produce v7+)
  if (codec === Compression.zstd && produceVersion < 7) throw new BatchError(`zstd needs Produce v7 or later (this request is v${produceVersion})`, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
  if (inflater) body = await inflate(body, inflater, limits.maxDecompressedBytes);
  else if (codec !== Compression.none) throw new BatchError(`compression codec ${codec} is not supported (send ${codecNames()})`, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
  return { header, bytes, records: parseRecords(body, header.recordCount) };
}
