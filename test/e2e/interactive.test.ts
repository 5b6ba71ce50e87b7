// The playground's own verbs through the CLI: list, state, invocations, cancel/kill, ui, completion, the menu in a
// (pseudo) terminal, and every tour in turn (`tour --all`, as CI and users run it) on a private stack.
import { afterAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { cliPath, repoRoot, runCli, eventually, ingress, patterns, stack, uniqueKey, startOwnStack, stopChecked, type OwnStack } from "../helpers.js";
import { registry } from "../../src/registry.js";
import { allTours } from "../../src/tours/tours.js";

interface Listed {
  running: boolean;
  patterns: { name: string; registered: boolean | null; missing: string[] }[];
}

async function sendRecovery(sleepMs: number): Promise<string> {
  const r = await ingress("/playground/recovery/send", { key: uniqueKey("inter"), sleepMs });
  expect(r.status).toBeLessThan(300);
  return (r.json as { invocationId: string }).invocationId;
}

/**
 * The CLI in a pseudo-terminal (`script`) on the shared stack, typed into like a person would: what the screen has
 * shown so far, and the exit code.
 */
function inTerminal(args: string[]) {
  const command = [process.execPath, cliPath, ...args].map((a) => JSON.stringify(a)).join(" ");
  const child = spawn("script", ["-qec", command, "/dev/null"], {
    cwd: repoRoot,
    env: { ...process.env, PATTERNS_STATE_DIR: stack().stateDir, NO_COLOR: "1", TERM: "xterm", COLUMNS: "120" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let shown = "";
  child.stdout.on("data", (d) => (shown += d));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, seen: () => shown, exited };
}

describe("interactive verbs on the shared stack", () => {
  it("list --json: every pattern, each with its services registered", async () => {
    const r = await patterns(["list", "--json"]);
    expect(r.code).toBe(0);
    const listed = JSON.parse(r.stdout) as Listed;
    expect(listed.running).toBe(true);
    expect(listed.patterns.map((p) => p.name)).toEqual(registry.map((p) => p.name));
    for (const p of listed.patterns) expect(p, `${p.name} misses ${p.missing.join(", ")}`).toMatchObject({ registered: true });
  });

  it("state shows an object's state, and says so when there is none", async () => {
    const key = uniqueKey("lane");
    const r = await ingress(`/playgroundLane/${key}/work`, { holdMs: 10 });
    expect(r.status).toBe(200);
    const s = await patterns(["state", "playgroundLane", key, "--json"]);
    expect(s.code).toBe(0);
    expect(JSON.stringify(JSON.parse(s.stdout))).toContain('"count"');
    const empty = await patterns(["state", "playgroundLane", uniqueKey("nobody")]);
    expect(empty.code).toBe(0);
    expect(empty.stderr).toMatch(/has no state/);
  });

  it("invocations lists with whole ids in --json; cancel by short id ends a sleeping invocation", async () => {
    const id = await sendRecovery(120_000);
    const listed = await eventually("the invocation in the list", async () => {
      const r = await patterns(["invocations", "--service", "playground", "--status", "active", "--json"]);
      const rows = (JSON.parse(r.stdout) as { invocations: { id: string; status: string }[] }).invocations;
      return rows.find((x) => x.id === id);
    });
    expect(listed.status).not.toBe("completed");
    const c = await patterns(["cancel", `${id.slice(0, 12)}…${id.slice(-4)}`, "--wait", "--json"]);
    expect(c.code, c.stderr).toBe(0);
    expect(JSON.parse(c.stdout)).toMatchObject({ id, action: "cancel", status: "completed", completionResult: "failure" });
  });

  it("kill stops an invocation at once", async () => {
    const id = await sendRecovery(120_000);
    await eventually("the invocation to exist", async () => (await patterns(["invocations", "--service", "playground", "--json"])).stdout.includes(id));
    const k = await patterns(["kill", id, "--json"]);
    expect(k.code, k.stderr).toBe(0);
    expect(JSON.parse(k.stdout)).toMatchObject({ id, action: "kill", accepted: true });
    await eventually("the invocation to be gone or completed", async () => {
      const rows = await stack().admin.query<{ status: string }>(`SELECT status FROM sys_invocation WHERE id = '${id}'`);
      return rows.length === 0 || rows[0]!.status === "completed";
    });
  });

  it.each([
    [["cancel", "bogus"], 2, /not an invocation id/],
    [["cancel", "inv_zzzzzzzzzzzzzzzz"], 1, /no invocation matches/],
    [["invocations", "--status", "weird"], 2, /not a status/],
    [["tour", "crash-and-resum"], 2, /did you mean crash-and-resume/],
    [["tour", "--all", "sagas"], 2, /not both/],
    [["completion", "fish"], 2, /bash|zsh/],
    [["state", "playgroundLane"], 2, /missing required argument/],
  ])("bad input %j exits %i with a one-line error", async (args, code, message) => {
    const r = await patterns(args as string[]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe("");
  });

  it("ui --no-open prints the Restate UI of this stack, and it answers", async () => {
    const r = await patterns(["ui", "--no-open", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ url: `${stack().adminUrl}/ui/`, httpStatus: 200, opened: false });
  });

  it("completion scripts name every verb and every tour", async () => {
    const r = await patterns(["completion", "bash"]);
    expect(r.code).toBe(0);
    for (const verb of ["start", "stop", "status", "tour", "list", "invocations"]) expect(r.stdout).toContain(verb);
    for (const t of allTours(registry)) expect(r.stdout).toContain(t.name);
    const z = await patterns(["completion", "zsh"]);
    expect(z.stdout).toMatch(/#compdef patterns/);
  });

  it("a bare `patterns` outside a terminal prints the help and exits 0", async () => {
    const r = await runCli([], { env: { PATTERNS_STATE_DIR: stack().stateDir } });
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/Usage: patterns/);
    const withDir = await patterns([]);
    expect(withDir.code).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/Usage: patterns/);
  });

  it("in a terminal, the menu runs a pattern's verb with the asked arguments, opens an invocation's timeline, and Ctrl+C leaves it with 130", async () => {
    const { child, seen, exited } = inTerminal([]);
    // each step waits for what the screen shows after the previous one (the output since that step)
    let mark = 0;
    const step = async (what: string, shows: RegExp, keys: string) => {
      await eventually(what, async () => shows.test(seen().slice(mark)), 60_000);
      mark = seen().length;
      child.stdin.write(keys);
    };
    const down = "\x1b[B";
    const product = uniqueKey("menu-product");
    const reservation = uniqueKey("menu-res");
    await step("the menu", /What would you like to explore\?/, "\r");
    await step("the pattern menu", /communication: which one\?/, "\r");
    await step("the actions of durable-rpc", /Durable RPC \+ idempotency: what now\?[\s\S]*rpc reserve/, `${down}\r`);
    await step("the <product> question with a default", /<product>.*\(product1\)/, `${product}\r`);
    await step("the <reservation> question", /<reservation>/, `${reservation}\r`);
    await step("the verb's answer, then the actions again", new RegExp(`reserve ${product} for ${reservation} → true[\\s\\S]*what now\\?`), `${down.repeat(4)}\r`);
    await step("the pick of a recent invocation", /Open an invocation's timeline\?/, "\r");
    await eventually("the picked invocation's timeline", async () => new RegExp(`same as: npx patterns timeline inv_[\\s\\S]*product/${product}/reserve`).test(seen().slice(mark)), 60_000);
    // the timeline stays on screen until Enter: the menu's next question waits for it
    const timelineAt = mark;
    await step("the prompt that keeps the timeline on screen", /Enter to go back to the menu/, "\r");
    expect(seen().slice(timelineAt, mark), "the menu asked again before Enter").not.toMatch(/what now\?/);
    await step("the actions again, after Enter", /what now\?/, "\x03");
    expect(await exited).toBe(130);
  });

  it("in a terminal, declining the tour's optional views still prints every check", async () => {
    const { child, seen, exited } = inTerminal(["tour", "crash-and-resume", "--no-crash"]);
    await eventually("the question to run the scenario", async () => /Run the scenario for real now\?/.test(seen()), 30_000);
    child.stdin.write("y\r");
    await eventually("the optional journal view", async () => /Show the journal of inv_/.test(seen()), 60_000);
    child.stdin.write("n\r");
    expect(await exited).toBe(0);
    expect(seen()).toMatch(/Crash and resume: all \d+ checks passed/);
    expect(seen()).not.toMatch(/tour stopped/);
  });
});

describe("tour --all on a private stack (it kills the worker)", () => {
  let own: OwnStack | undefined;
  afterAll(async () => stopChecked(own));

  it("runs every tour for real and every check passes", async () => {
    own = await startOwnStack();
    const r = await own.cli(["tour", "--all", "--yes", "--json"], { timeoutMs: 540_000 });
    const report = JSON.parse(r.stdout) as { passed: boolean; tours: { name: string; passed: boolean; checks: { name: string; ok: boolean; detail: string }[]; error?: string }[] };
    const failed = report.tours
      .filter((t) => !t.passed)
      .map(
        (t) =>
          `${t.name}: ${
            t.error ??
            t.checks
              .filter((c) => !c.ok)
              .map((c) => `${c.name} (${c.detail})`)
              .join("; ")
          }`,
      );
    expect(failed).toEqual([]);
    expect(report.tours.map((t) => t.name).sort()).toEqual(
      allTours(registry)
        .map((t) => t.name)
        .sort(),
    );
    expect(report.passed).toBe(true);
    expect(r.code).toBe(0);
  }, 600_000);
});
