// `timeline --follow`: poll the introspection and the step log, and report each new journal entry, completion,
// error, crash and attempt once, until every watched invocation (and what it called or sent) has finished.
import type { AdminClient } from "../runtime/admin.js";
import type { StatePaths } from "../runtime/paths.js";
import { invocations as findInvocations } from "./index.js";
import { throwIfStackGone } from "./eventually.js";
import { gatherSnapshot } from "./snapshot.js";
import type { InvocationQuery } from "./sql.js";
import { buildTimeline, clock } from "./model.js";
import { entryText, fitLines, markerText, renderTimeline, shortRef } from "./render.js";
import { note, out, printNdjson } from "../ui/output.js";
import { c, sym } from "../ui/palette.js";
import type { InvocationRow, Timeline, TimelineEntry, TimelineMarker } from "./types.js";

export type FollowEvent =
  | { type: "watch"; invocationId: string; target: string; status: string; parentId?: string }
  | { type: "entry"; phase: "start" | "done"; invocationId: string; target: string; at: string; offsetMs: number; entry: TimelineEntry }
  | { type: "marker"; invocationId: string; target: string; at: string; offsetMs: number; marker: TimelineMarker }
  | { type: "end"; reason: "finished" | "timeout" | "interrupted"; watched: string[] };

export interface FollowOptions {
  /** follow these invocations (and their children) … */
  ids?: string[];
  /** … or those matching this filter: the unfinished ones now and new ones from now on */
  filter?: Omit<InvocationQuery, "limit" | "order">;
  intervalMs?: number;
  maxWaitMs: number;
  onEvent: (e: FollowEvent) => void;
  /** resolves to stop early (Ctrl+C) */
  stop?: Promise<void>;
}

