// Read a broker data dir from outside the broker (no connection needed): bytes on disk per partition and whether any
// record or committed offset is there at all. Used by the CLI (`topics`, `status`) and the supervisor.
import { existsSync, readdirSync, statSync } from "node:fs";
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
