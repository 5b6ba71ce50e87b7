// `start --watch` on a private stack and a temp copy of the sources (the repo's own files are never edited): a saved
// change becomes a new deployment while an invocation in flight finishes on the old one, whose worker then stops; a
// change that does not build, or a worker that fails at load, leaves the current deployment serving and names the file
// and line; Ctrl+C ends the watching only, and `stop` leaves no worker behind.
import { afterAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { cliPath, eventually, json, repoRoot, runCli, TIMEOUT } from "../helpers.js";
import { freePorts, portArgs } from "../../src/lab/stack.js";
import { isAlive } from "../../src/runtime/state.js";
import type { WatchEvent } from "../../src/runtime/watch.js";
import type { StatusReport } from "../../src/commands/status.js";

describe("start --watch", () => {
  const work = mkdtempSync(path.join(os.tmpdir(), "patterns-watch-"));
  const src = path.join(work, "src");
  const dir = path.join(work, "state");
  cpSync(path.join(repoRoot, "src"), src, { recursive: true });
  const edited = path.join(src, "services", "sagas", "booking.ts");
  afterAll(async () => {
    await runCli(["stop", "--purge", "--state-dir", dir]).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }, TIMEOUT.stop);

  it(
    "redeploys a saved change as a new deployment, drains the old one, keeps serving through a broken build",
    async () => {
      const ports = await freePorts();
      const child = spawn(process.execPath, [cliPath, "start", "--watch", "--watch-src", src, "--json", "--state-dir", dir, ...portArgs(ports)], {
        cwd: repoRoot,
        env: { ...process.env, NO_COLOR: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      const exited = new Promise<number>((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : -1))));
      const events = () =>
        stdout
          .split("\n")
          .filter((l) => l.startsWith("{"))
          .map((l) => JSON.parse(l) as WatchEvent);
      const ingress = `http://127.0.0.1:${ports.ingress}`;
      const ping = async () => (await (await fetch(`${ingress}/playground/ping`, { method: "POST" })).json()) as { workerPid: number };
      const status = async () => json<StatusReport>(await runCli(["status", "--json", "--state-dir", dir]));
      try {
        await eventually(`a "watching" event from start --watch (stderr so far: ${stderr.slice(-400)})`, async () => events().find((e) => e.type === "watching"), 120_000);
        const before = (await status()).deployments?.find((d) => d.phase === "current");
        expect(before, "a current deployment in status --json").toBeDefined();

        // an invocation in flight across the change: its durable sleep outlasts the reload
        const sent = await fetch(`${ingress}/playground/recovery/send`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sleepMs: 4000 }) });
        const { invocationId } = (await sent.json()) as { invocationId: string };
        await eventually(`${invocationId} running on ${before!.id}`, async () => ((await status()).deployments?.find((d) => d.id === before!.id)?.inFlight ?? 0) > 0);

        appendFileSync(edited, "\n// edited by the watch test\n");
        const reload = await eventually("a reload event for the edited file", async () => events().find((e): e is Extract<WatchEvent, { type: "reload" }> => e.type === "reload"), 60_000);
        expect(reload.changed).toEqual(["services/sagas/booking.ts"]);
        expect(reload.previous).toBe(before!.id);
        expect(reload.deployment).not.toBe(before!.id);
        expect(reload.previousInFlight, "the invocation in flight counted on the old deployment").toBeGreaterThanOrEqual(1);

        // the pattern still answers, on the new worker
        expect((await ping()).workerPid).toBe(reload.pid);
        const saga = await runCli(["saga", "book", "--json", "--state-dir", dir]);
        expect(saga.code, saga.stderr).toBe(0);
        const after = await status();
        expect(after.deployments?.find((d) => d.phase === "current")?.id).toBe(reload.deployment);
        expect(after.components.find((c) => c.name === "worker")?.pid).toBe(reload.pid);

        // the invocation in flight finished on the old deployment's worker, which then stopped
        const attached = await fetch(`${ingress}/restate/invocation/${invocationId}/attach`);
        const result = (await attached.json()) as { finishedBy: number };
        expect(result.finishedBy, "finished by the old deployment's worker").toBe(before!.pid);
        const drained = await eventually(`a drained event for ${before!.id}`, async () => events().find((e) => e.type === "drained" && e.deployment === before!.id), 60_000);
        expect(drained.type === "drained" && drained.removed).toBe(true);
        expect(isAlive(before!.pid), `old worker pid ${before!.pid} stopped`).toBe(false);

        // a change that does not build: the current deployment keeps serving, the error names file and line
        appendFileSync(edited, "const broken = ;\n");
        const lines = readFileSync(edited, "utf8").split("\n").length - 1;
        const failed = await eventually("a build-failed event", async () => events().find((e): e is Extract<WatchEvent, { type: "build-failed" }> => e.type === "build-failed"), 60_000);
        expect(failed.serving).toBe(reload.deployment);
        expect(failed.errors[0]).toMatchObject({ file: "src/services/sagas/booking.ts", line: lines });
        expect((await ping()).workerPid).toBe(reload.pid);
        const watching = (await status()).watch;
        expect(watching?.lastError).toContain(`src/services/sagas/booking.ts:${lines}:`);

        // a change that builds but fails when the worker loads it: the same
        writeFileSync(edited, readFileSync(edited, "utf8").replace("const broken = ;", 'throw new Error("failed at load (watch test)");'));
        const loadFailed = await eventually("a load-failed event", async () => events().find((e): e is Extract<WatchEvent, { type: "load-failed" }> => e.type === "load-failed"), 60_000);
        expect(loadFailed).toMatchObject({ serving: reload.deployment, file: "src/services/sagas/booking.ts", line: lines });
        expect(loadFailed.error).toContain("failed at load (watch test)");
        expect((await ping()).workerPid).toBe(reload.pid);

        // Ctrl+C ends the watching only
        child.kill("SIGINT");
        expect(await exited).toBe(130);
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
        if (child.exitCode === null) child.kill("SIGKILL");
      }
    },
    TIMEOUT.test,
  );
});
