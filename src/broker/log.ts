// An append-only segmented log per partition: files named by their first offset (00000000000000000042.log) holding
// record batches back to back, as the producer sent them with the broker's base offset and leader epoch −1 written
// in. Each segment keeps a compact in-memory index (batch base offsets, file positions, max timestamps in typed
// arrays, 24 bytes a batch). Opening a log walks its segments; in the last one every batch's CRC-32C is checked and a
// torn or corrupt tail (a write cut short by a kill) is truncated at the last whole batch. Writes go straight to the
// file (no buffering in the process), so a killed broker loses nothing it acknowledged; a power cut may.
import { closeSync, ftruncateSync, mkdirSync, openSync, readdirSync, readSync, rmSync, statSync, writeSync } from "node:fs";
import path from "node:path";
import { crcValid, readBatchHeader, BATCH_HEADER_BYTES, LOG_OVERHEAD } from "./batch.js";

export interface RetentionConfig {
  /** bytes per partition kept (closed segments beyond it are deleted, oldest first); −1 = unlimited */
  retentionBytes: number;
  /** age after which a closed segment is deleted (by its last write); −1 = unlimited */
  retentionMs: number;
  /** a segment is closed and a new one begun once it would grow past this */
  segmentBytes: number;
}

/** Defaults: the playground's 11 partitions stay under about 80 MB in all, however long a session runs. */
export const DEFAULT_RETENTION: RetentionConfig = { retentionBytes: 6 * 1024 * 1024, retentionMs: 24 * 3600 * 1000, segmentBytes: 1024 * 1024 };

const SEGMENT_RE = /^(\d{20})\.log$/;

export function segmentName(base: number): string {
  return `${String(base).padStart(20, "0")}.log`;
}

class Segment {
  fd: number;
  size = 0;
  count = 0;
  offsets = new Float64Array(64);
  positions = new Float64Array(64);
  timestamps = new Float64Array(64);
  /** wall-clock ms of the last write (file mtime after a restart) */
  lastWrite: number;
  /** the offset after this segment's last batch */
  next: number;

  constructor(
    readonly base: number,
    readonly file: string,
  ) {
    this.fd = openSync(file, "a+");
    this.next = base;
    this.lastWrite = Date.now();
  }

  push(offset: number, position: number, maxTimestamp: number): void {
    if (this.count === this.offsets.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.offsets = grow(this.offsets);
      this.positions = grow(this.positions);
      this.timestamps = grow(this.timestamps);
    }
    this.offsets[this.count] = offset;
    this.positions[this.count] = position;
    this.timestamps[this.count] = maxTimestamp;
    this.count++;
  }

