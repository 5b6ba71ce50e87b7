// Patterns of the "custom" group (see src/services/custom/): durable promises, a priority queue and a rate limiter,
// each built from Restate primitives. Each demo runs for real on run-unique names and checks Restate's records,
// object state or the simulated-systems ledger.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { eventually, invocation } from "../observe/index.js";
import { ingressFetch } from "../runtime/ingress.js";
import type { RunningStack } from "../runtime/stack.js";
import { durablePromise } from "../clients/durable-promise.js";
import { DEFAULT_MAX_IN_FLIGHT } from "../services/custom/priority-queue-logic.js";
import { RL_SYSTEM } from "../services/custom/names.js";
import { readLedger } from "../services/lib/simulated.js";
import { addItems, configureQueue, peakConcurrency, queueRuns, queueStatus, waitDrained } from "../commands/custom/pq.js";
import { resolvePromise, rejectPromise, type AwaitResult } from "../commands/custom/promise.js";
import { limiterState, runTasks, setRate } from "../commands/custom/ratelimit.js";
import { humanDuration } from "../ui/output.js";
import { check, type Check, type PatternEntry } from "./types.js";

const suffix = () => randomBytes(3).toString("hex");
const cliPath = fileURLToPath(new URL("../../bin/patterns.js", import.meta.url));

/** `patterns promise await <name> --json` in a separate process, as a user in another terminal would run it. */
function awaiterProcess(stack: RunningStack, name: string): Promise<AwaitResult & { exitCode: number; childPid: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, "promise", "await", name, "--json", "--timeout", "180s", "--state-dir", stack.paths.root], {
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("exit", (code) => {
      try {
        resolve({ ...(JSON.parse(out) as AwaitResult), exitCode: code ?? 1, childPid: child.pid ?? -1 });
      } catch {
        reject(new Error(`awaiter process exited ${code} without a JSON answer: ${err.trim().split("\n").at(-1) ?? ""}`));
      }
    });
  });
}

function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> {
  return eventually(what, fn, { timeoutMs, everyMs: 250 });
}

const durablePromises: PatternEntry = {
  name: "durable-promises",
  title: "Durable promises",
  category: "custom",
  summary: "a promise that lives in Restate: awaiters in any process, before or after, get the one outcome; the first completion wins",
  guarantee:
    "A keyed object holds the outcome and the awakeable ids of the awaiters; it runs one call at a time per promise, so the first " +
    "resolve or reject wins and every later one gets the stored outcome. An awaiter is a suspended invocation, not a process: " +
    "it outlives restarts of the worker, of Restate and of the process that asked.",
  services: ["durablePromiseServer", "durablePromises"],
  verbs: ["promise await <name>", "promise resolve <name> <json>", "promise reject <name> <message>", "promise peek <name>"],
  async demo(ctx) {
    const { stack, say } = ctx;
    const name = `prom-${suffix()}`;
    const value = { winner: "first", token: suffix() };
    const handle = durablePromise<typeof value>(name, stack.ingressUrl);
    say(`promise ${name}: two awaiter processes start before it is resolved`);
    const before = [awaiterProcess(stack, name), awaiterProcess(stack, name)];
    const registered = await until("two awaiters to register", async () => {
      const i = await handle.info();
      return i.waiting >= 2 ? i : undefined;
    });
    const first = await resolvePromise(stack.ingressUrl, name, value);
    const second = await resolvePromise(stack.ingressUrl, name, { winner: "second" });
    const rejected = await rejectPromise(stack.ingressUrl, name, "too late");
    say(`resolved with ${JSON.stringify(value)}; a second resolve and a reject got ${JSON.stringify(second.value)} and ${JSON.stringify(rejected.value)}`);
    say("one more awaiter process starts after the resolution");
    const after = awaiterProcess(stack, name);
    const results = await Promise.all([...before, after]);
    const info = await handle.info();
    const same = (v: unknown) => JSON.stringify(v) === JSON.stringify(value);
    const pids = new Set(results.map((r) => r.pid));
    const checks: Check[] = [
      check("the awaiters started before were registered with the promise", registered.waiting >= 2 && registered.state === "pending", `${registered.waiting} waiting while pending`),
      check("the first resolve won", first.won && same(first.value), `stored ${JSON.stringify(first.value)}`),
      check("a later resolve and a reject get the stored value", same(second.value) && !second.won && rejected.state === "resolved" && same(rejected.value), `second resolve → ${JSON.stringify(second.value)}, reject → ${JSON.stringify(rejected.value)}`),
      check(
        "every awaiter, before and after, got the same value",
        results.length === 3 && results.every((r) => r.state === "resolved" && same(r.value) && r.exitCode === 0),
        results.map((r) => `pid ${r.pid}: ${JSON.stringify(r.value)} after ${humanDuration(r.waitedMs)}`).join("; "),
      ),
      check("the awaiters were three different processes", pids.size === 3 && !pids.has(process.pid), [...pids].join(", ")),
      check("the object counted three awaiters notified, none left waiting", info.notified === 3 && info.waiting === 0 && info.state === "resolved", `notified ${info.notified}, waiting ${info.waiting}`),
    ];
    return { checks, data: { name, value, awaiters: results.map((r) => ({ pid: r.pid, value: r.value, waitedMs: r.waitedMs }))} };
  },
};

