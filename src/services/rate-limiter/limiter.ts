// Rate limiting, with the Go seed's names: a token bucket in `Limiter/{name}` and the task
// `LimitedTask/RunTask`, limited by `Limiter/LimitedTask-RunTask`. The bucket maths (./token-bucket.ts) runs inside
// ctx.run, so the clock it read is journaled; a task that must wait for a token sleeps on a durable timer.
// Driven by `patterns ratelimit set <limit> <burst>` and `patterns ratelimit run --count 10`.
import * as restate from "@restatedev/restate-sdk";
import { recordEffect, simLog } from "../lib/simulated.js";
import { advance, cancelReservation, delayFrom, reserve, setRate, type LimiterState, type Reservation } from "./token-bucket.js";
import { DEFAULT_LIMITER, RL_SYSTEM, RL_WORK_STEP, noRateMessage } from "./names.js";
import { validInput } from "../lib/schema.js";
import { ReservationSchema, ReserveSchema, RunTaskSchema, SetRateSchema } from "./schema.js";

interface LimiterObjectState {
  state: LimiterState;
}

export interface LimiterView extends LimiterState {
  name: string;
  /** tokens available at `at` */
  tokensNow: number;
  at: number;
}

export const Limiter = restate.object({
  name: "Limiter",
  description: "A token bucket (limit tokens per second, burst = bucket size), as in the Go seed",
  handlers: {
    /** The stored bucket and the tokens available now; null before SetRate. */
    State: restate.handlers.object.shared(async (ctx: restate.ObjectSharedContext<LimiterObjectState>): Promise<LimiterView | null> => {
      const s = await ctx.get("state");
      if (!s) return null;
      const at = await ctx.run("read the clock", () => Date.now());
      return { name: ctx.key, ...s, tokensNow: advance(s, at), at };
    }),

    Tokens: restate.handlers.object.shared(async (ctx: restate.ObjectSharedContext<LimiterObjectState>): Promise<number> => {
      const s = await ctx.get("state");
      if (!s) throw new restate.TerminalError(noRateMessage(ctx.key), { errorCode: 429 });
      return ctx.run("count tokens", () => advance(s, Date.now()));
    }),

    ReserveN: restate.handlers.object.exclusive(
      { input: validInput(ReserveSchema) },
      async (ctx: restate.ObjectContext<LimiterObjectState>, req: { n?: number | null; maxFutureReserveMs?: number | null }): Promise<Reservation> => {
        const n = req.n ?? 1;
        const maxWait = req.maxFutureReserveMs ?? Infinity;
        const s = await ctx.get("state");
        if (!s) throw new restate.TerminalError(noRateMessage(ctx.key), { errorCode: 429 });
        const { state, reservation } = await ctx.run("reserve tokens", () => reserve(s, Date.now(), n, maxWait));
        ctx.set("state", state);
        return reservation;
      },
    ),

    SetRate: restate.handlers.object.exclusive(
      { input: validInput(SetRateSchema) },
      async (ctx: restate.ObjectContext<LimiterObjectState>, req: { limit?: number | null; burst?: number | null }): Promise<LimiterState> => {
        const change = { limit: req.limit ?? undefined, burst: req.burst ?? undefined };
        const s = (await ctx.get("state")) ?? undefined;
        const next = await ctx.run("set rate", () => setRate(s, Date.now(), change));
        ctx.set("state", next);
        ctx.console.info(`limiter ${ctx.key}: ${next.limit}/s, burst ${next.burst}`);
        return next;
      },
    ),

    CancelReservation: restate.handlers.object.exclusive(
      { input: validInput(ReservationSchema, { root: "reservation" }) },
      async (ctx: restate.ObjectContext<LimiterObjectState>, r: Reservation): Promise<void> => {
        const s = await ctx.get("state");
        if (!s) return;
        ctx.set("state", await ctx.run("cancel reservation", () => cancelReservation(s, Date.now(), r)));
      },
    ),
  },
});

export interface RunTaskResult {
  limiter: string;
  reservedAt: number;
  /** when the limiter let the task act */
  actAt: number;
  waitedMs: number;
  /** when the task's work ran (journaled) */
  doneAt: number;
}

export const LimitedTask = restate.service({
  name: "LimitedTask",
  description: "A task that runs only as fast as its limiter allows (Go seed)",
  handlers: {
    RunTask: restate.handlers.handler({ input: validInput(RunTaskSchema) }, async (ctx: restate.Context, req: { limiter?: string | null }): Promise<RunTaskResult> => {
      const name = req.limiter ?? DEFAULT_LIMITER;
      const limiter = ctx.objectClient(Limiter, name);
      const r = await limiter.ReserveN({ n: 1 });
      if (!r.ok) throw new restate.TerminalError(`rate: Wait(n=1) would exceed the burst of limiter ${name}: set a burst of at least 1 (npx patterns ratelimit set <limit> 1)`, { errorCode: 429 });
      const delay = delayFrom(r, r.creationTime);
      if (delay > 0) {
        try {
          await ctx.sleep(delay, "wait for a token");
        } catch (e) {
          // cancelled while waiting: give the token back for others
          if (e instanceof restate.TerminalError) ctx.objectSendClient(Limiter, name).CancelReservation(r);
          throw e;
        }
      }
      const invocationId = ctx.request().id;
      const doneAt = await ctx.run(RL_WORK_STEP, () => {
        const now = Date.now();
        simLog(RL_SYSTEM, `task under limiter ${name} runs (waited ${Math.round(delay)} ms)`);
        recordEffect(RL_SYSTEM, "run", name, { invocationId, actAt: r.timeToAct, waitedMs: Math.round(delay) });
        return now;
      });
      return { limiter: name, reservedAt: r.creationTime, actAt: r.timeToAct, waitedMs: Math.round(delay), doneAt };
    }),
  },
});
