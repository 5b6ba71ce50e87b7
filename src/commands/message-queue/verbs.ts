// `patterns queue submit|result|list`: Restate as a (delayed) task queue. Tasks go in by one-way send
// with an idempotency key; a result can be fetched later by invocation id or by that key.
import { type RunningStack } from "../../runtime/stack.js";
import { attach, callError, failureMessage, httpStatus, ingress, sendOpts, type Sent } from "../../runtime/ingress.js";
import { durationOption } from "../common.js";
import { type RawCall } from "../../ui/curl.js";
import { humanDuration } from "../../ui/output.js";
import { clock } from "../../observe/model.js";
import { table } from "../../ui/text.js";
import { spinner } from "../../ui/spinner.js";
import { c, sym } from "../../ui/palette.js";
import { PlaygroundError, UsageError } from "../../errors.js";
import { ASYNC_TASK_WORKER, taskWorkerApi, type TaskOpts } from "../../services/message-queue/api.js";
import { checkKeyArg, ingressPath, randomSuffix, relative } from "../lib/args.js";
import { invocation, invocations, invocationsSql, type InvocationQuery, type InvocationRow } from "../../observe/index.js";
import { verb, verbGroup, type Declaration } from "../verb.js";

const HANDLER = "runTask";

export interface SubmitResult {
  invocationId: string;
  /** "Accepted", or "PreviouslyAccepted" when the idempotency key was seen before (nothing new queued) */
  status: "Accepted" | "PreviouslyAccepted";
  idempotencyKey: string;
  task: string;
  delayMs: number;
  /** when Restate will run it (ISO); absent when it runs right away */
  executionTime?: string;
  /** the invocation's status in Restate right after submitting */
  currentStatus?: string;
}

export function submitCall(ingressUrl: string, t: TaskOpts, delayMs: number): RawCall {
  return {
    url: `${ingressUrl}${ingressPath(ASYNC_TASK_WORKER, HANDLER, "send")}${delayMs ? `?delay=${delayMs}ms` : ""}`,
    body: t,
    headers: { "idempotency-key": t.id },
  };
}

export async function submitTask(stack: RunningStack, opts: { task: string; id: string; delayMs: number }): Promise<SubmitResult> {
  const sendClient = ingress(stack.ingressUrl).serviceSendClient(taskWorkerApi);
  let send: Sent;
  try {
    send = await sendClient.runTask({ id: opts.id, task: opts.task }, sendOpts({ idempotencyKey: opts.id, delayMs: opts.delayMs }));
  } catch (e) {
    throw callError(e, "submitting the task");
  }
  const row = (await invocations(stack.admin, { service: ASYNC_TASK_WORKER, handler: HANDLER, ids: [send.invocationId] }))[0];
  return {
    invocationId: send.invocationId,
    status: send.status,
    idempotencyKey: opts.id,
    task: opts.task,
    delayMs: opts.delayMs,
    executionTime: send.executionTime ? new Date(Date.parse(send.executionTime)).toISOString() : row?.scheduled_start_at,
    currentStatus: row?.status,
  };
}

export function renderSubmit(r: SubmitResult): string[] {
  const when = r.executionTime ? `runs at ${clock(r.executionTime).slice(0, 8)} (${relative(r.executionTime)})` : "runs now";
  if (r.status === "PreviouslyAccepted") {
    return [
      `${sym.warn} ${c.warn("previously accepted")}: idempotency key ${c.id(r.idempotencyKey)} was submitted before, so nothing new was queued`,
      `  invocation ${c.id(r.invocationId)} (status ${r.currentStatus ?? "?"}${r.executionTime ? `, ${when}` : ""})`,
    ];
  }
  return [
    `${sym.ok} task ${c.id(r.idempotencyKey)} accepted: invocation ${c.id(r.invocationId)}, ${when}${r.delayMs ? c.dim(` (delay ${humanDuration(r.delayMs)})`) : ""}`,
    c.dim(`  fetch the result later with: npx patterns queue result ${r.idempotencyKey}`),
  ];
}

export interface TaskResult {
  invocationId: string;
  idempotencyKey?: string;
  status: string;
  completed: boolean;
  result?: unknown;
  failure?: string;
  scheduledStartAt?: string;
  completedAt?: string;
}

function refFilter(ref: string) {
  return ref.startsWith("inv_") ? { ids: [ref] } : { idempotencyKey: ref };
}

