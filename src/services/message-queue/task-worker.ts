// Pattern 2, (delayed) message queue: `asyncTaskWorker/runTask`. Callers send one-way (optionally with a delay and
// an idempotency key); Restate keeps the task durably until it runs, deduplicates resubmissions and keeps the result
// to attach to later. Driven by `patterns queue submit|result|list`.
import * as restate from "@restatedev/restate-sdk";
import { ASYNC_TASK_WORKER, TASKS_SYSTEM, type TaskOpts } from "./api.js";
import { validInput } from "../lib/schema.js";
import { TaskOptsSchema } from "./schema.js";
import { effect } from "../simulations/effects.js";

/** The task's work: a plain function (no Restate context), so `compare` runs the very same body outside Restate.
 *  Each run is an effect in the ledger ("tasks"), so a body run twice, or never, shows. */
export async function runTaskBody(id: string, task: string): Promise<string> {
  await new Promise((r) => setTimeout(r, 200));
  effect(TASKS_SYSTEM, "run", id, { task });
  return `Work! (task ${id}: ${task})`;
}

export const asyncTaskWorker = restate.service({
  name: ASYNC_TASK_WORKER,
  description: "(Delayed) message queue: runs each submitted task once (seed: queue/async_task_worker.ts)",
  handlers: {
    runTask: restate.handlers.handler({ input: validInput(TaskOptsSchema) }, async (ctx: restate.Context, { id, task }: TaskOpts): Promise<string> => {
      ctx.console.info(`running task ${id}: ${task}`);
      return ctx.run("run task", () => runTaskBody(id, task));
    }),
  },
});

export type AsyncTaskWorker = typeof asyncTaskWorker;
