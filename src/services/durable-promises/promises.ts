// Durable promises: promises that live in Restate, not in a process. Any number of awaiters, in any
// process and at any time, get the same outcome; the first resolve/reject wins and later ones get the stored one.
// - `durablePromises/{name}` (object) holds the outcome and the awakeable ids of the awaiters still waiting; the
//   object's one-at-a-time execution per key is what makes "first completion wins" safe.
// - `durablePromiseServer` (service) is the seed's HTTP facade: `{ "request": { "promiseName", … } }`. Its `await`
//   creates an awakeable, registers it with the object and suspends until the object resolves it.
// Driven by `patterns promise await|resolve|reject|peek <name>` through src/clients/durable-promise.ts.
import * as restate from "@restatedev/restate-sdk";
import { validInput } from "../lib/schema.js";
import { AwakeableIdSchema, ErrorMessageSchema, PeekOrAwaitSchema, RejectSchema, ResolveSchema, ValueSchema } from "./schema.js";

/** The outcome of a promise, as the seed returns it: exactly one of value / error. */
export type ValueOrError<T = unknown> = { value: T; error?: undefined } | { error: string; value?: undefined };

export interface PromiseInfo {
  name: string;
  state: "pending" | "resolved" | "rejected";
  outcome?: ValueOrError;
  completedAt?: number;
  /** awaiters registered and not yet notified (they are notified at completion) */
  waiting: number;
  /** awaiters that were handed the outcome so far (at completion, or at once when they came later) */
  notified: number;
}

interface PromiseObjectState {
  outcome: ValueOrError;
  completedAt: number;
  awaiters: string[];
  notified: number;
}

export interface PromiseRequest {
  request: { promiseName: string; value?: unknown; errorMessage?: string };
}

type PromiseCtx = restate.ObjectContext<PromiseObjectState>;

async function complete(ctx: PromiseCtx, outcome: ValueOrError): Promise<ValueOrError> {
  const existing = await ctx.get("outcome");
  if (existing) {
    ctx.console.info(`promise ${ctx.key} was already ${existing.error !== undefined ? "rejected" : "resolved"}: this completion changes nothing`);
    return existing;
  }
  const awaiters = (await ctx.get("awaiters")) ?? [];
  ctx.set("outcome", outcome);
  ctx.set("completedAt", await ctx.date.now());
  for (const id of awaiters) ctx.resolveAwakeable(id, outcome);
  ctx.set("notified", ((await ctx.get("notified")) ?? 0) + awaiters.length);
  ctx.clear("awaiters");
  ctx.console.info(`promise ${ctx.key} ${outcome.error !== undefined ? "rejected" : "resolved"}; ${awaiters.length} waiting awaiter(s) notified`);
  return outcome;
}

export const durablePromises = restate.object({
  name: "durablePromises",
  description: "One durable promise per key: its outcome and the awakeables of the awaiters still waiting",
  handlers: {
    resolve: restate.handlers.object.exclusive({ input: validInput(ValueSchema, { root: "value" }) }, async (ctx: PromiseCtx, value: unknown): Promise<ValueOrError> => complete(ctx, { value })),

    reject: restate.handlers.object.exclusive({ input: validInput(ErrorMessageSchema, { root: "errorMessage" }) }, async (ctx: PromiseCtx, errorMessage: string): Promise<ValueOrError> =>
      complete(ctx, { error: errorMessage }),
    ),

    /** Register an awaiter: told at once when the promise is already complete, else when it completes. */
    await: restate.handlers.object.exclusive({ input: validInput(AwakeableIdSchema, { root: "awakeableId" }) }, async (ctx: PromiseCtx, awakeableId: string): Promise<void> => {
      const outcome = await ctx.get("outcome");
      if (outcome) {
        ctx.resolveAwakeable(awakeableId, outcome);
        ctx.set("notified", ((await ctx.get("notified")) ?? 0) + 1);
        return;
      }
      const awaiters = (await ctx.get("awaiters")) ?? [];
      if (!awaiters.includes(awakeableId)) ctx.set("awaiters", [...awaiters, awakeableId]);
    }),

    peek: restate.handlers.object.shared(async (ctx: restate.ObjectSharedContext<PromiseObjectState>): Promise<ValueOrError | null> => {
      return (await ctx.get("outcome")) ?? null;
    }),

    info: restate.handlers.object.shared(async (ctx: restate.ObjectSharedContext<PromiseObjectState>): Promise<PromiseInfo> => {
      const outcome = (await ctx.get("outcome")) ?? undefined;
      return {
        name: ctx.key,
        state: !outcome ? "pending" : outcome.error !== undefined ? "rejected" : "resolved",
        outcome,
        completedAt: (await ctx.get("completedAt")) ?? undefined,
        waiting: ((await ctx.get("awaiters")) ?? []).length,
        notified: (await ctx.get("notified")) ?? 0,
      };
    }),
  },
});

export type DurablePromisesObject = typeof durablePromises;

export const durablePromiseServer = restate.service({
  name: "durablePromiseServer",
  description: "The seed's HTTP facade of durable promises: peek, await, resolve, reject by promise name",
  handlers: {
    peek: restate.handlers.handler({ input: validInput(PeekOrAwaitSchema) }, async (ctx: restate.Context, input: PromiseRequest): Promise<ValueOrError | null> => {
      return ctx.objectClient(durablePromises, input.request.promiseName).peek();
    }),

    await: restate.handlers.handler({ input: validInput(PeekOrAwaitSchema) }, async (ctx: restate.Context, input: PromiseRequest): Promise<ValueOrError> => {
      const name = input.request.promiseName;
      const { id, promise } = ctx.awakeable<ValueOrError>();
      await ctx.objectClient(durablePromises, name).await(id);
      ctx.console.info(`awaiting promise ${name} (awakeable ${id})`);
      return promise;
    }),

    resolve: restate.handlers.handler({ input: validInput(ResolveSchema) }, async (ctx: restate.Context, input: PromiseRequest): Promise<ValueOrError> => {
      return ctx.objectClient(durablePromises, input.request.promiseName).resolve(input.request.value);
    }),

    reject: restate.handlers.handler({ input: validInput(RejectSchema) }, async (ctx: restate.Context, input: PromiseRequest): Promise<ValueOrError> => {
      return ctx.objectClient(durablePromises, input.request.promiseName).reject(input.request.errorMessage!);
    }),
  },
});

export type DurablePromiseServer = typeof durablePromiseServer;
