// The stateful-actors scenario (its demo and tour): run for real through the same runners as the verbs, with run-unique
// keys; the checks come from Restate's records (src/observe), object state and the simulated-systems ledger.
import { machineAction, machineStorm } from "./run.js";
import { suffix } from "../lib/calls.js";
import { check, type DemoContext, type DemoResult } from "../../patterns/types.js";



export async function demo(ctx: DemoContext): Promise<DemoResult> {
    const { stack, say } = ctx;
    const run = suffix();
    const flaky = `m-${run}`;
    say(`the seed's five requests on machines a-${run} and b-${run}, and setUp of ${flaky} with one injected failure`);
    const [storm, failed] = await Promise.all([machineStorm(stack, { prefix: run }), machineAction(stack, flaky, "setUp", { failOnce: true })]);
    for (const r of storm.requests) say(`  #${r.arrival + 1} ${r.key}/${r.action}: ${r.message ?? r.error}`);
    const checks = [...storm.checks];
    checks.push(check("an injected failure mid-transition was retried, not redone", failed.retries >= 1 && failed.beginRuns === 1 && failed.status === "UP", `${failed.retries} transient error(s) in sys_journal_events; first step ran ${failed.beginRuns}× (ledger); status ${failed.status}`));
    return { checks, data: { machines: storm.keys, flaky, keyInvocation: failed.invocationId, requests: storm.requests } };
  }
