// CLI verbs of the "custom" group: constructs built from Restate primitives, as declarations (src/commands/verb.ts).
//   promise await|resolve|reject|peek <name>   durable promises, through the client library
//   pq add|status|max                          the priority queue in front of myService/expensiveMethod
//   ratelimit set|run|status                   the token-bucket limiter of LimitedTask/RunTask (alias: limit)
import { UsageError } from "../errors.js";
import { durationOption, intOption } from "./common.js";
import { humanDuration, shortId, table } from "../ui/output.js";
import { c, sym } from "../ui/palette.js";
import { scaleDuration } from "../runtime/config.js";
import { DEFAULT_MAX_IN_FLIGHT, DEFAULT_QUEUE, NOMINAL_WORK_MS, type QueueSummary } from "../services/priority-queue/logic.js";
import { DEFAULT_LIMITER } from "../services/rate-limiter/names.js";
import { parseRate } from "../services/rate-limiter/token-bucket.js";
import {
  awaitPromise,
  describeOutcome,
  parseJsonValue,
  peekPromise,
  promiseCall,
  rejectPromise,
  resolvePromise,
  validatePromiseName,
  type AwaitResult,
  type CompleteResult,
  type PeekResult,
} from "./custom/promise.js";
import { addCall, addItems, configureQueue, expensiveBody, peakConcurrency, queuePath, queueRuns, queueStatus, waitDrained, type AddResult, type RunRecord } from "./custom/pq.js";
import { verb, verbGroup, type Declaration, type VerbContext } from "./verb.js";
import { limiterPath, limiterStatus, runTaskCall, runTasks, setRate, setRateCall, type RunReport, type StatusReport } from "./custom/ratelimit.js";

// ---------------------------------------------------------------- durable promises

function renderComplete(r: CompleteResult): string[] {
  const asked = r.asked.error !== undefined ? `reject with ${JSON.stringify(r.asked.error)}` : `resolve with ${JSON.stringify(r.asked.value)}`;
  return r.won
    ? [`${sym.ok} promise ${c.id(r.name)} ${describeOutcome(r)}`]
    : [`${sym.warn} promise ${c.id(r.name)} was already completed: it stays ${describeOutcome(r)} ${c.dim(`(this call asked to ${asked}; the first completion wins)`)}`];
}

const PROMISE_NAME = { name: "<name>", description: "the promise's name" };

const promise = verbGroup({
  path: "promise",
  group: "patterns",
  summary: "durable promises: await in any process (across restarts), resolve or reject once — the first completion wins",
  examples: [
    "npx patterns promise await prom-1            # blocks until someone completes it",
    `npx patterns promise resolve prom-1 '{"name":"Barack","email":"b@whitehouse.gov"}'`,
    `npx patterns promise reject prom-2 "help!"`,
    "npx patterns promise peek prom-1 --json",
  ],
});

const promiseAwait = verb({
  path: "promise await",
  summary: "wait until the promise is resolved or rejected (survives restarts of Restate and the worker)",
  args: [PROMISE_NAME],
  options: [{ flags: "--timeout <duration>", description: "give up waiting after this long (the promise stays pending; await again later)", parse: durationOption("--timeout") }],
  examples: ["npx patterns promise await prom-1", "npx patterns promise await prom-1 --timeout 30s --json"],
  async run(ctx: VerbContext<{ timeout?: number }>, nameArg: string) {
    const o = ctx.opts;
    const name = validatePromiseName(nameArg);
    if (o.timeout !== undefined && o.timeout <= 0) throw new UsageError("--timeout must be longer than 0", "for example --timeout 30s");
    const stack = ctx.stack();
    const spin = ctx.spinner(`awaiting promise ${name}${o.timeout ? ` (up to ${humanDuration(o.timeout)})` : ""}…`);
    let r: AwaitResult;
    try {
      r = await awaitPromise(stack.ingressUrl, name, o.timeout);
    } catch (e) {
      spin.fail(`promise ${name} was not completed`);
      throw e;
    }
    if (r.state === "resolved") spin.succeed(`promise ${name} ${describeOutcome(r)} after ${humanDuration(r.waitedMs)}`);
    else spin.fail(`promise ${name} ${describeOutcome(r)}`);
    ctx.equivalent(promiseCall(stack.ingressUrl, "await", { promiseName: name }));
    return r;
  },
  render: (x) => (x.state === "resolved" ? JSON.stringify(x.value) : `${sym.fail} rejected: ${x.error}`),
  // a rejected promise is the awaited outcome, but a failed one: scripts see exit 1
  exitCode: (r) => (r.state === "rejected" ? 1 : 0),
});

