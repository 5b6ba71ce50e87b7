// What the kill verbs say about the invocations they interrupted, computed from timeline models: recorded snapshots
// (test/unit/timeline-fixtures: the worker killed in a sleep, the worker killed inside a step body, restate-server
// killed in a sleep) cut at the kill for the "before" view, whole for the "after" view; and small hand-made
// snapshots for the waits (a promise, a sleep, a running body) that decide when following can stop.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { buildTimeline } from "../../src/observe/model.js";
import { afterKill, byId, replayLines, reportInterrupted, settled, tally, tallyLine, timelinesFrom, waitingOn, whereNow } from "../../src/observe/inflight.js";
import { isUserWork, renderKillFollow, type KillFollowResult } from "../../src/commands/timeline/kill.js";
import type { InvocationRow, JournalRow, Snapshot, Timeline } from "../../src/observe/types.js";

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "timeline-fixtures");
const load = (name: string): Snapshot => JSON.parse(readFileSync(path.join(dir, `${name}.json`), "utf8")) as Snapshot;
const t = (iso: string) => Date.parse(iso);

/** The snapshot as it was read at `at`: rows journaled before, the invocation unfinished, logs up to then. */
function cutAt(snap: Snapshot, at: string): Snapshot {
  const before = (iso?: string) => iso !== undefined && t(iso) < t(at);
  return {
    takenAt: at,
    invocations: snap.invocations.map((i) => {
      const { completed_at: _c, completion_result: _r, ...rest } = i;
      return before(i.created_at) ? { ...rest, status: "running", modified_at: at } : i;
    }),
    journal: snap.journal.filter((j) => before(j.appended_at)),
    events: snap.events.filter((e) => before(e.appended_at)),
    steps: snap.steps.filter((s) => before(s.at)),
    components: snap.components.filter((c) => before(c.at)),
  };
}

/** Before/after timelines of a recorded crash, killed at the first exit of `component` in the invocation's life. */
function recorded(name: string, component: "worker" | "restate") {
  const snap = load(name);
  const id = snap.invocations[0]!.id;
  const kill = snap.components.find((c) => c.component === component && c.kind === "exit" && t(c.at) > t(snap.invocations[0]!.created_at))!;
  const killedAtMs = t(kill.at) - 1;
  const [before] = timelinesFrom(cutAt(snap, new Date(killedAtMs).toISOString()), [id]) as [Timeline];
  const after = byId([buildTimeline(snap, id)]);
  return { id, before, after, killedAtMs };
}

describe("what a kill interrupted and what became of it", () => {
  it("the worker killed in the durable sleep: it was waiting on the sleep; it completed; prepare was replayed, nothing ran again", () => {
    const { id, before, after, killedAtMs } = recorded("killsleep", "worker");
    expect(whereNow(before, killedAtMs)).toMatch(/^waiting on sleep "cool-off" due \d\d:\d\d:\d\d\.\d{3} \(.*\), after run "prepare"$/);
    const [r] = reportInterrupted([before], after, killedAtMs);
    expect(r).toMatchObject({ id, target: "playground/recovery", status: "completed", outcome: "completed", stepsReplayed: ["prepare"], bodiesRunAgain: [], attemptsAfterKill: 1 });
    const sum = tally([r!], after, killedAtMs);
    expect(sum).toEqual({ interrupted: 1, resumed: 1, completed: 1, stepsReplayed: 1, bodiesRunAgain: 0 });
    expect(tallyLine(sum)).toBe("1 interrupted, 1 resumed, 1 completed, 1 step replayed, 0 bodies run again");
  });

  it("the worker killed inside the prepare body: that body ran again after the kill (its result was never journaled)", () => {
    const { before, after, killedAtMs } = recorded("during", "worker");
    expect(whereNow(before, killedAtMs)).toBe('run "prepare": its body returned, its result is not journaled yet');
    const reports = reportInterrupted([before], after, killedAtMs);
    expect(reports[0]).toMatchObject({ outcome: "completed", bodiesRunAgain: ["prepare"], stepsReplayed: [] });
    expect(tally(reports, after, killedAtMs)).toEqual({ interrupted: 1, resumed: 1, completed: 1, stepsReplayed: 0, bodiesRunAgain: 1 });
  });

  it("restate-server killed in the sleep: the attempt after the restart replays the steps journaled before it", () => {
    const { before, after, killedAtMs } = recorded("killrestate", "restate");
    const [r] = reportInterrupted([before], after, killedAtMs);
    expect(r!.outcome).toBe("completed");
    expect(r!.attemptsAfterKill).toBeGreaterThanOrEqual(1);
    expect(r!.stepsReplayed).toContain("prepare");
    expect(r!.bodiesRunAgain).toEqual([]);
  });

  it("a kill after the invocation had finished changed nothing: no attempt after it, nothing replayed, not resumed", () => {
    const snap = load("plain");
    const tl = buildTimeline(snap, snap.invocations[0]!.id);
    const killedAtMs = t(snap.invocations[0]!.completed_at!) + 1000;
    const reports = reportInterrupted([tl], byId([tl]), killedAtMs);
    expect(reports[0]).toMatchObject({ outcome: "completed", attemptsAfterKill: 0, stepsReplayed: [], bodiesRunAgain: [] });
    expect(tally(reports, byId([tl]), killedAtMs)).toEqual({ interrupted: 1, resumed: 0, completed: 1, stepsReplayed: 0, bodiesRunAgain: 0 });
  });

  it("send-post --follow's recap names the replayed steps once, with a count", () => {
    const { after, killedAtMs } = recorded("killsleep", "worker");
    const tl = [...after.values()][0]!;
    expect(replayLines(tl, killedAtMs)).toEqual(['playground/recovery: replayed from the journal, body not run again: "prepare"']);
    expect(replayLines(buildTimeline(load("plain"), load("plain").invocations[0]!.id))).toEqual([]);
  });
});

