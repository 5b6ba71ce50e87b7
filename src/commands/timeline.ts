// Timelines and crash verbs: `timeline` (one invocation as a tree, by key, lanes per key, live), `kill-worker`,
// `kill-restate` and `kill-broker` (SIGKILL the real process; the supervisor brings it back on the same data), and
// the worker's one-shot crash at a named ctx.run step (`kill-worker --at-step`, `--disarm`).
import { rmSync } from "node:fs";
import { UsageError } from "../errors.js";
import type { RunningStack } from "../runtime/stack.js";
import { MAX_NODES } from "../runtime/config.js";
import { resolveStateDir, statePaths } from "../runtime/paths.js";
import { readCrashArm, type CrashArm } from "../services/lib/crash.js";
import { intOption, parseDuration } from "./common.js";
import { humanDuration } from "../ui/output.js";
import { c, sym } from "../ui/palette.js";
import { followLive } from "../observe/follow.js";
import { journalSqlFor as journalQueryFor } from "../observe/sql.js";
import { renderLanes, type LanesView } from "../observe/lanes.js";
import { defaultWidth, fitLine, renderList, renderTimeline } from "../observe/render.js";
import type { Timeline } from "../observe/types.js";
import { resolveInvocationId } from "../observe/timeline.js";
import { keyedTimelines, lanesView, listInvocations, oneTimeline, timelineMode, type TimelineArgs, type TimelinesResult } from "./timeline/run.js";
import { armAtStep, checkNode, killNow, killWarning, type ArmResult, type KillResult } from "./timeline/kill.js";
import { CRASH_STEPS_BY_PATTERN, crashStepName } from "./timeline/steps.js";
import { verb, type OptionSpec, type VerbContext } from "./verb.js";

/** The verb's flags: the query of run.ts plus how to print it. */
interface TimelineFlags extends Omit<TimelineArgs, "id"> {
  width?: number;
  timeout?: number;
}

function sinceOption(raw: string): number {
  const ms = parseDuration(raw, "--since");
  if (ms <= 0) throw new UsageError(`--since must be longer than 0, got "${raw}"`, "for example --since 2m");
  return ms;
}

function timelineLines(ts: Timeline[], width: number, empty: string): string[] {
  if (ts.length === 0) return [c.dim(empty)];
  return ts.flatMap((t, i) => [...(i > 0 ? [""] : []), ...renderTimeline(t, { width })]);
}

function adminQueryCall(stack: RunningStack, sql: string) {
  return { url: `${stack.state.adminUrl}/query`, body: { query: sql }, headers: { accept: "application/json" } };
}

function timelineArgs(idArg: string | undefined, o: TimelineFlags): TimelineArgs {
  return { id: idArg, key: o.key, service: o.service, handler: o.handler, status: o.status, since: o.since, limit: o.limit, lanes: o.lanes, follow: o.follow, children: o.children };
}

type TimelineData = TimelinesResult | LanesView | Awaited<ReturnType<typeof listInvocations>>;

/** The mode the command line asked for (what `run` returned is the data of that mode). */
const modeOf = (ctx: VerbContext<TimelineFlags>) => timelineMode(timelineArgs(ctx.command.processedArgs[0] as string | undefined, ctx.opts));
const widthOf = (ctx: VerbContext<TimelineFlags>) => ctx.opts.width ?? defaultWidth();

async function follow(ctx: VerbContext<TimelineFlags>, stack: RunningStack, a: TimelineArgs): Promise<void> {
  const ids = a.id ? [await resolveInvocationId(stack.admin, a.id)] : undefined;
  ctx.say(c.dim(ids ? `following ${ids[0]} until it and its children finish (Ctrl+C to stop)` : "following active and new invocations until they finish (Ctrl+C to stop)"));
  const r = await followLive(stack.admin, stack.paths, {
    ids,
    filter: ids ? undefined : { service: a.service, key: a.key, handler: a.handler },
    json: ctx.json,
    width: widthOf(ctx),
    timeoutMs: ctx.opts.timeout ?? 600_000,
  });
  if (r.reason === "timeout" && r.timelines.length) process.exitCode = 1;
}

