// `start --foreground` streams prefixed logs and stops everything on Ctrl+C (exit 130); `logs` reads the files.
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { cliPath, repoRoot, runCli } from "../helpers.js";
import { freePort, isPortFree } from "../../src/runtime/ports.js";
import { isAlive } from "../../src/runtime/state.js";

describe("start --foreground", () => {
  it("streams prefixed logs, serves, and stops everything on Ctrl+C with exit 130", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "patterns-fg-"));
    const ports = { ingress: await freePort(), admin: await freePort(), worker: await freePort(), broker: await freePort(), fabric: await freePort(), "broker-api": await freePort() };
    const args = ["start", "--foreground", "--state-dir", dir, ...Object.entries(ports).flatMap(([k, v]) => [`--${k}-port`, String(v)])];
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number>((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : -1))));
    try {
      const deadline = Date.now() + 60_000;
      while (!/ready in/.test(stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(stderr).toMatch(/ready in/);
      const status = JSON.parse((await runCli(["status", "--json", "--state-dir", dir])).stdout) as { running: boolean; components: { pid: number; healthy: boolean }[] };
      expect(status.running).toBe(true);
      expect(status.components.every((c) => c.healthy)).toBe(true);
      const ping = await fetch(`http://127.0.0.1:${ports.ingress}/playground/ping`, { method: "POST" });
      expect(ping.status).toBe(200);
      await new Promise((r) => setTimeout(r, 500));
      expect(stderr).toMatch(/^worker {2}│ /m);
      expect(stderr).toMatch(/^restate │ /m);
      child.kill("SIGINT");
      expect(await exited).toBe(130);
      for (const c of status.components) expect(isAlive(c.pid)).toBe(false);
      for (const p of Object.values(ports)) expect(await isPortFree(p)).toBe(true);
      const logs = await runCli(["logs", "worker", "-n", "5", "--state-dir", dir]);
      expect(logs.code).toBe(0);
      expect(logs.stdout).toMatch(/worker listening on 127\.0\.0\.1/);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
