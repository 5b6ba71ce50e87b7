// Tours' words are checks: the journal claims judged on recorded journals (test/unit/timeline-fixtures, taken from a
// real stack) and on constructed ones. A journal that contradicts what a tour says must fail the tour's check.
import { stripVTControlCharacters } from "node:util";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { buildTimeline } from "../../src/observe/model.js";
import { buildLanes } from "../../src/observe/lanes.js";
import type { BodyRun, InvocationRow, RunVerdict, Snapshot, Timeline, TimelineEntry } from "../../src/observe/types.js";
import { appearsOnce, judgeClaims, lanesSerialAndParallel, noBodyRanTwice, ranAgain, replayed, sleptOnTimer, waitedOnAwakeable, type JournalClaim } from "../../src/tours/claims.js";
import { rollbackClaims } from "../../src/commands/sagas/tour.js";
import { fanOutClaim } from "../../src/commands/fan-out/tour.js";

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "timeline-fixtures");
const load = (name: string): Snapshot => JSON.parse(readFileSync(path.join(dir, `${name}.json`), "utf8")) as Snapshot;
const recorded = (name: string): Timeline => {
  const snap = load(name);
  return buildTimeline(snap, snap.invocations[0]!.id);
};
const judge = (claims: JournalClaim[], ...timelines: Timeline[]) => judgeClaims(claims, new Map(timelines.map((t) => [t.invocation.id, t])));
const failedNames = (checks: { name: string; ok: boolean }[]) => checks.filter((c) => !c.ok).map((c) => c.name);

// ---- constructed journals -----------------------------------------------------------------------------------

const T0 = Date.parse("2026-11-29T10:00:00.000Z");
const at = (ms: number) => new Date(T0 + ms).toISOString();

function body(attempt: number, pid: number, startMs: number, outcome: BodyRun["outcome"], journaled: boolean): BodyRun {
  return { attempt, pid, startedAt: at(startMs), endedAt: at(startMs + 100), outcome, journaled };
}

function runEntry(index: number, name: string, verdict: RunVerdict, runs: BodyRun[], startMs: number): TimelineEntry {
  return {
    index,
    kind: "run",
    name,
    at: at(startMs),
    offsetMs: startMs,
    completedAt: at(startMs + 150),
    durationMs: 150,
    pending: false,
    execution: { verdict, bodyRuns: runs, replayedIn: [], summary: verdict },
  };
}

function timeline(id: string, target: string, entries: TimelineEntry[], o: { attempts?: Timeline["attempts"]; children?: Timeline[] } = {}): Timeline {
  const attempts = o.attempts ?? [{ n: 1, pid: 100, startedAt: at(0), offsetMs: 0, cause: "first" }];
  return {
    invocation: {
      id,
      target,
      service: target.split("/")[0]!,
      handler: target.split("/").at(-1)!,
      status: "completed",
      createdAt: at(0),
      durationMs: 5000,
      result: "failure",
      retries: attempts.length - 1,
      attempts: attempts.length,
      steps: entries.length,
    },
    entries,
    markers: [],
    attempts,
    children: o.children ?? [],
    stepLog: true,
  };
}

/** The trip whose payment was declined, the worker killed right after "Refund payment" (at 1 s, back at 2 s). */
function crashedTrip(cancelCar: { verdict: RunVerdict; runs: BodyRun[] }): Timeline {
  const attempts: Timeline["attempts"] = [
    { n: 1, pid: 100, startedAt: at(0), offsetMs: 0, cause: "first" },
    { n: 2, pid: 200, startedAt: at(2000), offsetMs: 2000, cause: "crash-restart" },
  ];
  const car = timeline("inv_car", "CarRentals/cancel", [runEntry(1, "Cancel car", cancelCar.verdict, cancelCar.runs, 2100)]);
  const flight = timeline("inv_flight", "Flights/cancel", [runEntry(1, "Cancel flight", "live", [body(1, 200, 2600, "ok", true)], 2600)]);
  return timeline(
    "inv_trip",
    "BookingWorkflow/trip-1/run",
    [
      runEntry(5, "Refund payment", "replayed", [body(1, 100, 800, "ok", true)], 800),
      { index: 6, kind: "call", target: "CarRentals/cancel", childId: "inv_car", at: at(2050), offsetMs: 2050, pending: false },
      { index: 7, kind: "call", target: "Flights/cancel", childId: "inv_flight", at: at(2550), offsetMs: 2550, pending: false },
    ],
    { attempts, children: [car, flight] },
  );
}

