// The stack belongs to the project, not to the current folder: started in the project root, it is seen, doctored and
// stopped from docs/; the restate CLI finds it from the project folder; doctor and a second start report the ports.
// A copy of the project in a temp folder (package.json, bin, dist, config, node_modules linked) is the project here,
// so its default state dir and its .env never touch the repository's own.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { repoRoot } from "../helpers.js";
import { runToEnd } from "../run-to-end.js";
import { freePorts, portArgs } from "../../src/lab/stack.js";
import type { Ports } from "../../src/runtime/config.js";
import { freePort, isPortFree } from "../../src/runtime/ports.js";
import { isAlive } from "../../src/runtime/state.js";

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", ...extra };
  delete env.PATTERNS_STATE_DIR;
  for (const k of Object.keys(env)) if (/^PATTERNS_.*_PORT$/.test(k) && !(k in extra)) delete env[k];
  delete env.RESTATE_ADMIN_URL;
  return env;
}

async function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): Promise<Result> {
  const r = await runToEnd(cmd, args, { cwd, env: cleanEnv(env), deadlineMs: timeoutMs });
  if (r.timedOut) throw new Error(`${cmd} ${args.join(" ")} timed out\n${r.stderr}`);
  return { code: r.code ?? (r.signal ? 128 : 1), stdout: r.stdout, stderr: r.stderr };
}

/** A project folder of its own: the built CLI, its config, and the repository's node_modules. */
function copyProject(withDist = true): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "patterns-project-"));
  for (const f of ["package.json", "bin", "restate.toml", "kafka", ...(withDist ? ["dist"] : [])]) cpSync(path.join(repoRoot, f), path.join(root, f), { recursive: true });
  symlinkSync(path.join(repoRoot, "node_modules"), path.join(root, "node_modules"));
  mkdirSync(path.join(root, "docs"));
  return root;
}

describe("a stack started in the project root, from docs/", () => {
  let root = "";
  let ports: Ports;
  const cli = (args: string[], where: "root" | "docs", env: NodeJS.ProcessEnv = {}) =>
    run(process.execPath, [path.join(root, "bin", "patterns.js"), ...args], where === "root" ? root : path.join(root, "docs"), env);

  beforeAll(async () => {
    root = copyProject();
    ports = await freePorts();
    const r = await cli(["start", ...portArgs(ports)], "root");
    if (r.code !== 0) throw new Error(`start in the project root failed: ${r.stderr}`);
  }, 180_000);

  afterAll(async () => {
    if (root) await cli(["stop", "--purge"], "root");
    if (root) rmSync(root, { recursive: true, force: true });
  }, 120_000);

  it("status from docs/ sees it, in the project's state dir", async () => {
    const r = await cli(["status", "--json"], "docs");
    const s = JSON.parse(r.stdout) as { running: boolean; stateDir: string; components: { name: string; healthy: boolean }[] };
    expect(s.running, r.stderr).toBe(true);
    expect(s.stateDir).toBe(path.join(root, ".patterns"));
    expect(s.components.map((c) => c.name)).toEqual(["restate", "broker", "worker", "client-app"]);
    expect(existsSync(path.join(root, "docs", ".patterns")), "no stray docs/.patterns").toBe(false);
  });

  it("doctor from docs/ checks it", async () => {
    const r = await cli(["doctor", "--json"], "docs");
    const d = JSON.parse(r.stdout) as { ok: boolean; checks: { name: string; ok: boolean; detail: string }[] };
    expect(d.checks.filter((c) => !c.ok)).toEqual([]);
    expect(d.checks.find((c) => c.name === "state dir")?.detail).toBe(`project ${root}, state dir ${path.join(root, ".patterns")}`);
  });

  it("npx restate kv get machineOperator <id> and npx restate inv list reach it from the project folder (the .env points at its admin port)", async () => {
    expect(readFileSync(path.join(root, ".env"), "utf8")).toMatch(new RegExp(`^RESTATE_ADMIN_URL=http://127\\.0\\.0\\.1:${ports.admin}$`, "m"));
    const up = await fetch(`http://127.0.0.1:${ports.ingress}/machineOperator/m-cli/setUp`, { method: "POST" });
    expect(up.status).toBe(200);
    const kv = await run("npx", ["restate", "kv", "get", "machineOperator", "m-cli"], root);
    expect(kv.code, kv.stderr).toBe(0);
    expect(kv.stdout).toMatch(/machineOperator/);
    expect(kv.stdout).toMatch(/status\s+"UP"/);
    const inv = await run("npx", ["restate", "inv", "list"], path.join(root, "docs"));
    expect(inv.code, inv.stderr).toBe(0);
    expect(inv.stdout + inv.stderr).toMatch(/invocations/i);
  });

  it("a second start with another port says where it runs and that the port was not applied (exit 0)", async () => {
    const other = await freePort();
    const r = await cli(["start", "--ingress-port", String(other)], "docs");
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/already running/);
    expect(r.stderr).toContain(`ingress on ${ports.ingress}`);
    expect(r.stderr).toContain(`--ingress-port ${other} was not applied`);
  });

  it("stop from docs/ stops it, frees its ports and removes the .env", async () => {
    const before = JSON.parse((await cli(["status", "--json"], "docs")).stdout) as { components: { pid: number }[] };
    const r = await cli(["stop"], "docs");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/playground stopped/);
    for (const c of before.components) expect(isAlive(c.pid), `pid ${c.pid}`).toBe(false);
    for (const p of Object.values(ports)) expect(await isPortFree(p), `port ${p}`).toBe(true);
    expect(existsSync(path.join(root, ".env")), ".env removed").toBe(false);
    const again = await cli(["status"], "docs");
    expect(again.stdout).toContain(`not running (project ${root}, state dir ${path.join(root, ".patterns")})`);
  });
});

