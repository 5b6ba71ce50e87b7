// A whole stack started from outside, the way a user starts one: `patterns start --json` on free loopback ports in a
// temporary state dir, and `patterns stop --purge` at the end. The test setup, the tests' private stacks, the bench
// and the chaos run all start their stacks through startStack(); nothing else picks ports or retries a start.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { AdminClient } from "../runtime/admin.js";
import type { Ports } from "../runtime/config.js";
import { tailFile } from "../runtime/logs.js";
import { projectRoot, statePaths } from "../runtime/paths.js";
import { freePort, isPortFree } from "../runtime/ports.js";
import { findStack, killComponent } from "../runtime/stack.js";
import { isAlive, readState, type ComponentName, type StackState } from "../runtime/state.js";

export const cliPath = path.join(projectRoot, "bin", "patterns.js");

// ---- the CLI, run as a user runs it --------------------------------------------------------------------------------

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** wall time of the command */
  ms: number;
}

export interface CliOptions {
  /** added to this process's environment (NO_COLOR=1 is always set) */
  env?: NodeJS.ProcessEnv;
  /** the command is SIGKILLed and the promise rejected after this long (default 180 s) */
  timeoutMs?: number;
  /** written to the command's stdin, which is then closed */
  input?: string;
  cwd?: string;
}

