// The message-queue scenario (its demo and tour): run for real through the same runners as the verbs, with run-unique keys;
// the checks come from Restate's records (src/observe), the worker's step log and the simulated-systems ledger.
import { check, type Check, type DemoContext, type DemoResult } from "../../tours/types.js";
import { ASYNC_TASK_WORKER } from "../../services/message-queue/api.js";
import { executions, randomSuffix } from "../lib/args.js";
import { invocations } from "../../observe/index.js";
import { listTasks, submitTask, taskResult } from "./verbs.js";
import { crashArmedAt, guarded } from "../../tours/scenario.js";
import { appearsOnce, journalChecks } from "../../tours/claims.js";

const QUEUE_DELAY_MS = 4000;

async function messageQueue(ctx: DemoContext): Promise<DemoResult> {
  const { stack } = ctx;
  const key = `task-${randomSuffix()}`;
  ctx.say(`submit task ${key} one-way with a delay of ${QUEUE_DELAY_MS / 1000} s (the task id is the idempotency key)`);
  const first = await submitTask(stack, { task: "resize image", id: key, delayMs: QUEUE_DELAY_MS });
  ctx.say(`  ${first.status}: invocation ${first.invocationId}, runs at ${first.executionTime ?? "?"}`);
  const dup = await submitTask(stack, { task: "resize image", id: key, delayMs: QUEUE_DELAY_MS });
  ctx.say(`  submitted again: ${dup.status} (invocation ${dup.invocationId})`);
  const listed = await listTasks(stack, { all: false, limit: 200 });
  const mine = listed.tasks.find((t) => t.invocationId === first.invocationId);
  ctx.say(`  queue list: ${mine ? `${mine.status}, due ${mine.scheduledStartAt ?? "?"}` : "not listed"}`);
  ctx.say("attach and wait for the result");
  const result = await taskResult(stack, key, { wait: true, quiet: true });
  ctx.say(`  result: ${JSON.stringify(result.result ?? result.failure)}`);

  const rows = await invocations(stack.admin, { service: ASYNC_TASK_WORKER, handler: "runTask", idempotencyKey: key });
  const done = rows[0];
  const created = done?.created_at ? Date.parse(done.created_at) : NaN;
  const ran = done?.running_at ? Date.parse(done.running_at) : NaN;
  const steps = first.invocationId ? (executions(stack, first.invocationId).steps["run task"] ?? 0) : 0;
  // in its tour the worker is killed while the body runs, before its result is journaled: then it runs twice
  const crashed = crashArmedAt(ctx, "run task");
  // with the crash the tour's own check says the body ran again; without it, the journal shows one run
  const journalSays = crashed ? [] : [appearsOnce(first.invocationId, "run task", `"run task" is in the task's journal once and its body ran once`)];
  for (const cl of journalSays) ctx.say(`  journal: ${cl.says}`);
  const checks: Check[] = [
    ...(await journalChecks(stack, journalSays)),
    check("the submit was accepted with a due time", first.status === "Accepted" && !!first.executionTime, `${first.status}, executionTime ${first.executionTime ?? "(none)"}`),
    check("a duplicate submit is reported as previously accepted", dup.status === "PreviouslyAccepted" && dup.invocationId === first.invocationId, `${dup.status}, invocation ${dup.invocationId}`),
    check("queue list shows it scheduled before it runs", !!mine && mine.status === "scheduled", mine ? `status ${mine.status}` : "not in the list of scheduled/pending tasks"),
    check("the result can be fetched by its key", typeof result.result === "string" && result.result.includes(key), `result ${JSON.stringify(result.result ?? result.failure)}`),
    check(
      "it ran after its delay",
      // a Restate timer may fire a little early (130 ms observed on a loaded machine)
      Number.isFinite(ran) && Number.isFinite(created) && ran - created >= QUEUE_DELAY_MS - 500,
      `created ${done?.created_at ?? "?"}, running ${done?.running_at ?? "?"} (${Number.isFinite(ran - created) ? `${ran - created} ms later` : "?"})`,
    ),
    check(
      crashed ? "one invocation for the key; the body ran again only because the worker died in it" : "one invocation for the key, and the task body ran once",
      rows.length === 1 && (crashed ? steps >= 1 && steps <= 2 : steps === 1),
      `invocations for ${key}: ${rows.length}; step "run task" ran ${steps}×`,
    ),
  ];
  return { checks, data: { key, invocationId: first.invocationId, executionTime: first.executionTime, result: result.result } };
}

export const demo = (ctx: DemoContext): Promise<DemoResult> => guarded("message-queue", messageQueue, ctx);
