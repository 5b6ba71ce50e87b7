// Timelines and crash verbs: `timeline` (one invocation as a tree, by key, lanes per key, live), `kill-worker` and
// `kill-restate` (SIGKILL the real process; the supervisor brings it back on the same data).
import type { Command } from "commander";
import { UsageError } from "../errors.js";
import { requireStack, type RunningStack } from "../runtime/stack.js";
import { examples, globals, intOption, parseDuration } from "./common.js";
import { printEquivalent } from "./lib/curl.js";
import { humanDuration, note, out, printJson } from "../ui/output.js";
import { c, sym } from "../ui/palette.js";
import { spinner } from "../ui/spinner.js";
import { followLive } from "../observe/follow.js";
import { journalSqlFor as journalQueryFor } from "../observe/sql.js";
import { renderLanes } from "../observe/lanes.js";
import { defaultWidth, fitLine, renderList, renderTimeline } from "../observe/render.js";
import type { Timeline } from "../observe/types.js";
import { resolveInvocationId } from "../observe/timeline.js";
import { keyedTimelines, lanesView, listInvocations, oneTimeline, timelineMode, type TimelineArgs } from "./timeline/run.js";
import { armAtStep, killNow, type KillResult } from "./timeline/kill.js";

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

function printTimelines(ts: Timeline[], width: number, empty: string): void {
  if (ts.length === 0) {
    out(c.dim(empty));
    return;
  }
  ts.forEach((t, i) => {
    if (i > 0) out("");
    for (const l of renderTimeline(t, { width })) out(l);
  });
}

function adminQueryCall(stack: RunningStack, sql: string) {
  return { url: `${stack.state.adminUrl}/query`, body: { query: sql }, headers: { accept: "application/json" } };
}

async function runTimelineVerb(idArg: string | undefined, o: TimelineFlags & { json?: boolean; stateDir?: string }): Promise<void> {
  const args: TimelineArgs = { id: idArg, key: o.key, service: o.service, handler: o.handler, status: o.status, since: o.since, limit: o.limit, lanes: o.lanes, follow: o.follow, children: o.children };
  const mode = timelineMode(args);
  const stack = requireStack(o.stateDir);
  const width = o.width ?? defaultWidth();
  if (o.follow) return followVerb(stack, args, o, width);
  switch (mode) {
    case "one": {
      const r = await oneTimeline(stack, idArg!, o.children !== false);
      if (o.json) return printJson(r);
      printTimelines(r.timelines, width, "");
      printEquivalent(adminQueryCall(stack, journalQueryFor(r.timelines[0]!.invocation.id)), o);
      return;
    }
    case "keyed": {
      const r = await keyedTimelines(stack, args);
      if (o.json) return printJson(r);
      printTimelines(r.timelines, width, `no invocations for key "${o.key}"${o.service ? ` on ${o.service}` : ""}`);
      if (r.timelines.length) note(c.dim(`${r.timelines.length} invocation${r.timelines.length === 1 ? "" : "s"}, oldest first (newest ${r.filter.limit} at most; --limit to change)`));
      return;
    }
    case "lanes": {
      const r = await lanesView(stack, args);
      if (o.json) return printJson(r);
      for (const l of renderLanes(r, Math.max(20, Math.min(80, width - 90)))) out(fitLine(l, width));
      return;
    }
    case "list": {
      const r = await listInvocations(stack, args);
      if (o.json) return printJson(r);
      for (const l of renderList(r.invocations, width)) out(l);
      if (r.invocations.length) note(c.dim(`see one: ${c.cmd(`npx patterns timeline ${r.invocations[0]!.id}`)}`));
      return;
    }
  }
}

async function followVerb(stack: RunningStack, a: TimelineArgs, o: TimelineFlags & { json?: boolean }, width: number): Promise<void> {
  const ids = a.id ? [await resolveInvocationId(stack.admin, a.id)] : undefined;
  if (!o.json) note(c.dim(ids ? `following ${ids[0]} until it and its children finish (Ctrl+C to stop)` : "following active and new invocations until they finish (Ctrl+C to stop)"));
  const r = await followLive(stack.admin, stack.paths, {
    ids,
    filter: ids ? undefined : { service: a.service, key: a.key, handler: a.handler },
    json: !!o.json,
    width,
    timeoutMs: o.timeout ?? 600_000,
  });
  if (r.reason === "timeout" && r.timelines.length) process.exitCode = 1;
}