const promiseResolve = verb({
  path: "promise resolve",
  summary: "complete the promise with a value; if it was already completed, you get the stored outcome",
  args: [PROMISE_NAME, { name: "<json>", description: "the value, as JSON (quote strings: '\"hello\"')" }],
  examples: [`npx patterns promise resolve prom-1 '{"name":"Barack"}'`, `npx patterns promise resolve prom-1 '"hello"' --json`],
  async run(ctx, nameArg: string, raw: string) {
    const name = validatePromiseName(nameArg);
    const value = parseJsonValue(raw);
    const stack = ctx.stack();
    const r = await resolvePromise(stack.ingressUrl, name, value);
    ctx.equivalent(promiseCall(stack.ingressUrl, "resolve", { promiseName: name, value }));
    return r;
  },
  render: renderComplete,
});

const promiseReject = verb({
  path: "promise reject",
  summary: "complete the promise with an error; if it was already completed, you get the stored outcome",
  args: [PROMISE_NAME, { name: "<message>", description: "the error message awaiters get" }],
  examples: [`npx patterns promise reject prom-2 "help!"`, `npx patterns promise reject prom-2 "no seats left" --json`],
  async run(ctx, nameArg: string, message: string) {
    const name = validatePromiseName(nameArg);
    if (message.trim() === "") throw new UsageError("the error message is empty", `give a reason, e.g. patterns promise reject ${name} "help!"`);
    const stack = ctx.stack();
    const r = await rejectPromise(stack.ingressUrl, name, message);
    ctx.equivalent(promiseCall(stack.ingressUrl, "reject", { promiseName: name, errorMessage: message }));
    return r;
  },
  render: renderComplete,
});

const promisePeek = verb({
  path: "promise peek",
  summary: "look at the promise without waiting: pending, resolved or rejected, and how many awaiters it has",
  args: [PROMISE_NAME],
  examples: ["npx patterns promise peek prom-1", "npx patterns promise peek prom-1 --json"],
  async run(ctx, nameArg: string) {
    const name = validatePromiseName(nameArg);
    const stack = ctx.stack();
    const r = await peekPromise(stack.ingressUrl, name);
    ctx.equivalent(promiseCall(stack.ingressUrl, "peek", { promiseName: name }));
    return r;
  },
  render: (x: PeekResult) => [
    `${c.bold("promise")}   ${c.id(x.name)}`,
    `state     ${x.state === "pending" ? c.warn("pending") : x.state === "resolved" ? c.ok("resolved") : c.fail("rejected")}`,
    ...(x.state === "resolved" ? [`value     ${JSON.stringify(x.value)}`] : x.state === "rejected" ? [`error     ${x.error}`] : []),
    ...(x.completedAt ? [`completed ${x.completedAt}`] : []),
    `awaiters  ${x.waiting} waiting, ${x.notified} notified`,
  ],
});

// ---------------------------------------------------------------- priority queue

function validateQueueName(q: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/.test(q)) throw new UsageError(`queue name "${q}" is not valid`, `use letters, digits, '.', '_', ':', '/' or '-', e.g. --queue ${DEFAULT_QUEUE}`);
  return q;
}

