// `patterns stop`: ask the supervisor to stop everything (reverse order, SIGTERM then SIGKILL); clean a stale state.
import { readFileSync, rmSync } from "node:fs";
import { describeStateDir, resolveStateDir, statePaths } from "../runtime/paths.js";
import { COMPONENT_NAMES, isAlive, liveState, removeState, type StackState } from "../runtime/state.js";
import { terminate, sleep } from "../runtime/process-group.js";
import { isPortFree } from "../runtime/ports.js";
import { removeCliEnv } from "../runtime/restate-cli-env.js";
import { note } from "../ui/output.js";
import { c, sym } from "../ui/palette.js";
import { spinner, type Step } from "../ui/spinner.js";
import { verb } from "./verb.js";

/** Is this pid still the process we started (and not a recycled pid)? */
function isOurs(pid: number, command?: string): boolean {
  if (!isAlive(pid)) return false;
  if (!command) return true;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
    const exe = command.split(" ")[0]!;
    return cmdline.includes(exe.split("/").pop()!);
  } catch {
    return true;
  }
}

/** Every process of the stack: the components, a cluster's other restate-server nodes, older deployments' workers. */
function owned(state: StackState): { pid?: number; command?: string }[] {
  const components = [...COMPONENT_NAMES].reverse().flatMap((name) => (state.components[name] ? [state.components[name]] : []));
  const draining = (state.deployments ?? []).filter((d) => d.phase === "draining" && d.pid !== state.components.worker?.pid).map((d) => ({ pid: d.pid, command: process.execPath }));
  return [...components, ...draining, ...(state.nodes ?? []).slice(1)];
}

/** Processes of a dead supervisor: stop them if they are still ours, then forget the state. */
export async function cleanupStale(state: StackState): Promise<number> {
  let killed = 0;
  for (const comp of owned(state)) {
    if (comp.pid && isOurs(comp.pid, comp.command)) {
      await terminate(comp.pid, 5000);
      killed++;
    }
  }
  const paths = statePaths(state.stateDir);
  removeCliEnv(state.stateDir);
  removeState(paths.stateFile);
  rmSync(paths.controlSocket, { force: true });
  return killed;
}

export async function runStop(
  o: { stateDir?: string; purge?: boolean; json?: boolean },
  progress: (text: string) => Step = (text) => spinner(text, { json: o.json }),
): Promise<{ wasRunning: boolean; stale: boolean; purged: boolean; pids: number[]; stateDir: string }> {
  const dir = resolveStateDir(o.stateDir);
  const paths = statePaths(dir);
  const { state, stale } = liveState(paths.stateFile);
  const pids: number[] = [];
  if (state && !stale) {
    const step = progress("stopping the playground");
    for (const comp of owned(state)) if (comp.pid && isAlive(comp.pid)) pids.push(comp.pid);
    await terminate(state.supervisorPid, 20_000);
    // the supervisor waits for its children; make sure nothing it owned is left
    for (const comp of owned(state)) {
      if (comp.pid && isOurs(comp.pid, comp.command)) await terminate(comp.pid, 3000);
    }
    const ports = [...Object.values(state.ports), ...(state.nodes ?? []).flatMap((n) => [n.fabricPort, n.adminPort, n.ingressPort])];
    const deadline = Date.now() + 5000;
    for (const p of ports) while (Date.now() < deadline && !(await isPortFree(p))) await sleep(50);
    removeState(paths.stateFile);
    rmSync(paths.controlSocket, { force: true });
    step.succeed("playground stopped");
  } else if (state && stale) {
    await cleanupStale(state);
    note(`${sym.warn} found a stale state file (supervisor gone); cleaned it up`);
  }
  if (o.purge) {
    rmSync(dir, { recursive: true, force: true });
  }
  return { wasRunning: !!state && !stale, stale, purged: !!o.purge, pids, stateDir: dir };
}

export const stop = verb<{ purge?: boolean }, Awaited<ReturnType<typeof runStop>>>({
  path: "stop",
  group: "stack",
  summary: "stop every component (reverse order, SIGTERM then SIGKILL) and wait until the ports are free",
  options: [{ flags: "--purge", description: "also delete the state dir: Restate's data, logs and keys" }],
  examples: ["npx patterns stop", "npx patterns stop --purge"],
  run: (ctx) => runStop(ctx.opts, ctx.spinner),
  // what happened is said on stderr (the spinner, the notes); stdout carries only --json's document
  render: () => [],
  notes: (r) =>
    !r.wasRunning && !r.stale
      ? [`${c.dim(`the playground was not running (${describeStateDir(r.stateDir)})`)}${r.purged ? "; state dir deleted" : ""}`]
      : r.purged
        ? [`${sym.ok} state dir deleted`]
        : [],
});
