// What the supervisor's parts (restarts, Kafka wiring, deployments, adoption, the control server) share: the stack's
// state and where it is saved, the process group, and the readers from above that the supervisor is handed rather
// than importing them (the runtime sits below the observation layer and the registry).
import type { LogLevel } from "../lib/log-line.js";
import type { AdminClient } from "./admin.js";
import type { StackConfig } from "./config.js";
import type { WorkerCode } from "./component-specs.js";
import type { StatePaths } from "./paths.js";
import type { ChildName, ProcessGroup } from "./process-group.js";
import type { ComponentState, NodeState, StackState } from "./state.js";

/** Readers the supervisor needs from above it, passed in by whoever starts it (supervisor-main, `start --foreground`). */
export interface SupervisorDeps {
  /** per deployment id, how many invocations pinned to it have not completed (deployments with none are absent) */
  pinnedCounts(admin: AdminClient, retryForMs?: number): Promise<Map<string, number>>;
  /** the invocations waiting out a retry backoff, with the failure that put them there */
  backingOff(admin: AdminClient): Promise<{ id: string; lastFailure?: string }[]>;
}

export type ProgressEvent =
  | { type: "progress"; component: string; status: "start" | "ok" | "fail"; ms?: number; detail?: string }
  | { type: "ready"; state: StackState }
  | { type: "failed"; message: string; component?: string; log?: string; tail?: string };

export interface SupervisorContext {
  readonly config: StackConfig;
  readonly paths: StatePaths;
  readonly admin: AdminClient;
  readonly state: StackState;
  readonly nodes: NodeState[];
  readonly group: ProcessGroup;
  readonly deps: SupervisorDeps;
  readonly stopping: boolean;
  /** what the current deployment's worker runs */
  workerCode: WorkerCode;
  comp(name: ChildName): ComponentState;
  /** node 1's admin API while it is up, else a live node's */
  liveAdmin(): AdminClient;
  save(): void;
  /** one line of the supervisor's log (logs/supervisor.log) */
  log(level: LogLevel, line: string): void;
  /** spawn a child and wait until it is ready (throws a StartError otherwise) */
  spawnComponent(name: ChildName): Promise<void>;
}

/** The child name of restate-server node k ("restate" is node 1). */
export function childOf(node: number): ChildName {
  return node === 1 ? "restate" : `restate-${node}`;
}

export function nodeOf(name: ChildName): number {
  const m = /^restate-(\d+)$/.exec(name);
  return m ? Number(m[1]) : 1;
}
