// Read a broker data dir from outside the broker (no connection needed): bytes on disk per partition, whether any
// record or committed offset is there at all, and what recovery set aside. Used by the CLI (`topics`, `status`,
// `doctor`) and the supervisor.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

export interface PartitionDisk {
  topic: string;
  partition: number;
  bytes: number;
  segments: number;
}

/** Every partition directory under <dataDir>/topics, with its segments' total size. */
export function partitionsOnDisk(dataDir: string): PartitionDisk[] {
  const root = path.join(dataDir, "topics");
  if (!existsSync(root)) return [];
  const out: PartitionDisk[] = [];
  for (const dir of readdirSync(root)) {
    const m = /^(.+)-(\d+)$/.exec(dir);
    if (!m) continue;
    let bytes = 0;
    let segments = 0;
    for (const f of readdirSync(path.join(root, dir))) {
      if (!f.endsWith(".log")) continue;
      try {
        bytes += statSync(path.join(root, dir, f)).size;
        segments++;
      } catch {
        /* deleted by retention meanwhile */
      }
    }
    out.push({ topic: m[1]!, partition: Number(m[2]), bytes, segments });
  }
  return out.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

/** Total bytes of the partition logs. */
export function logBytes(dataDir: string): number {
  return partitionsOnDisk(dataDir).reduce((n, p) => n + p.bytes, 0);
}

/** Does the data dir hold any record or any committed offset? */
export function hasData(dataDir: string): boolean {
  if (logBytes(dataDir) > 0) return true;
  const groups = path.join(dataDir, "groups");
  return existsSync(groups) && readdirSync(groups).some((f) => f.endsWith(".json"));
}

/** A damaged segment that recovery kept aside (the note it wrote next to the copy). */
export interface RecoveryNote {
  partition: string;
  segment: string;
  kind: string;
  detail: string;
  /** bytes no longer served */
  bytes: number;
  fromOffset?: number;
  /** the kept copy */
  movedTo: string;
  /** when recovery found it */
  at: string;
}

/** Every note under <dataDir>/topics/<partition>/corrupt/, oldest first; empty when nothing was set aside. */
export function recoveryNotes(dataDir: string): RecoveryNote[] {
  const root = path.join(dataDir, "topics");
  if (!existsSync(root)) return [];
  const out: RecoveryNote[] = [];
  for (const dir of readdirSync(root)) {
    const corrupt = path.join(root, dir, "corrupt");
    if (!existsSync(corrupt)) continue;
    for (const f of readdirSync(corrupt)) {
      if (!f.endsWith(".json")) continue;
      try {
        out.push(JSON.parse(readFileSync(path.join(corrupt, f), "utf8")) as RecoveryNote);
      } catch {
        /* a note being written, or removed meanwhile */
      }
    }
  }
  return out.sort((a, b) => a.at.localeCompare(b.at));
}
