// `patterns new` end to end, in a temporary copy of the project (the real tree is never touched): refusals exit 2 and
// write nothing; under `start --watch` a new pattern is served as a new deployment with no restart, its verb answers,
// its step is crash-armable by name and replayed after the crash, its tour passes; `new --remove` restores the tree.
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts, portArgs, type CliResult } from "../../src/lab/stack.js";
import type { Timeline } from "../../src/observe/types.js";
import { eventually, json, repoRoot, TIMEOUT } from "../helpers.js";
import { runToEnd } from "../run-to-end.js";

const NAME = "probe-np";
const STEP = `prepare ${NAME}`;
let copy = "";
let stateDir = "";
let started = false;
let watcher: ChildProcess | undefined;
/** the copy's stack's ingress, for calls by a handler name no verb uses */
let ingressUrl = "";

/** The copy's CLI, as a user runs it in that folder. */
async function cli(args: string[], timeoutMs: number = TIMEOUT.cli): Promise<CliResult> {
  const r = await runToEnd(process.execPath, [path.join(copy, "bin", "patterns.js"), ...args, "--state-dir", stateDir], { cwd: copy, env: { ...process.env, NO_COLOR: "1" }, deadlineMs: timeoutMs });
  if (r.timedOut) throw new Error(`patterns ${args.join(" ")} did not finish within ${timeoutMs} ms\nstderr: ${r.stderr}`);
  return { code: r.code ?? 1, stdout: r.stdout, stderr: r.stderr, ms: r.ms };
}

/**
 * Every file of the copy's src/, test/ and dist/ with its size and mtime: what "writes nothing" compares. The CLI's
 * help cache is left out: any run of the CLI rewrites it when it is older than the build (as in a fresh copy).
 */
function snapshot(): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const f of readdirSync(path.join(copy, rel))) {
      const r = `${rel}/${f}`;
      const st = statSync(path.join(copy, r));
      if (st.isDirectory()) walk(r);
      else if (r !== "dist/help-cache.json") out.set(r, `${st.size}:${st.mtimeMs}`);
    }
  };
  for (const d of ["src", "test", "dist"]) walk(d);
  return out;
}

beforeAll(() => {
  copy = mkdtempSync(path.join(os.tmpdir(), "patterns-newcopy-"));
  for (const f of ["src", "test", "bin", "dist", "kafka", "package.json", "tsconfig.json", "restate.toml"]) cpSync(path.join(repoRoot, f), path.join(copy, f), { recursive: true });
  symlinkSync(path.join(repoRoot, "node_modules"), path.join(copy, "node_modules"), "dir");
  stateDir = mkdtempSync(path.join(os.tmpdir(), "patterns-newstate-"));
});

