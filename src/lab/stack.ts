// Private stacks for the measuring tools (`npm run bench`, `npm run chaos`): free loopback ports, a temporary state
// dir, started and stopped through the CLI exactly as a user would, plus what those tools read off the processes.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Kafka, logLevel, type Producer } from "kafkajs";
import { freePort, isPortFree } from "../runtime/ports.js";
import { projectRoot, statePaths } from "../runtime/paths.js";
import type { Ports } from "../runtime/config.js";
import { isAlive, readState } from "../runtime/state.js";

export const cliPath = path.join(projectRoot, "bin", "patterns.js");

/** The stack's ports (the same set as its configuration), all picked free. */
export type LabPorts = Ports;

export async function labPorts(): Promise<LabPorts> {
  return { ingress: await freePort(), admin: await freePort(), worker: await freePort(), broker: await freePort(), fabric: await freePort(), brokerApi: await freePort() };
}

export function portArgs(p: LabPorts): string[] {
  return ["--ingress-port", p.ingress, "--admin-port", p.admin, "--worker-port", p.worker, "--broker-port", p.broker, "--fabric-port", p.fabric, "--broker-api-port", p.brokerApi].map(String);
}

export interface RunResult {
  code: number;
  ms: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, argv: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => resolve({ code: code ?? 1, ms: performance.now() - t0, stdout, stderr }));
  });
}

export function patternsCli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return run(process.execPath, [cliPath, ...argv], env);
}

export interface LabStack {
  dir: string;
  p: LabPorts;
  /** wall time of `patterns start` */
  ms: number;
}

/** `patterns start` on free ports in a new temp dir; env reaches the supervisor and through it restate-server. */
export async function startLabStack(prefix: string, env: NodeJS.ProcessEnv = {}): Promise<LabStack> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `patterns-${prefix}-`));
  let p = await labPorts();
  let r = await patternsCli(["start", "--json", "--state-dir", dir, ...portArgs(p)], env);
  // another stack may take a port between our check and our start: once more on fresh ports
  if (r.code !== 0 && /already in use/.test(r.stderr)) {
    p = await labPorts();
    r = await patternsCli(["start", "--json", "--state-dir", dir, ...portArgs(p)], env);
  }
  if (r.code !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`patterns start failed (exit ${r.code}): ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  }
  return { dir, p, ms: r.ms };
}

export function componentPids(dir: string): Record<"restate" | "broker" | "worker", number> {
  const st = readState(statePaths(dir).stateFile);
  if (!st) throw new Error(`no stack state in ${dir}`);
  return { restate: st.components.restate.pid!, broker: st.components.broker.pid!, worker: st.components.worker.pid! };
}

export interface Teardown {
  /** processes of the stack still alive after stop */
  orphans: number[];
  /** stack ports still listening after stop */
  listeners: number[];
}

/** `patterns stop --purge`, then count what is left: processes and listeners. Removes the dir unless keep. */
export async function stopLabStack(s: LabStack, opts: { keep?: boolean } = {}): Promise<Teardown> {
  const st = readState(statePaths(s.dir).stateFile);
  const pids = st ? [st.supervisorPid, ...Object.values(st.components).map((c) => c.pid).filter((x): x is number => !!x)] : [];
  await patternsCli(["stop", ...(opts.keep ? [] : ["--purge"]), "--state-dir", s.dir]);
  const orphans = pids.filter((pid) => isAlive(pid));
  const listeners: number[] = [];
  for (const port of Object.values(s.p)) if (!(await isPortFree(port))) listeners.push(port);
  if (!opts.keep) rmSync(s.dir, { recursive: true, force: true });
  return { orphans, listeners };
}

export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

export function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

export async function kafkaProducer(brokerPort: number, clientId: string): Promise<Producer> {
  const kafka = new Kafka({ clientId, brokers: [`127.0.0.1:${brokerPort}`], logLevel: logLevel.NOTHING });
  const p = kafka.producer({ allowAutoTopicCreation: false });
  await p.connect();
  return p;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
