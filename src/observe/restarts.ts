// Restart-as-new in the timeline. Restate copies the original journal's prefix into the new invocation with the
// original timestamps, so an entry older than the invocation itself was copied: the new invocation's code took its
// result from the journal without running its body (REPLAYED), and everything after the prefix ran live. Also the
// links between the two invocations and to the invocation's page in the Restate UI. Pure, like the model.
import type { Attempt, InvocationInfo, InvocationRow, Snapshot, TimelineEntry } from "./types.js";

/** Clock slack between the worker's and the server's timestamps (same machine, different processes). */
const CLOCK_SLACK_MS = 50;
const ms = (iso: string | undefined): number => (iso ? Date.parse(iso) : NaN);

/** Was this journal entry copied from the invocation it was restarted from? */
export function copiedEntry(inv: Pick<InvocationRow, "restarted_from" | "created_at">, e: Pick<TimelineEntry, "at">): boolean {
  return !!inv.restarted_from && ms(e.at) < ms(inv.created_at) - CLOCK_SLACK_MS;
}

/** ctx.run entries copied by restart-as-new: their bodies never ran here, every attempt answered them from the journal. */
export function judgeCopiedRuns(inv: InvocationRow, entries: TimelineEntry[], attempts: Attempt[]): void {
  for (const e of entries) {
    if (e.kind !== "run" || e.pending || !copiedEntry(inv, e)) continue;
    if (e.execution && e.execution.bodyRuns.length > 0) continue;
    const replayedIn = attempts.map((a) => a.n);
    e.execution = {
      verdict: "replayed",
      bodyRuns: [],
      replayedIn,
      summary: `copied from ${inv.restarted_from}'s journal by restart-as-new: answered from the journal, body not run in this invocation`,
    };
  }
}

/** The restart links and the UI page of one invocation. */
export function restartInfo(snap: Snapshot, inv: InvocationRow, entries: TimelineEntry[]): Pick<InvocationInfo, "restartedFrom" | "restartedAs" | "uiUrl"> {
  // journal rows, not entries: the notifications that completed the copied commands were copied too
  const rows = snap.journal.filter((r) => r.id === inv.id).map((r) => ({ index: r.index, at: r.appended_at ?? inv.created_at }));
  const copied = [...rows, ...entries].filter((e) => copiedEntry(inv, e)).map((e) => e.index);
  const as = (snap.restarts ?? []).filter((r) => r.restarted_from === inv.id).map((r) => r.id);
  return {
    ...(inv.restarted_from ? { restartedFrom: { id: inv.restarted_from, ...(copied.length ? { copiedUpTo: Math.max(...copied) } : {}) } } : {}),
    ...(as.length ? { restartedAs: as } : {}),
    ...(snap.uiBase ? { uiUrl: `${snap.uiBase}/invocations/${encodeURIComponent(inv.id)}` } : {}),
  };
}
