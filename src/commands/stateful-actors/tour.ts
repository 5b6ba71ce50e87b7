// The stateful-actors scenario (its demo and tour): run for real through the same runners as the verbs, with run-unique
// keys; the checks come from Restate's records (src/observe), the journal's verdicts, the storm's lanes and the ledger.
import { machineAction, machineStorm } from "./run.js";
import { suffix } from "../lib/calls.js";
import { check, type DemoContext, type DemoResult } from "../../tours/types.js";
import { journalChecks, lanesSerialAndParallel, replayed } from "../../tours/claims.js";
import { invocations } from "../../observe/index.js";
import { buildLanes } from "../../observe/lanes.js";
import { MACHINE_RUN_STEPS } from "../../services/stateful-actors/model.js";

/** The sentence the tour says about the storm's lanes (shown as `timeline --lanes`), and its check. */
export const LANES_SENTENCE = "the storm's lanes: per machine one transition at a time, the two machines side by side";

export async function demo(ctx: DemoContext): Promise<DemoResult> {
  const { stack, say } = ctx;
  const run = suffix();
  const flaky = `m-${run}`;
  say(`the seed's five requests on machines a-${run} and b-${run}, and setUp of ${flaky} with one injected failure`);
  const [storm, failed] = await Promise.all([machineStorm(stack, { prefix: run }), machineAction(stack, flaky, "setUp", { failOnce: true })]);
  for (const r of storm.requests) say(`  #${r.arrival + 1} ${r.key}/${r.action}: ${r.message ?? r.error}`);
  const checks = [...storm.checks];
  checks.push(
    check(
      "an injected failure mid-transition was retried, not redone",
      failed.retries >= 1 && failed.beginRuns === 1 && failed.status === "UP",
      `${failed.retries} transient error(s) in sys_journal_events; first step ran ${failed.beginRuns}× (ledger); status ${failed.status}`,
    ),
  );
  const retriedStep = replayed(failed.invocationId, MACHINE_RUN_STEPS.beginUp, `${flaky}'s retry took "${MACHINE_RUN_STEPS.beginUp}" from the journal instead of running it again`);
  say(`  journal: ${retriedStep.says}`);
  checks.push(...(await journalChecks(stack, [retriedStep])));

  const stormIds = storm.requests.map((r) => r.invocationId);
  const lanes = buildLanes(await invocations(stack.admin, { ids: stormIds }), new Date());
  const v = lanesSerialAndParallel(lanes);
  checks.push(check(LANES_SENTENCE, v.ok, v.detail));
  return { checks, data: { machines: storm.keys, flaky, keyInvocation: failed.invocationId, lanes: stormIds, requests: storm.requests } };
}