export function resultCall(ingressUrl: string, ref: string, wait: boolean): RawCall {
  const op = wait ? "attach" : "output";
  const url = ref.startsWith("inv_") ? `${ingressUrl}/restate/invocation/${encodeURIComponent(ref)}/${op}` : `${ingressUrl}/restate/invocation${ingressPath(ASYNC_TASK_WORKER, HANDLER, ref)}/${op}`;
  return { method: "GET", url };
}

export async function taskResult(stack: RunningStack, ref: string, opts: { wait: boolean; json?: boolean; quiet?: boolean }): Promise<TaskResult> {
  const row = (await invocations(stack.admin, { service: ASYNC_TASK_WORKER, handler: HANDLER, ...refFilter(ref) }))[0];
  if (!row)
    throw new PlaygroundError(
      `no queued task with ${ref.startsWith("inv_") ? "invocation id" : "idempotency key"} ${ref}`,
      "list them with `npx patterns queue list --all` (results are kept for a day)",
    );
  const base: TaskResult = { invocationId: row.id, idempotencyKey: row.idempotency_key, status: row.status, completed: row.status === "completed", scheduledStartAt: row.scheduled_start_at };
  const waitMs = row.scheduled_start_at ? Math.max(0, Date.parse(row.scheduled_start_at) - Date.now()) : 0;
  // without --wait only a completed task has a result to fetch (the seed's …/output answers "not ready" otherwise)
  if (!opts.wait && row.status !== "completed") return base;
  const step =
    opts.wait && row.status !== "completed"
      ? spinner(`waiting for task ${row.idempotency_key ?? row.id} (${row.status}${waitMs ? `, runs ${relative(row.scheduled_start_at)}` : ""})`, { json: opts.json, quiet: opts.quiet })
      : undefined;
  let result: unknown;
  let failed: unknown;
  try {
    result = await attach(stack.ingressUrl, row.id);
  } catch (e) {
    failed = e;
  }
  const after = (await invocation(stack.admin, row.id)) ?? row;
  const done = { ...base, status: after.status, completed: true, completedAt: after.completed_at };
  if (failed === undefined) {
    step?.succeed(`task ${row.idempotency_key ?? row.id} done`);
    return { ...done, result };
  }
  const status = httpStatus(failed);
  if (status !== undefined && after.completion_result === "failure") {
    step?.fail(`task ${row.idempotency_key ?? row.id} failed`);
    return { ...done, failure: `[${status}] ${failureMessage(failed)}` };
  }
  step?.fail();
  throw callError(failed, "fetching the task result");
}

export function renderResult(r: TaskResult): string[] {
  if (!r.completed)
    return [`${sym.warn} task ${c.id(r.idempotencyKey ?? r.invocationId)} has not completed yet (status ${r.status}${r.scheduledStartAt ? `, runs ${relative(r.scheduledStartAt)}` : ""})`];
  if (r.failure) return [`${sym.fail} task ${c.id(r.idempotencyKey ?? r.invocationId)} failed: ${r.failure}`];
  return [`${sym.ok} task ${c.id(r.idempotencyKey ?? r.invocationId)} (${c.id(r.invocationId)}) ${sym.arrow} ${JSON.stringify(r.result)}`];
}

export interface QueueListing {
  tasks: { invocationId: string; idempotencyKey?: string; status: string; createdAt?: string; scheduledStartAt?: string; completedAt?: string; result?: string }[];
}

export function tasksQuery(opts: { all: boolean; limit: number }): InvocationQuery {
  return { service: ASYNC_TASK_WORKER, handler: HANDLER, notCompleted: !opts.all, limit: opts.limit, order: "newest" };
}

export async function listTasks(stack: RunningStack, opts: { all: boolean; limit: number }): Promise<QueueListing> {
  const rows: InvocationRow[] = await invocations(stack.admin, tasksQuery(opts));
  return {
    tasks: rows.map((r) => ({
      invocationId: r.id,
      idempotencyKey: r.idempotency_key,
      status: r.status,
      createdAt: r.created_at,
      scheduledStartAt: r.scheduled_start_at,
      completedAt: r.completed_at,
      result: r.completion_result,
    })),
  };
}

