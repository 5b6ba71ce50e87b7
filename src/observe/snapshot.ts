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
  // The roots' own reads go out together with the search for their children (each a scan of Restate's invocation
  // table, 40-50 ms on a large one); the children's reads follow once they are known (descendants() never returns a
  // root). A timeline waits for the slowest read of each wave, not for their sum.
  const reads = (ids: string[]) =>
    Promise.all([opts.journals === false || !ids.length ? [] : journal(admin, ids), journalEvents(admin, ids), ids.length ? findInvocations(admin, { restartedFrom: ids }) : []]);
  const rootIds = roots.map((r) => r.id);
  const [kids, own] = await Promise.all([opts.children !== false && roots.length ? descendants(admin, rootIds) : [], reads(rootIds)]);
  const theirs = kids.length ? await reads(kids.map((k) => k.id)) : [[], [], []];
  const invocations = [...roots, ...kids];
  const ids = invocations.map((i) => i.id);
  return {
    takenAt,
    invocations,
    journal: [...own[0], ...theirs[0]],
    events: [...own[1], ...theirs[1]],
    steps: readStepLog(paths.stepLog, ids),
    components: readComponentEvents(paths.logsDir),
    restarts: [...own[2], ...theirs[2]].map((r) => ({ id: r.id, restarted_from: r.restarted_from! })),
    uiBase: uiUrlFor(admin.url, "").replace(/\/invocations\/$/, ""),
  };
}

/** Per invocation, the number of steps (commands other than input/output) — for lists, without reading journals. */
export function stepCounts(admin: AdminClient, ids: string[]): Promise<Map<string, number>> {
  return journalCounts(admin, ids, true);
}