export const timeline = verb<TimelineFlags, TimelineData>({
  path: "timeline",
  group: "inspect",
  summary: "what invocations did, step by step: journal entries, retries, crashes, and which ctx.run bodies ran live or were replayed",
  args: [{ name: "[invocationId]", description: "one invocation (a full id or a unique prefix) and its children as a tree" }],
  options: [
    { flags: "--key <key>", description: "timelines of the invocations on this key (newest --limit, default 5)" },
    { flags: "--service <name>", description: "only this service" },
    { flags: "--handler <name>", description: "only this handler" },
    { flags: "--status <status>", description: "pending|scheduled|ready|running|paused|backing-off|suspended|completed|active|succeeded|failed" },
    { flags: "--since <duration>", description: "only invocations created in this window (e.g. 30s, 2m)", parse: sinceOption },
    { flags: "--limit <n>", description: "how many invocations (list 20, --key 5, --lanes 200)", parse: intOption("--limit", 1, 1000) },
    { flags: "--lanes", description: "one lane per key over time: running vs queued behind the same key (default --since 2m)" },
    { flags: "--follow", description: "live: print each step as it happens, until the watched invocations finish (NDJSON with --json)" },
    { flags: "--timeout <duration>", description: "with --follow: stop waiting after this long (default 10m)", parse: (raw: string) => parseDuration(raw, "--timeout") },
    { flags: "--no-children", description: "do not include the invocations it called or sent to" },
    { flags: "--width <columns>", description: "fit lines to this width (default: the terminal's, else 160)", parse: intOption("--width", 60, 1000) },
  ],
  examples: [
    "npx patterns timeline                                  # recent invocations, with ids to copy",
    "npx patterns timeline inv_1abc…                        # one invocation and its children",
    "npx patterns timeline --key userid1                    # every step of the key's invocations",
    "npx patterns timeline --lanes --service userFeed --since 2m",
    "npx patterns timeline --follow                         # live until what is running finishes",
    "npx patterns timeline inv_1abc… --json | jq '.timelines[0].entries[] | select(.kind==\"run\") | .execution.verdict'",
  ],
  async run(ctx, idArg: string | undefined) {
    const args = timelineArgs(idArg, ctx.opts);
    const mode = timelineMode(args);
    const stack = ctx.stack();
    // a stream: it prints each step as it happens and returns nothing
    if (args.follow) {
      await follow(ctx, stack, args);
      return undefined;
    }
    switch (mode) {
      case "one": {
        const r = await oneTimeline(stack, idArg!, ctx.opts.children !== false);
        ctx.equivalent(adminQueryCall(stack, journalQueryFor(r.timelines[0]!.invocation.id)));
        return r;
      }
      case "keyed":
        return keyedTimelines(stack, args);
      case "lanes":
        return lanesView(stack, args);
      case "list":
        return listInvocations(stack, args);
    }
  },
  render(data, ctx) {
    const width = widthOf(ctx);
    const o = ctx.opts;
    switch (modeOf(ctx)) {
      case "one":
        return timelineLines((data as TimelinesResult).timelines, width, "");
      case "keyed":
        return timelineLines((data as TimelinesResult).timelines, width, `no invocations for key "${o.key}"${o.service ? ` on ${o.service}` : ""}`);
      case "lanes":
        return renderLanes(data as LanesView, Math.max(20, Math.min(80, width - 90))).map((l) => fitLine(l, width));
      case "list":
        return renderList((data as Awaited<ReturnType<typeof listInvocations>>).invocations, width);
    }
  },
  notes(data, ctx) {
    const mode = modeOf(ctx);
    if (mode === "keyed") {
      const r = data as TimelinesResult;
      return r.timelines.length ? [c.dim(`${r.timelines.length} invocation${r.timelines.length === 1 ? "" : "s"}, oldest first (newest ${r.filter.limit} at most; --limit to change)`)] : [];
    }
    if (mode === "list") {
      const r = data as Awaited<ReturnType<typeof listInvocations>>;
      return r.invocations.length ? [c.dim(`see one: ${c.cmd(`npx patterns timeline ${r.invocations[0]!.id}`)}`)] : [];
    }
    return [];
  },
});

// ---- kill verbs -------------------------------------------------------------------------------------------------

const LABEL = { worker: "worker", restate: "restate-server", broker: "embedded broker" } as const;
type Killable = keyof typeof LABEL;

