// Runner of `patterns fanout`: call FanOutWorker/run through the ingress, then read the child invocations back from
// Restate (invoked_by_id = the parent) to draw them as parallel lanes.
import { existsSync, rmSync } from "node:fs";
import { eventually, invocation, invocations, type InvocationRow } from "../../observe/index.js";
import { armCrash } from "../../runtime/crash.js";
import { ingress } from "../../runtime/ingress.js";
import { sendAndAttach } from "../lib/calls.js";
import { fanOutWorkerApi } from "../../services/fan-out/api.js";
import type { RunningStack } from "../../runtime/stack.js";
import { PlaygroundError, UsageError } from "../../errors.js";
import { readCrashArm } from "../../services/lib/crash.js";
import { FAN_OUT_WORKER } from "../../services/fan-out/logic.js";
import type { FanOutResult } from "../../services/fan-out/api.js";
import { MAX_SUBTASKS, splitDescription } from "../../services/fan-out/logic.js";
import { laneStats, parallelVerdict, type Lane, type LaneStats } from "./lanes.js";

export type ChildRow = InvocationRow;

export interface FanOutLane extends Lane {
  invocationId: string;
  index: number;
  workMs: number;
  result: string;
  status: string;
  completion?: string;
}

export interface FanOutRun {
  invocationId: string;
  description: string;
  /** the aggregate the parent returned */
  result: string;
  subtasks: FanOutResult["subtasks"];
  /** one per child invocation Restate recorded */
  lanes: FanOutLane[];
  childInvocations: number;
  parent: { start: number; end: number; status: string; retryCount: number };
  stats: LaneStats;
  parallel: boolean;
  toleranceMs: number;
  crashArmedAfter?: string;
  /** with --crash-after: whether the armed crash struck (the step ran) or was disarmed unfired */
  crash?: { step: string; fired: boolean };
}

export function validateDescription(description: string): string[] {
  const parts = splitDescription(description);
  if (parts.length === 0) throw new UsageError(`the task "${description}" holds no subtask`, `separate subtasks with commas, e.g. npx patterns fanout "get out of bed,shower,make coffee"`);
  if (parts.length > MAX_SUBTASKS) throw new UsageError(`${parts.length} subtasks is too many (at most ${MAX_SUBTASKS})`, "give fewer comma-separated subtasks");
  return parts;
}

export function fanOutBody(description: string, chaos: boolean): { description: string; chaos?: boolean } {
  return chaos ? { description, chaos: true } : { description };
}

const ms = (iso: string | undefined) => (iso ? Date.parse(iso) : NaN);

/** Parent and children rows, waiting briefly until every child shows as completed. */
export async function readFanOut(stack: RunningStack, parentId: string, expectedChildren: number): Promise<{ parent?: ChildRow; children: ChildRow[] }> {
  const read = async () => ({ parent: await invocation(stack.admin, parentId), children: await invocations(stack.admin, { invokedById: [parentId], order: "oldest" }) });
  const done = (r: { parent?: ChildRow; children: ChildRow[] }) => !!r.parent?.completed_at && r.children.length >= expectedChildren && r.children.every((c) => c.completed_at);
  // what there is after 10 s is drawn even when a child is still running
  return (
    (await eventually(
      "the fan-out's children to complete",
      async () => {
        const r = await read();
        return done(r) ? r : undefined;
      },
      { timeoutMs: 10_000 },
    ).catch(() => undefined)) ?? read()
  );
}

export async function collectFanOut(stack: RunningStack, parentId: string, description: string, result: FanOutResult): Promise<FanOutRun> {
  const { parent, children } = await readFanOut(stack, parentId, result.subtasks.length);
  if (!parent) throw new PlaygroundError(`invocation ${parentId} is not in Restate's invocation table`, "it may have been purged; run the fan-out again");
  const byId = new Map(result.subtasks.map((s) => [s.invocationId, s]));
  const lanes: FanOutLane[] = children.map((c) => {
    const st = byId.get(c.id);
    return {
      label: st?.description ?? c.id,
      invocationId: c.id,
      index: st?.index ?? -1,
      workMs: st?.workMs ?? 0,
      result: st?.result ?? "",
      start: ms(c.created_at),
      end: c.completed_at ? ms(c.completed_at) : Date.now(),
      status: c.status,
      completion: c.completion_result,
    };
  });
  lanes.sort((a, b) => a.index - b.index);
  const p = { start: ms(parent.created_at), end: parent.completed_at ? ms(parent.completed_at) : Date.now(), status: parent.status, retryCount: parent.retry_count ?? 0 };
  const stats = laneStats(lanes, p);
  const verdict = parallelVerdict(stats);
  return {
    invocationId: parentId,
    description,
    result: result.description,
    subtasks: result.subtasks,
    lanes,
    childInvocations: children.length,
    parent: p,
    stats,
    parallel: verdict.parallel,
    toleranceMs: verdict.toleranceMs,
  };
}

/** Run one fan-out for real and measure it. */
export async function runFanOut(stack: RunningStack, description: string, opts: { chaos?: boolean; crashAfter?: string } = {}): Promise<FanOutRun> {
  validateDescription(description);
  if (opts.crashAfter) armCrash(stack.paths, { step: opts.crashAfter, when: "after" });
  let res;
  let fired: boolean;
  try {
    res = await sendAndAttach<FanOutResult>(stack, `${FAN_OUT_WORKER}/run`, () => ingress(stack.ingressUrl).serviceSendClient(fanOutWorkerApi).run(fanOutBody(description, !!opts.chaos)));
  } finally {
    // the worker removes the arm when it strikes; one still there means the step never ran in this run
    fired = !!opts.crashAfter && !existsSync(stack.paths.crashArm);
    // an arm left unconsumed (the call failed early) must not crash a later, unrelated run
    if (opts.crashAfter && readCrashArm(stack.paths.crashArm)?.step === opts.crashAfter) rmSync(stack.paths.crashArm, { force: true });
  }
  const run = await collectFanOut(stack, res.invocationId, description, res.body);
  return opts.crashAfter ? { ...run, crashArmedAfter: opts.crashAfter, crash: { step: opts.crashAfter, fired } } : run;
}
