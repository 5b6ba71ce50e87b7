// An append-only segmented log per partition: files named by their first offset (00000000000000000042.log) holding
// record batches back to back, as the producer sent them with the broker's base offset and leader epoch −1 written
// in (segment.ts holds one file and its index; recovery.ts opens them after a stop or crash). Writes go straight to
// the file with no fsync per produce (Kafka's default too), so a killed broker loses nothing it acknowledged and a
// power cut may lose the last seconds. A segment is fsynced when it is closed and on a clean stop, and then recorded
// in the recovery checkpoint, so that the next start checks only what was not known to be flushed.
import { fsync, mkdirSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { decodeRecords, readBatchHeader } from "./batch.js";
import { moveAside, readCheckpoint, recoverSegment, writeCheckpoint, type Finding } from "./recovery.js";
import { Segment, SEGMENT_RE, segmentName, StorageError } from "./segment.js";

export { segmentName, StorageError };

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

export interface RecoveryReport {
  segments: number;
  /** segments whose every batch's CRC was checked (not known to be flushed) */
  checked: number;
  batches: number;
  /** bytes cut from a torn tail */
  truncatedBytes: number;
  /** what recovery found and did, for the broker's log, status and doctor */
  findings: Finding[];
}

export class PartitionLog {
  private segments: Segment[] = [];
  readonly recovery: RecoveryReport = { segments: 0, checked: 0, batches: 0, truncatedBytes: 0, findings: [] };
  /** set when a failed write could not be undone: the partition refuses writes until the broker restarts */
  offline?: string;

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
    const checkpoint = readCheckpoint(dir);
    let highest = 0;
    for (let i = 0; i < bases.length; i++) {
      const last = i === bases.length - 1;
      const { seg, findings, checked } = recoverSegment(dir, bases[i]!, { last, checkpoint });
      this.recovery.findings.push(...findings);
      if (checked) this.recovery.checked++;
      for (const f of findings) if (f.kind === "torn-tail") this.recovery.truncatedBytes += f.bytes;
      const prev = this.segments[this.segments.length - 1];
      if (prev && seg.base < prev.next) {
        // a segment that starts inside the one before cannot be served in order: kept aside, whole
        this.recovery.findings.push(moveAside(dir, seg, `it starts at offset ${seg.base}, inside the segment before (which ends at ${prev.next - 1})`));
        continue;
      }
      highest = Math.max(highest, seg.next);
      if (seg.count === 0 && !last) {
        // nothing left to serve in it (its bytes, if any, are in corrupt/): a later segment carries on
        seg.close();
        rmSync(seg.file, { force: true });
        continue;
      }
      this.recovery.batches += seg.count;
      this.segments.push(seg);
    }
    if (this.segments.length === 0 || this.active.next < highest) this.segments.push(new Segment(highest, path.join(dir, segmentName(highest))));
    this.recovery.segments = this.segments.length;
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
   * Append one batch already validated and rewritten to its offset (the caller wrote `end` into it); returns its base
   * offset. A write the disk refuses throws StorageError with the log exactly as it was before.
   */
  append(batch: Buffer, lastOffsetDelta: number, maxTimestamp: number): number {
    if (this.offline) throw new StorageError(`${this.dir} takes no writes until the broker restarts: ${this.offline}`);
    let seg = this.active;
    if (seg.size > 0 && seg.size + batch.length > this.config.segmentBytes) seg = this.roll();
    const base = seg.next;
    try {
      seg.write(batch);
    } catch (e) {
      if (e instanceof StorageError && e.lost) this.offline = e.lost;
      throw e;
    }
    seg.push(base, seg.size, maxTimestamp, base + lastOffsetDelta);
    seg.size += batch.length;
    seg.next = base + lastOffsetDelta + 1;
    seg.lastWrite = Date.now();
    this.enforceRetention();
    return base;
  }

  /** Close the active segment and begin the next; the closed one is fsynced and checkpointed off the event loop. */
  private roll(): Segment {
    const old = this.active;
    let seg: Segment;
    try {
      seg = new Segment(old.next, path.join(this.dir, segmentName(old.next)));
    } catch (e) {
      throw new StorageError(`cannot begin a segment in ${this.dir}: ${(e as Error).message}`);
    }
    this.segments.push(seg);
    fsync(old.fd, (err) => {
      if (err || !this.segments.includes(old)) return;
      try {
        writeCheckpoint(this.dir, [old]);
      } catch {
        /* only an optimisation: without it the next start checks this segment's CRCs */
      }
    });
    return seg;
  }

  /** the segment and batch index holding `offset`, or the next batch after it when it falls in a gap */
  private locate(offset: number): { seg: Segment; i: number } | undefined {
    let si = this.segments.length - 1;
    while (si > 0 && this.segments[si]!.base > offset) si--;
    for (; si < this.segments.length; si++) {
      const seg = this.segments[si]!;
      if (seg.count === 0 || offset >= seg.next) continue;
      let i = seg.find(offset);
      if (seg.lasts[i]! < offset) i++;
      if (i < seg.count) return { seg, i };
    }
    return undefined;
  }

  /**
   * Whole batches from the one holding `offset`, up to maxBytes (at least one batch, however large). An empty buffer
   * at the end of the log; "out-of-range" below the log start or beyond the end.
   */
  read(offset: number, maxBytes: number): Buffer | "out-of-range" {
    if (offset < this.logStart || offset > this.end) return "out-of-range";
    if (offset === this.end) return Buffer.alloc(0);
    const at = this.locate(offset);
    if (!at) return Buffer.alloc(0);
    const { seg, i } = at;
    const start = seg.positions[i]!;
    let stop = seg.endOf(i);
    for (let j = i + 1; j < seg.count; j++) {
      const e = seg.endOf(j);
      if (e - start > maxBytes) break;
      stop = e;
    }
    return seg.read(start, stop);
  }

  /**
   * Kafka's offset for a timestamp: the first record (not batch) whose timestamp is at or after `ts`, with that
   * timestamp; null when no record is that late.
   */
  offsetForTime(ts: number): { offset: number; timestamp: number } | null {
    for (const seg of this.segments) {
      for (let i = 0; i < seg.count; i++) {
        if (seg.timestamps[i]! < ts) continue;
        const bytes = seg.read(seg.positions[i]!, seg.endOf(i));
        const h = readBatchHeader(bytes);
        for (const r of decodeRecords(bytes)) {
          const t = h.baseTimestamp + r.timestampDelta;
          if (t >= ts) return { offset: h.baseOffset + r.offsetDelta, timestamp: t };
        }
      }
    }
    return null;
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

  /** fsync every segment and checkpoint them (a clean stop: the next start checks nothing), then close them */
  close(): void {
    try {
      for (const seg of this.segments) seg.flush();
      writeCheckpoint(this.dir, this.segments);
    } finally {
      for (const seg of this.segments) seg.close();
    }
  }
}