// ---- kill verbs -------------------------------------------------------------------------------------------------

const LABEL = { worker: "worker", restate: "restate-server", broker: "embedded broker" } as const;
type Killable = keyof typeof LABEL;

export function renderKill(r: KillResult): string[] {
  const name = LABEL[r.component as Killable];
  const lines = [`${sym.warn} killed ${name} pid ${c.id(String(r.pid))} with ${r.signal}`];
  if (r.waited) lines.push(`${sym.ok} ${name} back as pid ${c.id(String(r.newPid ?? "?"))} after ${humanDuration(r.downMs ?? 0)} down ${c.dim(`(asked for ${humanDuration(r.requestedDownMs)})`)}`);
  else lines.push(`${sym.dot} the supervisor restarts it in ${humanDuration(r.requestedDownMs)} ${c.dim("(--no-wait: not waiting)")}`);
  return lines;
}

async function killVerb(component: Killable, o: { down: number; wait: boolean; json?: boolean; stateDir?: string }): Promise<void> {
  const stack = requireStack(o.stateDir);
  const name = LABEL[component];
  const s = spinner(`killing ${name} pid ${stack.state.components[component].pid ?? "?"} (SIGKILL); back in ${humanDuration(o.down)}`, { json: o.json });
  let r: KillResult;
  try {
    r = await killNow(stack, component, o.down, o.wait);
  } catch (e) {
    s.fail(`could not kill the ${name}`);
    throw e;
  }
  s.done(o.wait ? `${name} was down ${humanDuration(r.downMs ?? 0)}` : `${name} killed`);
  if (o.json) return printJson(r);
  for (const l of renderKill(r)) out(l);
  if (component === "broker") {
    note(c.dim(`the embedded broker keeps records in memory, so it came back empty with offsets from 0; the supervisor re-created the subscriptions (new consumer groups), or Restate would drop new records as duplicates of old offsets. Check it: ${c.cmd("npx patterns doctor")}`));
    return;
  }
  note(c.dim(`the same by hand: kill -9 ${r.pid} (the supervisor restarts it); see what it did to your invocations: ${c.cmd("npx patterns timeline --status active")} or ${c.cmd("npx patterns timeline --follow")}`));
}

function downOption(raw: string): number {
  const ms = parseDuration(raw, "--down");
  if (ms > 120_000) throw new UsageError(`--down must be at most 2m, got "${raw}"`, "for example --down 3s");
  return ms;
}

