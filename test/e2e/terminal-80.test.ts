// What a person sees in a real 80-column terminal: the high-availability tour runs in a pseudo-terminal (`script`,
// sized with stty), its output is fed to a headless terminal emulator (@xterm/headless), and the final screen with
// its scrollback must still hold the story: the kill, the failover and the node coming back, not only the checks.
// Spinner frames that ora counts as two lines erase one line of the story per frame; this is the test for that.
import { describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import xterm from "@xterm/headless";
import { cliPath, repoRoot, stack, TIMEOUT } from "../helpers.js";

const hasScript = spawnSync("script", ["--version"]).status === 0;

/** Run the CLI in a pseudo-terminal of `cols` × 30 and return the emulated screen (scrollback included) at its end. */
function finalScreen(args: string[], cols: number, timeoutMs: number): Promise<{ code: number; lines: string[] }> {
  const quoted = [process.execPath, cliPath, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
  const term = new xterm.Terminal({ cols, rows: 30, scrollback: 10_000, allowProposedApi: true });
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qec", `stty cols ${cols} rows 30; exec ${quoted}`, "/dev/null"], {
      cwd: repoRoot,
      env: { ...process.env, PATTERNS_STATE_DIR: stack().stateDir, TERM: "xterm", COLUMNS: String(cols) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (d: Buffer) => term.write(d));
    child.stderr.on("data", (d: Buffer) => term.write(d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`patterns ${args.join(" ")} did not end within ${timeoutMs} ms in the ${cols}-column terminal`));
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      // the empty write's callback runs once everything before it was parsed
      term.write("", () => {
        const b = term.buffer.active;
        const lines: string[] = [];
        for (let i = 0; i < b.length; i++) lines.push(b.getLine(i)!.translateToString(true));
        resolve({ code: code ?? 1, lines });
      });
    });
  });
}

describe("the high-availability tour in an 80-column terminal", () => {
  it.skipIf(!hasScript)(
    "keeps its story on screen: the kill, the failover and the node coming back stay above the checks",
    async () => {
      const { code, lines } = await finalScreen(["tour", "high-availability", "--yes"], 80, TIMEOUT.test - 30_000);
      const screen = lines.join("\n");
      expect(code, screen.slice(-3000)).toBe(0);
      const find = (what: string, re: RegExp) => {
        const at = lines.findIndex((l) => re.test(l));
        expect(at, `${what} is not on the final screen:\n${screen.slice(-4000)}`).toBeGreaterThanOrEqual(0);
        return at;
      };
      const intro = find("the tour's title", /━━ High availability/);
      const kill = find("the kill line", /^• SIGKILL N\d \(pid \d+\)/);
      const failover = find("the failover line", /^• P\d+ is now led by N\d, \S+ after the kill/);
      const back = find("the node coming back", /^• N\d is back as pid \d+/);
      const checks = find("the checks", /^✓ P\d+ got a new leader on a live node/);
      expect([intro, kill, failover, back, checks], "the story in order, above the checks").toEqual([...[intro, kill, failover, back, checks]].sort((a, b) => a - b));
      // spinner lines never leave anything wider than the terminal (the emulator would have wrapped it)
      expect(lines.filter((l) => l.length > 80)).toEqual([]);
    },
    TIMEOUT.test,
  );
});
