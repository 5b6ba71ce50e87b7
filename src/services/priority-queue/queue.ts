// Priority queue: a Virtual Object that hands out permits to run an expensive method, at most
// maxInFlight at a time (default 10), lowest priority number first. A permit is an awakeable: the waiting
// invocation suspends on it and the queue resolves it when the waiter's turn comes. A cancelled waiter is dropped
// from the queue; a finished one gives its permit back.
// - `myService/expensiveMethod` {left, right, priority?} (the seed's curl, usually with /send)
// - `priorityQueue/{queue}` push / done / drop / configure, and the shared `status` (`patterns pq status`)
// Driven by `patterns pq add|status`.
import * as restate from "@restatedev/restate-sdk";
import { recordEffect, simLog } from "../lib/simulated.js";
import { scaled } from "../lib/time.js";
import { DEFAULT_QUEUE, NOMINAL_WORK_MS, drop, emptyQueue, push, release, summarize, tick, type QueueState, type QueueSummary } from "./logic.js";
import { PQ_SYSTEM, PQ_WORK_STEP } from "./names.js";
import { validInput } from "../lib/schema.js";
import { AwakeableIdSchema, ConfigureSchema, ExpensiveSchema, PushSchema } from "./schema.js";

interface QueueObjectState {
  queue: QueueState;
}

type QueueCtx = restate.ObjectContext<QueueObjectState>;

async function load(ctx: QueueCtx | restate.ObjectSharedContext<QueueObjectState>): Promise<QueueState> {
  return (await ctx.get("queue")) ?? emptyQueue();
}

/** Hand out every permit there is room for, then store the queue. */
async function tickAndSave(ctx: QueueCtx, s: QueueState): Promise<QueueState> {
  const { state, granted } = tick(s, await ctx.date.now());
  for (const p of granted) ctx.resolveAwakeable(p.awakeableId);
  ctx.set("queue", state);
  ctx.console.info(`queue ${ctx.key}: ${granted.length} permit(s) granted, ${state.inFlight.length}/${state.maxInFlight} in flight, ${state.items.length} waiting`);
  return state;
}

export interface PushRequest {
  awakeableId: string;
  priority?: number | null;
  invocationId?: string;
  label?: string;
}

export const priorityQueue = restate.object({
  name: "priorityQueue",
  description: "Permits for an expensive method: at most maxInFlight at a time, lowest priority number first",
  handlers: {
    push: restate.handlers.object.exclusive({ input: validInput(PushSchema) }, async (ctx: QueueCtx, req: PushRequest): Promise<void> => {
      const priority = req.priority ?? 1;
      const s = push(await load(ctx), { awakeableId: req.awakeableId, priority, invocationId: req.invocationId, label: req.label, enqueuedAt: await ctx.date.now() });
      await tickAndSave(ctx, s);
    }),

    done: restate.handlers.object.exclusive({ input: validInput(AwakeableIdSchema, { root: "awakeableId" }) }, async (ctx: QueueCtx, awakeableId: string): Promise<void> => {
      await tickAndSave(ctx, release(await load(ctx), awakeableId));
    }),

    drop: restate.handlers.object.exclusive({ input: validInput(AwakeableIdSchema, { root: "awakeableId" }) }, async (ctx: QueueCtx, awakeableId: string): Promise<void> => {
      const { state, wasQueued } = drop(await load(ctx), awakeableId);
      ctx.console.info(`queue ${ctx.key}: waiter ${awakeableId} ${wasQueued ? "removed from the queue" : "gave its permit back"}`);
      await tickAndSave(ctx, state);
    }),

    /** Set the in-flight maximum (at least 1: with 0 no waiter would ever be served). */
    configure: restate.handlers.object.exclusive({ input: validInput(ConfigureSchema) }, async (ctx: QueueCtx, req: { maxInFlight: number }): Promise<QueueSummary> => {
      return summarize(await tickAndSave(ctx, { ...(await load(ctx)), maxInFlight: req.maxInFlight }));
    }),

    status: restate.handlers.object.shared(async (ctx: restate.ObjectSharedContext<QueueObjectState>): Promise<QueueSummary> => summarize(await load(ctx))),
  },
});

export interface ExpensiveRequest {
  left: number;
  right: number;
  /** lower numbers first (default 1, as in the seed) */
  priority?: number;
  /** playground extension: which queue guards the call (default "myService-expensiveMethod") */
  queue?: string;
  /** playground extension: how long the computation works, real ms (default: the seed's 5 s, time-scaled) */
  workMs?: number;
  /** playground extension: a label shown in `pq status` and the ledger */
  label?: string;
}

export interface ExpensiveResult {
  result: number;
  queue: string;
  priority: number;
  label?: string;
  waitedMs: number;
  workMs: number;
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const myService = restate.service({
  name: "myService",
  description: "The seed's expensive method, guarded by the priority queue",
  handlers: {
    expensiveMethod: restate.handlers.handler({ input: validInput(ExpensiveSchema) }, async (ctx: restate.Context, req: ExpensiveRequest): Promise<ExpensiveResult> => {
      const priority = req.priority ?? 1;
      const queueName = req.queue ?? DEFAULT_QUEUE;
      const workMs = req.workMs ?? scaled(NOMINAL_WORK_MS);
      const label = req.label;
      const invocationId = ctx.request().id;
      const queue = ctx.objectSendClient(priorityQueue, queueName);

      const { id, promise } = ctx.awakeable<void>();
      const askedAt = await ctx.date.now();
      queue.push({ awakeableId: id, priority, invocationId, label });
      try {
        await promise;
      } catch (e) {
        // cancelled while waiting: leave the queue (or give back a permit granted meanwhile)
        if (e instanceof restate.TerminalError) queue.drop(id);
        throw e;
      }
      const grantedAt = await ctx.date.now();

      let result: number;
      try {
        result = await ctx.run(PQ_WORK_STEP, async () => {
          const item = label ?? invocationId;
          simLog(PQ_SYSTEM, `${item}: computing ${req.left} + ${req.right} (priority ${priority}, ${workMs} ms)`);
          recordEffect(PQ_SYSTEM, "start", queueName, { item, invocationId, priority, label });
          await wait(workMs);
          recordEffect(PQ_SYSTEM, "end", queueName, { item, invocationId, priority, label });
          return req.left + req.right;
        });
      } catch (e) {
        if (e instanceof restate.TerminalError) queue.done(id);
        throw e;
      }
      queue.done(id);
      return { result, queue: queueName, priority, label, waitedMs: grantedAt - askedAt, workMs };
    }),
  },
});
