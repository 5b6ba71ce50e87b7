// Durable promises: promises that live in Restate, not in a process. Any number of awaiters, in any
// process and at any time, get the same outcome; the first resolve/reject wins and later ones get the stored one.
// - `durablePromises/{name}` (object) holds the outcome and the awakeable ids of the awaiters still waiting; the
//   object's one-at-a-time execution per key is what makes "first completion wins" safe.
// - `durablePromiseServer` (service) is the seed's HTTP facade: `{ "request": { "promiseName", … } }`. Its `await`
//   creates an awakeable, registers it with the object and suspends until the object resolves it.
// Driven by `patterns promise await|resolve|reject|peek <name>` through src/clients/durable-promise.ts.
import * as restate from "@restatedev/restate-sdk";
import { badInput, isObject, nameField } from "../lib/fields.js";

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

const EXAMPLE = '{ "request": { "promiseName": "prom-1" } }';

function requestOf(input: unknown): Record<string, unknown> {
  if (!isObject(input)) throw badInput(`request is missing: send ${EXAMPLE}`);
  if (!isObject(input.request)) throw badInput(`request is missing or not an object: send ${EXAMPLE}`);
  return input.request;
}

function promiseName(req: Record<string, unknown>): string {
  return nameField(req.promiseName, "request.promiseName", `send ${EXAMPLE}`);
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
    resolve: async (ctx: PromiseCtx, value: unknown): Promise<ValueOrError> => {
      if (value === undefined) throw badInput("value is missing: send the JSON value to resolve the promise with");
      return complete(ctx, { value });
    },

    reject: async (ctx: PromiseCtx, errorMessage: unknown): Promise<ValueOrError> => {
      if (typeof errorMessage !== "string" || errorMessage.length === 0) throw badInput("errorMessage is missing: send a non-empty string");
      return complete(ctx, { error: errorMessage });
    },

    /** Register an awaiter: told at once when the promise is already complete, else when it completes. */
    await: async (ctx: PromiseCtx, awakeableId: unknown): Promise<void> => {
      if (typeof awakeableId !== "string" || awakeableId.length === 0) throw badInput("awakeableId is missing");
      const outcome = await ctx.get("outcome");
      if (outcome) {
        ctx.resolveAwakeable(awakeableId, outcome);
        ctx.set("notified", ((await ctx.get("notified")) ?? 0) + 1);
        return;
      }
      const awaiters = (await ctx.get("awaiters")) ?? [];
      if (!awaiters.includes(awakeableId)) ctx.set("awaiters", [...awaiters, awakeableId]);
    },

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
    peek: async (ctx: restate.Context, input: PromiseRequest): Promise<ValueOrError | null> => {
      const name = promiseName(requestOf(input));
      return ctx.objectClient(durablePromises, name).peek();
    },

    await: async (ctx: restate.Context, input: PromiseRequest): Promise<ValueOrError> => {
      const name = promiseName(requestOf(input));
      const { id, promise } = ctx.awakeable<ValueOrError>();
      await ctx.objectClient(durablePromises, name).await(id);
      ctx.console.info(`awaiting promise ${name} (awakeable ${id})`);
      return promise;
    },

    resolve: async (ctx: restate.Context, input: PromiseRequest): Promise<ValueOrError> => {
      const req = requestOf(input);
      const name = promiseName(req);
      if (!("value" in req) || req.value === undefined) throw badInput(`request.value is missing: send { "request": { "promiseName": "${name}", "value": <any JSON> } }`);
      return ctx.objectClient(durablePromises, name).resolve(req.value);
    },

    reject: async (ctx: restate.Context, input: PromiseRequest): Promise<ValueOrError> => {
      const req = requestOf(input);
      const name = promiseName(req);
      if (typeof req.errorMessage !== "string" || req.errorMessage.length === 0) {
        throw badInput(`request.errorMessage is missing: send { "request": { "promiseName": "${name}", "errorMessage": "why" } }`);
      }
      return ctx.objectClient(durablePromises, name).reject(req.errorMessage);
    },
  },
});

export type DurablePromiseServer = typeof durablePromiseServer;