  /** index of the batch that holds `offset` (the last batch starting at or before it) */
  find(offset: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.offsets[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  endOf(i: number): number {
    return i + 1 < this.count ? this.positions[i + 1]! : this.size;
  }

  close(): void {
    closeSync(this.fd);
  }
}

export interface RecoveryReport {
  segments: number;
  batches: number;
  /** bytes cut from a torn tail */
  truncatedBytes: number;
}

export class PartitionLog {
  private segments: Segment[] = [];
  readonly recovery: RecoveryReport = { segments: 0, batches: 0, truncatedBytes: 0 };

  constructor(
    readonly dir: string,
    public config: RetentionConfig = DEFAULT_RETENTION,
  ) {
    mkdirSync(dir, { recursive: true });
    const bases = readdirSync(dir)
      .map((f) => SEGMENT_RE.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    for (let i = 0; i < bases.length; i++) {
      const seg = this.recover(bases[i]!, i === bases.length - 1);
      // a segment that does not continue where the previous one ended is a leftover: start over from there
      const prev = this.segments[this.segments.length - 1];
      if (prev && seg.base !== prev.next) {
        seg.close();
        for (const later of bases.slice(i)) rmSync(path.join(dir, segmentName(later)), { force: true });
        break;
      }
      this.segments.push(seg);
    }
    if (this.segments.length === 0) this.segments.push(new Segment(0, path.join(dir, segmentName(0))));
    this.recovery.segments = this.segments.length;
  }

  private recover(base: number, last: boolean): Segment {
    const seg = new Segment(base, path.join(this.dir, segmentName(base)));
    const st = statSync(seg.file);
    seg.lastWrite = st.mtimeMs;
    const fileSize = st.size;
    const head = Buffer.allocUnsafe(BATCH_HEADER_BYTES);
    let pos = 0;
    let next = base;
    while (pos + BATCH_HEADER_BYTES <= fileSize) {
      readSync(seg.fd, head, 0, BATCH_HEADER_BYTES, pos);
      let ok = true;
      let size = 0;
      let lastDelta = 0;
      let maxTs = 0;
      try {
        const batchLength = head.readInt32BE(8);
        size = LOG_OVERHEAD + batchLength;
        if (batchLength < BATCH_HEADER_BYTES - LOG_OVERHEAD || pos + size > fileSize || head.readInt8(16) !== 2) ok = false;
        else if (Number(head.readBigInt64BE(0)) !== next) ok = false;
        else if (last) {
          const whole = Buffer.allocUnsafe(size);
          readSync(seg.fd, whole, 0, size, pos);
          const h = readBatchHeader(whole);
          ok = crcValid(whole, 0, h);
        }
        lastDelta = head.readInt32BE(23);
        maxTs = Number(head.readBigInt64BE(35));
      } catch {
        ok = false;
      }
      if (!ok) break;
      seg.push(next, pos, maxTs);
      next += lastDelta + 1;
      pos += size;
      this.recovery.batches++;
    }
    if (pos < fileSize) {
      ftruncateSync(seg.fd, pos);
      this.recovery.truncatedBytes += fileSize - pos;
    }
    seg.size = pos;
    seg.next = next;
    return seg;
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  /** the first offset still in the log */
  get logStart(): number {
    const first = this.segments[0]!;
    return first.count > 0 ? first.offsets[0]! : first.next;
  }

  /** the offset the next record gets (the high watermark) */
  get end(): number {
    return this.active.next;
  }

  get sizeBytes(): number {
    let n = 0;
    for (const s of this.segments) n += s.size;
    return n;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  /**
   * Append batches already validated and rewritten to their offsets (the caller wrote `end` into the first one).
   * Returns the base offset of the first.
   */
  append(batch: Buffer, lastOffsetDelta: number, maxTimestamp: number): number {
    let seg = this.active;
    if (seg.size > 0 && seg.size + batch.length > this.config.segmentBytes) {
      seg = new Segment(seg.next, path.join(this.dir, segmentName(seg.next)));
      this.segments.push(seg);
    }
    const base = seg.next;
    let written = 0;
    while (written < batch.length) written += writeSync(seg.fd, batch, written, batch.length - written, seg.size + written);
    seg.push(base, seg.size, maxTimestamp);
    seg.size += batch.length;
    seg.next = base + lastOffsetDelta + 1;
    seg.lastWrite = Date.now();
    this.enforceRetention();
    return base;
  }

  /**
   * Whole batches from the one holding `offset`, up to maxBytes (at least one batch, however large). An empty buffer
   * at the end of the log; "out-of-range" below the log start or beyond the end.
   */
  read(offset: number, maxBytes: number): Buffer | "out-of-range" {
    if (offset < this.logStart || offset > this.end) return "out-of-range";
    if (offset === this.end) return Buffer.alloc(0);
    let si = this.segments.length - 1;
    while (si > 0 && this.segments[si]!.base > offset) si--;
    let seg = this.segments[si]!;
    if (offset >= seg.next) {
      // at the end of an older segment: the next one starts there
      seg = this.segments[si + 1]!;
    }
    if (seg.count === 0) return Buffer.alloc(0);
    const i = seg.find(offset);
    const start = seg.positions[i]!;
    let stop = seg.endOf(i);
    for (let j = i + 1; j < seg.count; j++) {
      const e = seg.endOf(j);
      if (e - start > maxBytes) break;
      stop = e;
    }
    const out = Buffer.allocUnsafe(stop - start);
    let got = 0;
    while (got < out.length) {
      const n = readSync(seg.fd, out, got, out.length - got, start + got);
      if (n === 0) break;
      got += n;
    }
    return out.subarray(0, got);
  }

  /** The first offset whose batch has a timestamp at or after `ts` (the end when none). */
  offsetForTime(ts: number): number {
    for (const seg of this.segments) {
      for (let i = 0; i < seg.count; i++) if (seg.timestamps[i]! >= ts) return seg.offsets[i]!;
    }
    return this.end;
  }

  /** Delete closed segments beyond the size or age limit, oldest first. Returns the bytes freed. */
  enforceRetention(now = Date.now()): number {
    const { retentionBytes, retentionMs } = this.config;
    let freed = 0;
    let total = this.sizeBytes;
    while (this.segments.length > 1) {
      const oldest = this.segments[0]!;
      const tooBig = retentionBytes >= 0 && total - oldest.size >= retentionBytes;
      const tooOld = retentionMs >= 0 && now - oldest.lastWrite > retentionMs;
      if (!tooBig && !tooOld) break;
      oldest.close();
      rmSync(oldest.file, { force: true });
      this.segments.shift();
      total -= oldest.size;
      freed += oldest.size;
    }
    return freed;
  }

  close(): void {
    for (const s of this.segments) s.close();
  }
}