// ---- hand-made: an invocation that waits ----------------------------------------------------------------------

const ID = "inv_1waitwaitwaitwaitwaitwaitwaitwait";
const T0 = "2026-11-29T10:00:00.000Z";
const at = (ms: number) => new Date(t(T0) + ms).toISOString();
const KILL = t(T0) + 1000;

function waiting(command: Record<string, unknown>, o: { status: string; attemptAfterKill?: boolean; runningBody?: boolean; takenAt?: number }): Snapshot {
  const journal: JournalRow[] = [
    { id: ID, index: 0, entry_type: "Command: Input", appended_at: at(0), entry_json: JSON.stringify({ Command: { Input: { headers: [], payload: [] } } }) },
    { id: ID, index: 1, entry_type: "Command: X", appended_at: at(10), entry_json: JSON.stringify({ Command: command }) },
  ];
  const row: InvocationRow = { id: ID, target: "svc/k/h", target_service_name: "svc", target_service_key: "k", target_handler_name: "h", status: o.status, created_at: at(0), running_at: at(0) };
  const steps = [{ invocationId: ID, target: "svc/k/h", pid: 1, attemptSeq: 1, kind: "attempt" as const, at: at(1) }];
  if (o.attemptAfterKill) steps.push({ invocationId: ID, target: "svc/k/h", pid: 2, attemptSeq: 1, kind: "attempt", at: at(3000) });
  if (o.runningBody) steps.push({ invocationId: ID, target: "svc/k/h", pid: 2, attemptSeq: 1, kind: "run-start" as never, at: at(3010), step: "work" } as never);
  return { takenAt: at(o.takenAt ?? 4000), invocations: [row], journal, events: [], steps, components: [{ component: "worker", kind: "exit", pid: 1, at: at(1000) }] };
}

const one = (snap: Snapshot, id: string) => timelinesFrom(snap, [id])[0]!;

