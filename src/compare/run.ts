// `compare <pattern>`, the engine: the scenario on Restate (arm the worker crash at the step, call through the
// ingress, let it recover), then the same scenario as plain Node code killed at the same step and started again once;
// both runs read from the same simulated ledger (the plain one under its own run id) and judged by one verdict.
import { existsSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import type { RunningStack } from "../runtime/stack.js";
import { armCrash } from "../runtime/crash.js";
import { readState } from "../runtime/state.js";
import { calling, ingress } from "../runtime/ingress.js";
import { completed } from "../observe/index.js";
import { readLedger } from "../services/lib/simulated.js";
import { runPlain, type PlainAttempt } from "./plain.js";
import { PLAIN_LABEL, RESTATE_LABEL, type CompareCrash, type Comparison, type RestateIo, type Verdict } from "./types.js";

export interface RestateOutcome extends Verdict {
  label: typeof RESTATE_LABEL;
  crash: CompareCrash & { fired: boolean; workerPidBefore?: number; workerPidAfter?: number };
  invocationIds: string[];
  ms: number;
}

export interface PlainOutcome extends Verdict {
  label: typeof PLAIN_LABEL;
  /** the ledger run id its effects carry (simulated.ndjson in the state dir, field "run") */
  runId: string;
  crash: CompareCrash & { fired: boolean; pid?: number; stepsDone: string[] };
  retry: { what: string; pid?: number; exitCode: number | null; stepsDone: string[] };
  ms: number;
}

export interface CompareReport {
  pattern: string;
  scenario: string;
  invariant: string;
  key: string;
  withRestate: RestateOutcome;
  withoutRestate: PlainOutcome;
}

const RESTATE_TIMEOUT_MS = 90_000;

export async function runWithRestate(cmp: Comparison, stack: RunningStack, key: string, say: (line: string) => void): Promise<RestateOutcome> {
  const t0 = Date.now();
  const before = readState(stack.paths.stateFile)?.components.worker;
  armCrash(stack.paths, { step: cmp.crash.step, when: cmp.crash.when });
  say(`on ${RESTATE_LABEL}: the worker is SIGKILLed ${cmp.crash.when} step "${cmp.crash.step}" (once); Restate retries from the journal`);
  const io: RestateIo = {
    stack,
    key,
    say,
    async send(what, sendIt) {
      return (await calling(`calling ${what}`, () => sendIt(ingress(stack.ingressUrl)))).invocationId;
    },
  };
  let ids: string[];
  try {
    ids = await cmp.withRestate(io);
  } catch (e) {
    rmSync(stack.paths.crashArm, { force: true });
    throw e;
  }
  let rows;
  let fired: boolean;
  try {
    rows = await completed(stack.admin, ids, { timeoutMs: RESTATE_TIMEOUT_MS, what: `the ${cmp.pattern} invocations on Restate to complete` });
  } finally {
    // the worker consumes the arm when it strikes; one that never fired must not strike someone else's later run
    fired = !existsSync(stack.paths.crashArm);
    if (!fired) rmSync(stack.paths.crashArm, { force: true });
  }
  const after = readState(stack.paths.stateFile)?.components.worker;
  const answers = ids.map((id) => {
    const r = rows.find((x) => x.id === id);
    return { id, ok: r?.completion_result === "success", error: r?.completion_failure ?? undefined };
  });
  const verdict = cmp.verdict({ entries: readLedger(stack.paths.root, { run: undefined }), key, answers });
  return {
    label: RESTATE_LABEL,
    ...verdict,
    crash: { ...cmp.crash, fired, workerPidBefore: before?.pid, workerPidAfter: after?.pid },
    invocationIds: ids,
    ms: Date.now() - t0,
  };
}

export async function runWithoutRestate(cmp: Comparison, stack: RunningStack, key: string, say: (line: string) => void): Promise<PlainOutcome> {
  const t0 = Date.now();
  const runId = `compare-plain-${randomBytes(4).toString("hex")}`;
  say(`${PLAIN_LABEL}: the same steps in an ordinary async function, in a child process killed (SIGKILL) after step "${cmp.crash.step}"; then started again once`);
  const { killed, retry }: { killed: PlainAttempt; retry: PlainAttempt } = await runPlain(cmp, { stack, runId, key });
  for (const a of [killed, retry]) {
    say(
      `${PLAIN_LABEL}, ${a.attempt === 1 ? "first run" : "started again"} (pid ${a.pid ?? "?"})${a.killedAt ? `: SIGKILLed once "${a.killedAt}" had run` : `: exited ${a.exit.code ?? a.exit.signal}`}`,
    );
    for (const l of a.log.filter((x) => x.startsWith("[SIMULATED"))) say(`  ${l}`);
  }
  const verdict = cmp.verdict({ entries: readLedger(stack.paths.root, { run: runId }), key, answers: [...killed.answers, ...retry.answers] });
  return {
    label: PLAIN_LABEL,
    runId,
    ...verdict,
    crash: { ...cmp.crash, fired: !!killed.killedAt, pid: killed.pid, stepsDone: killed.steps },
    retry: { what: cmp.retry, pid: retry.pid, exitCode: retry.exit.code, stepsDone: retry.steps },
    ms: Date.now() - t0,
  };
}

export async function runComparison(cmp: Comparison, stack: RunningStack, say: (line: string) => void): Promise<CompareReport> {
  const key = cmp.key();
  say(`${cmp.pattern}: ${cmp.scenario} (key ${key})`);
  const withRestate = await runWithRestate(cmp, stack, key, say);
  const withoutRestate = await runWithoutRestate(cmp, stack, key, say);
  return { pattern: cmp.pattern, scenario: cmp.scenario, invariant: cmp.invariant, key, withRestate, withoutRestate };
}