export interface FollowResult {
  reason: "finished" | "timeout" | "interrupted";
  timelines: Timeline[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function follow(admin: AdminClient, paths: StatePaths, o: FollowOptions): Promise<FollowResult> {
  const startedAt = Date.now();
  const watched = new Map<string, InvocationRow>();
  const seen = new Set<string>();
  let stopped = false;
  void o.stop?.then(() => (stopped = true));
  let first = true;
  let timelines: Timeline[] = [];
  const emit = o.onEvent;

  for (;;) {
    // which roots to watch
    let roots: InvocationRow[];
    if (o.ids?.length) {
      roots = await findInvocations(admin, { ids: o.ids, limit: o.ids.length });
    } else {
      const f = o.filter ?? {};
      const active = first ? await findInvocations(admin, { ...f, status: "active", limit: 100, order: "oldest" }) : [];
      // new ones: created since we started (a little slack for clocks)
      const fresh = await findInvocations(admin, { ...f, since: new Date(startedAt - 1000), limit: 100, order: "oldest" });
      const known = [...watched.values()].filter((r) => !r.invoked_by_id || watched.has(r.invoked_by_id) === false);
      const ids = new Set([...active, ...fresh].map((r) => r.id));
      const refresh = known.filter((r) => !ids.has(r.id)).map((r) => r.id);
      const again = refresh.length ? await findInvocations(admin, { ids: refresh, limit: refresh.length }) : [];
      roots = [...active, ...fresh, ...again];
      // a child of a watched root is shown under it, not as a root of its own
      const rootIds = new Set(roots.map((r) => r.id));
      roots = roots.filter((r) => !r.invoked_by_id || !rootIds.has(r.invoked_by_id));
    }
    first = false;
    const unique = new Map(roots.map((r) => [r.id, r]));
    const snap = await gatherSnapshot(admin, paths, [...unique.values()]);
    for (const inv of snap.invocations) {
      if (!watched.has(inv.id)) emit({ type: "watch", invocationId: inv.id, target: inv.target, status: inv.status, parentId: inv.invoked_by_id });
      watched.set(inv.id, inv);
    }
    timelines = [...unique.keys()].map((id) => buildTimeline(snap, id));
    // what is new since the last poll, across every watched invocation, in time order
    const items: { at: string; emit: () => void; key: string }[] = [];
    for (const t of flatten(timelines)) {
      const id = t.invocation.id;
      const target = t.invocation.target;
      for (const e of t.entries) {
        const startKey = `${id}:${e.index}:start`;
        const doneKey = `${id}:${e.index}:done`;
        if (e.pending) items.push({ key: startKey, at: e.at, emit: () => emit({ type: "entry", phase: "start", invocationId: id, target, at: e.at, offsetMs: e.offsetMs, entry: e }) });
        else
          items.push({
            key: doneKey,
            at: e.completedAt ?? e.at,
            emit: () => emit({ type: "entry", phase: "done", invocationId: id, target, at: e.completedAt ?? e.at, offsetMs: e.offsetMs, entry: e }),
          });
      }
      for (const m of t.markers) {
        items.push({ key: `${id}:m:${m.kind}:${m.at}:${m.attempt ?? ""}`, at: m.at, emit: () => emit({ type: "marker", invocationId: id, target, at: m.at, offsetMs: m.offsetMs, marker: m }) });
      }
    }
    items.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    for (const it of items) {
      if (seen.has(it.key)) continue;
      seen.add(it.key);
      it.emit();
    }
    const all = snap.invocations;
    const finished = all.length > 0 && all.every((i) => i.status === "completed");
    if (finished) return end("finished");
    if (stopped) return end("interrupted");
    if (Date.now() - startedAt > o.maxWaitMs) return end("timeout");
    throwIfStackGone();
    await Promise.race([sleep(o.intervalMs ?? 400), o.stop ?? new Promise(() => {})]);
  }

  function end(reason: FollowResult["reason"]): FollowResult {
    emit({ type: "end", reason, watched: [...watched.keys()] });
    return { reason, timelines };
  }
}

function flatten(ts: Timeline[]): Timeline[] {
  return ts.flatMap((t) => [t, ...flatten(t.children)]);
}

// ---- the one live view: every `--follow` (timeline, send-post, kill verbs) prints through this ----------------

export interface LiveFollowOptions {
  ids?: string[];
  filter?: FollowOptions["filter"];
  json: boolean;
  width: number;
  timeoutMs: number;
  /** print the final timelines after the live lines (default true) */
  finalTimelines?: boolean;
  /** resolves to stop following early, like Ctrl+C (a caller that knows there is nothing more to wait for) */
  stop?: Promise<void>;
}

function liveLine(e: FollowEvent, width: number): string | undefined {
  const who = (id: string, target: string) => `${c.bold(target)} ${c.id(shortRef(id))}`;
  switch (e.type) {
    case "watch":
      return `${c.dim(clock(new Date().toISOString()))}  ${sym.dot} watching ${who(e.invocationId, e.target)} ${c.dim(e.status)}${e.parentId ? c.dim(` (child of ${shortRef(e.parentId)})`) : ""}`;
    case "entry": {
      const verb = e.phase === "start" ? c.info("…") : sym.ok;
      return fitLines([`${c.dim(clock(e.at))}  ${verb} ${who(e.invocationId, e.target)} ${c.dim(e.entry.kind)} ${entryText(e.entry, width - 20)}`], width).join("\n");
    }
    case "marker":
      return fitLines(
        [`${c.dim(clock(e.at))}  ${e.marker.kind.endsWith("exit") ? c.fail("✕") : e.marker.kind === "transient-error" ? c.fail("✗") : "▸"} ${who(e.invocationId, e.target)} ${markerText(e.marker)}`],
        width,
      ).join("\n");
    case "end":
      return undefined;
  }
}

/** NDJSON form of a follow event; a finished step also carries `event: "step"` and its name, for simple consumers. */
function liveJson(e: FollowEvent): Record<string, unknown> {
  if (e.type === "entry" && e.phase === "done") return { ...e, event: "step", kind: e.entry.kind, name: e.entry.name };
  return { ...e };
}

/**
 * Follow invocations live and print what happens to each (steps, crashes, restarts, replays, retries), then their
 * timelines. Ctrl+C stops following (not the invocations). With json: NDJSON events, then one per completed root
 * (`event: "completed"`), then `end`, then the timelines.
 */
export async function followLive(admin: AdminClient, paths: StatePaths, o: LiveFollowOptions): Promise<FollowResult> {
  let interrupt: () => void = () => {};
  const stop = new Promise<void>((resolve) => {
    interrupt = resolve;
    void o.stop?.then(resolve);
  });
  const onSigint = () => interrupt();
  process.once("SIGINT", onSigint);
  try {
    let ended: FollowEvent | undefined;
    const r = await follow(admin, paths, {
      ids: o.ids,
      filter: o.filter,
      maxWaitMs: o.timeoutMs,
      stop,
      onEvent: (e) => {
        if (e.type === "end") {
          ended = e; // printed after the completions
          return;
        }
        if (o.json) return printNdjson(liveJson(e));
        const line = liveLine(e, o.width);
        if (line) out(line);
      },
    });
    for (const t of r.timelines) {
      const inv = t.invocation;
      if (inv.status !== "completed") continue;
      if (o.json)
        printNdjson({ type: "completed", event: "completed", invocationId: inv.id, target: inv.target, status: inv.status, result: inv.result, failure: inv.failure, tookMs: inv.durationMs });
    }
    if (o.json) {
      if (ended) printNdjson(ended);
      printNdjson({ type: "timelines", timelines: r.timelines });
    } else {
      if (o.finalTimelines !== false && r.timelines.length) {
        out("");
        r.timelines.forEach((t, i) => {
          if (i > 0) out("");
          for (const l of renderTimeline(t, { width: o.width })) out(l);
        });
      }
      note(c.dim(r.reason === "finished" ? "all watched invocations finished" : r.reason === "timeout" ? "stopped waiting (--timeout)" : "stopped following (the invocations go on)"));
    }
    return r;
  } finally {
    process.off("SIGINT", onSigint);
  }
}
