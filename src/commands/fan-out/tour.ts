// The fan-out scenario (its demo and tour): run for real through the same runners as the verbs, with run-unique
// keys; the checks come from Restate's records (src/observe), object state and the simulated-systems ledger.
import { randomBytes } from "node:crypto";
import { runFanOut } from "./run.js";
import { humanDuration } from "../../ui/output.js";
import { check, type Check, type DemoContext, type DemoResult } from "../../patterns/types.js";

const suffix = () => randomBytes(3).toString("hex");

export async function demo(ctx: DemoContext): Promise<DemoResult> {
    const { stack, say } = ctx;
    const tag = suffix();
    const parts = ["get out of bed", "shower", "make coffee", "have breakfast"].map((p) => `${p} ${tag}`);
    say(`fanning out ${parts.length} subtasks (1, 2, 3 and 4 s of work; run tag ${tag})`);
    const run = await runFanOut(stack, parts.join(","));
    say(`parent ${run.invocationId}: total ${humanDuration(run.stats.totalMs)}, slowest ${humanDuration(run.stats.slowestMs)}, sum ${humanDuration(run.stats.sumMs)}`);
    const s = run.stats;
    const checks: Check[] = [
      check("one child invocation per subtask", run.childInvocations === parts.length, `${run.childInvocations} invocations invoked by ${run.invocationId} in Restate`),
      check("every child completed", run.lanes.every((l) => l.status === "completed"), run.lanes.map((l) => l.status).join(", ")),
      check("the aggregate holds every subtask once", parts.every((p) => run.result.split(", ").filter((r) => r === `${p}: DONE`).length === 1), run.result),
      check("the subtasks ran at the same time (their lanes overlap)", s.overlapped, `all started within ${humanDuration(s.launchSpreadMs)}`),
      check(
        "total ≈ the slowest subtask, not the sum",
        run.parallel,
        `total ${humanDuration(s.totalMs)} vs slowest ${humanDuration(s.slowestMs)} (+${humanDuration(run.toleranceMs)} tolerance) and sum ${humanDuration(s.sumMs)}`,
      ),
    ];
    return { checks, data: { invocationId: run.invocationId, tag, stats: s, lanes: run.lanes.map((l) => ({ label: l.label, invocationId: l.invocationId, ms: l.end - l.start })) } };
  }
