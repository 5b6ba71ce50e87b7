// `timeline`: one invocation as a tree, by key, lanes per key, live. (The crash verbs are in ./faults.ts.)
import type { RunningStack } from "../runtime/stack.js";
import { durationOption, intOption } from "./common.js";
import { c } from "../ui/palette.js";
import { followLive } from "../observe/follow.js";
import { journalSqlFor as journalQueryFor } from "../observe/sql.js";
import { renderLanes, type LanesView } from "../observe/lanes.js";
import { defaultWidth, fitLines, renderList, renderTimeline } from "../observe/render.js";
import type { Timeline } from "../observe/types.js";
import { resolveInvocationId } from "../observe/timeline.js";
import { keyedTimelines, lanesView, listInvocations, oneTimeline, timelineMode, type TimelineArgs, type TimelinesResult } from "./timeline/run.js";
import { playgroundOwnFilter } from "./timeline/own.js";
import { verb, type VerbContext } from "./verb.js";

/** The verb's flags: the query of run.ts plus how to print it. */
interface TimelineFlags extends Omit<TimelineArgs, "id"> {
  width?: number;
  timeout?: number;
}

const sinceOption = durationOption("--since", { min: 1 });

function timelineLines(ts: Timeline[], width: number, empty: string): string[] {
  if (ts.length === 0) return [c.dim(empty)];
  return ts.flatMap((t, i) => [...(i > 0 ? [""] : []), ...renderTimeline(t, { width })]);
}

function adminQueryCall(stack: RunningStack, sql: string) {
  return { url: `${stack.state.adminUrl}/query`, body: { query: sql }, headers: { accept: "application/json" } };
}

function timelineArgs(idArg: string | undefined, o: TimelineFlags): TimelineArgs {
  return { id: idArg, key: o.key, service: o.service, handler: o.handler, status: o.status, since: o.since, limit: o.limit, lanes: o.lanes, follow: o.follow, children: o.children, all: o.all };
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
    filter: ids ? undefined : { service: a.service, key: a.key, handler: a.handler, ...(a.all ? {} : playgroundOwnFilter(a.service, a.handler)) },
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
    { flags: "--status <status>", description: "only invocations in this status: pending, scheduled, ready, running, paused, backing-off, suspended, completed, active, succeeded or failed" },
    { flags: "--since <duration>", description: "only invocations created in this window (e.g. 30s, 2m)", parse: sinceOption },
    { flags: "--limit <n>", description: "how many invocations (list 20, --key 5, --lanes 200)", parse: intOption("--limit", 1, 1000) },
    { flags: "--lanes", description: "one lane per key over time: running vs queued behind the same key (default --since 2m)" },
    { flags: "--follow", description: "live: print each step as it happens, until the watched invocations finish (NDJSON with --json)" },
    { flags: "--timeout <duration>", description: "with --follow: stop waiting after this long", parse: durationOption("--timeout", { min: 1 }), default: 600_000 },
    { flags: "--no-children", description: "do not include the invocations it called or sent to" },
    { flags: "--all", description: "also show the playground's own invocations (health checks, demos' helpers, bench, chaos, the CLI's getStatus reads)" },
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
        return timelineLines(
          (data as TimelinesResult).timelines,
          width,
          `no invocations for key "${o.key}"${o.service ? ` on ${o.service}` : ""}${o.all ? "" : " (the playground's own are hidden: --all shows them)"}`,
        );
      case "lanes":
        return fitLines(renderLanes(data as LanesView, width), width);
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
