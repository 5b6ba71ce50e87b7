// The crash verbs: `kill-worker`, `kill-restate` and `kill-broker` SIGKILL the real process (the supervisor brings it
// back on the same data), then follow the invocations the kill interrupted until they complete and say what the
// journal saved (steps replayed, bodies run again); `kill-worker --at-step` arms the worker's one-shot crash at a
// named ctx.run step instead, and `--disarm` removes it. The runners are in ./timeline/kill.ts.
import { rmSync } from "node:fs";
import { UsageError } from "../errors.js";
import { MAX_NODES } from "../runtime/config.js";
import { resolveStateDir, statePaths } from "../runtime/paths.js";
import { readCrashArm, type CrashArm } from "../services/lib/crash.js";
import { durationOption, intOption } from "./common.js";
import { note, out } from "../ui/output.js";
import { c, sym } from "../ui/palette.js";
import { spinner } from "../ui/spinner.js";
import { defaultWidth } from "../observe/render.js";
import { invocation } from "../observe/index.js";
import { armAtStep, FOLLOW_TIMEOUT_MS, killAndFollow, renderKillFollow, type ArmResult, type KillFollowResult, type Killable } from "./timeline/kill.js";
import { CRASH_STEPS, CRASH_STEPS_BY_FOLDER, crashStepName } from "./timeline/steps.js";
import { verb, type OptionSpec, type VerbContext } from "./verb.js";

interface KillFlags {
  down: number;
  wait: boolean;
  /** false with --no-follow */
  follow: boolean;
  timeout: number;
  /** kill-restate in a cluster: which node */
  node?: number;
}

function killComponentVerb(ctx: VerbContext<KillFlags>, component: Killable): Promise<KillFollowResult> {
  const o = ctx.opts;
  return killAndFollow(
    ctx.stack(),
    component,
    { downMs: o.down, wait: o.wait, node: o.node, follow: o.follow, timeoutMs: o.timeout, json: ctx.json, width: defaultWidth() },
    { out: (l) => out(l), say: (l) => ctx.say(l), spinner: (t) => ctx.spinner(t) },
  );
}

/** The menu's kill entry: the same kill, followed, printed as the verb prints it. */
export async function killFromMenu(component: Killable, downMs: number, node: number | undefined, stack: Parameters<typeof killAndFollow>[0]): Promise<KillFollowResult> {
  const r = await killAndFollow(
    stack,
    component,
    { downMs, wait: true, node, follow: true, timeoutMs: FOLLOW_TIMEOUT_MS, json: false, width: defaultWidth() },
    { out: (l) => out(l), say: (l) => note(l), spinner: (t) => spinner(t) },
  );
  for (const l of renderKillFollow(r)) out(l);
  return r;
}

/** Hints, said before the summary so that the summary is the last line. */
function hints(r: KillFollowResult): string[] {
  if (r.followed && r.inFlight.length) return [c.dim(`each one step by step: ${c.cmd(`npx patterns timeline ${r.inFlight[0]!.id}`)}`)];
  if (r.component === "broker") {
    return [
      c.dim(
        `the embedded broker came back on its log in the state dir: every acknowledged record and each consumer group's committed offset survived, so the subscriptions are the same and go on where they stopped. See it: ${c.cmd("npx patterns topics")}`,
      ),
    ];
  }
  const cluster =
    r.component === "restate" && r.node && !r.warning
      ? [
          c.dim(
            `the other nodes keep serving: the partitions node ${r.node} led move to a replica on another node, and the node comes back on its data and catches up; ${c.cmd("npx patterns status")} shows who leads what`,
          ),
        ]
      : [];
  const see = r.inFlight.length ? `; see what it did to your invocations: ${c.cmd("npx patterns timeline --follow")}` : "";
  return [...cluster, c.dim(`the same by hand: kill -9 ${r.pid} (the supervisor restarts it)${see}`)];
}

function renderComponentKill(r: KillFollowResult): string[] {
  for (const h of hints(r)) note(h);
  return renderKillFollow(r);
}

const downOption = durationOption("--down", { max: 120_000 });
const timeoutOption = durationOption("--timeout", { min: 1, max: 600_000 });

const killOptions = (what: string, downMs: number): OptionSpec[] => [
  { flags: "--down <duration>", description: `how long ${what} stays down`, parse: downOption, default: downMs },
  { flags: "--no-wait", description: "return at once instead of waiting until it is back (follows nothing)" },
  { flags: "--no-follow", description: "list what was in flight, kill, and return once it is back: do not follow the interrupted invocations" },
  {
    flags: "--timeout <duration>",
    description: "stop following after this long; an invocation that only waits on a promise, an awakeable or a later timer is left once it is past the crash",
    parse: timeoutOption,
    default: FOLLOW_TIMEOUT_MS,
  },
];

const FOLLOW_HELP =
  "\nBefore the kill it lists the invocations in flight (id, target, the step each was in); after it, it follows them live\n" +
  "(crash ✕, restart, new attempt) until they complete, then prints each one's fate and one summary line:\n" +
  "N interrupted, N resumed, N completed, S steps replayed, B bodies run again. --json prints that as one document.\n";

function stepList(): string {
  return Object.entries(CRASH_STEPS_BY_FOLDER)
    .map(([pattern, steps]) => `${pattern}: ${steps.map((s) => `"${s}"`).join(", ")}`)
    .join("; ");
}

/** What `kill-worker` did: killed the process (and followed), armed a one-shot crash at a step, or removed one. */
export type KillWorkerResult = KillFollowResult | ArmResult | { disarmed: CrashArm | null };