describe("journal claims on recorded journals", () => {
  it('"prepare was replayed, not run again" holds for a crash after it and fails for a crash during it', () => {
    const claim = replayed("x", "prepare");
    const after = recorded("after");
    const during = recorded("during");
    expect(judge([{ ...claim, invocationId: after.invocation.id }], after)[0]).toMatchObject({ ok: true });
    const contradicted = judge([{ ...claim, invocationId: during.invocation.id }], during)[0]!;
    expect(contradicted.ok, contradicted.detail).toBe(false);
    expect(contradicted.detail).toMatch(/ran-again/);
  });

  it('"ran again" holds only where the body really ran twice', () => {
    const after = recorded("after");
    const during = recorded("during");
    expect(judge([ranAgain(during.invocation.id, "prepare")], during)[0]!.ok).toBe(true);
    expect(judge([ranAgain(after.invocation.id, "prepare")], after)[0]!.ok).toBe(false);
    expect(judge([noBodyRanTwice(during.invocation.id)], during)[0]!.ok).toBe(false);
    expect(judge([noBodyRanTwice(after.invocation.id)], after)[0]!.ok).toBe(true);
  });

  it("a durable sleep is seen in the journal; a sleep the journal does not have fails", () => {
    const plain = recorded("plain");
    const [slept, missing] = judge(
      [sleptOnTimer(plain.invocation.id, "it slept", { name: "cool-off", minMs: 100 }), sleptOnTimer(plain.invocation.id, "it slept elsewhere", { name: "no-such-sleep" })],
      plain,
    );
    expect(slept!.ok, slept!.detail).toBe(true);
    expect(missing!.ok).toBe(false);
  });

  it("a journal without an awakeable fails the claim that the invocation waited on one", () => {
    const plain = recorded("plain");
    const [c] = judge([waitedOnAwakeable(plain.invocation.id, "it waited for a signal")], plain);
    expect(c).toMatchObject({ ok: false, name: "it waited for a signal" });
    expect(c!.detail).toMatch(/no awakeable/);
  });

  it("the lanes of three calls on one key and one each on two other keys: serial per key, side by side across keys", () => {
    const recordedRows = JSON.parse(readFileSync(path.join(dir, "lanes.json"), "utf8")) as InvocationRow[];
    const now = new Date(Math.max(...recordedRows.map((r) => Date.parse(r.completed_at ?? r.created_at))) + 1000);
    const v = lanesSerialAndParallel(buildLanes(recordedRows, now));
    expect(v.ok, v.detail).toBe(true);
    // the same rows made to overlap on one key contradict "one at a time"
    const rows = recordedRows.map((r) => ({ ...r }));
    const sameKey = rows.filter((r) => r.target_service_key === "lane-a" && r.running_at && r.completed_at);
    expect(sameKey.length).toBeGreaterThan(1);
    sameKey[1]!.running_at = sameKey[0]!.running_at;
    sameKey[1]!.completed_at = sameKey[0]!.completed_at;
    const broken = lanesSerialAndParallel(buildLanes(rows, now));
    expect(broken.ok).toBe(false);
    expect(broken.detail).toMatch(/overlapping on/);
  });
});

