// The rate-limiter scenario (its demo and tour): run for real through the same runners as the verbs, with run-unique
// keys; the checks come from Restate's records (src/observe), object state and the simulated-systems ledger.
import { randomBytes } from "node:crypto";
import { failureMessage, httpStatus, ingress } from "../../runtime/ingress.js";
import { limitedTaskApi } from "../../services/rate-limiter/api.js";
import { RL_SYSTEM } from "../../services/rate-limiter/names.js";
import { readLedger } from "../../services/lib/simulated.js";
import { limiterState, runTasks, setRate } from "./run.js";
import { check, type Check, type DemoContext, type DemoResult } from "../../tours/types.js";
import { journalChecks, sleptOnTimer } from "../../tours/claims.js";

const suffix = () => randomBytes(3).toString("hex");

export async function demo(ctx: DemoContext): Promise<DemoResult> {
  const { stack, say } = ctx;
  const name = `limiter-${suffix()}`;
  const rate = 2;
  const count = 8;
  say(`limiter ${name}: a call before any rate is set`);
  const refused = await ingress(stack.ingressUrl)
    .serviceClient(limitedTaskApi)
    .RunTask({ limiter: name })
    .then(
      () => ({ status: 200, message: "ran" }),
      (e: unknown) => ({ status: httpStatus(e), message: failureMessage(e) }),
    );
  await setRate(stack, name, rate, 1);
  say(`rate ${rate}/s, burst 1; ${count} tasks fired at once`);
  const report = await runTasks(stack, name, count);
  const state = await limiterState(stack, name);
  const acts = report.tasks.map((t) => t.actAt).sort((a, b) => a - b);
  const minGap = Math.min(...acts.slice(1).map((t, i) => t - acts[i]!));
  const ledger = readLedger(stack.paths.root, { system: RL_SYSTEM, key: name });
  const admitted = report.admitted?.perSecond ?? 0;
  // the task that waited longest for its token is the one whose journal shows the limiter's timer
  const waiter = [...report.tasks].sort((a, b) => b.waitedMs - a.waitedMs)[0];
  const slept = sleptOnTimer(waiter?.invocationId, `a task that found the bucket empty slept on a durable timer ("wait for a token") before it ran`, { name: "wait for a token", minMs: 100 });
  say(`  journal: ${slept.says}`);
  const checks: Check[] = [
    check("a call before SetRate is refused with 429 and says to set a rate", refused.status === 429 && /SetRate/.test(refused.message), `HTTP ${refused.status}: ${refused.message}`),
    check("the limiter never let two tasks act closer than 1/rate", minGap >= 1000 / rate - 5, `smallest gap between scheduled starts ${Math.round(minGap)} ms (1/rate = ${1000 / rate} ms)`),
    // the lower bound is loose on purpose: a loaded machine delays completions, it cannot speed them up
    check(
      `completions follow the configured ${rate}/s (generous tolerance)`,
      admitted >= rate * 0.3 && admitted <= rate * 1.5,
      `admitted ${admitted.toFixed(2)}/s over ${report.admitted?.events ?? 0} tasks after the burst`,
    ),
    check("each task ran exactly once", ledger.length === count, `${ledger.length} runs in the ledger for ${name}`),
    check("the bucket is stored in the object", state?.limit === rate && state.burst === 1, `state: limit ${state?.limit}, burst ${state?.burst}`),
    ...(await journalChecks(stack, [slept])),
  ];
  return { checks, data: { limiter: name, keyInvocation: waiter?.invocationId, rate, admitted: report.admitted, scheduled: report.scheduled, totalMs: report.totalMs } };
}