const priorityQueue: PatternEntry = {
  name: "priority-queue",
  title: "Priority queue",
  category: "custom",
  summary: "an object hands out permits as awakeables: at most N calls in flight, lowest priority number first, cancelled waiters removed",
  guarantee:
    "Each call of myService/expensiveMethod creates an awakeable, pushes it onto a queue object and suspends. The object resolves " +
    "awakeables while fewer than N are in flight, lowest priority number first (first come, first served within a priority). " +
    "A finished call gives its permit back; a cancelled waiter is dropped from the queue.",
  services: ["myService", "priorityQueue"],
  verbs: ["pq add --count 30 --priority 2", "pq status", "pq max <n>"],
  async demo(ctx) {
    const { stack, say } = ctx;
    const queue = `pq-${suffix()}`;
    say(`queue ${queue}: held at 0 in flight while 4 calls of priority 5 and then 3 of priority 1 arrive`);
    await configureQueue(stack, queue, 0);
    const low = await addItems(stack, { count: 4, priority: 5, queue, workMs: 1000, labelPrefix: `${queue}-low` });
    const high = await addItems(stack, { count: 3, priority: 1, queue, workMs: 1000, labelPrefix: `${queue}-high` });
    const held = await queueStatus(stack, queue);
    await configureQueue(stack, queue, 1);
    say("released one at a time");
    const order = await waitDrained(stack, queue, [...low.items, ...high.items].map((i) => i.label), { timeoutMs: 180_000 });
    const priorities = order.runs.map((r) => r.priority);

    say(`then 12 calls with at most 4 in flight`);
    await configureQueue(stack, queue, 0);
    const many = await addItems(stack, { count: 12, priority: 2, queue, workMs: 1500, labelPrefix: `${queue}-many` });
    const released = await configureQueue(stack, queue, 4);
    const capRun = await waitDrained(stack, queue, many.items.map((i) => i.label), { timeoutMs: 180_000 });
    const peak = peakConcurrency(capRun.runs);

    say("and a waiter cancelled while queued");
    await configureQueue(stack, queue, 0);
    const victims = await addItems(stack, { count: 2, priority: 3, queue, workMs: 500, labelPrefix: `${queue}-cancel` });
    const beforeCancel = await queueStatus(stack, queue);
    await stack.admin.cancelInvocation(victims.items[0]!.invocationId);
    const afterCancel = await until("the cancelled waiter to leave the queue", async () => {
      const s = await queueStatus(stack, queue);
      return s.dropped > beforeCancel.dropped ? s : undefined;
    });
    await configureQueue(stack, queue, DEFAULT_MAX_IN_FLIGHT);
    await waitDrained(stack, queue, [victims.items[1]!.label], { timeoutMs: 60_000 });
    const cancelledRan = queueRuns(stack.paths.root, queue).some((r) => r.label === victims.items[0]!.label);
    const cancelledRow = await invocation(stack.admin, victims.items[0]!.invocationId);

    const checks: Check[] = [
      check("held at 0 in flight, every call waited in the queue", held.inFlight === 0 && held.queued === 7, `${held.queued} queued (${held.byPriority.map((p) => `priority ${p.priority}: ${p.count}`).join(", ")})`),
      check("lower priority numbers were served first", priorities.join(",") === "1,1,1,5,5,5,5", `start order (ledger): ${priorities.join(", ")}`),
      check("releasing 4 permits let exactly 4 run", released.inFlight === 4 && released.queued === 8, `after max=4: ${released.inFlight} in flight, ${released.queued} queued`),
      check("never more than 4 ran at once, and 4 did run together", peak === 4, `at most ${peak} computations overlapped (ledger start/end)`),
      check(
        "a cancelled waiter was removed and never ran",
        afterCancel.queued === beforeCancel.queued - 1 && !cancelledRan && (!cancelledRow || cancelledRow.status === "completed"),
        `queued ${beforeCancel.queued} → ${afterCancel.queued}, dropped ${afterCancel.dropped}; invocation ${cancelledRow ? `${cancelledRow.status} ${cancelledRow.completion_failure ?? ""}`.trim() : "gone"}`,
      ),
    ];
    return { checks, data: { queue, order: order.runs.map((r) => ({ label: r.label, priority: r.priority })), peak } };
  },
};