export function register(program: Command): void {
  program
    .command("timeline")
    .description("what invocations did, step by step: journal entries, retries, crashes, and which ctx.run bodies ran live or were replayed")
    .argument("[invocationId]", "one invocation (a full id or a unique prefix) and its children as a tree")
    .option("--key <key>", "timelines of the invocations on this key (newest --limit, default 5)")
    .option("--service <name>", "only this service")
    .option("--handler <name>", "only this handler")
    .option("--status <status>", "pending|scheduled|ready|running|paused|backing-off|suspended|completed|active|succeeded|failed")
    .option("--since <duration>", "only invocations created in this window (e.g. 30s, 2m)", sinceOption)
    .option("--limit <n>", "how many invocations (list 20, --key 5, --lanes 200)", intOption("--limit", 1, 1000))
    .option("--lanes", "one lane per key over time: running vs queued behind the same key (default --since 2m)")
    .option("--follow", "live: print each step as it happens, until the watched invocations finish (NDJSON with --json)")
    .option("--timeout <duration>", "with --follow: stop waiting after this long (default 10m)", (raw: string) => parseDuration(raw, "--timeout"))
    .option("--no-children", "do not include the invocations it called or sent to")
    .option("--width <columns>", "fit lines to this width (default: the terminal's, else 160)", intOption("--width", 60, 1000))
    .addHelpText(
      "after",
      examples(
        "npx patterns timeline                                  # recent invocations, with ids to copy",
        "npx patterns timeline inv_1abc…                        # one invocation and its children",
        "npx patterns timeline --key userid1                    # every step of the key's invocations",
        "npx patterns timeline --lanes --service userFeed --since 2m",
        "npx patterns timeline --follow                         # live until what is running finishes",
        "npx patterns timeline inv_1abc… --json | jq '.timelines[0].entries[] | select(.kind==\"run\") | .execution.verdict'",
      ),
    )
    .action(async (idArg: string | undefined, _o: unknown, cmd: Command) => {
      const o = globals<TimelineFlags>(cmd);
      await runTimelineVerb(idArg, o);
    });

  program
    .command("kill-worker")
    .description("SIGKILL the worker now (the supervisor restarts it after --down), or arm a one-shot crash at a named ctx.run step")
    .option("--down <duration>", "how long the worker stays down", downOption, 2000)
    .option("--no-wait", "return at once instead of waiting until it is back")
    .option("--at-step <step>", "do not kill now: make the worker exit once, at this ctx.run step")
    .option("--when <when>", "with --at-step: after (result journaled → replayed) or during (before → the body runs again)", "after")
    .option("--invocation <id>", "with --at-step: only for this invocation")
    .addHelpText(
      "after",
      examples(
        "npx patterns kill-worker",
        "npx patterns kill-worker --down 5s",
        'npx patterns kill-worker --at-step "prepare"               # the next "prepare" step journals, then the worker dies',
        'npx patterns kill-worker --at-step "prepare" --when during # dies before the result is journaled: the body runs twice',
      ),
    )
    .action(async (_o: unknown, cmd: Command) => {
      const o = globals<{ down: number; wait: boolean; atStep?: string; when: string; invocation?: string }>(cmd);
      if (o.when !== "after" && o.when !== "during") throw new UsageError(`--when must be "after" or "during", got "${o.when}"`, "for example --when during");
      if (o.atStep === undefined && (cmd.getOptionValueSource("when") === "cli" || o.invocation)) {
        throw new UsageError("--when and --invocation only go with --at-step", 'for example kill-worker --at-step "prepare" --when during');
      }
      if (o.atStep !== undefined) {
        if (!o.atStep.trim()) throw new UsageError("--at-step must name a ctx.run step", 'for example --at-step "prepare"');
        const stack = requireStack(o.stateDir);
        const r = armAtStep(stack, o.atStep, o.when, o.invocation);
        if (o.json) return printJson(r);
        out(`${sym.warn} armed: the worker (pid ${r.workerPid ?? "?"}) exits ${o.when === "after" ? "right after" : "inside"} the next ${c.bold(`"${o.atStep}"`)} step${o.invocation ? ` of ${o.invocation}` : ""}`);
        note(c.dim(o.when === "after" ? "its result is journaled first: the retry replays it instead of running it again" : "its result is not journaled yet: the retry runs the body again (at-least-once)"));
        return;
      }
      await killVerb("worker", o);
    });

  const killVerbs = [
    { component: "restate", what: "the server", downMs: 3000, description: "SIGKILL the real restate-server; the supervisor restarts it on the same data after --down" },
    { component: "broker", what: "the broker", downMs: 1000, description: "SIGKILL the embedded Kafka broker; the supervisor restarts it (empty: it is in-memory) and re-creates the subscriptions" },
  ] as const;
  for (const v of killVerbs) {
    program
      .command(`kill-${v.component}`)
      .description(v.description)
      .option("--down <duration>", `how long ${v.what} stays down`, downOption, v.downMs)
      .option("--no-wait", "return at once instead of waiting until it is back")
      .addHelpText("after", examples(`npx patterns kill-${v.component}`, `npx patterns kill-${v.component} --down 5s --json`))
      .action(async (_o: unknown, cmd: Command) => {
        await killVerb(v.component, globals<{ down: number; wait: boolean }>(cmd));
      });
  }
}
