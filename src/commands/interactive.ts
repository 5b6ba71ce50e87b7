// The interactive playground: the menu, `list`, `tour`, `state`, `invocations`, `cancel`, `kill`, `ui`, `completion`
// (and the hidden `readme`). Everything is generated from the pattern registry, so new patterns show up by themselves.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { registry } from "../registry.js";
import { allTours, findTour } from "../tours/tours.js";
import { readmePath, renderPatternTable, writeReadme, readmeIsFresh } from "../tours/readme.js";
import { PlaygroundError, UsageError } from "../errors.js";
import { intOption } from "./common.js";
import { note, out } from "../ui/output.js";
import { c, sym } from "../ui/palette.js";
import { closest } from "../ui/text.js";
import { collectList, renderList, type ListReport } from "./interactive/list.js";
import { fetchState, renderState, stateJson, type StateReport } from "./interactive/state.js";
import { invocationsSql, stateSql } from "../observe/sql.js";
import {
  actOn,
  invocationsQuery,
  listInvocations,
  renderAction,
  renderInvocations,
  validateStatus,
  STATUSES,
  STATUS_ALIASES,
  type Action,
  type ActionResult,
  type InvocationListRow,
} from "./interactive/invocations.js";
import { interactiveTerminal, presentAll, presentTour, summaryLines, TourStopped, type PresentedTour, type TourAllResult } from "./interactive/tour.js";
import { openUrl, probe, uiUrl } from "./interactive/ui.js";
import { bashScript, completionTree, zshScript } from "./interactive/completion.js";
import { verb } from "./verb.js";
import { findStack } from "../runtime/stack.js";

/** What `invocations` shows, as columns of the invocation table: the "same with curl" query selects these. */
const SHOWN_COLUMNS = ["id", "target", "status", "created_at", "completed_at", "retry_count", "last_failure"] as const;

/** In a terminal, a tour with the playground stopped offers to start it (as the menu does); "no" ends with the fix. */
async function offerStart(stateDir: string | undefined): Promise<void> {
  const { confirm } = await import("@inquirer/prompts");
  const yes = await confirm({ message: "The playground is not running. Start it now? (npx patterns start)", default: true }, { output: process.stderr });
  if (!yes) return; // ctx.stack() then says it is not running, and how to start it
  const { runStart, summary } = await import("./start.js");
  const r = await runStart({ stateDir });
  for (const l of summary(r.state)) note(l);
}

/** `patterns` with no arguments in a terminal. */
export async function runMenu(program: Command): Promise<void> {
  // loaded on demand: the prompts library is the bulk of a CLI call's start-up
  const { runMenu: menu } = await import("./interactive/menu.js");
  await menu(program);
}

function unknownTour(name: string): UsageError {
  const names = allTours(registry).map((t) => t.name);
  const near = closest(name, names);
  return new UsageError(`unknown pattern "${name}"`, near.length ? `did you mean ${near.join(" or ")}? (all: npx patterns list)` : `use one of: ${names.join(", ")}`);
}

function rootOf(cmd: Command): Command {
  let p = cmd;
  while (p.parent) p = p.parent;
  return p;
}

export const list = verb<Record<string, never>, ListReport>({
  path: "list",
  group: "play",
  summary: "the patterns by category: name, what it shows, its verbs, whether its services are registered",
  examples: ["npx patterns list", "npx patterns list --json | jq '.patterns[].name'"],
  async run(ctx) {
    const r = await collectList(registry, ctx.opts.stateDir);
    if (r.patterns.length === 0) ctx.say(c.dim("no pattern is registered yet"));
    return r;
  },
  render: (r) => renderList(r),
  notes: (r) => [
    ...(r.running ? [] : [c.dim(`the playground is not running, so registration is unknown (?): ${c.cmd("npx patterns start")}`)]),
    c.dim(`take a tour: ${c.cmd("npx patterns tour <pattern>")}, or all of them: ${c.cmd("npx patterns tour --all --yes")}`),
  ],
});

type TourData = PresentedTour | TourAllResult;

