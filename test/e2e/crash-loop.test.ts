// The supervisor's restarts on a private stack: a worker that fails at load (armed by the worker's test hook, a file
// in the state dir) is restarted with growing delays and reported as a crash loop with its last error by
// `status --json` and `doctor --json`; once fixed it comes back, and after staying up its backoff starts over.
// Everything is read from the supervisor's state (the delays it scheduled), never from how long things took.
import { rmSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { statePaths } from "../../src/runtime/paths.js";
import { readState, type ComponentState } from "../../src/runtime/state.js";
import { eventually, json, privateStack, TIMEOUT } from "../helpers.js";

const stack = privateStack();
const ARMED = "crash-loop test: the worker's config is broken";

interface WorkerStatus {
  name: string;
  phase: string;
  healthy: boolean;
  failures?: number;
  backoff?: number[];
  crashLoop?: { failures: number; lastError: string; lastLines: string[] };
}

function worker(): ComponentState {
  const st = readState(statePaths(stack().stateDir).stateFile);
  if (!st) throw new Error("no state file: the stack is not running");
  return st.components.worker;
}

describe("a worker that keeps failing at load", () => {
  it(
    "is restarted with growing delays, reported as a crash loop with its last error, and comes back with its backoff reset once fixed",
    async () => {
      const s = stack();
      const arm = statePaths(s.stateDir).workerFailAtLoad;
      writeFileSync(arm, ARMED);
      let firstDelay: number;
      try {
        // the kill only makes the supervisor start a new worker: that one (and each retry) fails at load
        await s.kill("worker", { downMs: 0, wait: false });
        const looping = await eventually(
          "the supervisor to report the worker in a crash loop after three delays",
          async () => {
            const w = worker();
            return w.crashLoop && (w.backoff?.length ?? 0) >= 3 ? w : undefined;
          },
          120_000,
        );
        const delays = looping.backoff!;
        firstDelay = delays[0]!;
        const notGrowing = delays.slice(1).filter((d, i) => d <= delays[i]!);
        expect(notGrowing, `restart delays ${delays.join(", ")} ms`).toEqual([]);

        const status = await s.cli(["status", "--json"]);
        expect(status.code).toBe(1); // a component is not healthy
        const w = json<{ components: WorkerStatus[] }>(status).components.find((c) => c.name === "worker");
        expect(w?.healthy).toBe(false);
        expect(w?.crashLoop?.failures).toBeGreaterThanOrEqual(3);
        expect(w?.crashLoop?.lastError).toContain(ARMED);
        expect(w?.crashLoop?.lastLines.join("\n")).toContain(ARMED);

        const doctor = json<{ checks: { name: string; ok: boolean; detail: string }[] }>(await s.cli(["doctor", "--json"], { timeoutMs: TIMEOUT.cli }));
        const loopCheck = doctor.checks.find((c) => c.name === "worker crash loop");
        expect(loopCheck?.ok).toBe(false);
        expect(loopCheck?.detail).toContain(ARMED);
      } finally {
        rmSync(arm, { force: true });
      }

      // fixed: the next scheduled restart brings it back, and once it has stayed up the loop is over
      await eventually("the fixed worker to be up again", async () => (worker().phase === "up" ? true : undefined), 120_000);
      await eventually(
        "the worker's backoff to start over after it stayed up",
        async () => {
          const w = worker();
          return w.phase === "up" && !w.failures && !w.crashLoop && !w.backoff?.length ? true : undefined;
        },
        120_000,
      );
      const after = json<{ components: WorkerStatus[] }>(await s.cli(["status", "--json"])).components.find((c) => c.name === "worker");
      expect(after).toMatchObject({ healthy: true, phase: "up" });
      expect(after?.crashLoop).toBeUndefined();

      // reset means the next failure waits the first delay again, not the next one of the old series
      writeFileSync(arm, ARMED);
      try {
        await s.kill("worker", { downMs: 0, wait: false });
        const again = await eventually(
          "one failed restart after the reset",
          async () => {
            const w2 = worker();
            return w2.backoff?.length ? w2.backoff : undefined;
          },
          120_000,
        );
        expect(again[0]).toBe(firstDelay);
      } finally {
        rmSync(arm, { force: true });
      }
      await eventually("the worker to be up again before the stack stops", async () => (worker().phase === "up" ? true : undefined), 120_000);
    },
    TIMEOUT.test,
  );
});
