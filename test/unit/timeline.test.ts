// The timeline's pure parts on rows recorded from a real stack (test/unit/timeline-fixtures/*.json, taken with
// playground/recovery: plain, crash "after" prepare, crash "during" prepare, two retryable failures, worker killed
// in the sleep, restate-server killed in the sleep; lanes: three calls on one key, one each on two others).
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { buildTimeline, summarize } from "../../src/observe/model.js";
import { callRequest, decodeEntry, decodeResult, shortValue, targetString } from "../../src/observe/decode.js";
import { buildLanes, renderLanes } from "../../src/observe/lanes.js";
import { TimeScale } from "../../src/observe/scale.js";
import { fitLine, renderList, renderTimeline } from "../../src/observe/render.js";
import { journalEventsSql as eventsQuery, invocationsSql as invocationQuery, invocationWhere } from "../../src/observe/sql.js";
import { parseSupervisorLog } from "../../src/observe/sources.js";
import { cleanIdArg } from "../../src/observe/index.js";
import { timelineMode } from "../../src/commands/timeline/run.js";
import type { InvocationRow, Snapshot, TimelineEntry } from "../../src/observe/types.js";
import { UsageError } from "../../src/errors.js";

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "timeline-fixtures");
const load = <T = Snapshot>(name: string): T => JSON.parse(readFileSync(path.join(dir, `${name}.json`), "utf8")) as T;
const timelineOf = (name: string) => {
  const snap = load(name);
  return buildTimeline(snap, snap.invocations[0]!.id);
};
const run = (entries: TimelineEntry[], name: string) => {
  const e = entries.find((x) => x.kind === "run" && x.name === name);
  if (!e) throw new Error(`no run entry ${name}`);
  return e;
};

describe("decode", () => {
  it("reads commands, notifications, targets and payloads from entry_json", () => {
    const run = decodeEntry('{"Command":{"Run":{"completion_id":1,"name":"prepare"}}}');
    expect(run).toEqual({ family: "Command", type: "Run", body: { completion_id: 1, name: "prepare" } });
    const note = decodeEntry('{"Notification":{"Completion":{"Run":{"completion_id":1,"result":{"Success":[123,34,97,34,58,49,125]}}}}}');
    expect(note?.family).toBe("Notification");
    expect(decodeResult(note!.body.result)).toEqual({ ok: true, value: '{"a":1}' });
    expect(decodeResult({ Failure: { code: 409, message: "killed" } })).toEqual({ ok: false, failure: { code: 409, message: "killed" } });
    expect(decodeResult("Void")).toEqual({ ok: true });
    const call = decodeEntry(
      JSON.stringify({ Command: { Call: { request: { invocation_id: "inv_1x", invocation_target: { VirtualObject: { name: "playgroundLane", key: "k", handler: "work" } }, parameter: [] }, result_completion_id: 4 } } }),
    );
    expect(targetString(callRequest(call!).invocation_target)).toBe("playgroundLane/k/work");
    expect(shortValue([104, 105])).toBe("hi");
    expect(shortValue(Array.from(Buffer.from(JSON.stringify({ long: "x".repeat(100) }))), 20)).toHaveLength(20);
    expect(decodeEntry("not json")).toBeUndefined();
  });
});

