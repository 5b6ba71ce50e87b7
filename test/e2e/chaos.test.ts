// The smoke variant of `npm run chaos`: ~500 events over 10 keys for 90 s while the worker, the real restate-server
// and the embedded broker are killed (the worker also frozen, the server also restarted gracefully) on a private
// stack, on a random seed's schedule; every invariant must hold.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runChaos as chaos } from "../helpers.js";
import type { ChaosReport } from "../../src/chaos/run.js";

describe("chaos smoke run", () => {
  it("bad flags exit 2 before anything starts", async () => {
    const r = await chaos(["--events", "-5"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--events must be a whole number/);
  });

  it("holds every invariant under worker, server and broker kills, freezes and graceful restarts", async () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), "chaos-smoke-")), "chaos.json");
    const r = await chaos(["--smoke", "--json", "--out", out]);
    const report = JSON.parse(readFileSync(out, "utf8")) as ChaosReport;
    const failed = report.invariants.filter((i) => !i.ok).map((i) => `${i.name}: ${i.value}`);
    expect(failed, r.stderr.slice(-2000)).toEqual([]);
    expect(report.verdict.eventsProduced).toBe(500);
    expect(report.verdict.effectsCommitted).toBe(500);
    expect(report.faults.total).toBeGreaterThanOrEqual(5);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, seed: report.seed });
    expect(r.code).toBe(0);
  }, 600_000);
});