export function renderKill(r: KillResult): string[] {
  const name = r.node ? `${LABEL[r.component as Killable]} node ${r.node}` : LABEL[r.component as Killable];
  const lines = [`${sym.warn} killed ${name} pid ${c.id(String(r.pid))} with ${r.signal}`];
  if (r.waited) lines.push(`${sym.ok} ${name} back as pid ${c.id(String(r.newPid ?? "?"))} after ${humanDuration(r.downMs ?? 0)} down ${c.dim(`(asked for ${humanDuration(r.requestedDownMs)})`)}`);
  else lines.push(`${sym.dot} the supervisor restarts it in ${humanDuration(r.requestedDownMs)} ${c.dim("(--no-wait: not waiting)")}`);
  return lines;
}

interface KillFlags {
  down: number;
  wait: boolean;
  /** kill-restate in a cluster: which node */
  node?: number;
}

async function killComponentVerb(ctx: VerbContext<KillFlags>, component: Killable): Promise<KillResult> {
  const stack = ctx.stack();
  const o = ctx.opts;
  const node = checkNode(stack.state, component, o.node);
  const name = node ? `${LABEL[component]} node ${node}` : LABEL[component];
  const pid = node ? stack.state.nodes![node - 1]!.pid : stack.state.components[component].pid;
  // said before the wait: past what the cluster tolerates, the wait is the point, not a hang
  const warning = node ? killWarning(stack.state, node, o.down) : undefined;
  if (warning) ctx.say(`${sym.warn} ${warning}`);
  const s = ctx.spinner(`killing ${name} pid ${pid ?? "?"} (SIGKILL); back in ${humanDuration(o.down)}`);
  let r: KillResult;
  try {
    r = await killNow(stack, component, o.down, o.wait, o.node);
  } catch (e) {
    s.fail(`could not kill the ${name}`);
    throw e;
  }
  s.done(o.wait ? `${name} was down ${humanDuration(r.downMs ?? 0)}` : `${name} killed`);
  return r;
}

const afterProcessKill = (r: KillResult) => [
  c.dim(`the same by hand: kill -9 ${r.pid} (the supervisor restarts it); see what it did to your invocations: ${c.cmd("npx patterns timeline --status active")} or ${c.cmd("npx patterns timeline --follow")}`),
];

function downOption(raw: string): number {
  const ms = parseDuration(raw, "--down");
  if (ms > 120_000) throw new UsageError(`--down must be at most 2m, got "${raw}"`, "for example --down 3s");
  return ms;
}

const killOptions = (what: string, downMs: number): OptionSpec[] => [
  { flags: "--down <duration>", description: `how long ${what} stays down`, parse: downOption, default: downMs },
  { flags: "--no-wait", description: "return at once instead of waiting until it is back" },
];

function stepList(): string {
  return Object.entries(CRASH_STEPS_BY_PATTERN)
    .map(([pattern, steps]) => `${pattern}: ${steps.map((s) => `"${s}"`).join(", ")}`)
    .join("; ");
}

/** What `kill-worker` did: killed the process, armed a one-shot crash at a step, or removed the armed one. */
export type KillWorkerResult = KillResult | ArmResult | { disarmed: CrashArm | null };

