// The chaos smoke run on a 3-node cluster (`npm run chaos -- --smoke --nodes 3`): the same ~500 events while the
// worker is killed and frozen, node 1 restarted gracefully, and single nodes SIGKILLed one at a time; every invariant
// of the single-node run must hold.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runChaos as chaos } from "../helpers.js";
import type { ChaosReport } from "../../src/chaos/run.js";

describe("chaos smoke run on a 3-node cluster", () => {
  it("holds every invariant with node kills (one at a time) in the fault mix", async () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), "chaos-cluster-")), "chaos.json");
    // seed 42's smoke schedule has node kills (the unit test of the schedule checks the mix)
    const r = await chaos(["--smoke", "--nodes", "3", "--seed", "42", "--json", "--out", out]);
    const report = JSON.parse(readFileSync(out, "utf8")) as ChaosReport;
    const failed = report.invariants.filter((i) => !i.ok).map((i) => `${i.name}: ${i.value}`);
    expect(failed, r.stderr.slice(-2000)).toEqual([]);
    expect(report.options.nodes).toBe(3);
    expect(report.faults.byKind["kill-node"], JSON.stringify(report.faults)).toBeGreaterThanOrEqual(1);
    expect(report.verdict.eventsProduced).toBe(500);
    expect(report.verdict.effectsCommitted).toBe(500);
    expect(r.code).toBe(0);
  }, 900_000);
});
