// `start --watch` on a private stack and a temp copy of the sources (the repo's own files are never edited): a saved
// change becomes a new deployment while an invocation in flight finishes on the old one, whose worker then stops; a
// change that does not build, or a worker that fails at load, leaves the current deployment serving and names the file
// and line; Ctrl+C ends the watching only, and `stop` leaves no worker behind.
import { describe, expect, it } from "vitest";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ingressRequest, json, runCli, TIMEOUT, uniqueKey } from "../helpers.js";
import { heldResult, release, sendHeld } from "../held.js";
import { startWatching, watchedSources } from "../watching.js";
import { isAlive } from "../../src/runtime/state.js";
import type { StatusReport } from "../../src/commands/status.js";

describe("start --watch", () => {
  const { src, dir } = watchedSources("watch");
  const edited = path.join(src, "services", "sagas", "booking.ts");

  it(
    "redeploys a saved change as a new deployment, drains the old one, keeps serving through a broken build",
    async () => {
      const w = await startWatching({ src, dir });
      const ping = async () => (await (await ingressRequest(`${w.ingressUrl}/playground/ping`, { method: "POST", headers: { "idempotency-key": uniqueKey("ping") } })).json()) as { workerPid: number };
      const status = async () => json<StatusReport>(await runCli(["status", "--json", "--state-dir", dir]));
      try {
        const before = (await status()).deployments?.find((d) => d.phase === "current");
        expect(before, "a current deployment in status --json").toBeDefined();

        // an invocation in flight across the change: held on a durable promise until the test releases it below
        const held = await sendHeld(w.ingressUrl, { sleepMs: 0 });
        expect((await status()).deployments?.find((d) => d.id === before!.id)?.inFlight, `${held.invocationId} in flight on ${before!.id}`).toBeGreaterThanOrEqual(1);

        appendFileSync(edited, "\n// edited by the watch test\n");
        const reload = await w.event("reload", "a reload for the edited file");
        expect(reload.changed).toEqual(["services/sagas/booking.ts"]);
        expect(reload.previous).toBe(before!.id);
        expect(reload.deployment).not.toBe(before!.id);
        expect(reload.previousInFlight, "the held invocation counted on the old deployment").toBeGreaterThanOrEqual(1);

        // the pattern still answers, on the new worker
        expect((await ping()).workerPid).toBe(reload.pid);
        const saga = await runCli(["saga", "book", "--json", "--state-dir", dir]);
        expect(saga.code, saga.stderr).toBe(0);
        const after = await status();
        expect(after.deployments?.find((d) => d.phase === "current")?.id).toBe(reload.deployment);
        expect(after.components.find((c) => c.name === "worker")?.pid).toBe(reload.pid);

        // the old deployment keeps the held invocation: not drained while it waits
        expect(
          w.events().filter((e) => e.type === "drained"),
          "no drain while an invocation is held on the old deployment",
        ).toEqual([]);
        expect((await status()).deployments?.find((d) => d.id === before!.id)?.inFlight, `${held.invocationId} still in flight on ${before!.id}`).toBeGreaterThanOrEqual(1);

        // released, it finishes on the old deployment's worker, which then stops
        await release((args) => runCli([...args, "--state-dir", dir]), held);
        const result = await heldResult<{ finishedBy: number }>(w.ingressUrl, held);
        expect(result.finishedBy, "finished by the old deployment's worker").toBe(before!.pid);
        const drained = await w.event("drained", `${before!.id} drained`, (e) => e.deployment === before!.id);
        expect(drained.removed).toBe(true);
        expect(isAlive(before!.pid), `old worker pid ${before!.pid} stopped`).toBe(false);

        // a change that does not build: the current deployment keeps serving, the error names file and line
        appendFileSync(edited, "const broken = ;\n");
        const lines = readFileSync(edited, "utf8").split("\n").length - 1;
        const failed = await w.event("build-failed", "the broken build reported");
        expect(failed.serving).toBe(reload.deployment);
        expect(failed.errors[0]).toMatchObject({ file: "src/services/sagas/booking.ts", line: lines });
        expect((await ping()).workerPid).toBe(reload.pid);
        const watching = (await status()).watch;
        expect(watching?.lastError).toContain(`src/services/sagas/booking.ts:${lines}:`);

        // a change that builds but fails when the worker loads it: the same
        writeFileSync(edited, readFileSync(edited, "utf8").replace("const broken = ;", 'throw new Error("failed at load (watch test)");'));
        const loadFailed = await w.event("load-failed", "the failed load reported");
        expect(loadFailed).toMatchObject({ serving: reload.deployment, file: "src/services/sagas/booking.ts", line: lines });
        expect(loadFailed.error).toContain("failed at load (watch test)");
        expect((await ping()).workerPid).toBe(reload.pid);

        // Ctrl+C ends the watching only
        w.child.kill("SIGINT");
        expect(await w.exited).toBe(130);
        const later = await status();
        expect(later.running).toBe(true);
        expect(later.watch).toBeUndefined();
        const pids = (later.deployments ?? []).filter((d) => d.phase !== "drained").map((d) => d.pid!);
        const stop = await runCli(["stop", "--state-dir", dir]);
        expect(stop.code, stop.stderr).toBe(0);
        expect(
          pids.filter((p) => isAlive(p)),
          "worker pids left after stop",
        ).toEqual([]);
      } finally {
        if (w.child.exitCode === null) w.child.kill("SIGKILL");
      }
    },
    TIMEOUT.test,
  );
});