export const killWorker = verb<KillFlags & { atStep?: string; when: string; invocation?: string; disarm?: boolean }, KillWorkerResult>({
  path: "kill-worker",
  group: "faults",
  summary: "SIGKILL the worker now (the supervisor restarts it after --down), or arm a one-shot crash at a named ctx.run step",
  options: [
    ...killOptions("the worker", 2000),
    { flags: "--at-step <step>", description: "do not kill now: make the worker exit once, at this ctx.run step (see the list below)" },
    { flags: "--when <when>", description: "with --at-step: after (result journaled → replayed) or during (before → the body runs again)", default: "after" },
    { flags: "--invocation <id>", description: "with --at-step: only for this invocation" },
    { flags: "--disarm", description: "remove the crash armed with --at-step that has not fired yet (`status` shows it)" },
  ],
  examples: [
    "npx patterns kill-worker",
    "npx patterns kill-worker --down 5s",
    'npx patterns kill-worker --at-step "prepare"               # the next "prepare" step journals, then the worker dies',
    'npx patterns kill-worker --at-step "prepare" --when during # dies before the result is journaled: the body runs twice',
    "npx patterns kill-worker --disarm                          # forget the armed crash",
  ],
  help: `\nSteps (--at-step), by pattern:\n${Object.entries(CRASH_STEPS_BY_PATTERN)
    .map(([pattern, steps]) => `  ${pattern.padEnd(18)} ${steps.map((s) => `"${s}"`).join(", ")}`)
    .join("\n")}\n`,
  async run(ctx) {
    const o = ctx.opts;
    if (o.when !== "after" && o.when !== "during") throw new UsageError(`--when must be "after" or "during", got "${o.when}"`, "for example --when during");
    if (o.atStep === undefined && (ctx.command.getOptionValueSource("when") === "cli" || o.invocation)) {
      throw new UsageError("--when and --invocation only go with --at-step", 'for example kill-worker --at-step "prepare" --when during');
    }
    if (o.disarm) {
      if (o.atStep !== undefined) throw new UsageError("give --at-step or --disarm, not both", "npx patterns kill-worker --disarm");
      const file = statePaths(resolveStateDir(o.stateDir)).crashArm;
      const armed = readCrashArm(file) ?? null;
      rmSync(file, { force: true });
      return { disarmed: armed };
    }
    if (o.atStep !== undefined) {
      if (!o.atStep.trim()) throw new UsageError("--at-step must name a ctx.run step", 'for example --at-step "prepare"');
      const step = crashStepName(o.atStep);
      if (!step) throw new UsageError(`--at-step "${o.atStep}" is not a ctx.run step of any pattern`, `use one of ${stepList()}`);
      return armAtStep(ctx.stack(), step, o.when, o.invocation);
    }
    return killComponentVerb(ctx, "worker");
  },
  render(r) {
    if ("disarmed" in r) return r.disarmed ? [`${sym.ok} disarmed: the worker no longer exits at the next "${r.disarmed.step}" step`] : [c.dim("no crash was armed")];
    if ("armed" in r) {
      const a = r.armed;
      return [`${sym.warn} armed: the worker (pid ${r.workerPid ?? "?"}) exits ${a.when === "after" ? "right after" : "inside"} the next ${c.bold(`"${a.step}"`)} step${a.invocationId ? ` of ${a.invocationId}` : ""}`];
    }
    return renderKill(r);
  },
  notes(r) {
    if ("disarmed" in r) return [];
    if ("armed" in r) {
      return [
        c.dim(r.armed.when === "after" ? "its result is journaled first: the retry replays it instead of running it again" : "its result is not journaled yet: the retry runs the body again (at-least-once)"),
        c.dim(`${c.cmd("npx patterns status")} shows it until it fires; ${c.cmd("npx patterns kill-worker --disarm")} removes it`),
      ];
    }
    return afterProcessKill(r);
  },
});

export const killRestate = verb<KillFlags, KillResult>({
  path: "kill-restate",
  group: "faults",
  summary: "SIGKILL the real restate-server; the supervisor restarts it on the same data after --down",
  options: [
    ...killOptions("the server", 3000),
    { flags: "--node <k>", description: "in a cluster (start --nodes N): which node to kill (default 1)", parse: intOption("--node", 1, MAX_NODES) },
  ],
  examples: ["npx patterns kill-restate", "npx patterns kill-restate --down 5s --json", "npx patterns kill-restate --node 2        # in a cluster: the others keep serving"],
  run: (ctx) => killComponentVerb(ctx, "restate"),
  render: renderKill,
  notes: (r) => [
    ...(r.node && !r.warning
      ? [c.dim(`the other nodes keep serving: the partitions node ${r.node} led move to a replica on another node, and the node comes back on its data and catches up; ${c.cmd("npx patterns status")} shows who leads what`)]
      : []),
    ...afterProcessKill(r),
  ],
});

export const killBroker = verb<KillFlags, KillResult>({
  path: "kill-broker",
  group: "faults",
  summary: "SIGKILL the embedded Kafka broker; the supervisor restarts it on its saved log, with the same subscriptions and committed offsets",
  options: killOptions("the broker", 1000),
  examples: ["npx patterns kill-broker", "npx patterns kill-broker --down 5s --json"],
  run: (ctx) => killComponentVerb(ctx, "broker"),
  render: renderKill,
  notes: () => [
    c.dim(
      `the embedded broker came back on its log in the state dir: every acknowledged record and each consumer group's committed offset survived, so the subscriptions are the same and go on where they stopped. See it: ${c.cmd("npx patterns topics")}`,
    ),
  ],
});
