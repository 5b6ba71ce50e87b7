// Guided tours on top of the registry: every pattern's scenario (its `demo`) becomes a tour, optionally with a
// worker crash armed at a named step; the crash is then verified from the step log, the supervisor's state and
// Restate's own introspection. One built-in tour (`crash-and-resume`) uses the playground's recovery service, so
// there is always at least one crash-and-resume tour whatever the groups provide.
import { existsSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { check, type Category, type Check, type DemoContext, type DemoResult, type PatternEntry, patternCard } from "./types.js";
import { armCrash } from "../runtime/crash.js";
import { readState } from "../runtime/state.js";
import { eventually as observeEventually, invocation, invocations, StackGoneError, throwIfStackGone, type InvocationRow } from "../observe/index.js";
import { ndjsonCursor } from "../lib/ndjson.js";
import { calling, ingress } from "../runtime/ingress.js";
import { playgroundApi } from "../services/system/api.js";
import type { RunningStack } from "../runtime/stack.js";
import { readLedger } from "../services/lib/simulated.js";
import type { StepLogLine } from "../services/lib/steplog.js";
import { RECOVERY_STEPS } from "../services/system/steps.js";
import { curlFor } from "../ui/curl.js";
import { errorMessage } from "../errors.js";
import { claim, journalChecks, ranAgain, replayed } from "./claims.js";

export interface TourCrash {
  /** the ctx.run name after (or during) which the worker is SIGKILLed once */
  step: string;
  when: "after" | "during";
}

/** What a PatternEntry may carry for its tour (proposed as optional fields of the shared type). */
export interface TourSpec {
  crash?: TourCrash;
  /** what the user should look at once the scenario ran */
  look?: string[];
}

interface OptionalTourFields {
  tour?: TourSpec;
  crashStep?: string;
  crashWhen?: "after" | "during";
}

export type TourCategory = Category | "playground";

export interface TourContext extends DemoContext {
  /** the crash armed for this run, if any */
  crash?: TourCrash;
}

export interface Tour {
  name: string;
  title: string;
  category: TourCategory;
  summary: string;
  guarantee: string;
  services: string[];
  verbs: string[];
  crash?: TourCrash;
  look: string[];
  /** not a registry pattern but one of the playground's own tours */
  builtIn: boolean;
  run: (ctx: TourContext) => Promise<DemoResult>;
}

export interface CrashReport {
  step: string;
  when: "after" | "during";
  fired: boolean;
  workerPidBefore?: number;
  workerPidAfter?: number;
  restartsBefore: number;
  restartsAfter: number;
  /** the invocation that was running the step when the worker died */
  invocationId?: string;
}

export interface TourReport {
  name: string;
  title: string;
  passed: boolean;
  checks: Check[];
  data?: Record<string, unknown>;
  crash?: CrashReport;
  /** the invocation whose journal tells the story (crashed one, or the scenario's first) */
  keyInvocation?: string;
  ms: number;
  error?: string;
}

/** How a tour talks to the person watching. The logic never prints by itself. */
export interface TourHooks {
  /** narration: each line is a step; lines that start with a space are details of the current step */
  say(line: string): void;
}

export function tourFor(p: PatternEntry): Tour {
  const extra = p as PatternEntry & OptionalTourFields;
  const step = extra.tour?.crash?.step ?? extra.crashStep;
  const when = extra.tour?.crash?.when ?? extra.crashWhen ?? "after";
  return {
    ...patternCard(p),
    crash: step ? { step, when } : undefined,
    look: extra.tour?.look ?? [],
    builtIn: false,
    run: (ctx) => p.demo(ctx),
  };
}

// ---- the built-in crash-and-resume tour (playground/recovery: prepare → durable sleep → commit) ----

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function invocationRow(stack: RunningStack, id: string): Promise<InvocationRow | undefined> {
  return invocation(stack.admin, id);
}

async function recoveryScenario(ctx: TourContext): Promise<DemoResult> {
  const { stack } = ctx;
  const key = `crash-${randomBytes(3).toString("hex")}`;
  const body = { key, sleepMs: 1000 };
  const log = stepLogCursor(stack.paths.stepLog);
  ctx.say(`send playground/recovery for key ${key}: step "${RECOVERY_STEPS.first}", a durable sleep of 1 s, step "${RECOVERY_STEPS.second}"`);
  ctx.say(`  same with curl: ${curlFor({ url: `${stack.ingressUrl}/playground/recovery/send`, body })}`);
  const id = (await calling("sending playground/recovery", () => ingress(stack.ingressUrl).serviceSendClient(playgroundApi).recovery(body))).invocationId;
  ctx.say(`accepted as ${id}; following its steps`);

  // Narrate what happens, from the step log, the supervisor's state and the invocation's status.
  let lastStatus = "";
  let restarts = readState(stack.paths.stateFile)?.components.worker.restarts ?? 0;
  let row: InvocationRow | undefined;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    for (const l of log.next().filter((x) => x.invocationId === id)) {
      if (l.kind === "attempt") ctx.say(`attempt in worker pid ${l.pid}`);
      else if (l.kind === "run-end") ctx.say(`step "${l.step}" ran in pid ${l.pid}${l.outcome === "error" ? ` and failed: ${l.error}` : ""}`);
    }
    const now = readState(stack.paths.stateFile)?.components.worker;
    if (now && now.restarts > restarts) {
      restarts = now.restarts;
      ctx.say(`the worker died; the supervisor restarted it${now.pid ? ` (pid ${now.pid})` : ""}`);
    }
    row = await invocationRow(stack, id).catch(() => undefined);
    if (row?.status && row.status !== lastStatus) {
      lastStatus = row.status;
      if (row.status !== "completed")
        ctx.say(`status ${row.status}${row.status === "backing-off" && row.last_failure_error_code ? ` (${row.last_failure_error_code}: Restate retries until the worker answers)` : ""}`);
    }
    if (row?.status === "completed") break;
    await wait(200);
  }
  for (const l of log.next().filter((x) => x.invocationId === id)) {
    if (l.kind === "run-end") ctx.say(`step "${l.step}" ran in pid ${l.pid}`);
  }
  if (row?.status !== "completed") throw new Error(`${id} did not complete within 2 min (status ${row?.status ?? "unknown"})`);
  ctx.say(`completed: ${row.completion_result ?? "?"}${row.completion_failure ? ` ${row.completion_failure}` : ""}`);

  const root = stack.paths.root;
  const prepared = readLedger(root, { system: "recovery", action: RECOVERY_STEPS.first, key });
  const committed = readLedger(root, { system: "recovery", action: RECOVERY_STEPS.second, key });
  const checks: Check[] = [
    check("the invocation completed successfully", row.completion_result === "success", `${row.completion_result ?? "?"}${row.completion_failure ? ` ${row.completion_failure}` : ""}`),
    check(`step "${RECOVERY_STEPS.first}" had its effect exactly once`, prepared.length === 1, `${prepared.length} ledger entr${prepared.length === 1 ? "y" : "ies"} for ${key}`),
    check(`step "${RECOVERY_STEPS.second}" had its effect exactly once`, committed.length === 1, `${committed.length} ledger entr${committed.length === 1 ? "y" : "ies"} for ${key}`),
  ];
  if (ctx.crash) {
    const resumed = claim("the invocation carried on by itself: a new attempt on the restarted worker replayed the journal", id, (t) => {
      const a = t.attempts.find((x) => x.cause === "crash-restart");
      return {
        ok: !!a && t.invocation.result === "success",
        detail: a ? `attempt ${a.n} on pid ${a.pid} (${t.attempts.length} attempts), ${t.invocation.result ?? t.invocation.status}` : `no attempt after a crash among ${t.attempts.length}`,
      };
    });
    ctx.say(`  journal: ${resumed.says}`);
    checks.push(...(await journalChecks(stack, [resumed])));
  }
  if (ctx.crash && prepared[0] && committed[0]) {
    checks.push(
      check(
        `"${RECOVERY_STEPS.second}" ran in the restarted worker, after "${RECOVERY_STEPS.first}" ran in the killed one`,
        prepared[0].pid !== committed[0].pid,
        `${RECOVERY_STEPS.first} in pid ${prepared[0].pid}, ${RECOVERY_STEPS.second} in pid ${committed[0].pid}`,
      ),
    );
  }
  return { checks, data: { key, invocationId: id, keyInvocation: id } };
}

