// `patterns machine setup|teardown|show|storm`: drive the machineOperator actor and, for the storm, prove from
// Restate's invocation records that per machine the transitions ran one at a time in arrival order while machines ran in parallel.
import { existsSync, rmSync } from "node:fs";
import { readCrashArm } from "../../services/lib/crash.js";
import { armCrash } from "../../runtime/crash.js";
import { scaleDuration } from "../../runtime/config.js";
import type { RunningStack } from "../../runtime/stack.js";
import {
  MACHINE_SYSTEM,
  MACHINE_TRANSITION_NOMINAL_MS,
  keysOverlap,
  replayMachine,
  SEED_STORM,
  serialPerKey,
  type Interval,
  type MachineAction,
  type MachineStatus,
} from "../../services/stateful-actors/model.js";
import { check, type Check } from "../../tours/types.js";
import { humanDuration } from "../../ui/output.js";
import { c, sym } from "../../ui/palette.js";
import { ingressPath, type RawCall } from "../../ui/curl.js";
import { attachOutcome, detailOf, invocationsById, ledgerWhere, sendAndAttach, suffix, transientErrors } from "../lib/calls.js";
import { calling, ingress } from "../../runtime/ingress.js";
import { MACHINE_OPERATOR, machineOperatorApi } from "../../services/stateful-actors/api.js";

export function transitionTimes(stack: RunningStack): { nominalMs: number; scaledMs: number } {
  return { nominalMs: MACHINE_TRANSITION_NOMINAL_MS, scaledMs: scaleDuration(MACHINE_TRANSITION_NOMINAL_MS, stack.state.timeScale) };
}

export interface MachineActionResult {
  machine: string;
  action: MachineAction;
  message: string;
  status: MachineStatus | null;
  invocationId?: string;
  elapsedMs: number;
  /** retryable failures Restate recorded for this invocation (the injected one shows here) */
  retries: number;
  /** how often the transition's first step ran (1 even after a failure or crash: it is replayed, not redone) */
  beginRuns: number;
  transition: { nominalMs: number; scaledMs: number };
  crash?: { step: string; fired: boolean };
  calls: RawCall[];
}

export async function machineStatus(stack: RunningStack, id: string): Promise<MachineStatus | null> {
  const answer = await calling(`reading machine ${id}`, () => ingress(stack.ingressUrl).objectClient(machineOperatorApi, id).getStatus());
  return answer.status;
}

export async function machineAction(stack: RunningStack, id: string, action: MachineAction, o: { failOnce?: boolean; crashAfter?: string } = {}): Promise<MachineActionResult> {
  if (o.crashAfter) armCrash(stack.paths, { step: o.crashAfter, when: "after" });
  const body = o.failOnce ? { failOnce: true } : undefined;
  const p = ingressPath(MACHINE_OPERATOR, id, action);
  const started = Date.now();
  let answer: { body: string; invocationId: string };
  let fired: boolean;
  try {
    answer = await sendAndAttach<string>(stack, `${action} of ${id}`, () => ingress(stack.ingressUrl).objectSendClient(machineOperatorApi, id)[action](body));
  } finally {
    fired = !!o.crashAfter && !existsSync(stack.paths.crashArm);
    if (o.crashAfter && readCrashArm(stack.paths.crashArm)?.step === o.crashAfter) rmSync(stack.paths.crashArm, { force: true });
  }
  const { body: message, invocationId } = answer;
  const elapsedMs = Date.now() - started;
  const retries = invocationId ? (await transientErrors(stack, invocationId)).length : 0;
  const beginRuns = invocationId ? ledgerWhere(stack, (e) => e.system === MACHINE_SYSTEM && e.key === id && e.action.startsWith("begin-") && detailOf(e).invocationId === invocationId).length : 0;
  return {
    machine: id,
    action,
    message,
    status: await machineStatus(stack, id),
    invocationId,
    elapsedMs,
    retries,
    beginRuns,
    transition: transitionTimes(stack),
    crash: o.crashAfter ? { step: o.crashAfter, fired } : undefined,
    calls: [body === undefined ? { method: "POST", url: `${stack.ingressUrl}${p}` } : { url: `${stack.ingressUrl}${p}`, body }],
  };
}

