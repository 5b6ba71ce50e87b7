// The terminal: a spinner verb in a terminal that reports 0 columns ends normally with a few lines; a verb that
// runs until stopped ends on SIGTERM; `start --foreground` streams only warnings and errors and stops the children
// in reverse order on Ctrl+C, without them getting the Ctrl+C themselves.
import { describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { cliPath, eventually, repoRoot, runCli } from "../helpers.js";
import { freePorts, portArgs } from "../../src/lab/stack.js";
import { isAlive } from "../../src/runtime/state.js";

const hasScript = spawnSync("script", ["--version"]).status === 0;

/** Run a CLI line inside `script` (a pseudo-terminal) whose size is set to 0 columns and 0 rows. */
function inZeroColumnTerminal(args: string[], timeoutMs = 120_000): Promise<{ code: number; output: string }> {
  const quoted = [process.execPath, cliPath, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qec", `stty cols 0 rows 0; ${quoted}`, "/dev/null"], { cwd: repoRoot, env: { ...process.env, COLUMNS: "0", LINES: "0" }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
      if (output.length > 1_000_000) child.kill("SIGKILL");
    });
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`patterns ${args.join(" ")} did not end in a 0-column terminal; ${output.length} characters of output`));
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
  });
}

describe("a terminal with 0 columns", () => {
  it.skipIf(!hasScript)("start and stop (spinner verbs) end normally with a few lines of output", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "patterns-cols0-"));
    const ports = await freePorts();
    try {
      const started = await inZeroColumnTerminal(["start", "--state-dir", dir, ...portArgs(ports)]);
      expect(started.code, started.output.slice(0, 2000)).toBe(0);
      expect(started.output).toMatch(/playground ready/);
      expect(started.output.split("\n").length, "a few lines, not a flood").toBeLessThan(40);
      const stopped = await inZeroColumnTerminal(["stop", "--state-dir", dir]);
      expect(stopped.code).toBe(0);
      expect(stopped.output).toMatch(/playground stopped/);
      expect(stopped.output.split("\n").length).toBeLessThan(10);
    } finally {
      await runCli(["stop", "--purge", "--state-dir", dir]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("start --foreground", () => {
  it("streams only warnings and errors by default, and Ctrl+C stops restate-server and the client app, then the worker and the broker", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "patterns-fg-quiet-"));
    const ports = await freePorts();
    const child = spawn(process.execPath, [cliPath, "start", "--foreground", "--state-dir", dir, ...portArgs(ports)], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number>((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : -1))));
    try {
      await eventually("the foreground stack ready", async () => /ready in/.test(stderr), 90_000);
      expect(stderr).toMatch(/streaming warnings and errors \(--verbose for every log line\)/);
      const status = JSON.parse((await runCli(["status", "--json", "--state-dir", dir])).stdout) as { components: { name: string; pid: number; healthy: boolean }[] };
      expect(status.components.map((c) => c.name)).toEqual(["restate", "broker", "worker", "client-app"]);
      expect(
        status.components.filter((c) => !c.healthy).map((c) => c.name),
        "components not healthy",
      ).toEqual([]);
      // restate-server alone writes hundreds of INFO lines at start: none of them is streamed
      const restateLog = readFileSync(path.join(dir, "logs", "restate.log"), "utf8");
      expect(restateLog).toMatch(/ INFO /);
      expect(stderr).not.toMatch(/^\S+ +│ .* INFO /m);
      expect(stderr.split("\n").length, "the summary is not buried").toBeLessThan(60);

      child.kill("SIGINT");
      expect(await exited).toBe(130);
      for (const c of status.components) expect(isAlive(c.pid), `${c.name} pid ${c.pid}`).toBe(false);
      // the stop is in the supervisor's log (the terminal stopped streaming at the Ctrl+C): lifecycle, at INFO
      const supervisorLog = readFileSync(path.join(dir, "logs", "supervisor.log"), "utf8");
      const order = [...supervisorLog.matchAll(/^\S+ INFO {2}(restate|broker|worker|client-app) \(pid \d+\) exited/gm)].map((m) => m[1]);
      // two waves, each stopped together: restate-server and the client app first (so that restate-server's Kafka
      // consumers never hold it up waiting for a broker that is gone), then the worker and the broker
      expect(order.slice(0, 2).sort(), `exit order ${order.join(", ")}`).toEqual(["client-app", "restate"]);
      expect(order.slice(2).sort(), `exit order ${order.join(", ")}`).toEqual(["broker", "worker"]);
      // the children did not get the terminal's Ctrl+C as well: restate saw one signal, the supervisor's SIGTERM
      expect(readFileSync(path.join(dir, "logs", "restate.log"), "utf8")).not.toMatch(/during an ongoing shutdown/);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      await runCli(["stop", "--purge", "--state-dir", dir]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("start --foreground when its terminal closes", () => {
  it("SIGHUP stops the children too (they no longer share the terminal's process group)", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "patterns-fg-hup-"));
    const ports = await freePorts();
    const child = spawn(process.execPath, [cliPath, "start", "--foreground", "--state-dir", dir, ...portArgs(ports)], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number>((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : -1))));
    try {
      await eventually("the foreground stack ready", async () => /ready in/.test(stderr), 90_000);
      const status = JSON.parse((await runCli(["status", "--json", "--state-dir", dir])).stdout) as { components: { name: string; pid: number }[] };
      child.kill("SIGHUP");
      await exited;
      for (const c of status.components) expect(isAlive(c.pid), `${c.name} pid ${c.pid}`).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      await runCli(["stop", "--purge", "--state-dir", dir]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("SIGTERM", () => {
  it("ends a verb that runs until stopped (logs -f)", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "patterns-sigterm-"));
    try {
      const { mkdirSync, writeFileSync } = await import("node:fs");
      mkdirSync(path.join(dir, "logs"), { recursive: true });
      writeFileSync(path.join(dir, "logs", "worker.log"), "a line\n");
      const child = spawn(process.execPath, [cliPath, "logs", "worker", "-f", "--state-dir", dir], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      child.stdout.on("data", (d) => (stdout += d));
      const exited = new Promise<number | string>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal ?? -1)));
      await eventually("logs -f printing", async () => stdout.includes("a line"));
      child.kill("SIGTERM");
      const how = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r("still running"), 20_000))]);
      if (how === "still running") child.kill("SIGKILL");
      expect(how).not.toBe("still running");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("--json errors", () => {
  it("a data verb on a stopped stack prints one JSON error document on stdout and exits 1", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "patterns-stopped-"));
    try {
      const r = await runCli(["feed", "x", "--json", "--state-dir", dir]);
      expect(r.code, r.stderr).toBe(1);
      const doc = JSON.parse(r.stdout) as { error: { message: string; fix: string; exitCode: number } };
      expect(doc.error.message).toMatch(/not running/);
      expect(doc.error.fix).toMatch(/npx patterns start/);
      expect(doc.error.exitCode).toBe(1);
      // a usage error (commander's own) is a document too, with exit 2 and the nearest option as the fix
      const u = await runCli(["start", "--port", "1", "--json", "--state-dir", dir]);
      expect(u.code).toBe(2);
      expect((JSON.parse(u.stdout) as { error: { fix: string } }).error.fix).toMatch(/--ingress-port/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
