// The parent side of a plain Node run: fork ./child.js with the stack's state dir (the same simulated ledger, under
// its own run id), go on step by step, SIGKILL it at the crash step; then start it again once, as a user retrying by
// hand would, and let that run finish. Never leaves a child behind: a run that hangs is killed at its deadline.
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { RunningStack } from "../runtime/stack.js";
import { PlaygroundError } from "../errors.js";
import type { ChildMessage } from "./child.js";
import type { CompareCrash, Comparison } from "./types.js";

export interface PlainAttempt {
  attempt: number;
  pid?: number;
  /** the steps it finished, in order */
  steps: string[];
  /** the step it was SIGKILLed at, if it was */
  killedAt?: string;
  exit: { code: number | null; signal: string | null };
  answers: { id: string; ok: boolean; value?: unknown }[];
  /** what it printed: the simulated systems' [SIMULATED …] lines */
  log: string[];
  error?: string;
}

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), "child.js");
const ATTEMPT_TIMEOUT_MS = 60_000;

export function runAttempt(cmp: Comparison, o: { stack: RunningStack; runId: string; key: string; attempt: number; crash?: CompareCrash }): Promise<PlainAttempt> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATTERNS_STATE_DIR: o.stack.paths.root,
    PATTERNS_LEDGER_RUN: o.runId,
    PATTERNS_TIME_SCALE: String(o.stack.state.timeScale),
  };
  // no door into the playground's stack: this run is on its own
  delete env.PATTERNS_INGRESS_URL;
  const result: PlainAttempt = { attempt: o.attempt, steps: [], exit: { code: null, signal: null }, answers: [], log: [] };
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = fork(CHILD, [cmp.pattern, o.key, String(o.attempt)], { env, stdio: ["ignore", "pipe", "pipe", "ipc"], execArgv: [] });
    } catch (e) {
      reject(new PlaygroundError(`cannot start the plain Node run (${(e as Error).message})`, "run `npm run build` and try again"));
      return;
    }
    result.pid = child.pid;
    let partial = "";
    const collect = (d: Buffer) => {
      const lines = (partial + d.toString("utf8")).split("\n");
      partial = lines.pop() ?? "";
      result.log.push(...lines.filter((l) => l.trim()));
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    const deadline = setTimeout(() => {
      result.error = `the plain run did not finish within ${ATTEMPT_TIMEOUT_MS / 1000} s; it was killed`;
      child.kill("SIGKILL");
    }, ATTEMPT_TIMEOUT_MS);
    child.on("message", (m: ChildMessage) => {
      if (m.t === "step") {
        result.steps.push(m.step);
        if (o.crash && !result.killedAt && m.step === o.crash.step) {
          result.killedAt = m.step;
          child.kill("SIGKILL");
        } else child.send({ t: "go" });
      } else if (m.t === "answer") result.answers.push({ id: m.id, ok: m.ok, value: m.value });
      else if (m.t === "error") result.error = m.message;
    });
    child.on("error", (e) => {
      result.error ??= e.message;
    });
    child.on("exit", (code, signal) => {
      clearTimeout(deadline);
      if (partial.trim()) result.log.push(partial);
      result.exit = { code, signal };
      resolve(result);
    });
  });
}

/** The killed run, then the naive retry. */
export async function runPlain(cmp: Comparison, o: { stack: RunningStack; runId: string; key: string }): Promise<{ killed: PlainAttempt; retry: PlainAttempt }> {
  const killed = await runAttempt(cmp, { ...o, attempt: 1, crash: cmp.crash });
  if (killed.error && !killed.killedAt) throw new PlaygroundError(`the plain Node run of ${cmp.pattern} failed: ${killed.error}`, "rerun with PATTERNS_DEBUG=1, and report it");
  const retry = await runAttempt(cmp, { ...o, attempt: 2 });
  if (retry.error) throw new PlaygroundError(`the plain Node retry of ${cmp.pattern} failed: ${retry.error}`, "rerun with PATTERNS_DEBUG=1, and report it");
  return { killed, retry };
}
