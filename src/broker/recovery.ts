// Opening a partition's segments after a stop or a crash. A segment whose size and mtime match the recovery
// checkpoint (written when a segment is closed and on a clean stop, each time after an fsync) is known to be flushed:
// only its batch headers are walked to rebuild the index. Every other segment has each batch's CRC-32C checked, as
// Kafka checks the segments after its recovery point. A write cut short at the very end of the last segment (a kill
// mid-write, never acknowledged) is cut off. Anything else that fails is corrupt: the original segment is copied
// whole into the partition's `corrupt/` folder with a note saying what was wrong, and the segment is rewritten with
// every batch that passed, so an intact batch is never deleted and later segments stay readable.
import { copyFileSync, fstatSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { BATCH_HEADER_BYTES, crcValid, LOG_OVERHEAD, readBatchHeader } from "./batch.js";
import { Segment, segmentName } from "./segment.js";

export interface Finding {
  kind: "torn-tail" | "corrupt" | "overlap";
  /** the segment's file name */
  segment: string;
  detail: string;
  /** bytes cut (torn tail) or no longer served (corrupt, overlap) */
  bytes: number;
  /** the first offset no longer served, when known */
  fromOffset?: number;
  /** where the original bytes were kept */
  movedTo?: string;
}

interface Kept {
  pos: number;
  size: number;
  base: number;
  lastDelta: number;
  maxTs: number;
}

export const CORRUPT_DIR = "corrupt";
const CHECKPOINT = "checkpoint.json";

type Checkpoint = Record<string, { size: number; mtimeMs: number }>;

export function readCheckpoint(dir: string): Checkpoint {
  try {
    return (JSON.parse(readFileSync(path.join(dir, CHECKPOINT), "utf8")) as { segments: Checkpoint }).segments ?? {};
  } catch {
    return {};
  }
}

/** Record `flushed` (already fsynced) segments as known good; earlier entries for files still there are kept. */
export function writeCheckpoint(dir: string, flushed: Segment[], keep: Checkpoint = readCheckpoint(dir)): void {
  const out: Checkpoint = {};
  for (const [name, v] of Object.entries(keep)) {
    try {
      statSync(path.join(dir, name));
      out[name] = v;
    } catch {
      /* deleted by retention */
    }
  }
  for (const s of flushed) {
    const st = fstatSync(s.fd);
    out[path.basename(s.file)] = { size: st.size, mtimeMs: Math.trunc(st.mtimeMs) };
  }
  const tmp = path.join(dir, `${CHECKPOINT}.tmp`);
  writeFileSync(tmp, JSON.stringify({ segments: out }));
  renameSync(tmp, path.join(dir, CHECKPOINT));
}

/** Walk one segment; returns it indexed (repaired when needed) and what was found. */
export function recoverSegment(dir: string, base: number, opts: { last: boolean; checkpoint: Checkpoint }): { seg: Segment; findings: Finding[]; checked: boolean } {
  const name = segmentName(base);
  const seg = new Segment(base, path.join(dir, name));
  const st = fstatSync(seg.fd);
  const known = opts.checkpoint[name];
  // mtime to the millisecond: what every file system and utimes keep
  const trusted = known !== undefined && known.size === st.size && known.mtimeMs === Math.trunc(st.mtimeMs);
  const walk = walkSegment(seg, st.size, !trusted);
  const findings: Finding[] = [];
  const clean = walk.skipped === 0 && walk.stop === st.size;
  if (clean || (walk.skipped === 0 && walk.torn && opts.last)) {
    if (!clean) {
      seg.truncate(walk.stop);
      findings.push({
        kind: "torn-tail",
        segment: name,
        detail: `a write cut short at the end of the log (${st.size - walk.stop} bytes after offset ${walk.next - 1}) was cut off`,
        bytes: st.size - walk.stop,
        fromOffset: walk.next,
      });
    }
    index(seg, walk.kept, walk.stop, walk.next);
    seg.lastWrite = st.mtimeMs;
    return { seg, findings, checked: !trusted };
  }
  // corrupt: keep the original whole, serve every batch that passed
  const corruptDir = path.join(dir, CORRUPT_DIR);
  mkdirSync(corruptDir, { recursive: true });
  const movedTo = path.join(corruptDir, `${name}.${Date.now()}`);
  copyFileSync(seg.file, movedTo);
  const keptBytes = walk.kept.reduce((n, k) => n + k.size, 0);
  const detail = walk.problem ?? `an incomplete batch at byte ${walk.stop} of a segment that is not the last`;
  const finding: Finding = { kind: "corrupt", segment: name, detail, bytes: st.size - keptBytes, fromOffset: walk.firstLost ?? walk.next, movedTo };
  writeFileSync(`${movedTo}.json`, JSON.stringify({ ...finding, partition: path.basename(dir), at: new Date().toISOString() }, null, 2));
  findings.push(finding);
  const rewritten = rewrite(seg, walk.kept);
  index(
    rewritten,
    walk.kept.map((k, i, all) => ({ ...k, pos: all.slice(0, i).reduce((n, p) => n + p.size, 0) })),
    keptBytes,
    walk.next,
  );
  return { seg: rewritten, findings, checked: true };
}

interface Walk {
  kept: Kept[];
  /** bytes of batches that failed (their framing held, so the walk went on after them) */
  skipped: number;
  /** where the walk stopped: the file's size, or where a batch could not be framed */
  stop: number;
  /** the walk stopped at an incomplete batch at the end of the file */
  torn: boolean;
  /** the offset after the last batch kept */
  next: number;
  firstLost?: number;
  problem?: string;
}

function walkSegment(seg: Segment, fileSize: number, checkCrc: boolean): Walk {
  const w: Walk = { kept: [], skipped: 0, stop: fileSize, torn: false, next: seg.base };
  const fail = (pos: number, why: string) => {
    w.problem ??= `${why} at byte ${pos}`;
    w.firstLost ??= w.next;
  };
  let pos = 0;
  while (pos < fileSize) {
    if (fileSize - pos < BATCH_HEADER_BYTES) {
      w.stop = pos;
      w.torn = true;
      break;
    }
    const head = seg.read(pos, pos + BATCH_HEADER_BYTES);
    const batchLength = head.readInt32BE(8);
    const size = LOG_OVERHEAD + batchLength;
    const baseOffset = Number(head.readBigInt64BE(0));
    const lastDelta = head.readInt32BE(23);
    if (batchLength < BATCH_HEADER_BYTES - LOG_OVERHEAD || head.readInt8(16) !== 2 || lastDelta < 0) {
      // the framing itself is damaged: where the next batch starts is unknown
      fail(pos, "a batch header that does not parse");
      w.stop = pos;
      break;
    }
    if (pos + size > fileSize) {
      w.stop = pos;
      w.torn = true;
      if (w.problem === undefined) break;
      fail(pos, "a batch that runs past the end of the segment");
      break;
    }
    let ok = baseOffset >= w.next;
    if (ok && checkCrc) {
      const whole = seg.read(pos, pos + size);
      ok = crcValid(whole, 0, readBatchHeader(whole));
    }
    if (ok) {
      w.kept.push({ pos, size, base: baseOffset, lastDelta, maxTs: Number(head.readBigInt64BE(35)) });
      w.next = baseOffset + lastDelta + 1;
    } else {
      fail(pos, baseOffset >= w.next ? "a batch whose CRC-32C does not match" : `a batch at offset ${baseOffset}, before ${w.next}`);
      w.skipped += size;
    }
    pos += size;
  }
  return w;
}

function index(seg: Segment, kept: Kept[], size: number, next: number): void {
  for (const k of kept) seg.push(k.base, k.pos, k.maxTs, k.base + k.lastDelta);
  seg.size = size;
  seg.next = next;
}

/** Write the kept batches into a new file and put it in the segment's place. */
function rewrite(seg: Segment, kept: Kept[]): Segment {
  const tmp = `${seg.file}.rewrite`;
  rmSync(tmp, { force: true });
  const out = new Segment(seg.base, tmp);
  for (const k of kept) {
    out.write(seg.read(k.pos, k.pos + k.size));
    out.size += k.size;
  }
  out.flush();
  out.close();
  seg.close();
  renameSync(tmp, seg.file);
  return new Segment(seg.base, seg.file);
}

/** A whole segment that cannot be placed (it overlaps the one before): moved aside as it is. */
export function moveAside(dir: string, seg: Segment, why: string): Finding {
  const name = path.basename(seg.file);
  const corruptDir = path.join(dir, CORRUPT_DIR);
  mkdirSync(corruptDir, { recursive: true });
  const movedTo = path.join(corruptDir, `${name}.${Date.now()}`);
  seg.close();
  const bytes = statSync(seg.file).size;
  renameSync(seg.file, movedTo);
  const finding: Finding = { kind: "overlap", segment: name, detail: why, bytes, fromOffset: seg.base, movedTo };
  writeFileSync(`${movedTo}.json`, JSON.stringify({ ...finding, partition: path.basename(dir), at: new Date().toISOString() }, null, 2));
  return finding;
}
