// `patterns fanout "<a,b,c>"`: fan-out / fan-in, drawn as parallel lanes.
import { UsageError } from "../../errors.js";
import { humanDuration } from "../../ui/output.js";
import { c, sym } from "../../ui/palette.js";
import { FAN_OUT_WORKER } from "../../services/fan-out/logic.js";
import { steps as FANOUT_CRASH_STEPS } from "../../services/fan-out/steps.js";
import { fanOutBody, runFanOut, validateDescription, type FanOutRun } from "./run.js";
import { renderLanes } from "./lanes.js";
import { verb, type Declaration, type VerbContext } from "../verb.js";

export function renderFanOut(run: FanOutRun): string[] {
  const lanes = renderLanes(run.lanes, { start: run.parent.start, end: run.parent.end }, { width: 40 });
  const s = run.stats;
  return [
    `${c.bold(`${FAN_OUT_WORKER}/run`)} ${c.id(run.invocationId)} ${c.dim(`— ${run.lanes.length} subtasks, one child invocation each`)}`,
    ...lanes.map((l, i) => `  ${l}  ${c.dim(`${humanDuration(run.lanes[i]!.workMs)} work`)}`),
    `total ${c.bold(humanDuration(s.totalMs))} · slowest subtask ${humanDuration(s.slowestMs)} · one after the other ≈ ${humanDuration(s.sumMs)}  ${
      run.parallel ? `${sym.ok} ran in parallel` : `${sym.fail} did not look parallel`
    }`,
    ...(run.crash
      ? [
          run.crash.fired
            ? `${sym.warn} the worker was killed after "${run.crash.step}" and restarted; parent retries: ${run.parent.retryCount}`
            : `${sym.warn} the crash armed after "${run.crash.step}" did not strike (that step did not run) and was disarmed`,
        ]
      : []),
    `result: ${run.result}`,
  ];
}

const fanout = verb({
  path: "fanout",
  group: "patterns",
  summary: "fan-out / fan-in: run the subtasks in parallel as child invocations and aggregate; shows them as lanes",
  args: [{ name: "<description>", description: "the task: subtasks separated by commas" }],
  options: [
    { flags: "--chaos", description: "random work times (0.5–4.5 s) instead of the deterministic 1, 2, 3, 4 s by position" },
    { flags: "--crash-after <step>", description: `crash the worker once right after a step (${FANOUT_CRASH_STEPS.map((s) => `"${s}"`).join(" or ")})`, suggest: FANOUT_CRASH_STEPS },
  ],
  examples: [`npx patterns fanout "get out of bed,shower,make coffee,have breakfast"`, `npx patterns fanout "a,b,c,d" --json`, `npx patterns fanout "a,b,c,d" --crash-after "finish subtask"`],
  async run(ctx: VerbContext<{ chaos?: boolean; crashAfter?: string }>, description: string) {
    const o = ctx.opts;
    const parts = validateDescription(description);
    if (o.crashAfter !== undefined && !FANOUT_CRASH_STEPS.includes(o.crashAfter))
      throw new UsageError(`--crash-after "${o.crashAfter}" is not a step of ${FAN_OUT_WORKER}`, `use one of: ${FANOUT_CRASH_STEPS.map((s) => `"${s}"`).join(", ")}`);
    const stack = ctx.stack();
    const spin = ctx.spinner(`fanning out ${parts.length} subtasks…`);
    let run: FanOutRun;
    try {
      run = await runFanOut(stack, description, { chaos: o.chaos, crashAfter: o.crashAfter });
    } catch (e) {
      spin.fail(`${FAN_OUT_WORKER}/run failed`);
      throw e;
    }
    spin.succeed(`${parts.length} subtasks done in ${humanDuration(run.stats.totalMs)}`);
    ctx.equivalent({ url: `${stack.ingressUrl}/${FAN_OUT_WORKER}/run`, body: fanOutBody(description, !!o.chaos) });
    return run;
  },
  render: renderFanOut,
});

export const declarations: Declaration[] = [fanout];
