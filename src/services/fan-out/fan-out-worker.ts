// Parallelizing work (fan-out / fan-in): FanOutWorker/run splits a task on commas in a journaled step, calls
// runSubtask for every part at once (each a durable call, its own invocation) and gathers the results with
// RestatePromise.all. A crash of the worker mid-way replays the parent and every child from their journals, so the
// aggregate still holds each subtask once. Driven by `patterns fanout "a,b,c,d"`.
import * as restate from "@restatedev/restate-sdk";
import { aggregate, FAN_OUT_WORKER, planSubtasks, taskProblem, workMsFor, type Subtask } from "./logic.js";

export { FAN_OUT_WORKER };

export interface FanOutTask {
  description: string;
  /** random work times instead of the deterministic ones */
  chaos?: boolean;
}

export interface SubtaskInput {
  description: string;
  index?: number;
  workMs?: number;
}

export interface SubtaskResult {
  /** "<subtask>: DONE", as in the seeds */
  description: string;
  index?: number;
  workMs: number;
}

export interface FanOutResult {
  /** the aggregate: every subtask result joined with ", " */
  description: string;
  subtasks: (Subtask & { invocationId: string; result: string })[];
}

const MAX_WORK_MS = 60_000;

async function run(ctx: restate.Context, input: FanOutTask): Promise<FanOutResult> {
  const problem = taskProblem(input);
  if (problem) throw new restate.TerminalError(problem, { errorCode: 400 });
  const chaos = input.chaos === true;
  const subtasks = await ctx.run("split task", () => planSubtasks(input.description, chaos));

  // fan out: every call starts now; nothing is awaited one by one
  const calls = subtasks.map((st) => ctx.serviceClient(FanOutWorkerRef).runSubtask(st));
  const ids: string[] = [];
  for (const call of calls) ids.push(String(await call.invocationId));

  // fan in
  const results = await restate.RestatePromise.all(calls);
  const description = aggregate(results.map((r) => r.description));
  ctx.console.info(`Aggregated result: ${description}`);
  return {
    description,
    subtasks: subtasks.map((st, i) => ({ ...st, invocationId: ids[i]!, result: results[i]!.description })),
  };
}

async function runSubtask(ctx: restate.Context, input: SubtaskInput): Promise<SubtaskResult> {
  if (!input || typeof input.description !== "string" || input.description.trim() === "")
    throw new restate.TerminalError('description is missing or invalid: expected the subtask, e.g. "shower"', { errorCode: 400 });
  if (input.workMs !== undefined && (typeof input.workMs !== "number" || input.workMs < 0 || input.workMs > MAX_WORK_MS))
    throw new restate.TerminalError(`workMs is invalid: expected a number from 0 to ${MAX_WORK_MS}`, { errorCode: 400 });
  const d = input.description.trim();
  const workMs = input.workMs ?? workMsFor(input.index, d);
  ctx.console.info(`Started executing subtask: ${d} (${workMs} ms)`);
  // the "work" is a durable sleep: after a crash it resumes with the time left, not from zero
  await ctx.sleep(workMs, "work on subtask");
  const result = await ctx.run("finish subtask", () => `${d}: DONE`);
  ctx.console.info(`Execution subtask finished: ${d}`);
  return { description: result, index: input.index, workMs };
}

export const fanOutWorker = restate.service({
  name: FAN_OUT_WORKER,
  description: "Fan-out / fan-in: split a task on commas, run the subtasks in parallel, aggregate the results",
  // the Go seed's curl spells it FanOutWorker/Run: the same handler under that name too
  handlers: { run, runSubtask, Run: run },
});

export type FanOutWorkerService = typeof fanOutWorker;
const FanOutWorkerRef: FanOutWorkerService = { name: FAN_OUT_WORKER };
