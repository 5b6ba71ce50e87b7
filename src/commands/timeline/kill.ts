// Runners of `kill-worker` / `kill-restate`: SIGKILL the real process through the supervisor (which restarts it
// after --down), or arm a one-shot crash of the worker at a named ctx.run step.
import { PlaygroundError, UsageError } from "../../errors.js";
import { toleratedDown } from "../../runtime/config.js";
import { isAlive } from "../../runtime/state.js";
import { armCrash } from "../../runtime/crash.js";
import { killComponent, type RunningStack } from "../../runtime/stack.js";
import type { ComponentName, StackState } from "../../runtime/state.js";

export interface KillResult {
  component: ComponentName;
  /** the restate-server node of a cluster that was killed */
  node?: number;
  /** set when this kill leaves fewer nodes up than the cluster needs for writes */
  warning?: string;
  signal: "SIGKILL";
  /** the pid that was killed */
  pid?: number;
  /** the pid that replaced it (when waited for) */
  newPid?: number;
  /** the asked-for downtime */
  requestedDownMs: number;
  /** kill → back, measured by the supervisor (only when waited for) */
  downMs?: number;
  waited: boolean;
  killedAt: string;
  backAt?: string;
}

/** Which node to kill: 1 unless asked; a single-node stack has only node 1. */
export function checkNode(state: StackState, component: ComponentName, node: number | undefined): number | undefined {
  if (node === undefined) return state.nodes ? 1 : undefined;
  if (component !== "restate") throw new UsageError(`--node only goes with kill-restate`, "for example kill-restate --node 2");
  const count = state.nodes?.length ?? 1;
  if (node > count) throw new UsageError(`there is no node ${node}: this stack has ${count === 1 ? "a single node" : `nodes 1 to ${count}`}`, count === 1 ? "start a cluster with `npx patterns start --nodes 3`" : `pick a node from 1 to ${count}`);
  return state.nodes ? node : undefined;
}

/**
 * What killing this node does to the cluster: nothing visible while enough nodes stay up; past that, writes (new
 * invocations, journal entries) wait until a node is back. Undefined when the kill is within what the cluster tolerates.
 */
export function killWarning(state: StackState, node: number, downMs: number): string | undefined {
  const nodes = state.nodes;
  if (!nodes || nodes.length < 2) return undefined;
  const down = nodes.filter((n) => n.node !== node && (n.phase !== "up" || !isAlive(n.pid))).map((n) => n.name);
  const tolerated = toleratedDown(nodes.length);
  if (down.length + 1 <= tolerated) return undefined;
  const why = nodes.length === 2 ? "with 2 nodes every log record needs both" : `the log keeps ${state.replication ?? 2} copies of every record and the metadata needs a majority of the ${nodes.length} nodes`;
  return `${down.length + 1} of ${nodes.length} nodes will be down${down.length ? ` (${down.join(", ")} already)` : ""}, and this cluster tolerates ${tolerated}: ${why}. New invocations and journal steps wait (they are not lost) until a node is back, in about ${Math.round(downMs / 1000)} s when the supervisor restarts it`;
}

export async function killNow(stack: RunningStack, component: ComponentName, downMs: number, wait: boolean, nodeFlag?: number): Promise<KillResult> {
  const node = checkNode(stack.state, component, nodeFlag);
  const comp = node ? stack.state.nodes![node - 1]! : stack.state.components[component];
  if (comp.phase === "disabled") throw new PlaygroundError(`the ${component} is not part of this stack`, "nothing to kill");
  if (comp.phase === "external") throw new PlaygroundError(`the ${component} is external (--kafka-brokers), not run by the playground`, "stop it where it runs, e.g. `docker compose stop broker`");
  const killedAt = new Date().toISOString();
  const warning = node ? killWarning(stack.state, node, downMs) : undefined;
  const r = await killComponent(stack, component, { downMs, wait, signal: "SIGKILL", ...(node ? { node } : {}) });
  if (!r.pid) throw new PlaygroundError(`the supervisor did not report which ${component} process it killed`);
  return {
    component,
    ...(node ? { node } : {}),
    ...(warning ? { warning } : {}),
    signal: "SIGKILL",
    pid: r.pid,
    newPid: wait ? r.newPid : undefined,
    requestedDownMs: downMs,
    downMs: wait ? r.downMs : undefined,
    waited: wait,
    killedAt,
    backAt: wait ? new Date().toISOString() : undefined,
  };
}

export interface ArmResult {
  armed: { step: string; when: "after" | "during"; invocationId?: string };
  workerPid?: number;
}

export function armAtStep(stack: RunningStack, step: string, when: "after" | "during", invocationId?: string): ArmResult {
  armCrash(stack.paths, { step, when, ...(invocationId ? { invocationId } : {}) });
  return { armed: { step, when, ...(invocationId ? { invocationId } : {}) }, workerPid: stack.state.components.worker.pid };
}