describe("when following can stop: past the crash and only waiting on something slow", () => {
  const deadline = t(T0) + 60_000;
  const promise = { GetPromise: { key: "approval", completion_id: 1 } };

  it("a promise: settled once it went on after the kill (resumed, waiting on it), not before", () => {
    const resumed = one(waiting(promise, { status: "suspended", attemptAfterKill: true }), ID);
    expect(waitingOn(resumed)).toMatchObject({ kind: "promise", text: 'promise "approval"' });
    expect(afterKill(resumed, KILL)).toBe("resumed-waiting");
    expect(settled(resumed, KILL, deadline)).toBe(true);
    const notYet = one(waiting(promise, { status: "running" }), ID);
    expect(afterKill(notYet, KILL)).toBe("waiting");
    expect(settled(notYet, KILL, deadline), "no attempt after the kill yet, and it was running at the kill").toBe(false);
    expect(settled(notYet, KILL, deadline, new Set([ID])), "suspended at the kill: no process held it").toBe(true);
  });

  it("a sleep: followed while it is due before the deadline, left once it is due after it", () => {
    const sleep = (dueMs: number) => ({ Sleep: { wake_up_time: t(T0) + dueMs, completion_id: 1, name: "nap" } });
    const soon = one(waiting(sleep(10_000), { status: "suspended", attemptAfterKill: true }), ID);
    expect(waitingOn(soon)).toMatchObject({ kind: "sleep" });
    expect(settled(soon, KILL, deadline)).toBe(false);
    const late = one(waiting(sleep(3_600_000), { status: "suspended", attemptAfterKill: true }), ID);
    expect(settled(late, KILL, deadline)).toBe(true);
    expect(whereNow(late, t(T0) + 4000)).toMatch(/^waiting on sleep "nap" due 11:00:00\.000 \(in 59m56s\), before its first step$/);
  });

  it("a body running now is never settled; an idle handler with nothing pending waits on an awakeable", () => {
    const busy = one(waiting(promise, { status: "running", attemptAfterKill: true, runningBody: true }), ID);
    expect(afterKill(busy, KILL)).toBe("running");
    expect(settled(busy, KILL, deadline)).toBe(false);
    const idle = one(waiting({ SetState: { key: { 0: 1 }, value: [] } }, { status: "running", attemptAfterKill: true, takenAt: 9000 }), ID);
    expect(waitingOn(idle)).toMatchObject({ kind: "awakeable" });
    expect(settled(idle, KILL, deadline)).toBe(true);
    const fresh = one(waiting({ SetState: { key: { 0: 1 }, value: [] } }, { status: "running", attemptAfterKill: true, takenAt: 3500 }), ID);
    expect(waitingOn(fresh), "an attempt that started 0.5 s ago is still replaying, not waiting").toBeUndefined();
  });
});

describe("what the verb prints and counts", () => {
  it("leaves out the bench's and the chaos run's invocations and the CLI's status reads", () => {
    const row = (service: string, handler: string) => ({ target_service_name: service, target_handler_name: handler });
    const kept = [row("userFeed", "processPost"), row("BookingWorkflow", "run"), row("playground", "recovery"), row("durablePromiseServer", "await")];
    const dropped = [row("BenchSink", "onEvent"), row("chaosProof", "onEvent"), row("playground", "ping"), row("BookingWorkflow", "getStatus"), row("userFeed", "getFeed"), row("Limiter", "State")];
    expect(kept.filter((r) => !isUserWork(r))).toEqual([]);
    expect(dropped.filter((r) => isUserWork(r))).toEqual([]);
  });

  const base: KillFollowResult = {
    component: "worker",
    signal: "SIGKILL",
    pid: 10,
    newPid: 11,
    requestedDownMs: 2000,
    downMs: 2100,
    waited: true,
    killedAt: T0,
    notStarted: 0,
    inFlight: [],
    followed: false,
    notFollowed: "nothing in flight",
    summary: { interrupted: 0 },
  };

  it("nothing in flight: one line that says so and names a scenario to run first", () => {
    const lines = renderKillFollow(base);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^nothing was in flight.*npx patterns send-post userid1 "hello" --pending 6/);
  });

  it("followed: one line per invocation, and the summary line last", () => {
    const r: KillFollowResult = {
      ...base,
      followed: true,
      notFollowed: undefined,
      followEnd: "finished",
      inFlight: [
        { id: ID, target: "svc/k/h", before: { status: "running", where: "x" }, status: "completed", outcome: "completed", attemptsAfterKill: 1, stepsReplayed: ["a", "b", "b"], bodiesRunAgain: [] },
      ],
      summary: { interrupted: 1, resumed: 1, completed: 1, stepsReplayed: 3, bodiesRunAgain: 0 },
    };
    const lines = renderKillFollow(r);
    expect(lines[0]).toMatch(/svc\/k\/h {2}completed {2}replayed "a", "b" ×2$/);
    expect(lines.at(-1)).toBe("1 interrupted, 1 resumed, 1 completed, 3 steps replayed, 0 bodies run again");
  });

  it("--no-follow: says what was interrupted only", () => {
    const r: KillFollowResult = {
      ...base,
      notFollowed: "--no-follow",
      inFlight: [{ id: ID, target: "svc/k/h", before: { status: "running", where: "x" }, status: "running", outcome: "running", attemptsAfterKill: 0, stepsReplayed: [], bodiesRunAgain: [] }],
      summary: { interrupted: 1 },
    };
    expect(renderKillFollow(r)).toEqual([expect.stringMatching(/^1 interrupted: inv_1waitwai…wait \(svc\/k\/h\); not followed \(--no-follow\)/)]);
  });
});