function renderQueue(queue: string, s: QueueSummary): string[] {
  const lines = [
    `${c.bold("queue")}      ${c.id(queue)}`,
    `in flight  ${s.inFlight >= s.maxInFlight && s.maxInFlight > 0 ? c.warn(String(s.inFlight)) : s.inFlight} of at most ${s.maxInFlight}`,
    `queued     ${s.queued}${s.byPriority.length ? c.dim(`  (${s.byPriority.map((p) => `priority ${p.priority}: ${p.count}`).join(", ")})`) : ""}`,
    `served     ${s.served} permits so far${s.dropped ? `, ${s.dropped} cancelled waiter(s) removed` : ""}`,
  ];
  if (s.inFlightItems.length) {
    lines.push(c.dim("running (priority · label · since)"));
    for (const p of s.inFlightItems) lines.push(`  ${p.priority}  ${p.label ?? shortId(p.invocationId ?? p.awakeableId)}  ${c.dim(humanDuration(Date.now() - p.grantedAt))}`);
  }
  if (s.queuedItems.length) {
    lines.push(c.dim("next in line (lowest priority number first)"));
    for (const i of s.queuedItems.slice(0, 10)) lines.push(`  ${i.priority}  ${i.label ?? shortId(i.invocationId ?? i.awakeableId)}`);
    if (s.queuedItems.length > 10) lines.push(c.dim(`  … and ${s.queuedItems.length - 10} more`));
  }
  return lines;
}

interface AddReport extends AddResult {
  workMs: number;
  nominalWorkMs?: number;
  drained?: { peakInFlight: number; peakSeenInFlight: number; order: { label: string; priority: number; startedAfterMs: number; ranMs?: number }[] };
}

const QUEUE_OPTION = { flags: "--queue <name>", description: "which queue", default: DEFAULT_QUEUE };

const pq = verbGroup({
  path: "pq",
  group: "patterns",
  summary: "priority queue: at most N calls of myService/expensiveMethod in flight (default 10), lowest priority number first",
  examples: ["npx patterns pq add --count 30 --priority 2", "npx patterns pq add --count 3 --priority 1", "npx patterns pq status", "npx patterns pq max 5"],
});

const pqAdd = verb({
  path: "pq add",
  summary: "send calls to myService/expensiveMethod (one-way, as the seed's curl loop does); each waits for a permit",
  options: [
    { flags: "--count <n>", description: "how many calls", parse: intOption("--count", 1, 200), default: 1 },
    { flags: "--priority <n>", description: "their priority: lower numbers are served first", parse: intOption("--priority", -1000, 1000), default: 1 },
    { flags: "--queue <name>", description: "which queue guards them", default: DEFAULT_QUEUE },
    { flags: "--work <duration>", description: "how long each computation works (default: the seed's 5 s, time-scaled)", parse: durationOption("--work") },
    { flags: "--max-in-flight <n>", description: "set the queue's in-flight maximum first", parse: intOption("--max-in-flight", 0, 1000) },
    { flags: "--wait", description: "stay until these calls have run; show the order and the most that ran at once" },
  ],
  examples: [
    "npx patterns pq add --count 30 --priority 2",
    "npx patterns pq add --count 3 --priority 1 --json",
    "npx patterns pq add --count 12 --max-in-flight 3 --work 2s --wait",
  ],
  async run(ctx: VerbContext<{ count: number; priority: number; queue: string; work?: number; maxInFlight?: number; wait?: boolean }>) {
    const o = ctx.opts;
    const queue = validateQueueName(o.queue);
    if (o.work !== undefined && o.work > 600_000) throw new UsageError("--work must be at most 10m", "for example --work 2s");
    const stack = ctx.stack();
    if (o.maxInFlight !== undefined) await configureQueue(stack, queue, o.maxInFlight);
    const workMs = o.work ?? scaleDuration(NOMINAL_WORK_MS, stack.state.timeScale);
    const added = await addItems(stack, { count: o.count, priority: o.priority, queue, workMs: o.work });
    const report: AddReport = { ...added, workMs, ...(o.work === undefined ? { nominalWorkMs: NOMINAL_WORK_MS } : {}) };
    if (o.wait) {
      const spin = ctx.spinner(`waiting for ${o.count} call(s) on queue ${queue}…`);
      const drained = await waitDrained(stack, queue, added.items.map((i) => i.label), {
        onStatus: (s, done) => spin.update(`queue ${queue}: ${done}/${o.count} done · ${s.inFlight}/${s.maxInFlight} in flight · ${s.queued} queued`),
      });
      spin.succeed(`${o.count} call(s) done`);
      const t0 = Math.min(...drained.runs.map((r) => r.start));
      report.drained = {
        peakInFlight: peakConcurrency(drained.runs),
        peakSeenInFlight: drained.peakSeenInFlight,
        order: drained.runs.map((r: RunRecord) => ({ label: r.label, priority: r.priority, startedAfterMs: r.start - t0, ranMs: r.end !== undefined ? r.end - r.start : undefined })),
      };
      report.status = await queueStatus(stack, queue);
    }
    ctx.equivalent(addCall(stack.ingressUrl, expensiveBody({ count: o.count, priority: o.priority, queue, workMs: o.work }, 1, "<label>")));
    return report;
  },
  render: (r) => [
    `${sym.ok} sent ${r.count} call(s) with priority ${r.priority} to queue ${c.id(r.queue)} ${c.dim(
      `(each works ${humanDuration(r.workMs)}${r.nominalWorkMs ? ` real = ${humanDuration(r.nominalWorkMs)} nominal` : ""})`,
    )}`,
    ...(r.drained
      ? [
          `ran at most ${c.bold(String(r.drained.peakInFlight))} at once (limit ${r.status.maxInFlight}); start order:`,
          ...table(
            ["#", "priority", "label", "started", "ran"],
            r.drained.order.map((x, i) => [String(i + 1), String(x.priority), x.label, `+${humanDuration(x.startedAfterMs)}`, x.ranMs !== undefined ? humanDuration(x.ranMs) : "-"]),
          ).map((l) => `  ${l}`),
        ]
      : renderQueue(r.queue, r.status)),
  ],
});

