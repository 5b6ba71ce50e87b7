// A verb that waits on the stack (a follow, a tour's checks) while the stack is stopped from another terminal says
// at once that the playground was stopped, with the fix, instead of waiting out its timeout on refused connections.
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
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
});
