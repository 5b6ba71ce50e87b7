// The fan-out scenario (its demo and tour): run for real through the same runners as the verbs, with run-unique
// keys; the checks come from Restate's records (src/observe), object state and the simulated-systems ledger.
import { randomBytes } from "node:crypto";
import { runFanOut } from "./run.js";
import { humanDuration } from "../../ui/output.js";
import { check, type Check, type DemoContext, type DemoResult } from "../../tours/types.js";
import { claim, journalChecks, runsNamed, type JournalClaim } from "../../tours/claims.js";

/** The sentence about the parent's journal: one call per subtask, and each subtask finished once (its own journal). */
export function fanOutClaim(parentId: string | undefined, subtasks: number): JournalClaim {
  return claim(`the parent's journal holds one call per subtask, and each subtask's "finish subtask" ran once`, parentId, (t) => {
    const calls = t.entries.filter((e) => e.kind === "call");
    const bad = t.children.filter((child) => {
      const found = runsNamed(child, "finish subtask");
      return found.length !== 1 || (found[0]!.entry.execution?.verdict !== "live" && found[0]!.entry.execution?.verdict !== "replayed");
    });
    return {
      ok: calls.length === subtasks && t.children.length === subtasks && bad.length === 0,
      detail: `${calls.length} call(s), ${t.children.length} child journal(s)${bad.length ? `; not once in ${bad.map((b) => b.invocation.id).join(", ")}` : "; each subtask finished once"}`,
    };
  });
}

const suffix = () => randomBytes(3).toString("hex");

export async function demo(ctx: DemoContext): Promise<DemoResult> {
  const { stack, say } = ctx;
  const tag = suffix();
  const parts = ["get out of bed", "shower", "make coffee", "have breakfast"].map((p) => `${p} ${tag}`);
  say(`fanning out ${parts.length} subtasks (1, 2, 3 and 4 s of work; run tag ${tag})`);
  const run = await runFanOut(stack, parts.join(","));
  say(`parent ${run.invocationId}: total ${humanDuration(run.stats.totalMs)}, slowest ${humanDuration(run.stats.slowestMs)}, sum ${humanDuration(run.stats.sumMs)}`);
  const s = run.stats;
  const journalSays = fanOutClaim(run.invocationId, parts.length);
  say(`  journal: ${journalSays.says}`);
  const checks: Check[] = [
    check("one child invocation per subtask", run.childInvocations === parts.length, `${run.childInvocations} invocations invoked by ${run.invocationId} in Restate`),
    check(
      "every child completed",
      run.lanes.every((l) => l.status === "completed"),
      run.lanes.map((l) => l.status).join(", "),
    ),
    check(
      "the aggregate holds every subtask once",
      parts.every((p) => run.result.split(", ").filter((r) => r === `${p}: DONE`).length === 1),
      run.result,
    ),
    check("the subtasks ran at the same time (their lanes overlap)", s.overlapped, `all started within ${humanDuration(s.launchSpreadMs)}`),
    check(
      "total ≈ the slowest subtask, not the sum",
      run.parallel,
      `total ${humanDuration(s.totalMs)} vs slowest ${humanDuration(s.slowestMs)} (+${humanDuration(run.toleranceMs)} tolerance) and sum ${humanDuration(s.sumMs)}`,
    ),
    ...(await journalChecks(stack, [journalSays])),
  ];
  // the parent is the key: its journal shows the calls and, under them, the subtasks (the crash hit one of those)
  return {
    checks,
    data: { keyInvocation: run.invocationId, invocationId: run.invocationId, tag, stats: s, lanes: run.lanes.map((l) => ({ label: l.label, invocationId: l.invocationId, ms: l.end - l.start })) },
  };
}
