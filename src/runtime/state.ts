// The state file: what runs, where, since when. Every verb finds the stack through it.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { KafkaMode, Ports } from "./config.js";

export type ComponentName = "restate" | "broker" | "worker" | "client-app";

/** Start order; stops go the other way. */
export const COMPONENT_NAMES: readonly ComponentName[] = ["restate", "broker", "worker", "client-app"];

export interface ComponentState {
  pid?: number;
  port: number;
  log: string;
  startedAt?: string;
  restarts: number;
  /** what the component is doing: starting, up, down (being restarted), stopped, external */
  phase: "starting" | "up" | "down" | "stopped" | "external" | "disabled";
  command?: string;
  /** deaths and failed restarts in a row since it last stayed up (then it is 0 again) */
  failures?: number;
  /** the delays of the restarts scheduled since it last stayed up, oldest first: they grow while it keeps dying */
  backoff?: number[];
  /** while it is down: when the next restart is due */
  nextRestartAt?: string;
  /** it keeps dying: set after a few failures in a row, cleared once it has stayed up */
  crashLoop?: CrashLoop;
}

/** A component that keeps dying: what it said last, for `status` and `doctor`. */
export interface CrashLoop {
  since: string;
  failures: number;
  /** the error line of its last attempt (for a worker that fails at load: the exception and its file:line) */
  lastError: string;
  /** the last lines its last attempt wrote to its log */
  lastLines: string[];
}

/** One restate-server of a cluster (`start --nodes N`, N > 1). Node 1 is also `components.restate`. */
export interface NodeState extends ComponentState {
  node: number;
  /** Restate's node name (n1, n2, …); restatectl reports nodes by it */
  name: string;
  fabricPort: number;
  adminPort: number;
  ingressPort: number;
  adminUrl: string;
  ingressUrl: string;
  dataDir: string;
}

export interface StackState {
  version: 1;
  supervisorPid: number;
  startedAt: string;
  readyAt?: string;
  stateDir: string;
  ports: Ports;
  kafka: KafkaMode;
  timeScale: number;
  publicKey: string;
  ingressUrl: string;
  adminUrl: string;
  brokers: string[];
  components: Record<ComponentName, ComponentState>;
  subscriptions: { id: string; source: string; sink: string }[];
  notes: string[];
  /** only for a cluster (`start --nodes N`, N > 1): every node, node 1 first */
  nodes?: NodeState[];
  /** only for a cluster: copies of each log record and partition */
  replication?: number;
  /** the worker's deployments in Restate, newest last: the current one and older ones still finishing work */
  deployments?: DeploymentState[];
  /** set while `start --watch` watches the pattern sources */
  watch?: WatchState;
  /** `start --always-replay`: every await suspends, every step after it runs after a replay */
  alwaysReplay?: boolean;
  /** set when `stop` began: a verb waiting on the stack ends at once instead of timing out on what stop took away */
  stoppingAt?: string;
}

/**
 * One deployment of the worker: a worker process on its own loopback port, registered with Restate under its own id.
 * New invocations go to the current one; an invocation stays pinned to the deployment it started on, so an older one
 * keeps its worker until nothing pinned to it is left (draining), then its worker stops and it is removed (drained).
 */
export interface DeploymentState {
  id: string;
  uri: string;
  port: number;
  pid?: number;
  phase: "current" | "draining" | "drained";
  /** which code: "dist" (npm run build) or "build N" (a start --watch rebuild), with any variant switch */
  code: string;
  /** environment switches its worker got on top of the stack's (the versioning tour's code variant) */
  env?: Record<string, string>;
  registeredAt: string;
  supersededAt?: string;
  stoppedAt?: string;
  /** the source files whose change made it (start --watch) */
  changed?: string[];
  /** invocations pinned to it that have not completed, at the last look (draining deployments) */
  inFlight?: number;
  /** the same URI was registered again with changed code (the tour's wrong way): in-flight journals may mismatch */
  replacedInPlace?: boolean;
}

export interface WatchState {
  /** the source folder whose services/ is watched (the project's src/ unless --watch-src) */
  srcRoot: string;
  since: string;
  builds: number;
  failures: number;
  /** the last build or load error, while the previous deployment keeps serving */
  lastError?: string;
}

/** The node a verb should talk to: node 1 while it is up, else the first node that is up (a cluster only). */
export function liveNode(state: StackState): NodeState | undefined {
  const nodes = state.nodes;
  if (!nodes || nodes.length === 0) return undefined;
  const up = (n: NodeState) => n.phase === "up" && isAlive(n.pid);
  return up(nodes[0]!) ? nodes[0] : (nodes.find(up) ?? nodes[0]);
}

export function readState(stateFile: string): StackState | undefined {
  if (!existsSync(stateFile)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(stateFile, "utf8")) as StackState;
    return parsed.version === 1 ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Atomic write: readers never see half a file. */
export function writeState(stateFile: string, state: StackState): void {
  mkdirSync(path.dirname(stateFile), { recursive: true });
  const tmp = `${stateFile}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2));
  renameSync(tmp, stateFile);
}

export function removeState(stateFile: string): void {
  rmSync(stateFile, { force: true });
}

export function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  return !isZombie(pid);
}

/**
 * A process that has exited but was not reaped yet still answers kill(pid, 0). The supervisor outlives the `start`
 * that spawned it, so whoever reaps it may take its time: on Linux its state in /proc says it is gone already.
 */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z";
  } catch {
    return false;
  }
}

/** Running = a state file whose supervisor is alive. A file without one is stale. */
export function liveState(stateFile: string): { state?: StackState; stale: boolean } {
  const state = readState(stateFile);
  if (!state) return { stale: false };
  if (isAlive(state.supervisorPid)) return { state, stale: false };
  return { state, stale: true };
}