export function renderList(l: QueueListing, all: boolean): string[] {
  if (l.tasks.length === 0) return [c.dim(all ? "no tasks in the last day" : "nothing scheduled or pending (add --all to see completed tasks)")];
  const now = Date.now();
  return table(
    ["invocation", "key", "status", "runs", "completed"],
    l.tasks.map((t) => [
      t.invocationId,
      t.idempotencyKey ?? "-",
      t.status === "scheduled" ? c.info(t.status) : t.status,
      t.scheduledStartAt ? relative(t.scheduledStartAt, now) : "now",
      t.completedAt ? `${relative(t.completedAt, now)}${t.result === "failure" ? c.fail(" (failed)") : ""}` : "-",
    ]),
  );
}

function limitOption(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--limit must be a positive whole number, got "${v}"`, "for example --limit 20");
  return Number(v);
}

export const declarations: Declaration[] = [
  verbGroup({ path: "queue", group: "patterns", summary: "(delayed) message queue: one-way sends to asyncTaskWorker/runTask" }),
  verb<{ delay?: number; id?: string; key?: string }, SubmitResult>({
    path: "queue submit",
    summary: "send a task one-way, optionally delayed; the same --id twice is accepted once",
    args: [{ name: "[task]", description: "what the task should do", default: "say hello" }],
    options: [
      { flags: "--delay <duration>", description: "run it later (e.g. 10s, 500ms, 2m)", parse: durationOption("--delay") },
      { flags: "--id <key>", description: "task id, also the idempotency key (default: task-<random>)" },
      { flags: "--key <key>", description: "same as --id" },
    ],
    examples: [
      "npx patterns queue submit 'resize image' --delay 10s --id task-1",
      "npx patterns queue submit 'resize image' --id task-1   # previously accepted: not queued twice",
      "npx patterns queue result task-1",
    ],
    async run(ctx, task: string) {
      const opts = ctx.opts;
      if (!task.trim()) throw new UsageError("[task] is empty", "for example npx patterns queue submit 'resize image'");
      if (opts.id !== undefined && opts.key !== undefined && opts.id !== opts.key) throw new UsageError("--id and --key name the same thing and differ", "pass one of them, e.g. --key task-1");
      const given = opts.id ?? opts.key;
      const id = given === undefined ? `task-${randomSuffix()}` : checkKeyArg(given, opts.id !== undefined ? "--id" : "--key", "--key task-1");
      const delayMs = opts.delay ?? 0;
      if (delayMs > 7 * 86_400_000) throw new UsageError("--delay must be at most 7 days in the playground", "for example --delay 10s");
      const stack = ctx.stack();
      ctx.equivalent(submitCall(stack.ingressUrl, { id, task }, delayMs));
      return submitTask(stack, { task, id, delayMs });
    },
    render: renderSubmit,
  }),
  verb<{ wait: boolean }, TaskResult>({
    path: "queue result",
    summary: "attach to a task and print its result (waits for a scheduled task unless --no-wait)",
    args: [{ name: "<ref>", description: "invocation id (inv_…) or the task's idempotency key" }],
    options: [{ flags: "--no-wait", description: "do not wait: report the status if it has not completed yet" }],
    examples: ["npx patterns queue result task-1", "npx patterns queue result inv_1abc… --no-wait --json"],
    async run(ctx, refArg: string) {
      const ref = checkKeyArg(refArg, "<ref>", "task-1");
      const stack = ctx.stack();
      ctx.equivalent(resultCall(stack.ingressUrl, ref, ctx.opts.wait));
      return taskResult(stack, ref, { wait: ctx.opts.wait, json: ctx.json });
    },
    render: renderResult,
    exitCode: (r) => (r.failure ? 1 : 0),
  }),
  verb<{ all?: boolean; limit?: number }, QueueListing>({
    path: "queue list",
    summary: "show scheduled and pending tasks (from Restate's invocation table)",
    options: [
      { flags: "--all", description: "include completed tasks (Restate keeps them for a day)" },
      { flags: "--limit <n>", description: "at most this many rows", parse: limitOption },
    ],
    examples: ["npx patterns queue list", "npx patterns queue list --all --json"],
    async run(ctx) {
      const stack = ctx.stack();
      const q = { all: !!ctx.opts.all, limit: ctx.opts.limit ?? 50 };
      ctx.equivalent({ url: `${stack.admin.url}/query`, body: { query: invocationsSql(tasksQuery(q), ["id", "idempotency_key", "status", "scheduled_at", "scheduled_start_at"]) } });
      return listTasks(stack, q);
    },
    render: (l, ctx) => renderList(l, !!ctx.opts.all),
  }),
];
