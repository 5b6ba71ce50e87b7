// The fix-forward verbs: `rerun` (restart a completed invocation as a new one from a step), `pause` and `resume`
// (stop an invocation stuck retrying on a bug, deploy the fix, resume it on the new deployment), and `replay-check`
// (replay recorded journals against the current code before trusting a change). Runners in ./run.ts and
// ./replay-check.ts; what happens is followed live through followLive, like every other verb.
import { durationOption } from "../common.js";
import { c } from "../../ui/palette.js";
import { followLive } from "../../observe/follow.js";
import { completedOrLatest } from "../../observe/index.js";
import { defaultWidth } from "../../observe/render.js";
import { invocationTimeline } from "../../observe/timeline.js";
import type { Timeline } from "../../observe/types.js";
import type { RunningStack } from "../../runtime/stack.js";
import { verb, type VerbContext } from "../verb.js";
import { pause, restart, resume, type PauseResult, type Placement, type RestartResult, type ResumeResult } from "./run.js";
import { replayCheckVerb } from "./replay-check-verb.js";

const DEFAULT_TIMEOUT_MS = 120_000;

/** What the followed invocation did: its timeline and the run steps by verdict. */
export interface Outcome {
  id: string;
  status: string;
  result?: string;
  failure?: string;
  uiUrl?: string;
  replayed: string[];
  live: string[];
  timeline: Timeline;
}

function outcomeOf(t: Timeline, restarted: boolean): Outcome {
  const runs = t.entries.filter((e) => e.kind === "run");
  // For a restarted invocation, replayed means copied: answered from the original journal, its body never ran in the
  // new invocation. A step whose body ran there is live, even when a later attempt of it (a suspension, a retry)
  // replayed it. For a resumed one, replayed keeps its meaning: run by an earlier attempt, answered from the journal.
  const ranHere = (e: (typeof runs)[number]) => (e.execution?.bodyRuns.length ?? 0) > 0;
  const verdictOf = (e: (typeof runs)[number]) => (restarted && e.execution?.verdict === "replayed" && ranHere(e) ? "live" : (e.execution?.verdict ?? ""));
  const named = (v: string[]) => runs.filter((e) => v.includes(verdictOf(e))).map((e) => `${e.index} ${e.name ?? "run"}`);
  return {
    id: t.invocation.id,
    status: t.invocation.status,
    result: t.invocation.result,
    failure: t.invocation.failure,
    uiUrl: t.invocation.uiUrl,
    replayed: named(["replayed"]),
    live: named(["live", "retried", "ran-again"]),
    timeline: t,
  };
}

/** Follow one invocation until it completes: live lines and its timeline in a terminal; one document with --json. */
async function followOne(ctx: VerbContext<{ timeout?: number }>, stack: RunningStack, id: string, restarted: boolean): Promise<Outcome> {
  const timeoutMs = ctx.opts.timeout ?? DEFAULT_TIMEOUT_MS;
  if (ctx.json) {
    await completedOrLatest(stack.admin, [id], { timeoutMs, everyMs: 250 });
  } else {
    ctx.say(c.dim(`following ${id} until it completes (Ctrl+C stops following, not the invocation)`));
    await followLive(stack.admin, stack.paths, { ids: [id], json: false, width: defaultWidth(), timeoutMs });
  }
  return outcomeOf(await invocationTimeline(stack, id, { children: false }), restarted);
}

const failedOutcome = (o: Outcome) => (o.status !== "completed" || o.result === "failure" ? 1 : 0);

function outcomeLines(o: Outcome): string[] {
  const state = o.status === "completed" ? (o.result === "failure" ? c.fail(`failed: ${o.failure ?? "?"}`) : c.ok("completed")) : c.warn(`still ${o.status} (not completed within the timeout)`);
  return [
    `${c.id(o.id)} ${state}`,
    `  ${c.info(`REPLAYED (answered from the journal, body not run): ${o.replayed.length ? o.replayed.join(", ") : "none"}`)}`,
    `  live (body ran now): ${o.live.length ? o.live.join(", ") : "none"}`,
    ...(o.uiUrl ? [c.dim(`  Restate UI: ${o.uiUrl}`)] : []),
  ];
}

const timeoutOption = { flags: "--timeout <duration>", description: "stop following after this long (default 2m)", parse: durationOption("--timeout") };

type RerunData = RestartResult & { outcome: Outcome };