const pqStatus = verb({
  path: "pq status",
  summary: "what the queue is doing: in flight, queued by priority, served and cancelled so far",
  options: [QUEUE_OPTION],
  examples: ["npx patterns pq status", "npx patterns pq status --json"],
  async run(ctx: VerbContext<{ queue: string }>) {
    const queue = validateQueueName(ctx.opts.queue);
    const stack = ctx.stack();
    const s = await queueStatus(stack, queue);
    const runs = queueRuns(stack.paths.root, queue);
    ctx.equivalent({ method: "POST", url: `${stack.ingressUrl}${queuePath(queue, "status")}` });
    return {
      queue,
      ...s,
      completed: runs.filter((r) => r.end !== undefined).length,
      peakInFlight: peakConcurrency(runs),
      // the latest computations in the order they started (ledger)
      recent: runs.slice(-50).map((r) => ({ label: r.label, priority: r.priority, start: new Date(r.start).toISOString(), ...(r.end !== undefined ? { end: new Date(r.end).toISOString() } : {}) })),
    };
  },
  render: (d) => [...renderQueue(d.queue, d), c.dim(`completed ${d.completed} computations; at most ${d.peakInFlight} ran at once (simulated-systems ledger)`)],
});

const pqMax = verb({
  path: "pq max",
  summary: `set the queue's in-flight maximum (default ${DEFAULT_MAX_IN_FLIGHT})`,
  args: [{ name: "<n>", description: "the most calls in flight at once (0 holds every waiter)" }],
  options: [QUEUE_OPTION],
  examples: ["npx patterns pq max 5", "npx patterns pq max 0 --queue test-q"],
  async run(ctx: VerbContext<{ queue: string }>, raw: string) {
    const max = intOption("<n>", 0, 1000)(raw);
    const queue = validateQueueName(ctx.opts.queue);
    const stack = ctx.stack();
    const s = await configureQueue(stack, queue, max);
    ctx.equivalent({ url: `${stack.ingressUrl}${queuePath(queue, "configure")}`, body: { maxInFlight: max } });
    return { queue, ...s };
  },
  render: (d) => [`${sym.ok} queue ${c.id(d.queue)}: at most ${d.maxInFlight} in flight`, ...renderQueue(d.queue, d).slice(1)],
});