export function renderMachineAction(r: MachineActionResult): string[] {
  const lines = [`${c.bold(r.message)}`];
  lines.push(
    `machine ${c.id(r.machine)}  status ${r.status ?? c.dim("never set")}  ${c.dim(`took ${humanDuration(r.elapsedMs)}; a transition waits ${humanDuration(r.transition.scaledMs)} (nominal ${humanDuration(r.transition.nominalMs)}) on a durable timer`)}`,
  );
  if (r.retries) lines.push(`${sym.warn} ${r.retries} retryable failure${r.retries > 1 ? "s" : ""} (labelled [SIMULATED]); Restate retried, and the journaled first step ran ${r.beginRuns}×`);
  if (r.crash)
    lines.push(
      r.crash.fired
        ? `${sym.warn} the worker was killed after "${r.crash.step}" and restarted; the transition resumed from its journal (first step ran ${r.beginRuns}×)`
        : `${sym.warn} the crash armed after "${r.crash.step}" did not fire (that step did not run)`,
    );
  if (r.invocationId) lines.push(c.dim(`invocation ${r.invocationId}`));
  return lines;
}

// ------------------------------------------------------------------------------------------------- storm

export interface StormRequest {
  /** "a" or "b", as in the seed */
  machine: string;
  key: string;
  action: MachineAction;
  /** position in the seed's list (the order the requests were fired, all at once) */
  fired: number;
  /** the order Restate accepted them in (created_at), which is the order each machine must serve them */
  arrival: number;
  invocationId: string;
  message?: string;
  error?: string;
  startedAt?: number;
  endedAt?: number;
  createdAt?: number;
}

export interface StormResult {
  keys: Record<string, string>;
  requests: StormRequest[];
  expected: Record<string, string[]>;
  finalStatus: Record<string, MachineStatus | null>;
  transition: { nominalMs: number; scaledMs: number };
  checks: Check[];
  calls: RawCall[];
}

/**
 * The seed's five requests on run-unique machines, fired at once like the seed's backgrounded curls (one-way sends,
 * results attached afterwards). Their arrival order is the order Restate accepted them (created_at); each machine
 * must then serve its requests one at a time in that order, whatever it is.
 */
export async function machineStorm(stack: RunningStack, o: { prefix?: string } = {}): Promise<StormResult> {
  const run = o.prefix ?? suffix();
  const keys: Record<string, string> = { a: `a-${run}`, b: `b-${run}` };
  const requests: StormRequest[] = await Promise.all(
    SEED_STORM.map(async (r, fired) => {
      const key = keys[r.machine]!;
      const { invocationId } = await calling(`${r.action} of ${key}`, () => ingress(stack.ingressUrl).objectSendClient(machineOperatorApi, key)[r.action](undefined));
      return { machine: r.machine, key, action: r.action, fired, arrival: fired, invocationId };
    }),
  );
  await Promise.all(
    requests.map(async (r) => {
      const res = await attachOutcome<string>(stack, r.invocationId);
      if (res.ok) r.message = res.value;
      else r.error = `HTTP ${res.status}: ${res.message}`;
    }),
  );
  const times = await invocationsById(
    stack,
    requests.map((r) => r.invocationId),
  );
  for (const r of requests) {
    const t = times.get(r.invocationId);
    r.startedAt = t?.runningAt;
    r.endedAt = t?.completedAt;
    r.createdAt = t?.createdAt;
  }
  // equal created_at (same millisecond) cannot tell which came first: then the order they ran in stands
  [...requests].sort((x, y) => (x.createdAt ?? Infinity) - (y.createdAt ?? Infinity) || (x.startedAt ?? Infinity) - (y.startedAt ?? Infinity) || x.fired - y.fired).forEach((r, i) => (r.arrival = i));
  const expected: Record<string, string[]> = {};
  const finalStatus: Record<string, MachineStatus | null> = {};
  for (const key of Object.values(keys)) {
    const mine = requests.filter((r) => r.key === key).sort((x, y) => x.arrival - y.arrival);
    expected[key] = replayMachine(
      key,
      mine.map((r) => r.action),
    ).messages;
    finalStatus[key] = await machineStatus(stack, key);
  }
  const checks = stormChecks(requests, keys, expected, finalStatus);
  return {
    keys,
    requests,
    expected,
    finalStatus,
    transition: transitionTimes(stack),
    checks,
    calls: requests.map((r) => ({ method: "POST" as const, url: `${stack.ingressUrl}${ingressPath(MACHINE_OPERATOR, r.key, r.action)}` })),
  };
}

