// One-shot crash injection: `--crash-after <step>` arms a file in the state dir; the worker exits (as if killed)
// right after that step's body has run. The arm is consumed before exiting so the retry goes through.
import { existsSync, readFileSync, rmSync } from "node:fs";
import type * as restate from "@restatedev/restate-sdk";

export interface CrashArm {
  step: string;
  /** "after": exit once the step's result had time to reach the journal (the retry replays it);
   *  "during": exit as soon as the body returns, before the result is journaled (the retry runs it again) */
  when: "after" | "during";
  /** only for this invocation id, if given */
  invocationId?: string;
}

export function readCrashArm(file: string): CrashArm | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as CrashArm;
  } catch {
    return undefined;
  }
}

export function crashHook(file: string | undefined): ((step: string, request: restate.Request) => void) | undefined {
  if (!file) return undefined;
  return (step, request) => {
    const arm = readCrashArm(file);
    if (!arm || arm.step !== step) return;
    if (arm.invocationId && arm.invocationId !== String(request.id)) return;
    rmSync(file, { force: true });
    const die = () => {
      process.stderr.write(`[playground] crash armed at step "${step}" (${arm.when}): worker exits now\n`);
      process.kill(process.pid, "SIGKILL");
    };
    if (arm.when === "during") die();
    else setTimeout(die, 300);
  };
}
