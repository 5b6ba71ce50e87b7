// What a producer's records must pass before they reach the log, in the order Apache Kafka checks them, each refused
// with the error code Kafka answers: exactly one whole magic-2 batch per partition (INVALID_RECORD), no bigger than
// message.max.bytes (MESSAGE_TOO_LARGE), an intact CRC (CORRUPT_MESSAGE), a consistent header (INVALID_RECORD), a
// codec we read (UNSUPPORTED_COMPRESSION_TYPE), records that parse (INVALID_RECORD), then the topic's schemas.
// Inflating gzip runs on libuv's thread pool with an output limit, so a compressed bomb costs neither the event loop
// nor memory; at most two inflate at a time, whatever the number of connections.
import { gunzip } from "node:zlib";
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

async function inflate(body: Buffer, maxOutput: number): Promise<Buffer> {
  if (inflating >= MAX_INFLATING) await new Promise<void>((r) => waiting.push(r));
  inflating++;
  try {
    return await new Promise<Buffer>((resolve, reject) =>
      gunzip(body, { maxOutputLength: maxOutput }, (err, out) => {
        if (!err) return resolve(out);
        if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") reject(new BatchError(`the gzip batch inflates past the ${maxOutput} bytes allowed`, ErrorCode.MESSAGE_TOO_LARGE));
        else reject(new BatchError(`the batch is flagged gzip but does not inflate: ${err.message}`, ErrorCode.CORRUPT_MESSAGE));
      }),
    );
  } finally {
    inflating--;
    waiting.shift()?.();
  }
}

/** Every check but the schemas; returns the batch and its records, or throws BatchError with Kafka's code. */
export async function checkProduced(records: Buffer | null, limits: ProduceLimits): Promise<CheckedBatch> {
  const { header, bytes } = frameBatch(records);
  // no transactions here (no InitProducerId, no markers): refused as Kafka refuses transactional records sent without
  // an authorised transactional id, before it looks at the batch itself
  if (header.attributes & Attr.transactional) throw new BatchError("transactional batches are not supported by this broker", ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  if (header.size > limits.maxBatchBytes) throw new BatchError(`a record batch of ${header.size} bytes is larger than the ${limits.maxBatchBytes} allowed`, ErrorCode.MESSAGE_TOO_LARGE);
  if (!crcValid(bytes, 0, header)) throw new BatchError("record batch CRC-32C mismatch", ErrorCode.CORRUPT_MESSAGE);
  checkBatchHeader(header);
  const codec = header.attributes & Attr.codec;
  let body = bytes.subarray(BATCH_HEADER_BYTES);
  if (codec === Compression.gzip) body = await inflate(body, limits.maxDecompressedBytes);
  else if (codec !== Compression.none) throw new BatchError(`compression codec ${codec} is not supported (send none or gzip)`, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
  return { header, bytes, records: parseRecords(body, header.recordCount) };
}