export const killWorker = verb<KillFlags & { atStep?: string; when: string; invocation?: string; disarm?: boolean }, KillWorkerResult>({
  path: "kill-worker",
  group: "faults",
  summary: "SIGKILL the worker now and follow what it interrupted until it completes (the supervisor restarts it after --down), or arm a one-shot crash at a named ctx.run step",
  options: [
    ...killOptions("the worker", 2000),
    { flags: "--at-step <step>", description: "do not kill now: make the worker exit once, at this ctx.run step (see the list below)", suggest: CRASH_STEPS },
    { flags: "--when <when>", description: "with --at-step: after (result journaled → replayed) or during (before → the body runs again)", default: "after" },
    { flags: "--invocation <id>", description: "with --at-step: only for this invocation" },
    { flags: "--disarm", description: "remove the crash armed with --at-step that has not fired yet (`status` shows it)" },
  ],
  examples: [
    "npx patterns kill-worker",
    "npx patterns kill-worker --down 5s --timeout 2m",
    "npx patterns kill-worker --no-follow --json",
    'npx patterns kill-worker --at-step "prepare"               # the next "prepare" step journals, then the worker dies',
    'npx patterns kill-worker --at-step "prepare" --when during # dies before the result is journaled: the body runs twice',
    "npx patterns kill-worker --disarm                          # forget the armed crash",
  ],
  help: `${FOLLOW_HELP}\nSteps (--at-step), by worker folder (system, bench and chaos are the playground's own):\n${Object.entries(CRASH_STEPS_BY_FOLDER)
    .map(([pattern, steps]) => `  ${pattern.padEnd(18)} ${steps.map((s) => `"${s}"`).join(", ")}`)
    .join("\n")}\n`,
  async run(ctx) {
    const o = ctx.opts;
    if (o.when !== "after" && o.when !== "during") throw new UsageError(`--when must be "after" or "during", got "${o.when}"`, "for example --when during");
    if (o.atStep === undefined && (ctx.command.getOptionValueSource("when") === "cli" || o.invocation)) {
      throw new UsageError("--when and --invocation only go with --at-step", 'for example kill-worker --at-step "prepare" --when during');
    }
    if ((o.atStep !== undefined || o.disarm) && (ctx.command.getOptionValueSource("follow") === "cli" || ctx.command.getOptionValueSource("timeout") === "cli")) {
      throw new UsageError("--no-follow and --timeout go with a kill now, not with --at-step or --disarm", "drop them, or kill now without --at-step: npx patterns kill-worker --timeout 2m");
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
      const stack = ctx.stack();
      if (o.invocation) {
        // a crash armed for a finished invocation could never strike it, and would sit armed until --disarm
        const row = await invocation(stack.admin, o.invocation).catch(() => undefined);
        if (row?.status === "completed") {
          throw new UsageError(
            `invocation ${o.invocation} has already completed: a crash armed for it could never strike`,
            "arm it for an invocation still running (see `npx patterns timeline --status active`), or drop --invocation",
          );
        }
      }
      return armAtStep(stack, step, o.when, o.invocation);
    }
    return killComponentVerb(ctx, "worker");
  },
  render(r) {
    if ("disarmed" in r) return r.disarmed ? [`${sym.ok} disarmed: the worker no longer exits at the next "${r.disarmed.step}" step`] : [c.dim("no crash was armed")];
    if ("armed" in r) {
      const a = r.armed;
      return [
        `${sym.warn} armed: the worker (pid ${r.workerPid ?? "?"}) exits ${a.when === "after" ? "right after" : "inside"} the next ${c.bold(`"${a.step}"`)} step${a.invocationId ? ` of ${a.invocationId}` : ""}`,
      ];
    }
    return renderComponentKill(r);
  },
  notes(r) {
    if ("armed" in r) {
      return [
        c.dim(
          r.armed.when === "after"
            ? "its result is journaled first: the retry replays it instead of running it again"
            : "its result is not journaled yet: the retry runs the body again (at-least-once)",
        ),
        c.dim(`${c.cmd("npx patterns status")} shows it until it fires; ${c.cmd("npx patterns kill-worker --disarm")} removes it`),
      ];
    }
    return [];
  },
});

export const killRestate = verb<KillFlags, KillFollowResult>({
  path: "kill-restate",
  group: "faults",
  summary: "SIGKILL the real restate-server and follow what it interrupted; the supervisor restarts it on the same data after --down",
  options: [...killOptions("the server", 3000), { flags: "--node <k>", description: "in a cluster (start --nodes N): which node to kill (default 1)", parse: intOption("--node", 1, MAX_NODES) }],
  examples: ["npx patterns kill-restate", "npx patterns kill-restate --down 5s --json", "npx patterns kill-restate --node 2        # in a cluster: the others keep serving"],
  help: FOLLOW_HELP,
  run: (ctx) => killComponentVerb(ctx, "restate"),
  render: renderComponentKill,
});

export const killBroker = verb<KillFlags, KillFollowResult>({
  path: "kill-broker",
  group: "faults",
  summary: "SIGKILL the embedded Kafka broker and follow what its subscriptions had delivered; it comes back on its saved log, with the same subscriptions and committed offsets",
  options: killOptions("the broker", 1000),
  examples: ["npx patterns kill-broker", "npx patterns kill-broker --down 5s --json"],
  help: FOLLOW_HELP.replace("the invocations in flight", "the invocations the Kafka subscriptions delivered and that are not finished, and the lag"),
  run: (ctx) => killComponentVerb(ctx, "broker"),
  render: renderComponentKill,
});
