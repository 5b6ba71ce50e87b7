// The timeline's pure parts on rows recorded from a real stack (test/unit/timeline-fixtures/*.json, taken with
// playground/recovery: plain, crash "after" prepare, crash "during" prepare, two retryable failures, worker killed
// in the sleep, restate-server killed in the sleep; lanes: three calls on one key, one each on two others. Recorded
// later from real runs: saga-crash (`saga book --fail payment --crash-after "Refund payment"`, children and a worker
// crash), late-sleep (the worker killed for 4 s across a 1.5 s sleep's due time), promise-wait (`promise await`, then
// `promise resolve` 3 s later), queued (the third of three calls on one playgroundLane key), lanes-live (those
// calls' rows read while the first ran and two waited).
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { buildTimeline, summarize } from "../../src/observe/model.js";
import { callRequest, decodeEntry, decodeResult, shortValue, targetString } from "../../src/observe/decode.js";
import { buildLanes, renderLanes } from "../../src/observe/lanes.js";
import { TimeScale } from "../../src/observe/scale.js";
import { renderList, renderTimeline } from "../../src/observe/render.js";
import { cut as fitLine } from "../../src/ui/text.js";
import { journalEventsSql as eventsQuery, invocationsSql as invocationQuery, invocationWhere } from "../../src/observe/sql.js";
import { parseSupervisorLog } from "../../src/observe/sources.js";
import { cleanIdArg } from "../../src/observe/index.js";
import { timelineMode } from "../../src/commands/timeline/run.js";
import type { InvocationRow, Snapshot, TimelineEntry } from "../../src/observe/types.js";
import { UsageError } from "../../src/errors.js";
import stringWidth from "string-width";
import { playgroundOwnFilter } from "../../src/commands/timeline/own.js";
import { listRow, renderInvocations } from "../../src/commands/interactive/invocations.js";
import { headerLine } from "../../src/observe/render.js";
import { configureColor } from "../../src/ui/palette.js";
import { logLine } from "../../src/lib/log-line.js";

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
      JSON.stringify({
        Command: {
          Call: { request: { invocation_id: "inv_1x", invocation_target: { VirtualObject: { name: "playgroundLane", key: "k", handler: "work" } }, parameter: [] }, result_completion_id: 4 },
        },
      }),
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

  it("a body run again by the same worker process: the attempt was lost on Restate's side, not a worker death", () => {
    const snap = load("during");
    // as on a cluster whose partition leader moved: the second attempt ran in the same worker process
    const pids = [...new Set(snap.steps.map((s) => s.pid))];
    expect(pids.length, "the recording has two worker processes").toBe(2);
    for (const st of snap.steps) st.pid = pids[0]!;
    const prep = run(buildTimeline(snap, snap.invocations[0]!.id).entries, "prepare").execution!;
    expect(prep.verdict).toBe("ran-again");
    expect(prep.summary).toMatch(/the worker lived on/);
    expect(prep.summary).not.toMatch(/worker died/);
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
    expect(
      text.filter((l) => l.length > 100),
      "lines wider than 100",
    ).toEqual([]);
    const all = text.join("\n");
    expect(all).toMatch(/prepare .*REPLAYED/);
    // the explanation is wrapped, not cut
    expect(all.replace(/\s+/g, " ")).toMatch(/attempt 2 took its result from the journal without running it/);
    expect(all).toMatch(/CRASH +worker pid \d+ died \(SIGKILL\)/);
    expect(all).toMatch(/sleep +cool-off/);
    expect(all).not.toContain("\x1b[");
    const during = renderTimeline(timelineOf("during"), { width: 120 }).join("\n");
    expect(during).toMatch(/RAN 2×/);
  });

  it("lists with full ids", () => {
    const snap = load("fail");
    const lines = renderList([summarize(snap, snap.invocations[0]!.id)], 100);
    expect(lines[1]).toContain(snap.invocations[0]!.id);
    // at 80 columns the ids take the shortened form (accepted back by `timeline`) and every line fits
    const narrow = renderList([summarize(snap, snap.invocations[0]!.id)], 80);
    expect(
      narrow.filter((l) => stringWidth(l) > 80),
      "list lines wider than 80",
    ).toEqual([]);
    expect(cleanIdArg(narrow[1]!.trim().split(/\s+/).at(-1)!)).toEqual({ head: snap.invocations[0]!.id.slice(0, 12), tail: snap.invocations[0]!.id.slice(-4) });
  });

  it("fitLine keeps colour codes and cuts at the visible width", () => {
    expect(fitLine("abcdefghij", 5)).toBe("abcd…");
    expect(fitLine("\x1b[31mabcdefghij\x1b[39m", 5).slice(0, 10)).toBe("\x1b[31mabcd…");
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
    const text = renderLanes(v, 120).join("\n");
    expect(text).toMatch(/playgroundLane\/lane-a .*3 invocations, 2 queued/);
    const narrow = renderLanes(v, 80);
    expect(
      narrow.filter((l) => stringWidth(l) > 80),
      "lane lines wider than 80",
    ).toEqual([]);
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
    expect(invocationWhere({ key: "it's", service: "userFeed", status: "active", limit: 5 })).toBe(
      " WHERE target_service_name = 'userFeed' AND target_service_key = 'it''s' AND status <> 'completed'",
    );
    expect(invocationQuery({ limit: 3 })).toMatch(/ORDER BY created_at DESC LIMIT 3$/);
    expect(eventsQuery(["inv_1a"])).toMatch(/FROM sys_journal_events WHERE id IN \('inv_1a'\)/);
  });

  it("reads component exits and restarts from the supervisor log, as the supervisor writes its lines", () => {
    const at = (iso: string) => new Date(iso);
    const ev = parseSupervisorLog([
      logLine("warn", "worker (pid 28522) exited with SIGKILL", at("2026-11-23T09:41:08.328Z")),
      logLine("warn", "restarting worker in 1000 ms", at("2026-11-23T09:41:08.329Z")),
      logLine("info", "worker is back (pid 29037)", at("2026-11-23T09:41:09.691Z")),
      // a log kept from a run before the lines had a level
      "[supervisor] 2026-11-23T09:42:00.000Z broker (pid 4711) exited with 1",
    ]);
    expect(ev).toEqual([
      { component: "worker", kind: "exit", pid: 28522, at: "2026-11-23T09:41:08.328Z", detail: "SIGKILL" },
      { component: "worker", kind: "back", pid: 29037, at: "2026-11-23T09:41:09.691Z" },
      { component: "broker", kind: "exit", pid: 4711, at: "2026-11-23T09:42:00.000Z", detail: "1" },
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

// ---- one pass: time order, widths, waits, downtime (fixtures recorded from real runs) ----------------------------

const ALL_FIXTURES = ["plain", "after", "during", "fail", "killsleep", "killrestate", "saga-crash", "late-sleep", "promise-wait", "queued"];

/** The offsets printed in the first column, in ms, in the order they are printed. */
function offsets(lines: string[]): number[] {
  return lines.flatMap((l) => {
    const m = /^ *\+(\d+(?:\.\d+)?) ?(ms|s)\b/.exec(l);
    if (!m) return [];
    return [Number(m[1]) * (m[2] === "s" ? 1000 : 1)];
  });
}

describe("a timeline read in one pass", () => {
  it("at 80 columns: no line wider than 80, offsets never go back, on every recorded journal", () => {
    for (const name of ALL_FIXTURES) {
      const lines = renderTimeline(timelineOf(name), { width: 80 });
      expect(
        lines.filter((l) => stringWidth(l) > 80).map((l) => `${name}: ${l}`),
        "lines wider than 80",
      ).toEqual([]);
      const off = offsets(lines);
      const backwards = off.flatMap((x, i) => (i > 0 && x + 10 < off[i - 1]! ? [`${name}: +${off[i - 1]} then +${x}`] : []));
      expect(backwards, "rows out of time order").toEqual([]);
      expect(lines.join("\n")).not.toContain("\x1b[");
    }
  });

  it("at 40 columns: no line wider than 40, and the bar column never shares a line with a row's text", () => {
    for (const name of ALL_FIXTURES) {
      const lines = renderTimeline(timelineOf(name), { width: 40 });
      expect(
        lines.filter((l) => stringWidth(l) > 40).map((l) => `${name}: ${l}`),
        "lines wider than 40",
      ).toEqual([]);
      // a bar row holds the offset, the bar, and at most an icon and a label: the text is on the lines under it
      const crowded = lines.filter((l) => /│.*│/.test(l) && !/│[^│]*│ (\S+ \S+|└─|┊)$/.test(l.trimEnd()) && !/│[^│]*│ \S$/.test(l.trimEnd()));
      expect(
        crowded.map((l) => `${name}: ${l}`),
        "text beside the bar",
      ).toEqual([]);
      expect(offsets(lines).length, `${name}: rows`).toBeGreaterThan(0);
    }
  });

  it("in colour too (a terminal): the colour codes take no width", () => {
    const saved = process.env.NO_COLOR;
    delete process.env.NO_COLOR;
    configureColor({ stream: { isTTY: true } as NodeJS.WriteStream });
    try {
      for (const name of ["saga-crash", "late-sleep", "fail"]) {
        const lines = renderTimeline(timelineOf(name), { width: 80 });
        expect(lines.filter((l) => l.includes("\x1b[")).length, `${name}: coloured lines`).toBeGreaterThan(lines.length / 2);
        expect(
          lines.filter((l) => stringWidth(l) > 80).map((l) => `${name}: ${l}`),
          "lines wider than 80",
        ).toEqual([]);
      }
    } finally {
      configureColor({ color: false });
      if (saved !== undefined) process.env.NO_COLOR = saved;
    }
  });

  it("explanations wrap at word boundaries: every word of a verdict's summary is printed whole", () => {
    for (const name of ["after", "during", "saga-crash", "late-sleep"]) {
      const t = timelineOf(name);
      const words = new Set(renderTimeline(t, { width: 80 }).join(" ").split(/\s+/));
      const summaries = [t, ...t.children].flatMap((x) => x.entries).filter((e) => e.execution && e.execution.verdict !== "live" && t.entries.includes(e));
      for (const e of summaries) {
        const broken = e.execution!.summary.split(/\s+/).filter((w) => !words.has(w));
        expect(broken, `${name}: words of "${e.name}"'s summary not printed whole`).toEqual([]);
      }
    }
  });

  it("saga with children: each child is one row on the parent's axis, at its own time, after the call that made it", () => {
    const t = timelineOf("saga-crash");
    expect(t.children.map((ch) => ch.invocation.target)).toEqual(["Flights/reserve", "CarRentals/reserve", "CarRentals/cancel", "Flights/cancel"]);
    const lines = renderTimeline(t, { width: 80 });
    const childLines = lines.filter((l) => l.includes("└─"));
    expect(childLines.map((l) => /└─ (\S+)/.exec(l)![1])).toEqual(["Flights/reserve", "CarRentals/reserve", "CarRentals/cancel", "Flights/cancel"]);
    // the child's own rows (its input, its attempt, its run) are not printed inline
    expect(lines.join("\n")).not.toMatch(/● run +Cancel car/);
    // the crash hit while CarRentals/cancel ran: its row says so, and the parent's restart comes after it in time
    const cancel = lines.findIndex((l) => l.includes("└─ CarRentals/cancel"));
    const crash = lines.findIndex((l) => /CRASH +worker pid/.test(l));
    const restart = lines.findIndex((l) => /restart +worker back as pid \d+ after/.test(l));
    expect(cancel).toBeGreaterThan(0);
    expect(crash).toBeGreaterThan(cancel);
    expect(restart).toBeGreaterThan(crash);
    expect(lines.slice(cancel, crash).join(" ")).toMatch(/1 crash while it ran/);
    // the tours' verdicts stay on the model: no compensation ran again
    const verdicts = [t, ...t.children]
      .flatMap((x) => x.entries)
      .filter((e) => e.execution)
      .map((e) => `${e.name}: ${e.execution!.verdict}`);
    expect(
      verdicts.filter((v) => v.endsWith("ran-again")),
      "compensations that ran again",
    ).toEqual([]);
  });

  it("a step's bar is its own work: after a crash inside it, the downtime is not drawn as step time", () => {
    const t = timelineOf("during");
    const prep = run(t.entries, "prepare");
    expect(prep.durationMs!).toBeGreaterThan(1000); // command journaled in attempt 1, result only after the restart
    expect(prep.workMs!).toBeLessThan(prep.durationMs! / 2);
    expect(Date.parse(prep.workStartedAt!)).toBeGreaterThan(Date.parse(prep.at));
    const line = renderTimeline(t, { width: 120 }).find((l) => /● run +prepare/.test(l))!;
    expect(line).toContain(`prepare  ${prep.workMs! < 1000 ? `${Math.round(prep.workMs!)}ms` : ""}`);
  });

  it("a sleep whose continuation came late says so, with the reason, from real times", () => {
    const t = timelineOf("late-sleep");
    const sleep = t.entries.find((e) => e.kind === "sleep")!;
    expect(sleep.firedLateMs!).toBeLessThan(250); // the timer fired on time…
    expect(sleep.lateMs!).toBeGreaterThan(3000); // …but the code after it ran only once the worker was back
    expect(sleep.lateBecause).toBe("worker was down");
    const text = renderTimeline(t, { width: 80 }).join(" ").replace(/\s+/g, " ");
    expect(text).toMatch(/late by 4\.\ds \(worker was down; the timer itself fired on time\)/);
    expect(text).not.toMatch(/on time +wake/);
    expect(text).toMatch(/restart worker back as pid \d+ after 4\.\ds down/);
    // and the plain run's sleep is on time
    expect(renderTimeline(timelineOf("plain"), { width: 120 }).join("\n")).toMatch(/sleep +cool-off .* on time/);
  });

  it("waiting on a durable promise (an awakeable): an explicit waiting row with its duration, never 'nothing journaled'", () => {
    const t = timelineOf("promise-wait");
    const wait = t.entries.find((e) => e.kind === "awakeable")!;
    expect(wait.waitFrom).toBeDefined();
    expect(wait.durationMs!).toBeGreaterThan(2500);
    const lines = renderTimeline(t, { width: 80 });
    expect(lines.join("\n")).toMatch(/awakeable +waited 3s/);
    expect(lines.join("\n")).not.toMatch(/nothing journaled/);
    // a suspended invocation with nothing pending in its journal waits for an awakeable: said, not squeezed away
    const snap = load("promise-wait");
    const root = snap.invocations[0]!;
    const cut = Date.parse(wait.at) - 500;
    const suspended: Snapshot = {
      ...snap,
      takenAt: new Date(cut).toISOString(),
      invocations: [{ ...root, status: "suspended", completed_at: undefined, completion_result: undefined }, ...snap.invocations.slice(1)],
      journal: snap.journal.filter((r) => r.id !== root.id || Date.parse(r.appended_at!) < cut),
    };
    const text = renderTimeline(buildTimeline(suspended, root.id), { width: 80, now: cut }).join(" ").replace(/\s+/g, " ");
    expect(text).toMatch(/waiting suspended for [\d.]+s: waiting for an awakeable/);
    expect(text).not.toMatch(/nothing journaled/);
  });

  it("queued behind another invocation on the same key: one waiting row, from inbox to running, with its duration", () => {
    const t = timelineOf("queued");
    const q = t.markers.find((m) => m.kind === "queued")!;
    expect(q.durationMs!).toBeGreaterThan(2000);
    const lines = renderTimeline(t, { width: 80 });
    expect(lines.join(" ").replace(/\s+/g, " ")).toMatch(/queued queued behind another invocation on key "tlq-a" 2\.9s/);
    expect(lines.filter((l) => /▷ started/.test(l))).toEqual([]);
  });
});

describe("lanes while a key runs and others wait", () => {
  it("the running invocation is drawn running, the queued ones in the note", () => {
    const { takenAt, rows } = load<{ takenAt: string; rows: InvocationRow[] }>("lanes-live");
    const v = buildLanes(rows, new Date(takenAt));
    const a = v.lanes.find((l) => l.key === "tlq-a")!;
    const lines = renderLanes(v, 100);
    const i = lines.findIndex((l) => l.startsWith("playgroundLane/tlq-a"));
    const bar = lines[i]!.slice("playgroundLane/tlq-a".length).trim().split(/\s+/)[0]!;
    // running now has its own glyph (no colour here): not the one of a finished run
    expect(bar.at(-1), `the end of tlq-a's lane: ${bar}`).toBe("▓");
    expect(lines.join("\n")).toMatch(/█ ran .*▓ running now .*░ queued behind the same key/s);
    expect(`${lines[i]} ${lines[i + 1]}`).toMatch(/1 running now, 2 queued now/);
    expect(a.spans.filter((s) => !s.runningAt)).toHaveLength(2);
  });
});

describe("invocations agree with the timeline", () => {
  it("retries: 0 for a first attempt, the timeline's count after a crash; durations; due in … for a scheduled one", () => {
    for (const [name, retries] of [
      ["plain", 0],
      ["late-sleep", 1],
      ["fail", 2],
      ["after", 1],
    ] as const) {
      const snap = load(name);
      const row = listRow(snap.invocations[0]!, summarize(snap, snap.invocations[0]!.id));
      expect(row.retries, name).toBe(retries);
      expect(row.retries, name).toBe(buildTimeline(snap, snap.invocations[0]!.id).invocation.retries);
      const table = renderInvocations([row], { width: 200 });
      expect(table[1]!.split(/\s{2,}/)[5], `${name}: the retries cell`).toBe(String(retries));
    }
    // scheduled, not started: no duration yet, "due in …" in both views
    const snap = load("plain");
    const now = Date.parse(snap.invocations[0]!.created_at) + 441;
    const due = new Date(now + 5_000).toISOString();
    const scheduled: Snapshot = {
      ...snap,
      takenAt: new Date(now).toISOString(),
      invocations: [
        {
          ...snap.invocations[0]!,
          status: "scheduled",
          scheduled_at: due,
          scheduled_start_at: due,
          running_at: undefined,
          completed_at: undefined,
          completion_result: undefined,
          retry_count: undefined,
        },
      ],
      journal: snap.journal.filter((r) => r.index === 0),
      steps: [],
    };
    const info = summarize(scheduled, snap.invocations[0]!.id);
    expect(info.dueAt).toBe(due);
    const row = listRow(scheduled.invocations[0]!, info);
    expect(row.tookMs).toBeUndefined();
    const cells = renderInvocations([row], { width: 200, now })[1]!.split(/\s{2,}/);
    expect(cells[4], "took").toBe("-");
    expect(cells[5], "retries").toBe("0");
    expect(cells[6], "outcome").toBe("due in 5s");
    expect(headerLine(info, 120, now)).toMatch(/scheduled due in 5s/);
  });

  it("the playground's own invocations are left out unless asked for", () => {
    const own = playgroundOwnFilter();
    expect(own.notServices).toEqual(expect.arrayContaining(["BenchSink", "chaosProof"]));
    expect(own.notServices).not.toContain("UserFeed"); // the Go seed's spelling is the user's
    expect(own.notServices, "the demos a person starts stay visible").not.toContain("playground");
    expect(own.notHandlers).toContain("getStatus");
    expect(invocationWhere({ key: "k", ...own })).toMatch(/target_service_name NOT IN \('BenchSink', .*\) AND target_handler_name NOT IN \('getStatus', 'GetStatus', 'ping'\)/);
    // naming an internal service with --service shows it
    expect(playgroundOwnFilter("BenchSink").notServices).not.toContain("BenchSink");
    expect(playgroundOwnFilter("BookingWorkflow", "getStatus").notHandlers).toEqual([]);
  });
});