describe("doctor on a stopped stack", () => {
  it("checks the ports PATTERNS_*_PORT asks for and names the flag that exists", async () => {
    const taken = await freePort();
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(taken, "127.0.0.1", r));
    const dir = mkdtempSync(path.join(os.tmpdir(), "patterns-doctor-"));
    try {
      const r = await run(process.execPath, [path.join(repoRoot, "bin", "patterns.js"), "doctor", "--json", "--state-dir", dir], repoRoot, { PATTERNS_CLIENT_APP_PORT: String(taken) });
      const d = JSON.parse(r.stdout) as { checks: { name: string; ok: boolean; fix?: string }[] };
      const check = d.checks.find((c) => c.name === `port ${taken} (clientApp from PATTERNS_CLIENT_APP_PORT)`);
      expect(check, JSON.stringify(d.checks.map((c) => c.name))).toBeDefined();
      expect(check!.ok).toBe(false);
      expect(check!.fix).toContain("--client-app-port");
      expect(
        d.checks.some((c) => c.name.startsWith("port 5000 ")),
        "the default client app port is not checked instead",
      ).toBe(false);
    } finally {
      srv.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("an install without its scripts", () => {
  it("a missing dist/ is refused, naming the fix", async () => {
    const root = copyProject(false);
    try {
      const r = await run(process.execPath, [path.join(root, "bin", "patterns.js"), "status"], root);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/not built/);
      expect(r.stderr).toContain("npm rebuild node && npm run build");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  // needs a Node older than 22 on the machine (the system one here), to play `npx patterns` without the pinned Node
  const oldNode = ["/usr/bin/node", "/usr/local/bin/node"].find((p) => {
    const v = spawnSync(p, ["-p", "process.versions.node"], { encoding: "utf8" });
    return v.status === 0 && Number(v.stdout.split(".")[0]) < 22;
  });
  it.skipIf(!oldNode)("an old Node without the pinned Node 22 is refused, naming the fix", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "patterns-nopin-"));
    try {
      for (const f of ["package.json", "bin", "dist"]) cpSync(path.join(repoRoot, f), path.join(root, f), { recursive: true });
      const r = await run(oldNode!, [path.join(root, "bin", "patterns.js"), "status"], root);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/pinned Node 22 is not installed/);
      expect(r.stderr).toContain("npm rebuild node && npm run build");
      const withPin = await run(oldNode!, [path.join(repoRoot, "bin", "patterns.js"), "status"], repoRoot);
      expect(withPin.code).toBe(1);
      expect(withPin.stderr).toMatch(/npx patterns/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
