// Start/stop lifecycle on private stacks: nothing left behind, conflicts refused early, stale state cleaned,
// restate-server restarted on the same data, --no-kafka, and the Node version guard.
import { afterAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { startOwnStack, type OwnStack, runCli, cliPath, eventually, stopChecked } from "../helpers.js";
import { freePort, isPortFree } from "../../src/runtime/ports.js";
import { isAlive, readState } from "../../src/runtime/state.js";
import { statePaths } from "../../src/runtime/paths.js";

const stacks: OwnStack[] = [];
/** state dirs of stacks stopped by the test itself, and of starts that never got going */
const dirs: string[] = [];
afterAll(async () => {
  // stacks a test stopped itself stop again as a no-op; anything left behind fails here
  for (const s of stacks) await stopChecked(s);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tempDir = (prefix: string) => {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(d);
  return d;
};

function componentPids(stateDir: string): number[] {
  const st = readState(statePaths(stateDir).stateFile)!;
  return [
    st.supervisorPid,
    ...Object.values(st.components)
      .map((c) => c.pid!)
      .filter(Boolean),
  ];
}

const node20 = ["/usr/local/bin/node", "/usr/bin/node"].find((p) => {
  try {
    return existsSync(p) && execFileSync(p, ["--version"], { encoding: "utf8" }).startsWith("v20");
  } catch {
    return false;
  }
});

describe("lifecycle", () => {
  it("stop leaves no process and no listener behind", async () => {
    const s = await startOwnStack();
    dirs.push(s.stateDir);
    const pids = componentPids(s.stateDir);
    expect(pids).toHaveLength(5); // the supervisor, restate-server, the broker, the worker, the client app
    for (const p of pids) expect(isAlive(p), `pid ${p} alive`).toBe(true);
    const r = await s.cli(["stop"]);
    expect(r.code).toBe(0);
    for (const p of pids) expect(isAlive(p), `pid ${p} gone`).toBe(false);
    for (const port of Object.values(s.ports)) expect(await isPortFree(port), `port ${port} free`).toBe(true);
    expect(existsSync(statePaths(s.stateDir).stateFile)).toBe(false);
    const again = await s.cli(["status", "--json"]);
    expect(JSON.parse(again.stdout).running).toBe(false);
  });

  it("a taken port is refused before anything is spawned, naming the port and its owner", async () => {
    const taken = await freePort();
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(taken, "127.0.0.1", r));
    const others = { admin: await freePort(), worker: await freePort(), broker: await freePort() };
    const dir = tempDir("patterns-conflict-");
    try {
      const r = await runCli([
        "start",
        "--state-dir",
        dir,
        "--ingress-port",
        String(taken),
        "--admin-port",
        String(others.admin),
        "--worker-port",
        String(others.worker),
        "--broker-port",
        String(others.broker),
        "--fabric-port",
        String(await freePort()),
      ]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`port ${taken} \\(ingress\\) is already in use`));
      expect(r.stderr).toMatch(new RegExp(`pid ${process.pid}`));
      expect(r.stderr).toMatch(/--ingress-port/);
      for (const port of Object.values(others)) expect(await isPortFree(port), `port ${port} still free`).toBe(true);
      expect(existsSync(statePaths(dir).stateFile)).toBe(false);
    } finally {
      srv.close();
    }
  });

  it.each([
    [["start", "--ingress-port", "70000"], /--ingress-port must be between 1 and 65535/],
    [["start", "--time-scale", "fast"], /--time-scale must be a positive number/],
    [["start", "--no-kafka", "--kafka-brokers", "127.0.0.1:1"], /contradict/],
    // the former broker's API port flag is still accepted (ignored, with a note): the error is the bad ingress port
    [["start", "--broker-api-port", "19093", "--ingress-port", "70000"], /--broker-api-port is ignored[\s\S]*--ingress-port must be between 1 and 65535/],
    [["logs", "nosuch"], /unknown component/],
    [["nosuchverb"], /unknown command/],
  ])("usage errors exit 2: %j", async (args, message) => {
    const dir = tempDir("patterns-usage-");
    const r = await runCli([...args, "--state-dir", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(statePaths(dir).stateFile)).toBe(false);
  });

  it("a stale state (supervisor killed) is detected and its processes cleaned by stop", async () => {
    const s = await startOwnStack();
    stacks.push(s);
    const st = readState(statePaths(s.stateDir).stateFile)!;
    process.kill(st.supervisorPid, "SIGKILL");
    await eventually("the supervisor to be gone", async () => !isAlive(st.supervisorPid));
    const status = JSON.parse((await s.cli(["status", "--json"])).stdout) as { running: boolean; notes: string[] };
    expect(status.running).toBe(false);
    expect(status.notes.join(" ")).toMatch(/stale/);
    const r = await s.cli(["stop"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/stale/);
    for (const c of Object.values(st.components)) expect(isAlive(c.pid), `${c.pid} stopped`).toBe(false);
    for (const port of Object.values(s.ports)) expect(await isPortFree(port), `port ${port} free`).toBe(true);
  });

  it("restate-server killed hard is restarted on the same data: results and idempotency keys survive", async () => {
    const s = await startOwnStack();
    stacks.push(s);
    const call = () => fetch(`${s.ingressUrl}/playground/ping`, { method: "POST", headers: { "idempotency-key": "survives" } }).then((r) => r.json() as Promise<{ at: string }>);
    const first = await call();
    const st = readState(statePaths(s.stateDir).stateFile)!;
    process.kill(st.components.restate.pid!, "SIGKILL");
    await eventually(
      "restate-server to be back",
      async () => {
        const now = readState(statePaths(s.stateDir).stateFile)!;
        return now.components.restate.pid !== st.components.restate.pid && now.components.restate.phase === "up";
      },
      60_000,
    );
    const second = await call();
    expect(second.at).toBe(first.at);
    const subs = await s.admin.subscriptions();
    const status = JSON.parse((await s.cli(["status", "--json"])).stdout) as { components: { name: string; restarts: number; healthy: boolean }[]; subscriptions: unknown[] };
    expect(status.components.find((c) => c.name === "restate")).toMatchObject({ restarts: 1, healthy: true });
    expect(s.logs("supervisor", 200)).toContain(`restate (pid ${st.components.restate.pid}) exited with SIGKILL`);
    expect(status.subscriptions).toHaveLength(subs.length);
  });

  it("--no-kafka runs without a broker and says so", async () => {
    const s = await startOwnStack(["--no-kafka"]);
    stacks.push(s);
    const status = JSON.parse((await s.cli(["status", "--json"])).stdout) as { components: { name: string; phase: string; healthy: boolean }[]; subscriptions: unknown[]; notes: string[] };
    expect(status.components.find((c) => c.name === "broker")).toMatchObject({ phase: "disabled" });
    expect(status.subscriptions).toEqual([]);
    expect(status.notes.join(" ")).toMatch(/--no-kafka/);
    expect(await isPortFree(s.ports.broker!, "0.0.0.0")).toBe(true);
    const kill = await s.cli(["kill-broker"]);
    expect(kill.code).toBe(1);
    expect(kill.stderr).toMatch(/the broker is not part of this stack/);
  });

  // The guard is for the machine's own older Node; a machine without one has nothing to run it with: skipped, by name.
  it.skipIf(!node20)(`a direct launch on Node 20 exits at once with a clear message${node20 ? "" : " (skipped: no Node 20 on this machine)"}`, () => {
    let out = "";
    let code = 0;
    try {
      execFileSync(node20!, [cliPath, "status"], { encoding: "utf8", stdio: "pipe" });
    } catch (e) {
      const err = e as { status: number; stderr: string };
      code = err.status;
      out = err.stderr;
    }
    expect(code).toBe(1);
    expect(out).toMatch(/needs Node 22/);
  });
});
