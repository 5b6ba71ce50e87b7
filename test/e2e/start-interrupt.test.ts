// `start` as a user meets it: Ctrl+C while it starts stops what it started and exits 130, leaving no process and no
// port behind (the start is held half way by the worker's test hook, never raced); `start --nodes 3` on a running
// single node says the node count was not applied, with the fix.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cliPath, freePorts, portArgs } from "../../src/lab/stack.js";
import { statePaths } from "../../src/runtime/paths.js";
import { isPortFree } from "../../src/runtime/ports.js";
import { isAlive, readState } from "../../src/runtime/state.js";
import { eventually, json, patterns, TIMEOUT } from "../helpers.js";

describe("start", () => {
  it(
    "Ctrl+C while it starts: stops what was started, exits 130, nothing left running",
    async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), "patterns-interrupt-"));
      const paths = statePaths(dir);
      // the worker waits at load while this file says "hold": the start cannot finish before the interrupt
      writeFileSync(paths.workerFailAtLoad, "hold");
      const ports = await freePorts();
      const child = spawn(process.execPath, [cliPath, "start", "--state-dir", dir, ...portArgs(ports)], { env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      try {
        // interrupted once restate-server is up and the worker is held: something to stop, and the start not done
        const held = await eventually(
          "restate-server up and the worker started but held at load",
          async () => {
            const st = readState(paths.stateFile);
            return st?.components.restate.phase === "up" && st.components.worker.pid ? st : undefined;
          },
          120_000,
        );
        const pids = [held.supervisorPid, ...Object.values(held.components).map((c) => c.pid)].filter((p): p is number => !!p);
        child.kill("SIGINT");
        expect(await exited, stderr).toBe(130);
        expect(stderr).toMatch(/start interrupted: stopped what it had started/);
        expect(
          pids.filter((pid) => isAlive(pid)),
          "processes left running",
        ).toEqual([]);
        expect(readState(paths.stateFile), "state file left behind").toBeUndefined();
        const taken: number[] = [];
        for (const port of Object.values(ports)) if (!(await isPortFree(port))) taken.push(port);
        expect(taken, "ports still taken").toEqual([]);
      } finally {
        if (child.exitCode === null) child.kill("SIGKILL");
        rmSync(paths.workerFailAtLoad, { force: true });
        rmSync(dir, { recursive: true, force: true });
      }
    },
    TIMEOUT.test,
  );

  it("--nodes 3 on a running single node: not applied, said with the fix", async () => {
    const r = await patterns(["start", "--nodes", "3"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/runs as a single node; --nodes 3 was not applied/);
    expect(r.stderr).toMatch(/npx patterns stop.*npx patterns start --nodes 3/);
    const doc = json<{ alreadyRunning: boolean; nodesNotApplied?: { requested: number; running: number } }>(await patterns(["start", "--nodes", "3", "--json"]));
    expect(doc.alreadyRunning).toBe(true);
    expect(doc.nodesNotApplied).toEqual({ requested: 3, running: 1 });
  });
});
