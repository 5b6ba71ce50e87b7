// The chaos run's pure parts: the seeded plan and schedule, and the verdict that must catch every kind of failure.
import { describe, expect, it } from "vitest";
import { eventPlan, faultSchedule } from "../../src/chaos/schedule.js";
import { verdict, type Evidence, type KeyState } from "../../src/chaos/invariants.js";
import { minimumFaults, parseChaosArgs } from "../../src/chaos/run.js";
import { UsageError } from "../../src/errors.js";

describe("seeded plan and schedule", () => {
  it("is the same for the same seed and differs for another", () => {
    const a = eventPlan({ seed: 7, events: 200, keys: 5, runId: "r" });
    expect(eventPlan({ seed: 7, events: 200, keys: 5, runId: "r" })).toEqual(a);
    expect(eventPlan({ seed: 8, events: 200, keys: 5, runId: "r" })).not.toEqual(a);
    const s = { windowMs: 360_000, gapMs: [5000, 10_000] as [number, number], inactivityTimeoutMs: 10_000, minFaults: 25 };
    expect(faultSchedule({ seed: 7, ...s })).toEqual(faultSchedule({ seed: 7, ...s }));
  });

  it("numbers each key's events 1..n with unique event ids", () => {
    const plan = eventPlan({ seed: 3, events: 500, keys: 10, runId: "r" });
    expect(new Set(plan.map((e) => e.eventId)).size).toBe(500);
    const byKey = new Map<string, number[]>();
    for (const e of plan) byKey.set(e.key, [...(byKey.get(e.key) ?? []), e.seq]);
    for (const seqs of byKey.values()) expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });

  it.each([1, 2, 3, 42, 99999])("seed %i: the default run has at least 25 non-overlapping faults of every kind in the window", (seed) => {
    const faults = faultSchedule({ seed, windowMs: 360_000, gapMs: [5000, 10_000], inactivityTimeoutMs: 10_000, minFaults: 25 });
    expect(faults.length).toBeGreaterThanOrEqual(25);
    for (let i = 1; i < faults.length; i++) expect(faults[i]!.at).toBeGreaterThanOrEqual(faults[i - 1]!.at + faults[i - 1]!.downMs);
    expect(
      faults.filter((f) => f.at >= 360_000),
      "faults outside the window",
    ).toEqual([]);
    expect(new Set(faults.map((f) => f.kind))).toEqual(new Set(["kill-worker", "kill-restate", "kill-broker", "stop-worker", "restart-restate"]));
    for (const f of faults.filter((x) => x.kind === "stop-worker")) expect(f.downMs).toBeGreaterThan(10_000);
  });

  it("--nodes 3: the server kills become kills of one node at a time (nodes 1 to 3); a single node's plan is unchanged", () => {
    const s = { seed: 42, windowMs: 360_000, gapMs: [5000, 10_000] as [number, number], inactivityTimeoutMs: 10_000, minFaults: 25 };
    const single = faultSchedule(s);
    expect(faultSchedule({ ...s, nodes: 1 })).toEqual(single);
    const cluster = faultSchedule({ ...s, nodes: 3 });
    expect(cluster.some((f) => f.kind === "kill-restate")).toBe(false);
    const nodeKills = cluster.filter((f) => f.kind === "kill-node");
    expect(nodeKills.length).toBeGreaterThan(0);
    for (const f of nodeKills) expect([1, 2, 3]).toContain(f.node);
    expect(new Set(nodeKills.map((f) => f.node)).size).toBeGreaterThan(1);
    // one fault at a time: a node is back before the next one is killed
    for (let i = 1; i < cluster.length; i++) expect(cluster[i]!.at).toBeGreaterThanOrEqual(cluster[i - 1]!.at + cluster[i - 1]!.downMs);
    expect(parseChaosArgs(["--nodes", "3"]).nodes).toBe(3);
    expect(parseChaosArgs([]).nodes).toBe(1);
    expect(() => parseChaosArgs(["--nodes", "6"])).toThrow(UsageError);
  });

  it("asks for 25 faults by default and 5 in the smoke run", () => {
    expect(minimumFaults({ durationMs: 360_000, smoke: false })).toBe(25);
    expect(minimumFaults({ durationMs: 90_000, smoke: true })).toBe(5);
  });
});