describe("model: what ran live, what was replayed", () => {
  it("a plain run: every body live, one attempt, the sleep with its wake-up time", () => {
    const t = timelineOf("plain");
    expect(t.stepLog).toBe(true);
    expect(t.invocation).toMatchObject({ status: "completed", result: "success", attempts: 1, retries: 0, steps: 3 });
    expect(run(t.entries, "prepare").execution?.verdict).toBe("live");
    expect(run(t.entries, "commit").execution?.verdict).toBe("live");
    const sleep = t.entries.find((e) => e.kind === "sleep")!;
    expect(sleep.name).toBe("cool-off");
    expect(sleep.dueAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(Math.abs(sleep.lateMs!)).toBeLessThan(250);
    expect(t.markers.filter((m) => m.kind === "attempt")).toHaveLength(1);
  });

  it('crash "after" prepare: prepare is replayed in attempt 2, commit runs live there', () => {
    const t = timelineOf("after");
    const prep = run(t.entries, "prepare").execution!;
    expect(prep.verdict).toBe("replayed");
    expect(prep.replayedIn).toEqual([2]);
    expect(prep.bodyRuns).toHaveLength(1);
    expect(prep.bodyRuns[0]).toMatchObject({ attempt: 1, outcome: "ok", journaled: true });
    const commit = run(t.entries, "commit").execution!;
    expect(commit.verdict).toBe("live");
    expect(commit.bodyRuns[0]!.attempt).toBe(2);
    expect(commit.bodyRuns[0]!.pid).not.toBe(prep.bodyRuns[0]!.pid);
    expect(t.attempts.map((a) => a.cause)).toEqual(["first", "crash-restart"]);
    expect(t.invocation.retries).toBe(1);
    const kinds = t.markers.map((m) => m.kind);
    expect(kinds).toContain("worker-exit");
    expect(kinds).toContain("worker-back");
    expect(kinds).toContain("transient-error");
    expect(t.markers.find((m) => m.kind === "transient-error")).toMatchObject({ code: 500, docCode: "RT0010" });
  });

  it('crash "during" prepare: the body ran twice, the second result is the journaled one', () => {
    const t = timelineOf("during");
    const prep = run(t.entries, "prepare").execution!;
    expect(prep.verdict).toBe("ran-again");
    expect(prep.bodyRuns.map((r) => [r.attempt, r.outcome, r.journaled])).toEqual([
      [1, "ok", false],
      [2, "ok", true],
    ]);
    expect(prep.summary).toMatch(/ran 2×/);
    expect(run(t.entries, "commit").execution?.verdict).toBe("live");
  });

  it("a worker that died inside a body: the run is interrupted, then ran again", () => {
    const snap = load("during");
    // drop the first run-end: as if the worker had been killed in the middle of the body
    const firstEnd = snap.steps.findIndex((s) => s.kind === "run-end" && s.step === "prepare");
    snap.steps.splice(firstEnd, 1);
    const t = buildTimeline(snap, snap.invocations[0]!.id);
    const prep = run(t.entries, "prepare").execution!;
    expect(prep.verdict).toBe("ran-again");
    expect(prep.bodyRuns[0]!.outcome).toBe("interrupted");
    expect(prep.summary).toMatch(/died inside the body/);
  });

  it("retryable failures: commit retried twice, prepare replayed by both retries", () => {
    const t = timelineOf("fail");
    const commit = run(t.entries, "commit").execution!;
    expect(commit.verdict).toBe("retried");
    expect(commit.bodyRuns.map((r) => r.outcome)).toEqual(["error", "error", "ok"]);
    expect(commit.bodyRuns[0]!.error).toMatch(/simulated outage 1 of 2/);
    expect(run(t.entries, "prepare").execution).toMatchObject({ verdict: "replayed", replayedIn: [2, 3] });
    const errors = t.markers.filter((m) => m.kind === "transient-error");
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({ step: "commit", docCode: "RT0007", code: 500 });
    expect(t.attempts.map((a) => a.cause)).toEqual(["first", "retry", "retry"]);
    expect(t.invocation.retries).toBe(2);
  });

  it("worker killed in the sleep: prepare replayed on the new worker, the downtime labelled", () => {
    const t = timelineOf("killsleep");
    expect(run(t.entries, "prepare").execution?.verdict).toBe("replayed");
    expect(run(t.entries, "commit").execution?.verdict).toBe("live");
    expect(t.attempts[1]).toMatchObject({ cause: "crash-restart" });
    expect(t.attempts[1]!.pid).not.toBe(t.attempts[0]!.pid);
    const lines = renderTimeline(t, { width: 200 });
    expect(lines.join("\n")).toMatch(/squeezed: .*worker down/);
  });

  it("restate-server killed in the sleep: a restart marker, the sleep fired late, prepare replayed", () => {
    const t = timelineOf("killrestate");
    const kinds = t.markers.map((m) => m.kind);
    expect(kinds).toContain("restate-exit");
    expect(kinds).toContain("restate-back");
    expect(t.attempts.map((a) => a.cause)).toEqual(["first", "crash-restart"]);
    expect(t.attempts[0]!.pid).toBe(t.attempts[1]!.pid);
    expect(t.entries.find((e) => e.kind === "sleep")!.lateMs!).toBeGreaterThan(1000);
    expect(run(t.entries, "prepare").execution?.verdict).toBe("replayed");
  });

  it("without step-log lines the verdict is unknown, never guessed", () => {
    const snap = { ...load("after"), steps: [] };
    const t = buildTimeline(snap, snap.invocations[0]!.id);
    expect(t.stepLog).toBe(false);
    expect(run(t.entries, "prepare").execution?.verdict).toBe("unknown");
    expect(renderTimeline(t, { width: 200 }).join("\n")).toMatch(/cannot tell replayed from re-executed/);
  });

  it("summaries (lists) use the same counting", () => {
    const snap = load("fail");
    expect(summarize(snap, snap.invocations[0]!.id)).toMatchObject({ retries: 2, steps: 3, attempts: 3 });
  });
});

describe("render", () => {
  it("prints the verdicts, the crash and fits the width (no colour outside a terminal)", () => {
    const text = renderTimeline(timelineOf("after"), { width: 100 });
    expect(text.filter((l) => l.length > 100), "lines wider than 100").toEqual([]);
    const all = text.join("\n");
    expect(all).toMatch(/prepare .*REPLAYED/);
    // the explanation is wrapped, not cut
    expect(all.replace(/\s+/g, " ")).toMatch(/attempt 2 took its result from the journal without running it/);
    expect(all).toMatch(/CRASH +worker pid \d+ died \(SIGKILL\)/);
    expect(all).toMatch(/sleep +cool-off/);
    expect(all).not.toMatch(/\x1b\[/);
    const during = renderTimeline(timelineOf("during"), { width: 120 }).join("\n");
    expect(during).toMatch(/RAN 2×/);
  });

  it("lists with full ids", () => {
    const snap = load("fail");
    const lines = renderList([summarize(snap, snap.invocations[0]!.id)], 100);
    expect(lines[1]).toContain(snap.invocations[0]!.id);
  });

  it("fitLine keeps colour codes and cuts at the visible width", () => {
    expect(fitLine("abcdefghij", 5)).toBe("abcd…");
    expect(fitLine("\x1b[31mabcdefghij\x1b[39m", 5)).toMatch(/^\x1b\[31mabcd…/);
    expect(fitLine("short", 10)).toBe("short");
  });
});

describe("lanes", () => {
  it("parallel keys and queued calls on one key", () => {
    const rows = load<InvocationRow[]>("lanes");
    const v = buildLanes(rows, new Date(Math.max(...rows.map((r) => Date.parse(r.completed_at!)))));
    expect(v.invocations).toBe(5);
    expect(v.lanes.map((l) => l.key).sort()).toEqual(["lane-a", "lane-b", "lane-c"]);
    expect(v.lanes.find((l) => l.key === "lane-a")!.spans).toHaveLength(3);
    expect(v.queued).toBe(2);
    expect(v.maxParallel).toBe(3);
    expect(v.longestWaitMs).toBeGreaterThan(800);
    const text = renderLanes(v, 40).join("\n");
    expect(text).toMatch(/playgroundLane\/lane-a .*3 invocations, 2 queued/);
  });
});

describe("scale", () => {
  it("squeezes a long idle stretch into one column and keeps time monotonic", () => {
    const s = new TimeScale(0, 10_000, [0, 100, 200, 9_800, 10_000], 20);
    expect(s.gaps).toEqual([{ from: 200, to: 9_800 }]);
    expect(s.gapColumns()).toHaveLength(1);
    let prev = -1;
    for (const t of [0, 50, 100, 150, 200, 5_000, 9_800, 9_900, 10_000]) {
      const col = s.col(t);
      expect(col).toBeGreaterThanOrEqual(prev);
      expect(col).toBeLessThan(20);
      prev = col;
    }
    expect(s.bar(0, 10_000, "█")).toHaveLength(20);
  });

  it("no gaps when time is evenly busy", () => {
    const s = new TimeScale(0, 1000, [0, 250, 500, 750, 1000], 10);
    expect(s.gaps).toEqual([]);
    expect(s.col(0)).toBe(0);
    expect(s.col(1000)).toBe(9);
  });
});

describe("queries, ids, flags", () => {
  it("builds the filter SQL with quoting", () => {
    expect(invocationWhere({ key: "it's", service: "userFeed", status: "active", limit: 5 })).toBe(" WHERE target_service_name = 'userFeed' AND target_service_key = 'it''s' AND status <> 'completed'");
    expect(invocationQuery({ limit: 3 })).toMatch(/ORDER BY created_at DESC LIMIT 3$/);
    expect(eventsQuery(["inv_1a"])).toMatch(/FROM sys_journal_events WHERE id IN \('inv_1a'\)/);
  });

  it("reads component exits and restarts from the supervisor log", () => {
    const ev = parseSupervisorLog([
      "[supervisor] 2026-11-23T09:41:08.328Z worker (pid 28522) exited with SIGKILL",
      "[supervisor] 2026-11-23T09:41:08.329Z restarting worker in 1000 ms",
      "[supervisor] 2026-11-23T09:41:09.691Z worker is back (pid 29037)",
    ]);
    expect(ev).toEqual([
      { component: "worker", kind: "exit", pid: 28522, at: "2026-11-23T09:41:08.328Z", detail: "SIGKILL" },
      { component: "worker", kind: "back", pid: 29037, at: "2026-11-23T09:41:09.691Z" },
    ]);
  });

  it("accepts full ids, prefixes and the shortened form; refuses the rest with a usage error", () => {
    expect(cleanIdArg("inv_1lFp1nIpfqPj7JjL5EzPT4PeHTaosAF3RE")).toEqual({ head: "inv_1lFp1nIpfqPj7JjL5EzPT4PeHTaosAF3RE", tail: "" });
    expect(cleanIdArg("inv_1lFp1nIpfq…3RE")).toEqual({ head: "inv_1lFp1nIpfq", tail: "3RE" });
    expect(cleanIdArg("inv_1lFp1nIpfq...")).toEqual({ head: "inv_1lFp1nIpfq", tail: "" });
    expect(() => cleanIdArg("foo")).toThrow(UsageError);
    expect(() => cleanIdArg("inv_1a' OR 1=1")).toThrow(UsageError);
  });

  it("flag combinations", () => {
    expect(timelineMode({})).toBe("list");
    expect(timelineMode({ id: "inv_1abc" })).toBe("one");
    expect(timelineMode({ key: "k" })).toBe("keyed");
    expect(timelineMode({ lanes: true, service: "userFeed" })).toBe("lanes");
    expect(() => timelineMode({ id: "inv_1abc", key: "k" })).toThrow(UsageError);
    expect(() => timelineMode({ lanes: true, follow: true })).toThrow(UsageError);
    expect(() => timelineMode({ status: "bogus" })).toThrow(UsageError);
  });
});