export const builtInTours: Tour[] = [
  {
    name: "crash-and-resume",
    title: "Crash and resume",
    category: "playground",
    summary: "the worker is killed right after a durable step; the invocation resumes in a new process without redoing it",
    guarantee:
      "Each ctx.run result is recorded in Restate's journal before the handler goes on. When the worker process dies, " +
      "Restate keeps retrying the invocation until the restarted worker answers; the new process replays the journal, " +
      "so finished steps hand back their recorded result instead of running again, and the handler continues from where it " +
      "stopped. Effects outside Restate therefore happen once, even though the code ran in two processes.",
    services: ["playground"],
    verbs: ["invocations --service playground", "logs worker -f"],
    crash: { step: RECOVERY_STEPS.first, when: "after" },
    look: ["npx patterns logs worker: the two worker processes, and the step that ran in each"],
    builtIn: true,
    run: recoveryScenario,
  },
];

export function allTours(entries: PatternEntry[]): Tour[] {
  return [...entries.map(tourFor), ...builtInTours];
}

export function findTour(name: string, entries: PatternEntry[]): Tour | undefined {
  return allTours(entries).find((t) => t.name === name);
}

// ---- the step log, read incrementally ----

export interface StepLogCursor {
  next(): StepLogLine[];
}

/** Lines appended to the worker's step log after this call (partial last lines wait for the next read). */
export function stepLogCursor(file: string): StepLogCursor {
  return ndjsonCursor<StepLogLine>(file);
}

