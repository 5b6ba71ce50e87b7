// The worker's step log: every ctx.run body that actually executes writes a start and an end line (JSON) to the
// state dir. A step that is in the journal but has no body line in a later attempt was replayed, not run again;
// the timeline joins this log with sys_journal to show exactly that.
import { appendFileSync } from "node:fs";
import type * as restate from "@restatedev/restate-sdk";
import type { CrashHook } from "./crash.js";

export interface StepLogLine {
  /** "attempt" when a handler attempt starts, "run-start"/"run-end" around a ctx.run body */
  kind: "attempt" | "run-start" | "run-end";
  invocationId: string;
  target: string;
  step?: string;
  /** worker process id; changes when the worker is restarted */
  pid: number;
  /** per worker process, the n-th attempt this worker started */
  attemptSeq: number;
  at: string;
  outcome?: "ok" | "error";
  error?: string;
}

let attemptSeq = 0;

export function stepLogHooks(file: string | undefined, crash?: CrashHook): restate.HooksProvider {
  const write = (line: StepLogLine) => {
    if (!file) return;
    try {
      appendFileSync(file, JSON.stringify(line) + "\n");
    } catch {
      /* the log is an aid; never fail an invocation because of it */
    }
  };
  return ({ request }) => {
    const seq = ++attemptSeq;
    const base = { invocationId: String(request.id), target: `${request.target}`, pid: process.pid, attemptSeq: seq };
    return {
      interceptor: {
        handler: async (next) => {
          await crash?.attempt(request);
          write({ ...base, kind: "attempt", at: new Date().toISOString() });
          try {
            await next();
          } finally {
            crash?.progress(request);
          }
        },
        run: async (name, next) => {
          crash?.progress(request);
          write({ ...base, kind: "run-start", step: name, at: new Date().toISOString() });
          try {
            await next();
          } catch (e) {
            write({ ...base, kind: "run-end", step: name, at: new Date().toISOString(), outcome: "error", error: e instanceof Error ? e.message : String(e) });
            throw e;
          }
          write({ ...base, kind: "run-end", step: name, at: new Date().toISOString(), outcome: "ok" });
          crash?.runDone(name, request);
        },
      },
    };
  };
}
