// Everything a timeline needs for some invocations, read at one moment: their rows and their children's, journals,
// journal events, the worker's step log and the supervisor's process events. A Snapshot is also the format of the
// recorded test fixtures, so a timeline can be built offline.
import type { AdminClient } from "../runtime/admin.js";
import type { StatePaths } from "../runtime/paths.js";
import { descendants, invocations as findInvocations, journal, journalCounts, journalEvents } from "./index.js";
import { readComponentEvents, readStepLog } from "./sources.js";
import { uiUrlFor, type InvocationRow } from "./sql.js";
import type { Snapshot } from "./types.js";

export interface SnapshotOptions {
  /** also read the journals of children (calls/sends) */
  children?: boolean;
  /** skip journals (lists only need counts) */
  journals?: boolean;
}

export async function gatherSnapshot(admin: AdminClient, paths: StatePaths, roots: InvocationRow[], opts: SnapshotOptions = {}): Promise<Snapshot> {
  const takenAt = new Date().toISOString();
  const invocations = [...roots];
  if (opts.children !== false && roots.length) {
    const kids = await descendants(
      admin,
      roots.map((r) => r.id),
    );
    const known = new Set(invocations.map((i) => i.id));
    for (const k of kids) if (!known.has(k.id)) invocations.push(k);
  }
  const ids = invocations.map((i) => i.id);
  // the three reads are independent: asked at once, a timeline waits for the slowest, not for their sum
  const [journalRows, events, restarted] = await Promise.all([opts.journals === false ? [] : journal(admin, ids), journalEvents(admin, ids), findInvocations(admin, { restartedFrom: ids })]);
  return {
    takenAt,
    invocations,
    journal: journalRows,
    events,
    steps: readStepLog(paths.stepLog, ids),
    components: readComponentEvents(paths.logsDir),
    restarts: restarted.map((r) => ({ id: r.id, restarted_from: r.restarted_from! })),
    uiBase: uiUrlFor(admin.url, "").replace(/\/invocations\/$/, ""),
  };
}

/** Per invocation, the number of steps (commands other than input/output) — for lists, without reading journals. */
export function stepCounts(admin: AdminClient, ids: string[]): Promise<Map<string, number>> {
  return journalCounts(admin, ids, true);
}