const rateLimiter: PatternEntry = {
  name: "rate-limiter",
  title: "Rate limiting: token bucket",
  category: "custom",
  summary: "Limiter/{name} is a token bucket (limit per second, burst); LimitedTask/RunTask waits for a token on a durable timer",
  guarantee:
    "The bucket lives in a keyed object, so reservations are taken one at a time; its maths runs inside a journaled step, so a retry " +
    "takes the same decision. A task that has to wait sleeps on a durable timer rather than holding anything. " +
    "Before a rate is set, every call is refused with 429.",
  services: ["Limiter", "LimitedTask"],
  verbs: ["ratelimit set <limit> <burst>", "ratelimit run --count 10", "ratelimit status"],
  async demo(ctx) {
    const { stack, say } = ctx;
    const name = `limiter-${suffix()}`;
    const rate = 2;
    const count = 8;
    say(`limiter ${name}: a call before any rate is set`);
    const refused = await ingressFetch<{ message?: string }>(stack.ingressUrl, "/LimitedTask/RunTask", { body: { limiter: name }, timeoutMs: 60_000 });
    await setRate(stack, name, rate, 1);
    say(`rate ${rate}/s, burst 1; ${count} tasks fired at once`);
    const report = await runTasks(stack, name, count);
    const state = await limiterState(stack, name);
    const acts = report.tasks.map((t) => t.actAt).sort((a, b) => a - b);
    const minGap = Math.min(...acts.slice(1).map((t, i) => t - acts[i]!));
    const ledger = readLedger(stack.paths.root, { system: RL_SYSTEM, key: name });
    const admitted = report.admitted?.perSecond ?? 0;
    const checks: Check[] = [
      check("a call before SetRate is refused with 429 and says to set a rate", refused.status === 429 && /SetRate/.test(String(refused.body?.message)), `HTTP ${refused.status}: ${refused.body?.message ?? refused.text}`),
      check("the limiter never let two tasks act closer than 1/rate", minGap >= 1000 / rate - 5, `smallest gap between scheduled starts ${Math.round(minGap)} ms (1/rate = ${1000 / rate} ms)`),
      // the lower bound is loose on purpose: a loaded machine delays completions, it cannot speed them up
      check(`completions follow the configured ${rate}/s (generous tolerance)`, admitted >= rate * 0.3 && admitted <= rate * 1.5, `admitted ${admitted.toFixed(2)}/s over ${report.admitted?.events ?? 0} tasks after the burst`),
      check("each task ran exactly once", ledger.length === count, `${ledger.length} runs in the ledger for ${name}`),
      check("the bucket is stored in the object", state?.limit === rate && state.burst === 1, `state: limit ${state?.limit}, burst ${state?.burst}`),
    ];
    return { checks, data: { limiter: name, rate, admitted: report.admitted, scheduled: report.scheduled, totalMs: report.totalMs } };
  },
};

export const patterns: PatternEntry[] = [durablePromises, priorityQueue, rateLimiter];