// ---- running a tour ----

/** Invocation ids found in a demo's data; "keyInvocation" and "invocationId" fields first. */
export function invocationIdsIn(data: unknown, depth = 0): string[] {
  if (depth > 4 || data === null || data === undefined) return [];
  if (typeof data === "string") return /^inv_[0-9A-Za-z]{10,}$/.test(data) ? [data] : [];
  if (Array.isArray(data)) return data.flatMap((x) => invocationIdsIn(x, depth + 1));
  if (typeof data !== "object") return [];
  const obj = data as Record<string, unknown>;
  const preferred = ["keyInvocation", "invocationId"].flatMap((k) => invocationIdsIn(obj[k], depth + 1));
  const others = Object.entries(obj)
    .filter(([k]) => k !== "keyInvocation" && k !== "invocationId")
    .flatMap(([, v]) => invocationIdsIn(v, depth + 1));
  return [...new Set([...preferred, ...others])];
}

async function firstInvocationSince(stack: RunningStack, services: string[], sinceIso: string): Promise<string | undefined> {
  if (services.length === 0) return undefined;
  const rows = await invocations(stack.admin, { since: new Date(sinceIso), services, invokedBy: ["ingress", "subscription"], order: "oldest", limit: 1 }).catch(() => []);
  return rows[0]?.id;
}

/**
 * The value once `fn` yields one, or undefined when the time is up (the checks then say what was not seen). A stack
 * stopped under the wait is no failed check: it ends the tour, saying so.
 */
function eventually<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T | undefined> {
  return observeEventually("a tour condition", fn, { timeoutMs }).catch((e: unknown) => {
    if (e instanceof StackGoneError) throw e;
    return undefined;
  });
}

export interface RunTourOptions {
  stack: RunningStack;
  json: boolean;
  /** arm the tour's crash (default true when the tour has one) */
  crash?: boolean;
  hooks: TourHooks;
}