export const tour = verb<{ all?: boolean; yes?: boolean; crash?: boolean }, TourData>({
  path: "tour",
  group: "play",
  summary: "a guided tour: the guarantee, each step run for real, where to look, the journal, and a check",
  args: [{ name: "[pattern]", description: "pattern name (see `npx patterns list`)" }],
  options: [
    { flags: "--all", description: "every tour in turn, without pauses, then a pass/fail summary (exit 1 if any fails)" },
    { flags: "-y, --yes", description: "do not pause (also implied without a terminal and with --json)" },
    { flags: "--no-crash", description: "skip the worker crash of tours that have one" },
  ],
  examples: ["npx patterns tour crash-and-resume", "npx patterns tour sagas --yes", "npx patterns tour --all --yes", "npx patterns tour --all --json > tours.json"],
  async run(ctx, name: string | undefined) {
    const o = ctx.opts;
    const hasVerb = (v: string) => rootOf(ctx.command).commands.some((x) => x.name() === v);
    if (o.all) {
      if (name) throw new UsageError("give a pattern or --all, not both", "npx patterns tour --all --yes");
      return presentAll(allTours(registry), { stack: ctx.stack(), json: ctx.json, yes: true, crash: o.crash !== false, hasVerb });
    }
    if (!name) {
      if (ctx.json || !interactiveTerminal())
        throw new UsageError(
          "which tour?",
          `npx patterns tour <pattern>, one of: ${allTours(registry)
            .map((t) => t.name)
            .join(", ")}`,
        );
      const { select } = await import("@inquirer/prompts");
      name = await select(
        {
          message: "Which tour?",
          choices: allTours(registry).map((t) => ({ value: t.name, name: `${t.title} ${c.dim(`(${t.category})`)}`, description: t.summary })),
        },
        { output: process.stderr },
      );
    }
    const found = findTour(name, registry);
    if (!found) throw unknownTour(name);
    if (!ctx.json && interactiveTerminal() && !findStack(o.stateDir)) await offerStart(o.stateDir);
    const stack = ctx.stack();
    try {
      // the tour narrates itself as it goes; what is left to print is the --all summary
      return await presentTour(found, { stack, json: ctx.json, yes: !!o.yes, crash: o.crash !== false, hasVerb });
    } catch (e) {
      if (e instanceof TourStopped) {
        note(c.dim("tour stopped"));
        return undefined;
      }
      throw e;
    }
  },
  // a single tour narrated itself as it ran; --all ends with the pass/fail summary
  render: (r, ctx) => (ctx.opts.all ? ["", ...summaryLines(r as TourAllResult)] : []),
  exitCode: (r) => (r.passed ? 0 : 1),
});

export const state = verb<Record<string, never>, StateReport>({
  path: "state",
  group: "inspect",
  summary: "an object's state, like `restate kv get` (values pretty-printed JSON)",
  args: [
    { name: "<service>", description: "a Virtual Object or workflow name, e.g. userFeed" },
    { name: "<key>", description: "the object's key, e.g. userid1" },
  ],
  examples: ["npx patterns state userFeed userid1", "npx patterns state playgroundLane k1 --json"],
  async run(ctx, service: string, key: string) {
    const stack = ctx.stack();
    const r = await fetchState(stack, service, key);
    if (r.entries.length === 0) ctx.say(c.dim(`${service}/${key} has no state (no handler has set any, or the key is wrong)`));
    else ctx.say(c.dim(`state of ${r.service}/${r.key} (${r.entries.length} entr${r.entries.length === 1 ? "y" : "ies"})`));
    ctx.equivalent({ url: `${stack.state.adminUrl}/query`, body: { query: stateSql(service, key) } });
    return r;
  },
  render: (r) => renderState(r),
  json: stateJson,
});

export const invocations = verb<{ status?: string; service?: string; key?: string; limit: number; all?: boolean }, { invocations: InvocationListRow[] }>({
  path: "invocations",
  group: "inspect",
  summary: "recent invocations with ids, status, duration and failures (newest first)",
  options: [
    { flags: "--status <status>", description: `filter: ${[...STATUSES, ...STATUS_ALIASES].join(", ")}`, parse: validateStatus },
    { flags: "--service <name>", description: "only invocations of this service" },
    { flags: "--key <key>", description: "only this object/workflow key" },
    { flags: "--limit <n>", description: "at most n rows (default 20)", parse: intOption("--limit", 1, 10_000), default: 20 },
    { flags: "--all", description: "also list the playground's own invocations (health checks, demos' helpers, bench, chaos, the CLI's getStatus reads)" },
  ],
  examples: ["npx patterns invocations", "npx patterns invocations --status backing-off", "npx patterns invocations --service playground --limit 5 --json"],
  async run(ctx) {
    const o = ctx.opts;
    const stack = ctx.stack();
    const filter = { status: o.status, service: o.service, key: o.key, limit: o.limit, all: o.all };
    const rows = await listInvocations(stack, filter);
    // the columns the view shows (the verb reads more to compute them), so the line stays short enough to copy
    ctx.equivalent({ url: `${stack.state.adminUrl}/query`, body: { query: invocationsSql(invocationsQuery(filter), SHOWN_COLUMNS) } });
    return { invocations: rows };
  },
  render: (r) => renderInvocations(r.invocations),
  notes: (r) =>
    r.invocations.length === 0
      ? [c.dim("no invocation matches")]
      : [
          c.dim(`${r.invocations.length} shown; ${c.cmd("npx patterns cancel <id>")} / ${c.cmd("npx patterns kill <id>")} accept the short ids`),
          ...(r.invocations[0]?.uiUrl ? [c.dim(`each in the Restate UI (--json: uiUrl), e.g. ${r.invocations[0].uiUrl}`)] : []),
        ],
});

