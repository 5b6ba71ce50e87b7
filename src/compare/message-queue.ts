// message-queue without Restate: an in-process queue (a timer per task) running the same task body. The caller is
// told "accepted"; the process is killed while the task runs, and the task dies with it: the restarted process has
// an empty queue, so the task never completes and nobody knows.
import { runTaskBody } from "../services/message-queue/task-worker.js";
import { TASKS_SYSTEM } from "../services/message-queue/api.js";
import { compareKey, times, type Comparison, type RunFacts, type Verdict } from "./types.js";
import { taskWorkerApi } from "../services/message-queue/api.js";
import { sendOpts } from "../runtime/ingress.js";

const DELAY_MS = 1000;
const TASK = "send the welcome e-mail";

export function queueVerdict(facts: Pick<RunFacts, "entries" | "key" | "answers">): Verdict {
  const runs = facts.entries.filter((e) => e.system === TASKS_SYSTEM && e.action === "run" && e.key === facts.key);
  const done = facts.answers.filter((a) => a.id === facts.key && a.ok);
  const effects = [`task accepted`, times(runs.length, "task body ran"), ...(done.length ? [times(done.length, "result kept")] : [])];
  const consistent = done.length === 1 && runs.length >= 1;
  const leftBehind = consistent ? [] : [`task ${facts.key} was accepted (its caller was told so) but never completed: the queue lived in the killed process, and the restarted one started empty`];
  return {
    consistent,
    why: consistent
      ? `the task completed once, with its result${runs.length > 1 ? ` (its body ran ${runs.length} times: killed during it, the result was never journaled, so Restate ran it again)` : ""}`
      : "the task was lost with the process",
    effects,
    compensations: [],
    finalState: consistent ? "task completed, result available" : "task lost: no result, no record that it ever existed",
    leftBehind,
  };
}

export const messageQueue: Comparison = {
  pattern: "message-queue",
  scenario: `submit a task with a ${DELAY_MS / 1000} s delay ("${TASK}") and kill the process while the task runs`,
  crash: { step: "run task", when: "during" },
  invariant: "an accepted task runs to completion, even if the process that runs it dies",
  retry: "the process started again, as a supervisor would: its queue starts empty",
  key: () => compareKey("task"),

  async withRestate(io) {
    return [await io.send("asyncTaskWorker/runTask", (ingress) => ingress.serviceSendClient(taskWorkerApi).runTask({ id: io.key, task: TASK }, sendOpts({ delayMs: DELAY_MS })))];
  },

  async plain(io) {
    // the restarted process: a fresh, empty queue; the task it once accepted is gone
    if (io.attempt > 1) return;
    const result = await new Promise<string>((resolve, reject) => {
      setTimeout(() => void io.step("run task", () => runTaskBody(io.key, TASK)).then(resolve, reject), DELAY_MS);
    });
    io.answer(io.key, true, result);
  },

  // Restate answers by invocation id: the task is the one invocation
  verdict: (facts) => queueVerdict({ ...facts, answers: facts.answers.map((a) => ({ ...a, id: a.id.startsWith("inv_") ? facts.key : a.id })) }),
};