// ---------------------------------------------------------------- rate limiter

function rateArg(raw: string, what: string): number {
  const r = parseRate(raw);
  if (r === undefined || r > 1_000_000) throw new UsageError(`${what} must be a rate like 2, 2/s, 0.5/s or 120/min, got "${raw}"`, `for example ${what === "<limit>" ? "patterns ratelimit set 1 1" : "--rate 2/s"}`);
  return r;
}

function validateLimiterName(n: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/.test(n)) throw new UsageError(`limiter name "${n}" is not valid`, `use letters, digits, '.', '_', ':' or '-', e.g. --limiter ${DEFAULT_LIMITER}`);
  return n;
}

const perSec = (r: number) => `${Number(r.toFixed(2))}/s`;

function renderRun(r: RunReport): string[] {
  return [
    ...r.tasks.map((t, i) => `  ${String(i + 1).padStart(3)}  done at +${humanDuration(t.doneAfterMs).padEnd(7)} ${c.dim(t.waitedMs > 0 ? `waited ${humanDuration(t.waitedMs)} for a token` : "token was there")}`),
    `${r.count} tasks in ${humanDuration(r.totalMs)} · configured ${perSec(r.limit)} (burst ${r.burst}) · admitted ${r.admitted ? c.bold(perSec(r.admitted.perSecond)) : "-"} ${c.dim(
      r.scheduled ? `(the limiter scheduled ${perSec(r.scheduled.perSecond)}; rate measured after the first ${r.burst})` : "(too few tasks to measure a rate)",
    )}`,
  ];
}

function renderStatus(s: StatusReport): string[] {
  if (!s.state) return [`${sym.warn} limiter ${c.id(s.limiter)} has no rate set: calls are refused with 429`, c.dim(`set one: patterns ratelimit set 1 1${s.limiter === DEFAULT_LIMITER ? "" : ` --limiter ${s.limiter}`}`)];
  const st = s.state;
  return [
    `${c.bold("limiter")}   ${c.id(s.limiter)}`,
    `rate      ${perSec(st.limit)}, burst ${st.burst}`,
    `tokens    ${st.tokensNow.toFixed(2)} now${st.tokensNow < 0 ? c.dim(" (negative: reservations are waiting for tokens)") : ""}`,
    ...(st.lastEvent > st.at ? [`busy      reserved until ${humanDuration(st.lastEvent - st.at)} from now`] : []),
    `runs      ${s.runs} task(s) so far${s.lastRunAt ? c.dim(` (last at ${s.lastRunAt.slice(11, 23)})`) : ""}`,
    `admitted  ${s.recent ? `${perSec(s.recent.perSecond)} over the latest ${s.recent.events + 1} runs` : c.dim("- (too few recent runs)")}`,
  ];
}

const LIMITER_OPTION = { flags: "--limiter <name>", description: "which limiter", default: DEFAULT_LIMITER };

const ratelimit = verbGroup({
  path: "ratelimit",
  group: "patterns",
  aliases: ["limit"],
  summary: "rate limiting: a token bucket in Limiter/{name} admits LimitedTask/RunTask at the configured rate",
  examples: ["npx patterns ratelimit set 1 1", "npx patterns ratelimit run --count 10", "npx patterns limit run --count 20 --rate 2/s", "npx patterns ratelimit status"],
});