describe("the sagas tour's words about the rolled-back trip", () => {
  const says = (claims: JournalClaim[]) => claims.map((c) => c.says);

  it("says each compensation appears once, and after the crash that the cancels ran after the restart", () => {
    const claims = rollbackClaims("inv_trip", "payment", true);
    expect(says(claims)).toEqual([
      'payment refused: "Refund payment" appears once in the journal, its body ran once',
      'payment refused: "Cancel car" appears once in the journal, its body ran once',
      'payment refused: "Cancel flight" appears once in the journal, its body ran once',
      'payment refused: "Cancel car" ran after the worker restarted, once',
      'payment refused: "Cancel flight" ran after the worker restarted, once',
    ]);
    expect(says(rollbackClaims("inv_trip", "car", false))).toEqual(['car refused: "Cancel flight" appears once in the journal, its body ran once']);
  });

  it("passes on a journal where every compensation ran once, after the restart", () => {
    const good = crashedTrip({ verdict: "live", runs: [body(1, 200, 2100, "ok", true)] });
    const checks = judge(rollbackClaims("inv_trip", "payment", true), good);
    expect(failedNames(checks)).toEqual([]);
  });

  it('fails when the journal shows "Cancel car" RAN 2× (the crash struck inside the child\'s body)', () => {
    // a crash seen in a real run: the crash timer fired in CarRentals/cancel's body, which then ran again on the new worker
    const bad = crashedTrip({ verdict: "ran-again", runs: [body(1, 100, 1200, "interrupted", false), body(2, 200, 2100, "ok", true)] });
    const checks = judge(rollbackClaims("inv_trip", "payment", true), bad);
    expect(failedNames(checks)).toEqual(['payment refused: "Cancel car" appears once in the journal, its body ran once', 'payment refused: "Cancel car" ran after the worker restarted, once']);
    expect(checks.find((c) => !c.ok)!.detail).toMatch(/CarRentals\/cancel: ran-again/);
  });

  it("fails when a cancel ran before the restart (the story says after)", () => {
    const early = crashedTrip({ verdict: "live", runs: [body(1, 100, 900, "ok", true)] });
    expect(failedNames(judge(rollbackClaims("inv_trip", "payment", true), early))).toEqual(['payment refused: "Cancel car" ran after the worker restarted, once']);
  });
});

describe("other tours' claims", () => {
  it("fan-out: one call per subtask and each subtask finished once; a subtask that finished twice fails", () => {
    const child = (id: string, verdict: RunVerdict) => timeline(id, "FanOutWorker/runSubtask", [runEntry(2, "finish subtask", verdict, [body(1, 100, 500, "ok", true)], 500)]);
    const parent = (verdict: RunVerdict) =>
      timeline(
        "inv_parent",
        "FanOutWorker/run",
        ["a", "b"].map((x, i) => ({ index: i + 2, kind: "call" as const, target: "FanOutWorker/runSubtask", childId: `inv_${x}`, at: at(10), offsetMs: 10, pending: false })),
        { children: [child("inv_a", "live"), child("inv_b", verdict)] },
      );
    expect(judge([fanOutClaim("inv_parent", 2)], parent("replayed"))[0]!.ok).toBe(true);
    expect(judge([fanOutClaim("inv_parent", 2)], parent("ran-again"))[0]!.ok).toBe(false);
    expect(judge([fanOutClaim("inv_parent", 3)], parent("live"))[0]!.ok).toBe(false);
  });

  it("a claim about an invocation the scenario never produced, or whose journal was not read, fails", () => {
    const t = recorded("plain");
    expect(judge([appearsOnce(undefined, "prepare")], t)[0]).toMatchObject({ ok: false, detail: expect.stringMatching(/did not produce/) });
    expect(judge([appearsOnce("inv_other", "prepare")], t)[0]).toMatchObject({ ok: false, detail: expect.stringMatching(/no journal read/) });
    expect(judge([appearsOnce(t.invocation.id, "prepare")], t)[0]!.ok).toBe(true);
  });
});

describe("the tour's check lines", () => {
  it("wrap at word boundaries to the width, keeping every word", async () => {
    const { checkLines } = await import("../../src/commands/interactive/tour.js");
    const detail = "machineOperator/m-abc/setUp: replayed (attempt 1 pid 30151); attempts 2, 3 took its result from the journal without running it";
    const report = { name: "x", title: "X", passed: false, ms: 1200, checks: [{ name: '"begin transition to UP" was replayed from the journal, not run again', ok: false, detail }] };
    const lines = checkLines(report, 80).map((l) => stripVTControlCharacters(l));
    expect(
      lines.filter((l) => l.length > 80),
      "lines wider than 80",
    ).toEqual([]);
    expect(lines.length).toBeGreaterThan(2);
    const words = lines.join(" ").split(/\s+/);
    expect(detail.split(" ").filter((w) => !words.includes(w))).toEqual([]);
  });
});