export function stormChecks(requests: StormRequest[], keys: Record<string, string>, expected: Record<string, string[]>, finalStatus: Record<string, MachineStatus | null>): Check[] {
  const checks: Check[] = [];
  const failed = requests.filter((r) => r.error || r.startedAt === undefined || r.endedAt === undefined);
  checks.push(
    check("all five requests completed", failed.length === 0, failed.length ? failed.map((r) => `${r.key}/${r.action}: ${r.error ?? "no timings"}`).join("; ") : "5 answers, timings from Restate"),
  );
  if (failed.length) return checks;
  const intervals: Interval[] = requests.map((r) => ({ id: `${r.key}/${r.action}#${r.arrival + 1}`, key: r.key, arrivedAt: r.arrival, startedAt: r.startedAt!, endedAt: r.endedAt! }));
  const serial = serialPerKey(intervals);
  checks.push(
    check(
      "per machine, one transition at a time",
      serial.serial,
      serial.serial ? "no two invocations of one key overlapped (running_at → completed_at)" : `overlapping: ${serial.overlaps.join("; ")}`,
    ),
  );
  checks.push(
    check(
      "per machine, in arrival order",
      serial.inArrivalOrder,
      serial.inArrivalOrder ? "each key's invocations started in the order Restate accepted them" : `out of order: ${serial.outOfOrder.join(", ")}`,
    ),
  );
  // the storm only proves something if requests really waited for each other on a machine
  const queued = Object.values(keys).map((k) => {
    const mine = requests.filter((r) => r.key === k).sort((x, y) => x.arrival - y.arrival);
    return mine.slice(1).filter((r, i) => (r.createdAt ?? Infinity) < mine[i]!.endedAt!).length;
  });
  const allQueued = queued.every((n) => n > 0);
  checks.push(check("requests queued behind the same machine", allQueued, `${keys.a}: ${queued[0]} of 1, ${keys.b}: ${queued[1]} of 2 arrived while the previous one was still running`));
  const parallel = keysOverlap(intervals, keys.a!, keys.b!);
  checks.push(check("different machines ran in parallel", parallel, parallel ? `${keys.a} and ${keys.b} were transitioning at the same time` : `${keys.a} and ${keys.b} never overlapped`));
  const mismatches: string[] = [];
  for (const key of Object.values(keys)) {
    const got = requests
      .filter((r) => r.key === key)
      .sort((x, y) => x.arrival - y.arrival)
      .map((r) => r.message);
    (expected[key] ?? []).forEach((m, i) => {
      if (got[i] !== m) mismatches.push(`${key} #${i + 1}: got "${got[i]}", expected "${m}"`);
    });
  }
  checks.push(check("answers match a one-at-a-time replay", mismatches.length === 0, mismatches.length ? mismatches.join("; ") : "as if the requests of each machine ran sequentially"));
  const finals = Object.values(keys).map((k) => `${k}=${finalStatus[k]}`);
  const replayed = Object.values(keys).map(
    (k) =>
      replayMachine(
        k,
        requests
          .filter((r) => r.key === k)
          .sort((x, y) => x.arrival - y.arrival)
          .map((r) => r.action),
      ).status,
  );
  const finalOk = Object.values(keys).every((k, i) => finalStatus[k] === replayed[i]);
  checks.push(check("final states match the replay", finalOk, `${finals.join(", ")}; replay: ${replayed.join(", ")}`));
  return checks;
}

export function renderStorm(r: StormResult, width = 40): string[] {
  const t0 = Math.min(...r.requests.map((x) => x.createdAt ?? x.startedAt ?? Infinity));
  const t1 = Math.max(...r.requests.map((x) => x.endedAt ?? 0));
  const span = Math.max(1, t1 - t0);
  const col = (t: number) => Math.min(width, Math.max(0, Math.round(((t - t0) / span) * width)));
  const lines = [c.dim(`machines ${r.keys.a} and ${r.keys.b}; each transition waits ${humanDuration(r.transition.scaledMs)} (nominal ${humanDuration(r.transition.nominalMs)})`)];
  const sorted = [...r.requests].sort((x, y) => x.key.localeCompare(y.key) || x.arrival - y.arrival);
  for (const x of sorted) {
    let bar = " ".repeat(width);
    if (x.startedAt !== undefined && x.endedAt !== undefined) {
      const q = col(x.createdAt ?? x.startedAt);
      const s = col(x.startedAt);
      const e = Math.max(s + 1, col(x.endedAt));
      bar = " ".repeat(q) + "·".repeat(s - q) + "█".repeat(Math.min(width, e) - s) + " ".repeat(Math.max(0, width - Math.min(width, e)));
    }
    const when = x.startedAt !== undefined && x.endedAt !== undefined ? `${((x.startedAt - t0) / 1000).toFixed(1)}–${((x.endedAt - t0) / 1000).toFixed(1)} s` : "-";
    lines.push(`#${x.arrival + 1} ${x.key.padEnd(10)} ${x.action.padEnd(8)} |${bar}| ${when.padEnd(11)} ${x.message ?? c.fail(x.error ?? "")}`);
  }
  lines.push(c.dim(`${"".padEnd(23)} · queued behind the same machine   █ running`));
  return lines;
}

export function renderChecks(checks: Check[]): string[] {
  return checks.map((x) => `${x.ok ? sym.ok : sym.fail} ${x.name}${x.detail ? c.dim(` — ${x.detail}`) : ""}`);
}