const ratelimitSet = verb({
  path: "ratelimit set",
  summary: "set the limiter's rate and burst (SetRate)",
  args: [
    { name: "<limit>", description: "tokens per second (2, 2/s, 0.5/s, 120/min)" },
    { name: "<burst>", description: "bucket size: how many may go at once" },
  ],
  options: [LIMITER_OPTION],
  examples: ["npx patterns ratelimit set 1 1", "npx patterns ratelimit set 2/s 5 --json"],
  async run(ctx: VerbContext<{ limiter: string }>, limitRaw: string, burstRaw: string) {
    const limit = rateArg(limitRaw, "<limit>");
    const burst = intOption("<burst>", 0, 1_000_000)(burstRaw);
    const name = validateLimiterName(ctx.opts.limiter);
    const stack = ctx.stack();
    const s = await setRate(stack, name, limit, burst);
    ctx.equivalent(setRateCall(stack.ingressUrl, name, limit, burst));
    return { limiter: name, ...s };
  },
  render: (d) => [`${sym.ok} limiter ${c.id(d.limiter)}: ${perSec(d.limit)}, burst ${d.burst}`],
});

const ratelimitRun = verb({
  path: "ratelimit run",
  summary: "fire tasks at once and watch the limiter space them out; shows the admitted rate",
  options: [
    { flags: "--count <n>", description: "how many tasks", parse: intOption("--count", 1, 100), default: 10 },
    { flags: "--rate <rate>", description: "set this rate first (2/s, 0.5/s, 120/min)" },
    { flags: "--burst <n>", description: "with --rate: the burst to set (default 1)", parse: intOption("--burst", 0, 1_000_000) },
    LIMITER_OPTION,
  ],
  examples: ["npx patterns ratelimit run --count 10", "npx patterns limit run --count 20 --rate 2/s", "npx patterns ratelimit run --count 5 --rate 1/s --burst 2 --json"],
  async run(ctx: VerbContext<{ count: number; rate?: string; burst?: number; limiter: string }>) {
    const o = ctx.opts;
    const name = validateLimiterName(o.limiter);
    if (o.burst !== undefined && o.rate === undefined) throw new UsageError("--burst needs --rate", "for example --rate 2/s --burst 1, or patterns ratelimit set 2 1");
    const rate = o.rate === undefined ? undefined : rateArg(o.rate, "--rate");
    if (rate !== undefined && rate <= 0) throw new UsageError("--rate must be above 0 to run tasks", "for example --rate 2/s");
    const stack = ctx.stack();
    if (rate !== undefined) {
      await setRate(stack, name, rate, o.burst ?? 1);
      ctx.say(`${sym.ok} limiter ${name}: ${perSec(rate)}, burst ${o.burst ?? 1}`);
    }
    const spin = ctx.spinner(`running ${o.count} task(s) under limiter ${name}…`);
    let done = 0;
    let report: RunReport;
    try {
      report = await runTasks(stack, name, o.count, () => spin.update(`running ${o.count} task(s) under limiter ${name}… ${++done} done`));
    } catch (e) {
      spin.fail(`tasks under limiter ${name} failed`);
      throw e;
    }
    spin.succeed(`${o.count} task(s) done in ${humanDuration(report.totalMs)}`);
    ctx.equivalent([...(rate !== undefined ? [setRateCall(stack.ingressUrl, name, rate, o.burst ?? 1)] : []), runTaskCall(stack.ingressUrl, name)]);
    return report;
  },
  render: renderRun,
});

const ratelimitStatus = verb({
  path: "ratelimit status",
  summary: "the limiter's rate, burst, tokens now, and the rate it admitted lately",
  options: [LIMITER_OPTION],
  examples: ["npx patterns ratelimit status", "npx patterns limit status --json"],
  async run(ctx: VerbContext<{ limiter: string }>) {
    const name = validateLimiterName(ctx.opts.limiter);
    const stack = ctx.stack();
    const s = await limiterStatus(stack, name);
    ctx.equivalent({ method: "POST", url: `${stack.ingressUrl}${limiterPath(name, "State")}` });
    return s;
  },
  render: renderStatus,
});

export const declarations: Declaration[] = [
  promise,
  promiseAwait,
  promiseResolve,
  promiseReject,
  promisePeek,
  pq,
  pqAdd,
  pqStatus,
  pqMax,
  ratelimit,
  ratelimitSet,
  ratelimitRun,
  ratelimitStatus,
];
