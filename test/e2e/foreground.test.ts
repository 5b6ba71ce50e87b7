// `start --foreground` streams prefixed logs and stops everything on Ctrl+C (exit 130); `logs` reads the files.
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { cliPath, eventually, json, repoRoot, runCli } from "../helpers.js";
import { freePorts, portArgs } from "../../src/lab/stack.js";
import { isPortFree } from "../../src/runtime/ports.js";
import { isAlive } from "../../src/runtime/state.js";

describe("start --foreground", () => {
  it("--verbose streams prefixed logs, serves, and stops everything on Ctrl+C with exit 130", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "patterns-fg-"));
    const ports = await freePorts();
    const args = ["start", "--foreground", "--verbose", "--state-dir", dir, ...portArgs(ports)];
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number>((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : -1))));
    try {
      await eventually("`ready in` on the foreground start's stderr", async () => /ready in/.test(stderr), 60_000);
      const status = json<{ running: boolean; components: { pid: number; healthy: boolean }[] }>(await runCli(["status", "--json", "--state-dir", dir]));
      expect(status.running).toBe(true);
      expect(
        status.components.filter((c) => !c.healthy),
        "unhealthy components",
      ).toEqual([]);
      const ping = await fetch(`http://127.0.0.1:${ports.ingress}/playground/ping`, { method: "POST" });
      expect(ping.status).toBe(200);
      await eventually("log lines prefixed `worker  │` and `restate │` on stderr", async () => /^worker {2}│ /m.test(stderr) && /^restate │ /m.test(stderr));
      // the worker's lines read like restate-server's: time, level, the invocation they belong to (its whole id)
      await eventually("the ping's invocation on a `worker  │` line", async () => /^worker {2}│ \d{4}-\d\d-\d\dT[\d:.]+Z INFO {2}playground\/ping inv_\w+: /m.test(stderr));
      child.kill("SIGINT");
      expect(await exited).toBe(130);
      for (const c of status.components) expect(isAlive(c.pid), `pid ${c.pid} gone`).toBe(false);
      for (const p of Object.values(ports)) expect(await isPortFree(p), `port ${p} free`).toBe(true);
      const logs = await runCli(["logs", "worker", "-n", "200", "--state-dir", dir]);
      expect(logs.code).toBe(0);
      expect(logs.stdout).toMatch(/worker listening on 127\.0\.0\.1/);
      // every record of the worker's log starts with its time and level (no SDK `[restate]` prefix, no bare lines);
      // only a record's continuation lines are indented
      const records = logs.stdout
        .trimEnd()
        .split("\n")
        .filter((l) => !/^\s/.test(l));
      expect(
        records.filter((l) => !/^\d{4}-\d\d-\d\dT[\d:.]+Z (TRACE|DEBUG|INFO |WARN |ERROR) \S/.test(l)),
        "worker log lines without time and level",
      ).toEqual([]);
    } finally {
      if (child.exitCode === null) {
        child.kill("SIGKILL");
        // the children run in process groups of their own: a failed run must not leave its stack behind
        await runCli(["stop", "--state-dir", dir]);
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
