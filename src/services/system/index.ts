// The playground's own services (not patterns).
// - `playground/ping` proves the whole path (ingress → signed request → worker) works; `doctor` and the stack tests call it.
// - `playground/recovery` is the crash demo (`kill-worker`, `kill-restate`, `timeline`): a durable step, a durable
//   sleep and a second step, each step recording its effect in the simulated ledger, so "exactly once" is countable.
//   With `holdOn`, the sleep also waits for a durable promise (`npx patterns promise resolve <name> true`): the
//   invocation stays in flight until someone lets it go, so a crash or a reload can come while it provably waits,
//   however slow the machine, instead of being timed against the sleep.
// - `playgroundLane/<key>/work` is an exclusive Virtual Object handler that holds its key for a while: several calls
//   on one key queue, calls on different keys run side by side (what `timeline --lanes` draws).
// - `playgroundVersion/order` has two versions of its code (the versioning tour): see versioning.ts.
import * as restate from "@restatedev/restate-sdk";
import { RECOVERY_STEPS } from "./steps.js";
import { recordEffect, simLog } from "../lib/simulated.js";
import { playgroundVersion } from "./versioning.js";
import { durablePromises } from "../durable-promises/promises.js";

export interface RecoveryInput {
  /** business key of the run, used in the ledger (default: the invocation id) */
  key?: string;
  /** how long each step body works, in ms (default 200); a long body gives time to kill the worker mid-step */
  workMs?: number;
  /** the durable sleep between the steps, in ms (default 2000) */
  sleepMs?: number;
  /** the second step fails this many attempts with a retryable error before it succeeds (default 0) */
  failTimes?: number;
  /** the name of a durable promise the sleep also waits for: the invocation stays between its steps until the promise is
   *  completed (`npx patterns promise resolve <name> true`, resolved or rejected alike); it is registered as the
   *  promise's awaiter before the wait starts, so `npx patterns promise peek <name>` counts it waiting from then on */
  holdOn?: string;
  /** after the second step, call playgroundLane/<key>/work and send it a delayed one-way message (children on the timeline) */
  children?: boolean;
}

export { RECOVERY_STEPS };

const MAX_MS = 10 * 60_000;

function msField(v: unknown, field: string, fallback: number): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > MAX_MS) {
    throw new restate.TerminalError(`${field} is invalid: a number of milliseconds from 0 to ${MAX_MS} is expected`, { errorCode: 400 });
  }
  return Math.round(v);
}

/** Failures so far per invocation, in this worker process (a restart forgets them: that only shortens the demo). */
const failuresSoFar = new Map<string, number>();

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface LaneInput {
  /** how long the handler holds its key, in ms (default 1000) */
  holdMs?: number;
  label?: string;
}

export const playgroundLane = restate.object({
  name: "playgroundLane",
  description: "A keyed handler that holds its key for a while: queued versus parallel keys on `timeline --lanes`",
  handlers: {
    work: async (ctx: restate.ObjectContext, input?: LaneInput) => {
      const holdMs = msField(input?.holdMs, "holdMs", 1000);
      const n = ((await ctx.get<number>("count")) ?? 0) + 1;
      await ctx.run("hold the key", () => wait(holdMs));
      ctx.set("count", n);
      return { key: ctx.key, count: n, label: input?.label ?? null };
    },
  },
});

export const playground = restate.service({
  name: "playground",
  description: "Health of the playground itself and its crash demo (not a pattern)",
  handlers: {
    ping: async (ctx: restate.Context) => {
      const at = await ctx.run("read worker clock", () => new Date().toISOString());
      return { pong: true, workerPid: process.pid, node: process.versions.node, at };
    },

    recovery: async (ctx: restate.Context, input?: RecoveryInput) => {
      if (input !== undefined && (typeof input !== "object" || input === null || Array.isArray(input))) {
        throw new restate.TerminalError('input is invalid: an object like {"key":"k","sleepMs":2000} is expected', { errorCode: 400 });
      }
      const invocationId = ctx.request().id;
      if (input?.key !== undefined && (typeof input.key !== "string" || input.key.length === 0 || input.key.length > 200)) {
        throw new restate.TerminalError("key is invalid: a non-empty string is expected", { errorCode: 400 });
      }
      const key = input?.key ?? invocationId;
      const workMs = msField(input?.workMs, "workMs", 200);
      const sleepMs = msField(input?.sleepMs, "sleepMs", 2000);
      const failTimes = input?.failTimes ?? 0;
      if (typeof failTimes !== "number" || !Number.isInteger(failTimes) || failTimes < 0 || failTimes > 20) {
        throw new restate.TerminalError("failTimes is invalid: a whole number from 0 to 20 is expected", { errorCode: 400 });
      }
      if (input?.children !== undefined && typeof input.children !== "boolean") {
        throw new restate.TerminalError("children is invalid: true or false is expected", { errorCode: 400 });
      }
      const holdOn = input?.holdOn;
      if (holdOn !== undefined && (typeof holdOn !== "string" || holdOn.trim().length === 0 || holdOn.length > 200)) {
        throw new restate.TerminalError('holdOn is invalid: the name of a durable promise is expected, e.g. "hold-1"', { errorCode: 400 });
      }

      const prepared = await ctx.run(RECOVERY_STEPS.first, async () => {
        simLog("recovery", `${key}: preparing (pid ${process.pid})`);
        await wait(workMs);
        recordEffect("recovery", RECOVERY_STEPS.first, key, { invocationId, pid: process.pid });
        return { preparedBy: process.pid, at: new Date().toISOString() };
      });
      ctx.console.info(`prepared by pid ${prepared.preparedBy}; sleeping ${sleepMs} ms`);

      const coolOff = ctx.sleep(sleepMs, RECOVERY_STEPS.sleep);
      if (holdOn === undefined) await coolOff;
      else {
        const released = ctx.awakeable<unknown>();
        // a call, not a send: once it returned, the promise counts this invocation among its awaiters
        await ctx.objectClient(durablePromises, holdOn).await(released.id);
        ctx.console.info(`held until promise ${holdOn} is completed`);
        await restate.RestatePromise.all([coolOff, released.promise]);
      }

      const committed = await ctx.run(RECOVERY_STEPS.second, async () => {
        const startedAt = new Date().toISOString();
        simLog("recovery", `${key}: committing (pid ${process.pid})`);
        await wait(workMs);
        const failed = failuresSoFar.get(invocationId) ?? 0;
        if (failed < failTimes) {
          failuresSoFar.set(invocationId, failed + 1);
          throw new Error(`simulated outage ${failed + 1} of ${failTimes} while committing ${key}`);
        }
        failuresSoFar.delete(invocationId);
        recordEffect("recovery", RECOVERY_STEPS.second, key, { invocationId, pid: process.pid });
        return { committedBy: process.pid, startedAt, at: new Date().toISOString() };
      });

      if (input?.children) {
        const lane = `recovery-${key}`;
        await ctx.objectClient(playgroundLane, lane).work({ holdMs: 100, label: "audit (call)" });
        ctx.objectSendClient(playgroundLane, lane).work({ holdMs: 100, label: "notify (delayed send)" }, restate.rpc.sendOpts({ delay: { milliseconds: 300 } }));
      }

      return {
        key,
        invocationId,
        preparedBy: prepared.preparedBy,
        committedBy: committed.committedBy,
        // wall time from the end of the first step to the start of the second: the sleep plus any downtime
        gapMs: Date.parse(committed.startedAt) - Date.parse(prepared.at),
        finishedBy: process.pid,
      };
    },
  },
});

export const services = [playground, playgroundLane, playgroundVersion];
