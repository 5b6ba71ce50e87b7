// The supervisor's processes as a group: each child spawned detached (its own process group) with its output appended
// to its log file, tracked by name, waited on until a readiness probe passes, and stopped with SIGTERM then SIGKILL.
// Knows nothing about what the children are (component-specs.ts says that) or when they come back (restarts.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { tailFile } from "./logs.js";
import { isAlive, type ComponentName } from "./state.js";

/** A supervised process: a component, or node k of a cluster ("restate" is node 1, "restate-2"… the others). */
export type ChildName = ComponentName | `restate-${number}`;

export interface Child {
  name: ChildName;
  proc?: ChildProcess;
  /** set while we stop or restart it on purpose */
  expectedExit: boolean;
  restartTimer?: NodeJS.Timeout;
  /** fires once it has stayed up long enough for its backoff to start over */
  stableTimer?: NodeJS.Timeout;
  /** resolves when the component is up again after a restart */
  waiters: (() => void)[];
  downSince?: number;
  /** where its current process's output starts in its log (what a failed attempt said is after it) */
  logFrom?: number;
}

/** What to run: the command line, its environment and folder, and the log it appends to. */
export interface ProcessSpec {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  log: string;
}

export class StartError extends Error {
  constructor(
    message: string,
    readonly component?: ComponentName,
    readonly log?: string,
  ) {
    super(message);
  }
}

export class ProcessGroup {
  private readonly children = new Map<ChildName, Child>();

  get(name: ChildName): Child | undefined {
    return this.children.get(name);
  }

  all(): Child[] {
    return [...this.children.values()];
  }

  /** The child's entry, created on first use. */
  entry(name: ChildName): Child {
    let child = this.children.get(name);
    if (!child) {
      child = { name, expectedExit: false, waiters: [] };
      this.children.set(name, child);
    }
    return child;
  }

  /** Spawn a child under this name (replacing its previous process) and call onExit when it exits. */
  spawn(name: ChildName, spec: ProcessSpec, onExit: (proc: ChildProcess, code: number | null, signal: NodeJS.Signals | null) => void): ChildProcess {
    const child = this.entry(name);
    child.logFrom = logSize(spec.log);
    const proc = spawnLogged(spec);
    child.proc = proc;
    child.expectedExit = false;
    proc.once("exit", (code, signal) => onExit(proc, code, signal));
    return proc;
  }

  /** Is this the child's current process and still running? */
  running(name: ChildName): boolean {
    const proc = this.children.get(name)?.proc;
    return !!proc?.pid && !exited(proc);
  }
}

/** A detached process whose stdout and stderr append to its log (a process group of its own: see spawn's comment). */
export function spawnLogged(spec: ProcessSpec): ChildProcess {
  const fd = openSync(spec.log, "a");
  // each child in a process group of its own: a Ctrl+C in the terminal of `start --foreground` reaches only the
  // supervisor, which stops the children in order (they used to get the SIGINT all at once)
  const proc = spawn(spec.command, spec.args, { stdio: ["ignore", fd, fd], env: spec.env, cwd: spec.cwd, detached: true });
  closeSync(fd);
  return proc;
}

export function exited(proc: ChildProcess): boolean {
  return proc.exitCode !== null || proc.signalCode !== null;
}

/** Poll a readiness probe until it passes, the process dies, or time runs out; the error names what was awaited. */
export async function waitReady(name: ChildName, component: ComponentName, log: string, proc: ChildProcess, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  while (Date.now() < deadline) {
    if (exited(proc)) throw new StartError(`${name} exited during start (code ${proc.exitCode ?? proc.signalCode})`, component, log);
    try {
      if (await probe()) return;
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
    }
    await sleep(25);
  }
  throw new StartError(`${name} was not ready within ${timeoutMs / 1000} s${lastError ? ` (${lastError})` : ""}`, component, log);
}

/** SIGTERM, then SIGKILL after graceMs; resolves when the process is gone. */
export async function terminate(pid: number, graceMs: number, gone: () => boolean = () => !isAlive(pid)): Promise<void> {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (gone()) return;
    await sleep(25);
  }
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    return;
  }
  const hard = Date.now() + 2000;
  while (Date.now() < hard && !gone()) await sleep(25);
}

/** Stop a child process of ours (no-op when it is gone already). */
export async function terminateProc(proc: ChildProcess | undefined, graceMs: number): Promise<void> {
  if (!proc?.pid || exited(proc)) return;
  await terminate(proc.pid, graceMs, () => exited(proc));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The size of a log now: what a process appends after this offset is its own. */
export function logSize(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}

/** What a log file got after byte offset `from` (a failed process's own lines), at most 64 KiB. */
export function readFrom(file: string, from: number): string {
  if (!existsSync(file)) return "";
  const size = statSync(file).size;
  if (size <= from) return "";
  const len = Math.min(size - from, 64 * 1024);
  const buf = Buffer.alloc(len);
  const fd = openSync(file, "r");
  try {
    readSync(fd, buf, 0, len, from);
  } finally {
    closeSync(fd);
  }
  return buf.toString("utf8");
}

/** Last lines of a component log, for a failed start. */
export function logTail(file: string | undefined, lines = 15): string {
  if (!file || !existsSync(file)) return "";
  return tailFile(file, lines);
}
