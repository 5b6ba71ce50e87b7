// The testing module: what a crash test of a pattern is written with, yours or a generated one
// (`npx patterns new` writes test/e2e/<name>.test.ts on it). Three things, each through the playground's own parts:
//
//   const stack = await startTestStack();                      // a private stack: real restate-server + worker, no Docker
//   stack.armCrash("compose greeting");                        // the worker dies once, right after that ctx.run step
//   const t = await stack.timeline(invocationId);              // the invocation's journal with each step's verdict
//   expect(stepVerdict(t, "compose greeting")).toBe("replayed");
//
// The stack is the started-stack object of src/lab/stack.ts (`patterns start` on free loopback ports in a temp state
// dir), so a test runs the same processes a person does. A crash is armed at a named step, never raced against a
// sleep; a timeline is read once the invocation completed, with a deadline that names what it waited for.
import { startStack, type StartedStack, type StartOptions } from "../lab/stack.js";
import { armCrash as writeCrashArm } from "../runtime/crash.js";
import { findStack, type RunningStack } from "../runtime/stack.js";
import { ingress, type Ingress } from "../runtime/ingress.js";
import { eventually } from "../observe/index.js";
import { invocationTimeline, type RunVerdict, type Timeline, type TimelineEntry } from "../observe/timeline.js";

export type { Timeline, TimelineEntry, RunVerdict } from "../observe/timeline.js";
// a test calls handlers the way the CLI does: the typed client of the pattern's api.ts, with these options
export { attach, callOpts, sendOpts } from "../runtime/ingress.js";

export interface TestStack extends StartedStack {
  /**
   * Arm a one-shot crash: the worker is SIGKILLed once, "after" the step's result reached the journal (the retry
   * replays it; the default) or "during" it, as soon as its body returns and before its result is journaled (the
   * retry runs it again). With `invocationId` only that invocation's step fires it.
   */
  armCrash(step: string, o?: { when?: "after" | "during"; invocationId?: string }): void;
  /** The invocation's timeline, read once it has completed (default deadline 60 s, then an error naming it). */
  timeline(invocationId: string, o?: { timeoutMs?: number }): Promise<Timeline>;
  /** The worker's pid now (it changes when a crash restarts it). */
  workerPid(): number;
  /** The typed ingress client of this stack (the CLI's own, src/runtime/ingress.ts): ingress().serviceClient(api).… */
  ingress(): Ingress;
}

/**
 * Start a private stack for a test file (stop it in afterAll: `await stack.stop()`). Kafka is off unless asked for
 * (`{ args: [] }`): a pattern fed by a topic needs it, a called one does not, and the broker costs a start.
 */
export async function startTestStack(o: StartOptions = {}): Promise<TestStack> {
  const s = await startStack({ prefix: "testing", ...o, args: o.args ?? ["--no-kafka"] });
  const running = (): RunningStack => {
    const r = findStack(s.stateDir);
    if (!r) throw new Error(`the test stack in ${s.stateDir} is not running (its supervisor is gone)`);
    return r;
  };
  return Object.assign(s, {
    armCrash(step: string, a: { when?: "after" | "during"; invocationId?: string } = {}) {
      writeCrashArm(running().paths, { step, when: a.when ?? "after", ...(a.invocationId ? { invocationId: a.invocationId } : {}) });
    },
    timeline: (invocationId: string, t: { timeoutMs?: number } = {}) => completedTimeline(running(), invocationId, t.timeoutMs),
    workerPid: () => s.pids().worker,
    ingress: () => ingress(s.ingressUrl),
  });
}

/** Read an invocation's timeline once it (and every invocation it called) completed. */
export async function completedTimeline(stack: RunningStack, invocationId: string, timeoutMs = 60_000): Promise<Timeline> {
  return eventually(
    `invocation ${invocationId} to complete`,
    async () => {
      const t = await invocationTimeline(stack, invocationId).catch(() => undefined);
      return t && t.invocation.status === "completed" && t.children.every((c) => c.invocation.status === "completed") ? t : undefined;
    },
    { timeoutMs, everyMs: 250 },
  );
}

/** Every ctx.run entry of the timeline with that name (its own journal only). */
export function stepEntries(t: Timeline, step: string): TimelineEntry[] {
  return t.entries.filter((e) => e.kind === "run" && e.name === step);
}

/**
 * What happened to the step's body: "live" (ran once), "replayed" (ran once, a later attempt took its result from
 * the journal), "ran-again" (its result was lost and it ran twice), … (see RunVerdict); "absent" when the journal
 * has no ctx.run of that name, e.g. because the code does that work outside ctx.run.
 */
export function stepVerdict(t: Timeline, step: string): RunVerdict | "absent" {
  const found = stepEntries(t, step);
  if (found.length === 0) return "absent";
  return found[0]!.execution?.verdict ?? "unknown";
}

/** The journaled result of the step, parsed (undefined when the step is absent or its value is not JSON). */
export function stepValue<T = unknown>(t: Timeline, step: string): T | undefined {
  const v = stepEntries(t, step)[0]?.value;
  if (v === undefined) return undefined;
  try {
    return JSON.parse(v) as T;
  } catch {
    return undefined;
  }
}

/** The attempts after a crash of the worker (the retry on the restarted worker is one). */
export function crashRestarts(t: Timeline): number {
  return t.attempts.filter((a) => a.cause === "crash-restart").length;
}