export const rerun = verb<{ from?: string; on?: Placement; timeout?: number }, RerunData>({
  path: "rerun",
  group: "faults",
  summary: "restart a completed invocation as a new one from a step (Restate's restart-as-new): the steps before it are REPLAYED from the journal, the rest run live",
  args: [{ name: "<invocation>", description: "a completed invocation (full id, unique prefix or the short form)" }],
  options: [
    { flags: "--from <step>", description: "the step to run live again: its name (first occurrence) or its journal index; default: from the beginning" },
    { flags: "--on <deployment>", description: "current: the current code (default); original: the deployment it ran on", choices: ["current", "original"] },
    timeoutOption,
  ],
  examples: ['npx patterns rerun inv_1abc… --from "update feed"', "npx patterns rerun inv_1abc… --from 9 --on original", "npx patterns rerun inv_1abc… --json"],
  async run(ctx, id: string) {
    const stack = ctx.stack();
    const r = await restart(stack, id, { from: ctx.opts.from, on: ctx.opts.on }, (call) => ctx.equivalent(call));
    ctx.say(
      `restarted ${r.original.id} as ${c.id(r.newInvocationId)} ${r.from.index !== undefined ? `from step ${r.from.index} "${r.from.step}" (entries 0–${r.from.copyUpTo} copied)` : "from the beginning (only the input copied)"} on the ${r.on} deployment`,
    );
    return { ...r, outcome: await followOne(ctx, stack, r.newInvocationId, true) };
  },
  render: (d) => [`rerun of ${c.id(d.original.id)} (${d.original.target}) ${d.from.step ? `from "${d.from.step}"` : "from the beginning"}:`, ...outcomeLines(d.outcome)],
  json: (d) => ({ ...d, uiUrl: d.outcome.uiUrl }),
  exitCode: (d) => failedOutcome(d.outcome),
});

export const pauseVerb = verb<Record<string, never>, PauseResult>({
  path: "pause",
  group: "faults",
  summary: "pause an invocation that is running or stuck retrying: it keeps its journal and waits, untouched, until `resume`",
  args: [{ name: "<invocation>", description: "a running or retrying invocation (full id, unique prefix or the short form)" }],
  examples: ["npx patterns pause inv_1abc…", "npx patterns pause inv_1abc… --json"],
  async run(ctx, id: string) {
    return pause(ctx.stack(), id, (call) => ctx.equivalent(call));
  },
  render: (d) => [
    `${c.id(d.id)} (${d.target}) ${c.warn("paused")} (was ${d.before}${d.attempts ? ` after ${d.attempts} attempt${d.attempts === 1 ? "" : "s"}` : ""})`,
    ...(d.lastFailure ? [c.dim(`  last failure: ${d.lastFailure}`)] : []),
  ],
  notes: (d) => [c.dim(`deploy the fix (start --watch and save, or a new deployment), then: ${c.cmd(`npx patterns resume ${d.id} --on latest`)}`)],
});

type ResumeData = ResumeResult & { outcome: Outcome };

export const resumeVerb = verb<{ on?: string; timeout?: number }, ResumeData>({
  path: "resume",
  group: "faults",
  summary: "resume a paused invocation, on the deployment it is pinned to or (--on latest) on the newest code; follow it until it completes",
  args: [{ name: "<invocation>", description: "a paused or suspended invocation (full id, unique prefix or the short form)" }],
  options: [{ flags: "--on <deployment>", description: "latest: the newest deployment (the fixed code); keep: its pinned one; or a deployment id" }, timeoutOption],
  examples: ["npx patterns resume inv_1abc… --on latest", "npx patterns resume inv_1abc…"],
  async run(ctx, id: string) {
    const stack = ctx.stack();
    const r = await resume(stack, id, ctx.opts.on, (call) => ctx.equivalent(call));
    ctx.say(`resumed ${c.id(r.id)} on ${r.on}${r.pinnedBefore ? ` (it was pinned to ${r.pinnedBefore})` : ""}`);
    return { ...r, outcome: await followOne(ctx, stack, r.id, false) };
  },
  render: (d) => [`resume of ${c.id(d.id)} (${d.target}) on ${d.on}:`, ...outcomeLines(d.outcome)],
  notes: (d) =>
    d.outcome.status !== "completed" && d.outcome.timeline.invocation.lastFailure
      ? [c.warn(`it fails again on the code it runs on: deploy the fix, then ${c.cmd(`npx patterns pause ${d.id}`)} and ${c.cmd(`npx patterns resume ${d.id} --on latest`)}`)]
      : [],
  json: (d) => ({ ...d, uiUrl: d.outcome.uiUrl }),
  exitCode: (d) => failedOutcome(d.outcome),
});

export const declarations = [rerun, pauseVerb, resumeVerb, replayCheckVerb];
