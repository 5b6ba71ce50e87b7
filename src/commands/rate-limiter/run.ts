// Runners of `patterns ratelimit set|run|status`: SetRate and State on Limiter/{name}, and a burst of
// LimitedTask/RunTask calls whose completion times show the admitted rate.
import { calling, ingress } from "../../runtime/ingress.js";
import { sendAndAttach } from "../lib/calls.js";
import { LIMITED_TASK, LIMITER, limitedTaskApi, limiterApi } from "../../services/rate-limiter/api.js";
import type { RunningStack } from "../../runtime/stack.js";
import { PlaygroundError } from "../../errors.js";
import { readLedger } from "../../services/lib/simulated.js";
import { DEFAULT_LIMITER, RL_SYSTEM } from "../../services/rate-limiter/names.js";
import { admittedRate } from "../../services/rate-limiter/token-bucket.js";
import type { LimiterState, LimiterView, RunTaskResult } from "../../services/rate-limiter/api.js";
import type { RawCall } from "../../ui/curl.js";

export { LIMITED_TASK, LIMITER };

export function limiterPath(name: string, handler: string): string {
  return `/${LIMITER}/${encodeURIComponent(name)}/${handler}`;
}

export function setRateCall(ingressUrl: string, name: string, limit: number, burst: number): RawCall {
  return { url: `${ingressUrl}${limiterPath(name, "SetRate")}`, body: { limit, burst } };
}

/** The seed's `curl localhost:8080/LimitedTask/RunTask` for the default limiter; a body naming the limiter otherwise. */
export function runTaskCall(ingressUrl: string, name: string): RawCall {
  return name === DEFAULT_LIMITER ? { method: "POST", url: `${ingressUrl}/${LIMITED_TASK}/RunTask` } : { url: `${ingressUrl}/${LIMITED_TASK}/RunTask`, body: { limiter: name } };
}

export async function setRate(stack: RunningStack, name: string, limit: number, burst: number): Promise<LimiterState> {
  return calling(`${LIMITER}/${name}/SetRate`, () => ingress(stack.ingressUrl).objectClient(limiterApi, name).SetRate({ limit, burst }));
}

export async function limiterState(stack: RunningStack, name: string): Promise<LimiterView | null> {
  return (await calling(`${LIMITER}/${name}/State`, () => ingress(stack.ingressUrl).objectClient(limiterApi, name).State())) ?? null;
}

export interface TaskRun extends RunTaskResult {
  n: number;
  invocationId?: string;
  /** ms after the first call was sent */
  doneAfterMs: number;
}

export interface RunReport {
  limiter: string;
  count: number;
  limit: number;
  burst: number;
  tasks: TaskRun[];
  /** measured from when each task ran (journaled in the task), after the burst */
  admitted?: { perSecond: number; events: number; spanMs: number };
  /** the limiter's own schedule: when it let each task act */
  scheduled?: { perSecond: number; events: number; spanMs: number };
  totalMs: number;
}

async function runOne(stack: RunningStack, name: string): Promise<{ body: RunTaskResult; invocationId?: string }> {
  // the seed's call carries no body: the default limiter is named by leaving it out (the schema reads nothing as {})
  const input = name === DEFAULT_LIMITER ? (undefined as unknown as { limiter?: string }) : { limiter: name };
  return sendAndAttach<RunTaskResult>(stack, `${LIMITED_TASK}/RunTask (limiter ${name})`, () => ingress(stack.ingressUrl).serviceSendClient(limitedTaskApi).RunTask(input));
}

/** Fire count RunTask calls at once and wait for all; the limiter spaces them out. */
export async function runTasks(stack: RunningStack, name: string, count: number, onDone?: (t: TaskRun) => void): Promise<RunReport> {
  const state = await limiterState(stack, name);
  if (!state) {
    // let the task say it, as a user's curl would see it (429 with the fix)
    await runOne(stack, name);
    throw new PlaygroundError(`limiter ${name} has no rate set`, `set one: npx patterns ratelimit set 1 1${name === DEFAULT_LIMITER ? "" : ` --limiter ${name}`}`);
  }
  const started = Date.now();
  const settled = await Promise.allSettled(
    Array.from({ length: count }, async (_, i) => {
      const r = await runOne(stack, name);
      const t: TaskRun = { n: i + 1, ...r.body, invocationId: r.invocationId, doneAfterMs: Date.now() - started };
      onDone?.(t);
      return t;
    }),
  );
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) throw failed.reason instanceof Error ? failed.reason : new PlaygroundError(String(failed.reason));
  const tasks = settled.map((s) => (s as PromiseFulfilledResult<TaskRun>).value).sort((a, b) => a.doneAt - b.doneAt);
  return {
    limiter: name,
    count,
    limit: state.limit,
    burst: state.burst,
    tasks,
    admitted: admittedRate(
      tasks.map((t) => t.doneAt),
      state.burst,
    ),
    scheduled: admittedRate(
      tasks.map((t) => t.actAt),
      state.burst,
    ),
    totalMs: Date.now() - started,
  };
}

export interface StatusReport {
  limiter: string;
  state: LimiterView | null;
  /** tasks run under this limiter (ledger) */
  runs: number;
  lastRunAt?: string;
  /** admitted rate over the most recent runs (up to 20), from the ledger */
  recent?: { perSecond: number; events: number; spanMs: number };
}

export async function limiterStatus(stack: RunningStack, name: string): Promise<StatusReport> {
  const state = await limiterState(stack, name);
  const runs = readLedger(stack.paths.root, { system: RL_SYSTEM, key: name });
  // the latest stretch of runs (a gap much longer than the limiter's spacing starts a new one), at most 20
  const times = runs.map((e) => Date.parse(e.at)).sort((a, b) => a - b);
  const maxGap = state && state.limit > 0 ? 2000 / state.limit + 2000 : 5000;
  let from = times.length - 1;
  while (from > 0 && times.length - from < 20 && times[from]! - times[from - 1]! <= maxGap) from--;
  const recentTimes = times.slice(Math.max(0, from));
  return {
    limiter: name,
    state,
    runs: runs.length,
    lastRunAt: runs.at(-1)?.at,
    recent: state ? admittedRate(recentTimes, Math.min(state.burst, Math.max(1, recentTimes.length - 1))) : undefined,
  };
}
