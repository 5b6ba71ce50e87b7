// Runners of `kill-worker` / `kill-restate`: SIGKILL the real process through the supervisor (which restarts it
// after --down), or arm a one-shot crash of the worker at a named ctx.run step.
import { PlaygroundError } from "../../errors.js";
import { armCrash } from "../../runtime/crash.js";
import { killComponent, type RunningStack } from "../../runtime/stack.js";
import type { ComponentName } from "../../runtime/state.js";

export interface KillResult {
  component: ComponentName;
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

export async function killNow(stack: RunningStack, component: ComponentName, downMs: number, wait: boolean): Promise<KillResult> {
  const comp = stack.state.components[component];
  if (comp.phase === "disabled") throw new PlaygroundError(`the ${component} is not part of this stack`, "nothing to kill");
  if (comp.phase === "external") throw new PlaygroundError(`the ${component} is external (--kafka-brokers), not run by the playground`, "stop it where it runs, e.g. `docker compose stop broker`");
  const killedAt = new Date().toISOString();
  const r = await killComponent(stack, component, { downMs, wait, signal: "SIGKILL" });
  if (!r.pid) throw new PlaygroundError(`the supervisor did not report which ${component} process it killed`);
  return {
    component,
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