afterAll(async () => {
  if (watcher && watcher.exitCode === null) {
    const exited = new Promise((r) => watcher!.once("exit", r));
    watcher.kill("SIGINT");
    await exited;
  }
  if (started) await cli(["stop", "--purge"], TIMEOUT.stop);
  rmSync(copy, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
}, TIMEOUT.stop);

describe("patterns new refuses, writing nothing", () => {
  it.each([
    [["new", "bad name!"], /not a pattern name/],
    [["new", "sagas"], /already a pattern "sagas"/],
    [["new", "saga"], /already a verb/],
    [["new", "playground"], /already serves a Restate service "playground"/],
    [["new", "lib"], /reserved|already exists/],
    [["new", "x", "--kind", "blob"], /Allowed choices/],
    [["new", "--remove", "sagas"], /one of the playground's own patterns/],
    [["new", "--remove", "nothing-here"], /no pattern "nothing-here" made by/],
  ])("%j exits 2 with the fix", async (args, message) => {
    const before = snapshot();
    const r = await cli([...args, "--json"]);
    expect(r.code, r.stderr).toBe(2);
    const doc = json<{ error: { message: string; fix?: string } }>(r);
    expect(doc.error.message).toMatch(message);
    expect(doc.error.fix ?? "", "the error names the fix").not.toBe("");
    expect(snapshot()).toEqual(before);
  });
});

describe("a new pattern under start --watch", () => {
  // `start --watch` stays in the foreground, printing the watcher's events (NDJSON with --json) until Ctrl+C
  beforeAll(async () => {
    const ports = await freePorts();
    ingressUrl = `http://127.0.0.1:${ports.ingress}`;
    watcher = spawn(process.execPath, [path.join(copy, "bin", "patterns.js"), "start", "--watch", "--no-kafka", "--json", "--state-dir", stateDir, ...portArgs(ports)], {
      cwd: copy,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    started = true;
    let stdout = "";
    let stderr = "";
    watcher.stdout!.on("data", (d) => (stdout += d));
    watcher.stderr!.on("data", (d) => (stderr += d));
    await eventually(`a "watching" event from start --watch in the copy (stderr so far: ${stderr.slice(-400)})`, async () => stdout.includes('"type":"watching"'), TIMEOUT.start - 10_000);
  }, TIMEOUT.start);

  it("is served as a new deployment, and a second `new` of it exits 2 writing nothing", async () => {
    const r = await cli(["new", NAME, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const made = json<{ created: string[]; edited: string[]; compiled: string[]; live: { stack: string; deployment?: string; error?: string }; next: string[] }>(r);
    expect(made.created).toEqual(expect.arrayContaining([`src/services/${NAME}/api.ts`, `src/commands/${NAME}/verbs.ts`, `src/commands/${NAME}/tour.ts`, `test/e2e/${NAME}.test.ts`]));
    expect(made.edited).toEqual(["src/services/registry.ts"]);
    expect(made.compiled.filter((f) => !existsSync(path.join(copy, f)))).toEqual([]);
    expect(made.live, made.live.error).toMatchObject({ stack: "watching", deployment: expect.stringMatching(/^dp_/) });
    expect(made.next).toHaveLength(3);

    const before = snapshot();
    const again = await cli(["new", NAME, "--json"]);
    expect(again.code).toBe(2);
    expect(json<{ error: { fix: string } }>(again).error.fix).toMatch(`--remove ${NAME}`);
    expect(snapshot()).toEqual(before);
  });

  it("is in list; its verb answers; a crash armed at its first step replays that step", async () => {
    const list = await cli(["list", "--json"]);
    expect(list.stdout).toContain(`"${NAME}"`);
    const plain = json<{ result: { message: string } }>(await cli([NAME, "Ada", "--json"]));
    expect(plain.result.message).toBe("Hello, Ada!");

    const arm = await cli(["kill-worker", "--at-step", STEP, "--json"]);
    expect(arm.code, arm.stderr).toBe(0);
    const call = json<{ invocationId: string; result: { id: string } }>(await cli([NAME, "Bob", "--json"], TIMEOUT.slowCli));
    const t = await eventually(`the timeline of ${call.invocationId}`, async () => {
      const r = await cli(["timeline", call.invocationId, "--json"]);
      return r.code === 0 ? (JSON.parse(r.stdout) as { timelines: Timeline[] }).timelines[0] : undefined;
    });
    const step = t.entries.find((e) => e.kind === "run" && e.name === STEP);
    expect(step?.execution?.verdict).toBe("replayed");
    expect(t.attempts.some((a) => a.cause === "crash-restart")).toBe(true);
    expect(JSON.parse(step!.value!)).toBe(call.result.id);
  });

  it("--crash-after on its verb crashes the worker and the call still returns", async () => {
    const r = json<{ crash: { step: string; fired: boolean } }>(await cli([NAME, "Cy", "--crash-after", STEP, "--json"], TIMEOUT.slowCli));
    expect(r.crash).toEqual({ step: STEP, fired: true });
  });

  it("its tour passes", async () => {
    const r = await cli(["tour", NAME, "--yes", "--json"], TIMEOUT.slowCli);
    const report = json<{ passed?: boolean; checks?: { name: string; ok: boolean; detail: string }[] }>(r);
    expect((report.checks ?? []).filter((c) => !c.ok)).toEqual([]);
    expect(report.passed).toBe(true);
  });

  it("--from copies a pattern with its services renamed, beside the original", async () => {
    const r = await cli(["new", "trips-np", "--from", "sagas", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const made = json<{ services: string[]; live: { deployment?: string; error?: string } }>(r);
    expect(made.services).toEqual(["trips-np-BookingWorkflow", "trips-np-Flights", "trips-np-CarRentals"]);
    expect(made.live.deployment, made.live.error).toMatch(/^dp_/);
    const trip = await cli(["trips-np", "book", "--json"], TIMEOUT.slowCli);
    expect(trip.code, trip.stderr).toBe(0);
    expect(trip.stdout).toContain("trips-np-BookingWorkflow");
    const original = await cli(["saga", "book", "--json"], TIMEOUT.slowCli);
    expect(original.code, original.stderr).toBe(0);

    // the Go seed's spelling `Run` (a helper shared with the original) starts the copy's own saga, not the original's
    const goBooking = {
      flights: { flight_id: "1", passenger_name: "Ada" },
      car: { pickup_location: "Airport", rental_date: "2026-12-16" },
      payment_info: { card_number: "4111111111111111", amount: 9 },
    };
    const post = (url: string, body?: unknown) => fetch(`${ingressUrl}/${url}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body ?? null) });
    const run = await post("trips-np-BookingWorkflow/go-np/Run", goBooking);
    expect(run.status, await run.clone().text()).toBe(200);
    expect(await run.json()).toMatchObject({ tripId: "go-np", status: "CONFIRMED" });
    expect(await (await post("trips-np-BookingWorkflow/go-np/getStatus")).json()).toMatchObject({ status: "CONFIRMED" });
    expect(await (await post("BookingWorkflow/go-np/getStatus")).json(), "the original workflow ran nothing for this trip").toMatchObject({ status: null, log: [] });
    expect((await cli(["new", "--remove", "trips-np"])).code).toBe(0);
  });

  it("new --remove takes out exactly what new made", async () => {
    const r = await cli(["new", "--remove", NAME, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(path.join(copy, "src/services/registry.ts"), "utf8")).toBe(readFileSync(path.join(repoRoot, "src/services/registry.ts"), "utf8"));
    const left = [`src/services/${NAME}`, `src/commands/${NAME}`, `test/e2e/${NAME}.test.ts`, `dist/services/${NAME}`, `dist/commands/${NAME}`].filter((p) => existsSync(path.join(copy, p)));
    expect(left).toEqual([]);
    expect((await cli(["list", "--json"])).stdout).not.toContain(`"${NAME}"`);
  });
});
