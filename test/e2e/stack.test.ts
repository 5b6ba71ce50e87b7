// The stack through the CLI: status, doctor, a second start, signing, loopback binding, a killed worker.
import { describe, expect, it } from "vitest";
import { patterns, eventually, ingress, privateStack, runCli, stack, unsignedToWorker } from "../helpers.js";
import { listeners } from "../../src/runtime/ports.js";

interface StatusJson {
  running: boolean;
  components: { name: string; pid: number; healthy: boolean; restarts: number; port: number }[];
  services: string[];
  subscriptions: { source: string; sink: string }[];
}

async function status(): Promise<StatusJson> {
  const r = await patterns(["status", "--json"]);
  return JSON.parse(r.stdout) as StatusJson;
}

// on a stack of its own: killing the shared stack's worker would interrupt what other files run on it at the same time
describe("a killed worker", () => {
  const own = privateStack(["--no-kafka"]);
  it("a worker killed from outside is restarted by the supervisor and serves again", async () => {
    const ownStatus = async () => JSON.parse((await own().cli(["status", "--json"])).stdout) as StatusJson;
    const worker = (await ownStatus()).components.find((c) => c.name === "worker")!;
    process.kill(worker.pid, "SIGKILL");
    const after = await eventually("the worker to be restarted", async () => {
      const w = (await ownStatus()).components.find((c) => c.name === "worker")!;
      return w.pid !== worker.pid && w.healthy ? w : undefined;
    });
    expect(after.restarts).toBe(worker.restarts + 1);
    const ok = await fetch(`${own().ingressUrl}/playground/ping`, { method: "POST" });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { workerPid: number }).workerPid).toBe(after.pid);
  });
});

describe("the running stack", () => {
  it("status --json shows every component healthy and the worker registered", async () => {
    const r = await patterns(["status", "--json"]);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as StatusJson;
    expect(s.running).toBe(true);
    expect(s.components.map((c) => c.name)).toEqual(["restate", "broker", "worker", "client-app"]);
    for (const c of s.components) expect(c.healthy, `${c.name} healthy`).toBe(true);
    expect(s.services).toContain("playground");
  });

  it("status without --json prints a table on stdout and nothing but data there", async () => {
    const r = await patterns(["status"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/component\s+health\s+pid/);
    expect(r.stdout).toMatch(/restate\s+healthy/);
    expect(r.stdout).not.toContain("\x1b["); // NO_COLOR is set by the helper
    // the broker's log size is data (stdout); nothing of the table goes to stderr
    expect(r.stdout).toMatch(/broker log\s+\d+(\.\d)? (B|KiB|MiB) on disk/);
    expect(r.stderr).not.toMatch(/component\s+health/);
  });

  it("doctor passes every check, through a real signed invocation", async () => {
    const r = await patterns(["doctor", "--json"]);
    const d = JSON.parse(r.stdout) as { ok: boolean; checks: { name: string; ok: boolean; detail: string }[] };
    expect(d.checks.filter((c) => !c.ok)).toEqual([]);
    expect(d.ok).toBe(true);
    expect(r.code).toBe(0);
    expect(d.checks.find((c) => c.name === "invocation through Restate")?.detail).toMatch(/worker pid \d+ on Node 22/);
  });

  it("a second start says it is already running and exits 0", async () => {
    const r = await patterns(["start"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/already running/);
  });

  it("the worker refuses unsigned requests with 401, and answers signed ones through Restate", async () => {
    const [status401] = await unsignedToWorker([{ path: "/invoke/playground/ping" }]);
    expect(status401).toBe(401);
    const ok = await ingress("/playground/ping");
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ pong: true });
  });

  it("restate-server and the worker listen on 127.0.0.1 only", async () => {
    const s = await status();
    const pids = new Map(s.components.map((c) => [c.pid, c.name]));
    const own = (await listeners()).filter((l) => l.pid && pids.has(l.pid));
    const restateAndWorker = own.filter((l) => pids.get(l.pid!) !== "broker");
    expect(restateAndWorker.length).toBeGreaterThanOrEqual(4); // ingress, admin, fabric, worker
    for (const l of restateAndWorker) expect(l.address, `${pids.get(l.pid!)} port ${l.port}`).toBe("127.0.0.1");
  });

  it("logs --json prints NDJSON: one {component, line} object per line", async () => {
    const r = await patterns(["logs", "-n", "5", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    const objects = lines.map((l, i) => {
      try {
        return JSON.parse(l) as { component: string; line: string };
      } catch {
        throw new Error(`stdout line ${i + 1} is not JSON: ${l}`);
      }
    });
    for (const [i, o] of objects.entries()) {
      expect(["restate", "broker", "worker", "client-app", "supervisor"], `line ${i + 1}'s component`).toContain(o.component);
      expect(typeof o.line, `line ${i + 1}'s line`).toBe("string");
    }
    expect(new Set(objects.map((o) => o.component))).toEqual(new Set(["restate", "broker", "worker", "client-app", "supervisor"]));
    const worker = await patterns(["logs", "worker", "-n", "3", "--json"]);
    const w = worker.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { component: string; line: string });
    expect(w.length).toBe(3);
    expect(w.map((o) => o.component)).toEqual(["worker", "worker", "worker"]);
    // the worker writes the SDK's events in restate-server's shape, not behind the SDK's `[restate]` prefix
    for (const o of w) expect(o.line).not.toMatch(/^\[restate\]/);
  });

  it("restatectl passthrough asks this stack's node on its own fabric port, and exits as restatectl does", async () => {
    const { stateDir, ports } = stack();
    // --state-dir before --: what follows it is restatectl's
    const r = await runCli(["restatectl", "--state-dir", stateDir, "--", "nodes", "list"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`http://127.0.0.1:${ports.fabric}/`);
    const bad = await runCli(["restatectl", "--state-dir", stateDir, "--", "no-such-command"]);
    expect(bad.code, "restatectl's own usage exit code").toBe(2);
    expect(bad.stderr).toMatch(/unrecognized subcommand 'no-such-command'/);
    // its output is restatectl's, never one JSON document: --json is refused, as JSON, before anything runs
    const asJson = await runCli(["restatectl", "--json", "--state-dir", stateDir, "--", "status"]);
    expect(asJson.code).toBe(2);
    expect((JSON.parse(asJson.stdout) as { error: { fix: string } }).error.fix).toMatch(/-- sql --json/);
  });
});