export async function runTour(tour: Tour, o: RunTourOptions): Promise<TourReport> {
  const t0 = Date.now();
  const sinceIso = new Date(t0 - 1000).toISOString();
  const { stack, hooks } = o;
  const crash = o.crash === false ? undefined : tour.crash;
  const checks: Check[] = [];
  let data: Record<string, unknown> | undefined;
  let error: string | undefined;
  let crashReport: CrashReport | undefined;
  const log = stepLogCursor(stack.paths.stepLog);

  const before = readState(stack.paths.stateFile)?.components.worker;
  if (crash) {
    armCrash(stack.paths, { step: crash.step, when: crash.when });
    hooks.say(`crash armed: the worker is SIGKILLed ${crash.when === "after" ? "right after" : "during"} step "${crash.step}" (once)`);
  }
  try {
    const result = await tour.run({ stack, json: o.json, say: hooks.say, crash });
    checks.push(...result.checks);
    data = result.data;
  } catch (e) {
    // a call that failed because the stack was stopped (from another terminal) is said as that, not as a failed check
    if (e instanceof StackGoneError) throw e;
    throwIfStackGone(true);
    error = errorMessage(e);
    checks.push(check("the scenario ran to the end", false, error));
  }

  if (crash) {
    crashReport = await verifyCrash(stack, crash, before, log, checks);
  }
  // checks that failed because the stack went away under them would only mislead
  if (checks.some((x) => !x.ok)) throwIfStackGone(true);

  // the scenario names the invocation that shows its pattern; otherwise the crashed one, then the first it made
  const named = typeof data?.keyInvocation === "string" ? data.keyInvocation : undefined;
  let keyInvocation = named ?? crashReport?.invocationId ?? invocationIdsIn(data)[0];
  if (!keyInvocation) keyInvocation = await firstInvocationSince(stack, tour.services, sinceIso);
  const passed = checks.length > 0 && checks.every((x) => x.ok);
  return { name: tour.name, title: tour.title, passed, checks, data, crash: crashReport, keyInvocation, ms: Date.now() - t0, error };
}

async function verifyCrash(stack: RunningStack, crash: TourCrash, before: { pid?: number; restarts: number } | undefined, log: StepLogCursor, checks: Check[]): Promise<CrashReport> {
  const paths = stack.paths;
  const fired = !existsSync(paths.crashArm);
  const report: CrashReport = { step: crash.step, when: crash.when, fired, workerPidBefore: before?.pid, restartsBefore: before?.restarts ?? 0, restartsAfter: before?.restarts ?? 0 };
  if (!fired) {
    rmSync(paths.crashArm, { force: true });
    checks.push(check(`the worker crashed at step "${crash.step}"`, false, "the step never ran, so nothing crashed (the arm was removed)"));
    return report;
  }
  checks.push(check(`the worker crashed at step "${crash.step}"`, true, `SIGKILL ${crash.when} the step${before?.pid ? `, worker pid ${before.pid}` : ""}`));

  const after = await eventually(() => {
    const w = readState(paths.stateFile)?.components.worker;
    return w && w.restarts > report.restartsBefore && w.phase === "up" ? w : undefined;
  }, 30_000);
  report.restartsAfter = after?.restarts ?? readState(paths.stateFile)?.components.worker.restarts ?? report.restartsBefore;
  report.workerPidAfter = after?.pid;
  checks.push(
    check(
      "the supervisor restarted the worker",
      !!after,
      after ? `pid ${before?.pid ?? "?"} → ${after.pid ?? "?"}, restarts ${report.restartsBefore} → ${after.restarts}` : "no restart seen within 30 s",
    ),
  );

  // Which invocation was in the step when the worker died, and did it carry on in the new process?
  const lines: StepLogLine[] = [];
  const collect = () => lines.push(...log.next());
  collect();
  const victim = lines.find((l) => l.kind === "run-end" && l.step === crash.step && (before?.pid === undefined || l.pid === before.pid));
  if (!victim) {
    checks.push(check("the interrupted invocation resumed", false, `no "${crash.step}" step in the step log of pid ${before?.pid ?? "?"}`));
    return report;
  }
  const id = victim.invocationId;
  report.invocationId = id;
  const row = await eventually(async () => {
    const r = await invocationRow(stack, id).catch(() => undefined);
    return r?.status === "completed" ? r : undefined;
  }, 60_000);
  collect();
  const mine = lines.filter((l) => l.invocationId === id);
  const resumedIn = mine.find((l) => l.kind === "attempt" && l.pid !== victim.pid);
  checks.push(
    check(
      "the interrupted invocation resumed in the restarted worker and completed",
      !!row && !!resumedIn,
      `${id}: ${row ? `completed (${row.completion_result ?? "?"})` : "not completed within 60 s"}${resumedIn ? `, resumed in pid ${resumedIn.pid}` : ", no attempt in a new worker"}`,
    ),
  );
  // what the journal says about the crashed step, from the timeline's verdicts (the step log only told us who died)
  const said = crash.when === "after" ? replayed(id, crash.step) : ranAgain(id, crash.step, `step "${crash.step}" ran again (its result was never journaled)`);
  checks.push(...(await journalChecks(stack, [said])));
  return report;
}
