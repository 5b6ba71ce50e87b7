// A verb that waits on the stack (a follow, a tour's checks) while the stack is stopped from another terminal says
// at once that the playground was stopped, with the fix, instead of waiting out its timeout on refused connections.
// A tour stopped under it ends the same way, instead of reporting its checks as failed after their timeouts.
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { statePaths } from "../../src/runtime/paths.js";
import { cliPath, eventually, repoRoot, startOwnStack, TIMEOUT } from "../helpers.js";

describe("the stack stopped under a waiting verb", () => {
  it(
    "timeline --follow (an hour to go) ends with 'the playground was stopped' and exit 1 when `stop` runs elsewhere",
    async () => {
      const s = await startOwnStack();
      let stderr = "";
      const child = spawn(process.execPath, [cliPath, "timeline", "--follow", "--timeout", "1h", "--state-dir", s.stateDir], {
        cwd: repoRoot,
        env: { ...process.env, NO_COLOR: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child.stderr.on("data", (d) => (stderr += d));
      child.stdout.on("data", () => {});
      const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
      try {
        // it is waiting once it said what it follows
        await eventually("timeline --follow to start following", async () => /follow|watching|waiting/i.test(stderr), 60_000, 200);
        await s.stop();
        // without the check it would wait its hour on refused connections: the test's own timeout fails it
        const code = await exited;
        expect(code, `stderr: ${stderr}`).toBe(1);
        expect(stderr).toMatch(/the playground was stopped while waiting/);
        expect(stderr).toMatch(/npx patterns start/);
      } finally {
        child.kill("SIGKILL");
      }
    },
    TIMEOUT.test,
  );

  it(
    "a tour (sagas, its crash armed) ends with 'the playground was stopped', not with failed checks, when `stop` runs elsewhere",
    async () => {
      const s = await startOwnStack(["--no-kafka"]);
      const paths = statePaths(s.stateDir);
      let stderr = "";
      let stdout = "";
      const child = spawn(process.execPath, [cliPath, "tour", "sagas", "--yes", "--state-dir", s.stateDir], {
        cwd: repoRoot,
        env: { ...process.env, NO_COLOR: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child.stderr.on("data", (d) => (stderr += d));
      child.stdout.on("data", (d) => (stdout += d));
      const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
      try {
        // the worker the supervisor restarts after the armed crash waits at load: the tour cannot finish before the stop
        await eventually("the tour to arm its crash and start its scenario", async () => /crash armed/.test(stderr), 60_000, 200);
        writeFileSync(paths.workerFailAtLoad, "hold");
        await eventually("the armed crash to fire inside the scenario", async () => !existsSync(paths.crashArm), 120_000, 200);
        await s.stop();
        // without the check the tour would wait out its checks' timeouts (30 s, then 60 s) and report them as failed
        const code = await exited;
        expect(code, `stderr: ${stderr}`).toBe(1);
        expect(stderr).toMatch(/the playground was stopped while waiting/);
        expect(stderr).toMatch(/npx patterns start/);
        expect(stdout + stderr).not.toMatch(/checks? failed/);
      } finally {
        child.kill("SIGKILL");
        rmSync(paths.workerFailAtLoad, { force: true });
      }
    },
    TIMEOUT.test,
  );
});
