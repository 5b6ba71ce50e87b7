// One segment file of a partition log and its in-memory index (batch base offsets, file positions and max timestamps
// in typed arrays, 24 bytes a batch). The file is opened read-write, not in append mode, so every write lands at the
// position the index says (on Linux a positioned write to an O_APPEND file goes to the end instead): after a failed
// write the file is cut back to the indexed size, and index and file cannot disagree.
import { closeSync, constants, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from "node:fs";

export const SEGMENT_RE = /^(\d{20})\.log$/;

export function segmentName(base: number): string {
  return `${String(base).padStart(20, "0")}.log`;
}

/** A write that did not reach the disk; the segment is back as it was before it (or `lost` says why not). */
export class StorageError extends Error {
  constructor(
    message: string,
    /** set when the file could not be cut back: the segment must not take more writes */
    readonly lost?: string,
  ) {
    super(message);
  }
}

/** For tests only: a write fault to inject (throw from it to fail the write of `bytes` at `position` of `file`). */
export const faults: { beforeWrite?: (file: string, position: number, bytes: number) => void } = {};

export class Segment {
  fd: number;
  size = 0;
  count = 0;
  offsets = new Float64Array(64);
  positions = new Float64Array(64);
  timestamps = new Float64Array(64);
  /** each batch's last offset (a log may have gaps where recovery set damaged batches aside) */
  lasts = new Float64Array(64);
  /** wall-clock ms of the last write (file mtime after a restart) */
  lastWrite: number;
  /** the offset after this segment's last batch */
  next: number;

  constructor(
    readonly base: number,
    readonly file: string,
  ) {
    this.fd = openSync(file, constants.O_RDWR | constants.O_CREAT, 0o644);
    this.next = base;
    this.lastWrite = Date.now();
  }

  push(offset: number, position: number, maxTimestamp: number, last: number): void {
    if (this.count === this.offsets.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.offsets = grow(this.offsets);
      this.positions = grow(this.positions);
      this.timestamps = grow(this.timestamps);
      this.lasts = grow(this.lasts);
    }
    this.offsets[this.count] = offset;
    this.positions[this.count] = position;
    this.timestamps[this.count] = maxTimestamp;
    this.lasts[this.count] = last;
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

  /** Write `batch` at the end of the indexed bytes; on failure cut the file back and throw StorageError. */
  write(batch: Buffer): void {
    let written = 0;
    try {
      faults.beforeWrite?.(this.file, this.size, batch.length);
      while (written < batch.length) written += writeSync(this.fd, batch, written, batch.length - written, this.size + written);
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      try {
        ftruncateSync(this.fd, this.size);
      } catch (t) {
        throw new StorageError(`writing ${batch.length} bytes to ${this.file} failed (${why}) and cutting it back failed too`, (t as Error).message);
      }
      throw new StorageError(`writing ${batch.length} bytes to ${this.file} failed (${why}); the file is back at ${this.size} bytes`);
    }
  }

  read(start: number, stop: number): Buffer {
    const out = Buffer.allocUnsafe(stop - start);
    let got = 0;
    while (got < out.length) {
      const n = readSync(this.fd, out, got, out.length - got, start + got);
      if (n === 0) break;
      got += n;
    }
    return out.subarray(0, got);
  }

  truncate(size: number): void {
    ftruncateSync(this.fd, size);
    this.size = size;
  }

  flush(): void {
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}
