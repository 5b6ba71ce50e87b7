// `patterns pq add|status|max`: the priority queue.
import { UsageError } from "../../errors.js";
import { durationOption, intOption } from "../common.js";
import { checkArgs } from "../lib/schema-args.js";
import { humanDuration, shortId } from "../../ui/output.js";
import { table } from "../../ui/text.js";
import { c, sym } from "../../ui/palette.js";
import { scaleDuration } from "../../runtime/config.js";
import { DEFAULT_MAX_IN_FLIGHT, DEFAULT_QUEUE, NOMINAL_WORK_MS, type QueueSummary } from "../../services/priority-queue/logic.js";
import { addCall, addItems, configureQueue, expensiveBody, peakConcurrency, queuePath, queueRuns, queueStatus, waitDrained, type AddResult, type RunRecord } from "./run.js";
import { verb, verbGroup, type Declaration, type VerbContext } from "../verb.js";

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
    { flags: "--max-in-flight <n>", description: "set the queue's in-flight maximum first (1 to 1000)", parse: intOption("--max-in-flight", 1, 1000) },
    { flags: "--wait", description: "stay until these calls have run; show the order and the most that ran at once" },
  ],
  examples: ["npx patterns pq add --count 30 --priority 2", "npx patterns pq add --count 3 --priority 1 --json", "npx patterns pq add --count 12 --max-in-flight 3 --work 2s --wait"],
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
      const drained = await waitDrained(
        stack,
        queue,
        added.items.map((i) => i.label),
        {
          onStatus: (s, done) => spin.update(`queue ${queue}: ${done}/${o.count} done · ${s.inFlight}/${s.maxInFlight} in flight · ${s.queued} queued`),
        },
      );
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
  args: [{ name: "<n>", description: "the most calls in flight at once, 1 to 1000" }],
  options: [QUEUE_OPTION],
  examples: ["npx patterns pq max 5", "npx patterns pq max 1 --queue test-q"],
  async run(ctx: VerbContext<{ queue: string }>, raw: string) {
    const max = await checkMaxInFlight("<n>", raw);
    const queue = validateQueueName(ctx.opts.queue);
    const stack = ctx.stack();
    const s = await configureQueue(stack, queue, max);
    ctx.equivalent({ url: `${stack.ingressUrl}${queuePath(queue, "configure")}`, body: { maxInFlight: max } });
    return { queue, ...s };
  },
  render: (d) => [`${sym.ok} queue ${c.id(d.queue)}: at most ${d.maxInFlight} in flight`, ...renderQueue(d.queue, d).slice(1)],
});

/** `pq max <n>`: a whole number the queue's own schema accepts (0 is refused: no call would ever be served). */
async function checkMaxInFlight(what: string, raw: string): Promise<number> {
  const n = /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  const { LimitSchema } = await import("../../services/priority-queue/schema.js");
  checkArgs(LimitSchema, { maxInFlight: n }, { maxInFlight: what }, { maxInFlight: raw }, "for example `npx patterns pq max 5`");
  return n;
}

// ---------------------------------------------------------------- rate limiter

export const declarations: Declaration[] = [pq, pqAdd, pqStatus, pqMax];