/** `bin/patterns.js …` with this process's Node (the project's pinned Node 22 when run through npm). */
export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: opts.cwd ?? projectRoot,
      env: { ...process.env, NO_COLOR: "1", ...opts.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timeoutMs = opts.timeoutMs ?? 180_000;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`patterns ${args.join(" ")} did not finish within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, ms: performance.now() - t0 });
    });
    if (opts.input) child.stdin.write(opts.input);
    child.stdin.end();
  });
}

// ---- ports ---------------------------------------------------------------------------------------------------------

/** Every port of a stack, each picked free on loopback below the ephemeral range (see freePort). */
export async function freePorts(): Promise<Ports> {
  return { ingress: await freePort(), admin: await freePort(), worker: await freePort(), broker: await freePort(), fabric: await freePort(), clientApp: await freePort() };
}

/** Free ports for a cluster of `nodes`: node k takes ingress, admin and fabric + k-1, so those must be free too. */
export async function freeClusterPorts(nodes: number): Promise<Ports> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const p = await freePorts();
    const derived = [p.ingress, p.admin, p.fabric].flatMap((base) => Array.from({ length: nodes - 1 }, (_, i) => base + i + 1));
    const all = [...Object.values(p), ...derived];
    if (new Set(all).size !== all.length || derived.some((x) => x > 65535)) continue;
    let free = true;
    for (const port of derived) if (!(await isPortFree(port))) free = false;
    if (free) return p;
  }
  throw new Error(`no free ports for a ${nodes}-node cluster`);
}

/** The `patterns start` flags that put a stack on these ports. */
export function portArgs(p: Ports): string[] {
  return ["--ingress-port", p.ingress, "--admin-port", p.admin, "--worker-port", p.worker, "--broker-port", p.broker, "--fabric-port", p.fabric, "--client-app-port", p.clientApp].map(String);
}

// ---- the started stack ---------------------------------------------------------------------------------------------

export interface StartOptions {
  /** more `patterns start` flags, e.g. ["--no-kafka"] */
  args?: string[];
  /** environment of `patterns start`; it reaches the supervisor and through it every component */
  env?: NodeJS.ProcessEnv;
  /** the temp state dir is named patterns-<prefix>-XXXXXX (default "stack") */
  prefix?: string;
  /** how long `patterns start` may take (default 120 s) */
  timeoutMs?: number;
  /** restate-server nodes: a cluster (`start --nodes N`) when above 1 */
  nodes?: number;
}

/** What is left after stop: both lists are empty after a clean stop. */
export interface Teardown {
  /** processes of the stack (supervisor and components) still alive after stop */
  orphans: number[];
  /** ports of the stack still taken after stop */
  listeners: number[];
}

export type LogName = ComponentName | "supervisor";

export interface KillOptions {
  /** default SIGKILL */
  signal?: NodeJS.Signals;
  /** how long the supervisor leaves the component down before restarting it (default 0) */
  downMs?: number;
  /** resolve only once the component is back up (default true) */
  wait?: boolean;
  /** in a cluster: which restate-server node (default 1) */
  node?: number;
}

export interface KillResult {
  pid?: number;
  newPid?: number;
  downMs: number;
}

export interface StartedStack {
  stateDir: string;
  ports: Ports;
  ingressUrl: string;
  adminUrl: string;
  brokers: string[];
  admin: AdminClient;
  /** wall time of `patterns start` (the one that succeeded) */
  startMs: number;
  /** a CLI verb against this stack (`--state-dir` is appended) */
  cli(args: string[], opts?: CliOptions): Promise<CliResult>;
  /** the components' current pids, from the state file */
  pids(): Record<ComponentName, number>;
  /** signal a component through the supervisor (what `kill-worker`/`kill-restate`/`kill-broker` do); it restarts it */
  kill(component: ComponentName, opts?: KillOptions): Promise<KillResult>;
  /** a graceful restart: SIGTERM, back after downMs (default 0); resolves once it is up again */
  restart(component: ComponentName, opts?: { downMs?: number }): Promise<KillResult>;
  /** the last lines of a component's log (or the supervisor's) */
  logs(component: LogName, lines?: number): string;
  /**
   * `patterns stop --purge` (plain `stop` with keep), then what is left running. Throws when `patterns stop` fails,
   * keeping the state dir: without it nothing could reach the processes any more. Removes the dir unless keep.
   */
  stop(opts?: { keep?: boolean }): Promise<Teardown>;
}

/** Start a stack through the CLI on free ports in a new temp state dir; one more try on fresh ports if one was taken. */
export async function startStack(opts: StartOptions = {}): Promise<StartedStack> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), `patterns-${opts.prefix ?? "stack"}-`));
  const nodes = opts.nodes ?? 1;
  const cluster = nodes > 1 ? ["--nodes", String(nodes)] : [];
  const pick = () => (nodes > 1 ? freeClusterPorts(nodes) : freePorts());
  const start = (p: Ports) => runCli(["start", "--json", "--state-dir", stateDir, ...portArgs(p), ...cluster, ...(opts.args ?? [])], { env: opts.env, timeoutMs: opts.timeoutMs ?? 120_000 });
  const giveUp = async (why: string): Promise<never> => {
    // whatever a failed start left running is stopped, and the dir removed
    await runCli(["stop", "--purge", "--state-dir", stateDir]).catch(() => undefined);
    rmSync(stateDir, { recursive: true, force: true });
    throw new Error(why);
  };
  let res: CliResult;
  try {
    res = await start(await pick());
    // another stack (another test file, another engineer) may take a port between our check and our start
    if (res.code !== 0 && /already in use/.test(res.stderr)) res = await start(await pick());
  } catch (e) {
    return giveUp(`patterns start failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (res.code !== 0) return giveUp(`patterns start failed (exit ${res.code}): ${res.stderr.trim().split("\n").slice(-5).join(" | ")}`);
  const state = JSON.parse(res.stdout) as StackState;
  const paths = statePaths(stateDir);
  const current = (): StackState => {
    const st = readState(paths.stateFile);
    if (!st) throw new Error(`no stack state in ${stateDir} (is the stack stopped?)`);
    return st;
  };
  const kill = async (component: ComponentName, o: KillOptions = {}): Promise<KillResult> => {
    const running = findStack(stateDir);
    if (!running) throw new Error(`the stack in ${stateDir} is not running (its supervisor is gone)`);
    return killComponent(running, component, { signal: o.signal ?? "SIGKILL", downMs: o.downMs ?? 0, wait: o.wait ?? true, ...(o.node ? { node: o.node } : {}) });
  };
  return {
    stateDir,
    ports: state.ports,
    ingressUrl: state.ingressUrl,
    adminUrl: state.adminUrl,
    brokers: state.brokers,
    admin: new AdminClient(state.adminUrl),
    startMs: res.ms,
    cli: (args, o) => runCli([...args, "--state-dir", stateDir], o),
    pids() {
      const c = current().components;
      return { restate: c.restate.pid!, broker: c.broker.pid!, worker: c.worker.pid!, "client-app": c["client-app"].pid! };
    },
    kill,
    restart: (component, o = {}) => kill(component, { signal: "SIGTERM", downMs: o.downMs ?? 0, wait: true }),
    logs: (component, lines = 40) => tailFile(path.join(paths.logsDir, `${component}.log`), lines),
    async stop(o = {}) {
      const st = readState(paths.stateFile);
      const pids = st ? [st.supervisorPid, ...[...Object.values(st.components), ...(st.nodes ?? [])].map((c) => c.pid).filter((x): x is number => !!x)] : [];
      const r = await runCli(["stop", ...(o.keep ? [] : ["--purge"]), "--state-dir", stateDir], { timeoutMs: 300_000 });
      if (r.code !== 0) throw new Error(`patterns stop failed (exit ${r.code}); state kept in ${stateDir}: ${r.stderr.trim()}`);
      const orphans = pids.filter((pid) => isAlive(pid));
      const listeners: number[] = [];
      const nodePorts = (state.nodes ?? []).flatMap((n) => [n.ingressPort, n.adminPort, n.fabricPort]);
      for (const port of new Set([...Object.values(state.ports), ...nodePorts])) if (!(await isPortFree(port))) listeners.push(port);
      if (!o.keep) rmSync(stateDir, { recursive: true, force: true });
      return { orphans, listeners };
    },
  };
}