describe("flags", () => {
  it("defaults and the smoke preset", () => {
    expect(parseChaosArgs([])).toMatchObject({ events: 5000, keys: 50, durationMs: 360_000, smoke: false });
    expect(parseChaosArgs(["--smoke", "--seed", "5"])).toMatchObject({ events: 500, keys: 10, durationMs: 90_000, seed: 5 });
  });
  it.each([[["--events", "-5"]], [["--events", "abc"]], [["--keys", "0"]], [["--keys", "60", "--events", "50"]], [["--duration", "5s"]], [["--duration", "soon"]]])("%j is a usage error", (argv) => {
    expect(() => parseChaosArgs(argv)).toThrow(UsageError);
  });
});

function evidence(): Evidence {
  const ledger = [1, 2, 3].map((seq) => ({ eventId: `e${seq}`, key: "k", seq, amount: 10, rpc: seq === 2 }));
  const effects = ledger.map((e, i) => ({ event_id: e.eventId, key: e.key, seq: e.seq, amount: e.amount, rowid: i + 1 }));
  const attempts = ledger.map((e, i) => ({ event_id: e.eventId, step: "effect", at: 1000 + i }));
  attempts.push({ event_id: "e2", step: "rpc", at: 1500 });
  const state: KeyState = { lastSeq: 3, count: 3, sum: 30, violations: 0, redelivered: 0 };
  return { ledger, effects, attempts, rpcExecutions: new Map([["e2", 1]]), states: new Map([["k", state]]), faults: [{ kind: "kill-worker", at: 0, downMs: 500, startedAt: 900, endedAt: 1400 }] };
}

describe("verdict", () => {
  it("passes a clean run", () => {
    expect(verdict(evidence())).toMatchObject({ eventsProduced: 3, effectsCommitted: 3, lost: 0, duplicatedEffects: 0, stateMismatches: 0, orderViolations: 0, duplicateBodyExecutions: 0 });
  });
  it("counts a lost event", () => {
    const ev = evidence();
    ev.effects.pop();
    expect(verdict(ev).lost).toBe(1);
  });
  it("counts an effect Restate's state applied twice", () => {
    const ev = evidence();
    ev.states.set("k", { lastSeq: 3, count: 4, sum: 40, violations: 0, redelivered: 0 });
    const v = verdict(ev);
    expect(v.duplicatedEffects).toBe(1);
    expect(v.stateMismatches).toBe(1);
  });
  it("counts order violations from the sink and from the handler", () => {
    const ev = evidence();
    ev.effects = [ev.effects[0]!, { ...ev.effects[2]!, rowid: 2 }, { ...ev.effects[1]!, rowid: 3 }];
    expect(verdict(ev).orderViolations).toBe(2);
    const ev2 = evidence();
    ev2.states.get("k")!.violations = 1;
    expect(verdict(ev2).orderViolations).toBe(1);
  });
  it("allows a second body execution right after a fault and flags one far from any fault", () => {
    const ev = evidence();
    ev.attempts.push({ event_id: "e1", step: "effect", at: 1200 });
    expect(verdict(ev)).toMatchObject({ duplicateBodyExecutions: 1, duplicatesOutsideFaultWindow: 0 });
    ev.attempts.push({ event_id: "e3", step: "effect", at: 1400 + 61_000 });
    expect(verdict(ev)).toMatchObject({ duplicateBodyExecutions: 2, duplicatesOutsideFaultWindow: 1 });
  });
  it("counts a missing idempotent RPC as lost and extra executions separately", () => {
    const ev = evidence();
    ev.rpcExecutions = new Map();
    expect(verdict(ev).lost).toBe(1);
    const ev2 = evidence();
    ev2.rpcExecutions.set("e2", 2);
    expect(verdict(ev2).rpcExtraExecutions).toBe(1);
  });
});
