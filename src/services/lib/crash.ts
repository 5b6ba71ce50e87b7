// One-shot crash injection: `--crash-after <step>` arms a file in the state dir; the worker exits (as if killed)
// right after that step's body has run. The arm is consumed before exiting so the retry goes through. An "after"
// crash strikes before the invocation's next journaled action: its next ctx.run, its return, the start of an
// invocation it called or sent to, or (a sleep, an awakeable) after a short grace.
import { existsSync, readFileSync, rmSync } from "node:fs";
import type * as restate from "@restatedev/restate-sdk";
import { logLine } from "../../lib/log-line.js";

export interface CrashArm {
  step: string;
  /** "after": exit once the step's result had time to reach the journal (the retry replays it);
   *  "during": exit as soon as the body returns, before the result is journaled (the retry runs it again) */
  when: "after" | "during";
  /** only for this invocation id, if given */
  invocationId?: string;
}

/** What the step-log interceptors tell the crash injector. */
export interface CrashHook {
  /** a ctx.run body returned */
  runDone(step: string, request: restate.Request): void;
  /** the invocation is about to make progress past the step: a next ctx.run starts, or the handler returns */
  progress(request: restate.Request): void;
  /** an attempt of an invocation starts in this worker (before its handler runs) */
  attempt(request: restate.Request): Promise<void>;
}

/** How long an "after" crash waits for the step's result to be journaled when the handler goes on idle (a sleep). */
export const AFTER_CRASH_GRACE_MS = 300;

/** How long another invocation's attempt is held before an "after" crash strikes (the step's ack is on its way). */
export const AFTER_CRASH_HOLD_MS = 50;

export function readCrashArm(file: string): CrashArm | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as CrashArm;
  } catch {
    return undefined;
  }
}

export function crashHook(file: string | undefined): CrashHook | undefined {
  if (!file) return undefined;
  // An "after" crash waiting to happen: it must strike before this invocation gets any further in this process,
  // otherwise a short handler would finish here and the crash would demonstrate nothing.
  let pending: { invocationId: string; die: () => void } | undefined;
  return {
    runDone(step, request) {
      const arm = readCrashArm(file);
      if (!arm || arm.step !== step) return;
      if (arm.invocationId && arm.invocationId !== String(request.id)) return;
      rmSync(file, { force: true });
      const die = () => {
        process.stderr.write(`${logLine("warn", `crash armed at step "${step}" (${arm.when}): worker exits now`)}\n`);
        process.kill(process.pid, "SIGKILL");
      };
      if (arm.when === "during") return die();
      pending = { invocationId: String(request.id), die };
      setTimeout(die, AFTER_CRASH_GRACE_MS);
    },
    progress(request) {
      // by the time the handler goes past `await ctx.run(…)`, Restate has acknowledged the step's result
      if (pending && pending.invocationId === String(request.id)) pending.die();
    },
    async attempt(request) {
      // Another invocation starting here while an "after" crash waits: typically the one the armed invocation just
      // called or sent to (a saga's compensation call). Restate created it from a journal entry written after the
      // step's result, so the step is journaled; strike before that invocation's body runs, or the timer would kill
      // it mid-body and its step would run twice.
      if (!pending || pending.invocationId === String(request.id)) return;
      const { die } = pending;
      await new Promise((r) => setTimeout(r, AFTER_CRASH_HOLD_MS));
      die();
      await new Promise(() => {}); // never run this attempt's body in the doomed process
    },
  };
}