function invocationAction(action: Action) {
  return verb<{ wait?: boolean }, ActionResult>({
    path: action,
    group: "inspect",
    summary:
      action === "cancel"
        ? "cancel an invocation: it stops at its next await and runs its compensations (admin PATCH …/cancel)"
        : "kill an invocation: it stops at once, without compensations (admin PATCH …/kill)",
    args: [{ name: "<id>", description: "invocation id: whole, as shown by `invocations` (inv_1abc…wxyz), or a unique prefix" }],
    options: action === "cancel" ? [{ flags: "--wait", description: "wait (up to 30 s) until the invocation has ended and show its outcome" }] : [],
    examples: [`npx patterns ${action} inv_1aEeAqP59Hsy2rCgfSYrKJ57xRKipN4S0X`, `npx patterns ${action} inv_1aEeAqP5…4S0X`, `npx patterns ${action} inv_1aEeAqP5 --json`],
    async run(ctx, id: string) {
      const stack = ctx.stack();
      const r = await actOn(stack, action, id, { waitMs: action === "kill" ? 2000 : ctx.opts.wait ? 30_000 : 0 });
      ctx.equivalent({ method: "PATCH", url: `${stack.state.adminUrl}/invocations/${r.id}/${action}` });
      return r;
    },
    render: (r) => `${sym.ok} ${renderAction(r)}`,
  });
}

export const cancel = invocationAction("cancel");
export const kill = invocationAction("kill");

export const ui = verb<{ open?: boolean }, { url: string; httpStatus?: number; opened: boolean; reason?: string }>({
  path: "ui",
  group: "inspect",
  summary: "print the Restate UI's address for the running stack and open it in a browser where possible",
  options: [{ flags: "--no-open", description: "only print the address" }],
  examples: ["npx patterns ui", "npx patterns ui --no-open", "npx patterns ui --json"],
  async run(ctx) {
    const stack = ctx.stack();
    const url = uiUrl(stack.state.adminUrl);
    const httpStatus = await probe(url);
    let opened = false;
    let reason: string | undefined;
    if (ctx.opts.open === false) reason = "--no-open";
    else if (ctx.json || !process.stdout.isTTY) reason = "not a terminal";
    else ({ opened, reason } = await openUrl(url));
    return { url, httpStatus, opened, ...(reason ? { reason } : {}) };
  },
  render: (r) => [r.url],
  notes: (r) => [
    ...(r.httpStatus !== 200 ? [`${sym.warn} the UI did not answer (${r.httpStatus ? `HTTP ${r.httpStatus}` : "no response"}); is it disabled in restate.toml?`] : []),
    r.opened ? c.dim("opened in your browser") : c.dim(`open it in a browser${r.reason && r.reason !== "--no-open" ? ` (${r.reason})` : ""}`),
  ],
});

export const completion = verb({
  path: "completion",
  group: "stack",
  summary: "print a shell completion script for every verb and option",
  args: [{ name: "<shell>", description: "bash or zsh", choices: ["bash", "zsh"] }],
  examples: ["source <(npx patterns completion bash)", "npx patterns completion bash > ~/.local/share/bash-completion/completions/patterns", 'npx patterns completion zsh > "${fpath[1]}/_patterns"'],
  run(ctx, shell: "bash" | "zsh") {
    // a script, not data: the same with or without --json
    const nodes = completionTree(
      rootOf(ctx.command),
      allTours(registry).map((t) => t.name),
    );
    process.stdout.write(shell === "bash" ? bashScript(nodes) : zshScript(nodes));
  },
});

export const readme = verb<{ write?: boolean; check?: boolean }>({
  path: "readme",
  hidden: true,
  summary: "print the README's pattern table generated from the registry; --write updates README.md, --check fails if it is stale",
  options: [
    { flags: "--write", description: "rewrite the table between the markers in README.md" },
    { flags: "--check", description: "exit 1 if README.md's table is stale" },
  ],
  examples: ["npx patterns readme --write", "npx patterns readme --check"],
  run(ctx) {
    const o = ctx.opts;
    if (o.write && o.check) throw new UsageError("give --write or --check, not both");
    if (o.write) {
      const changed = writeReadme(registry);
      note(changed ? `${sym.ok} updated the pattern table in ${readmePath}` : `${sym.ok} ${readmePath} is up to date`);
      return;
    }
    if (o.check) {
      if (!readmeIsFresh(readFileSync(readmePath, "utf8"), registry)) {
        throw new PlaygroundError(`the pattern table in ${readmePath} is stale`, "run `npx patterns readme --write`");
      }
      note(`${sym.ok} README.md's pattern table matches the registry`);
      return;
    }
    out(renderPatternTable(registry));
  },
});
