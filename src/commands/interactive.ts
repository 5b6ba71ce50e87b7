// The interactive playground: the menu, `list`, `tour`, `state`, `invocations`, `cancel`, `kill`, `ui`, `completion`
// (and the hidden `readme`). Everything is generated from the pattern registry, so new patterns show up by themselves.
import { readFileSync } from "node:fs";
import { Argument, type Command } from "commander";
import { registry } from "../patterns/registry.js";
import { allTours, findTour } from "../patterns/tours.js";
import { readmePath, renderPatternTable, writeReadme, readmeIsFresh } from "../patterns/readme.js";
import { requireStack } from "../runtime/stack.js";
import { PlaygroundError, UsageError } from "../errors.js";
import { examples, globals, intOption } from "./common.js";
import { printEquivalent } from "./lib/curl.js";
import { note, out, printJson } from "../ui/output.js";
import { c, sym } from "../ui/palette.js";
import { closest } from "./interactive/format.js";
import { collectList, renderList } from "./interactive/list.js";
import { fetchState, renderState, stateJson } from "./interactive/state.js";
import { invocationsSql, stateSql } from "../observe/sql.js";
import { actOn, invocationsQuery, listInvocations, renderAction, renderInvocations, validateStatus, STATUSES, STATUS_ALIASES } from "./interactive/invocations.js";
import { interactiveTerminal, presentAll, presentTour, summaryLines, TourStopped } from "./interactive/tour.js";
import { openUrl, probe, uiUrl } from "./interactive/ui.js";
import { bashScript, completionTree, zshScript } from "./interactive/completion.js";

/** `patterns` with no arguments in a terminal. */
export async function runMenu(program: Command): Promise<void> {
  // loaded on demand: the prompts library is the bulk of a CLI call's start-up
  const { runMenu: menu } = await import("./interactive/menu.js");
  await menu(program);
}

function unknownTour(name: string): UsageError {
  const names = allTours().map((t) => t.name);
  const near = closest(name, names);
  return new UsageError(`unknown pattern "${name}"`, near.length ? `did you mean ${near.join(" or ")}? (all: npx patterns list)` : `use one of: ${names.join(", ")}`);
}

function rootOf(cmd: Command): Command {
  let p = cmd;
  while (p.parent) p = p.parent;
  return p;
}

export function register(program: Command): void {
  program
    .command("list")
    .description("the patterns by category: name, what it shows, its verbs, whether its services are registered")
    .addHelpText("after", examples("npx patterns list", "npx patterns list --json | jq '.patterns[].name'"))
    .action(async (_o, command: Command) => {
      const o = globals(command);
      const r = await collectList(registry, o.stateDir);
      if (o.json) return printJson(r);
      if (r.patterns.length === 0) note(c.dim("no pattern is registered yet"));
      for (const l of renderList(r)) out(l);
      if (!r.running) note(c.dim(`the playground is not running, so registration is unknown (?): ${c.cmd("npx patterns start")}`));
      note(c.dim(`take a tour: ${c.cmd("npx patterns tour <pattern>")}, or all of them: ${c.cmd("npx patterns tour --all --yes")}`));
    });

  program
    .command("tour")
    .argument("[pattern]", "pattern name (see `patterns list`)")
    .description("a guided tour: the guarantee, each step run for real, where to look, the journal, and a check")
    .option("--all", "every tour in turn, without pauses, then a pass/fail summary (exit 1 if any fails)")
    .option("-y, --yes", "do not pause (also implied without a terminal and with --json)")
    .option("--no-crash", "skip the worker crash of tours that have one")
    .addHelpText(
      "after",
      examples("npx patterns tour crash-and-resume", "npx patterns tour sagas --yes", "npx patterns tour --all --yes", "npx patterns tour --all --json > tours.json"),
    )
    .action(async (name: string | undefined, _o, command: Command) => {
      const o = globals<{ all?: boolean; yes?: boolean; crash?: boolean }>(command);
      const hasVerb = (v: string) => rootOf(command).commands.some((x) => x.name() === v);
      if (o.all) {
        if (name) throw new UsageError("give a pattern or --all, not both", "npx patterns tour --all --yes");
        const stack = requireStack(o.stateDir);
        const tours = allTours();
        const r = await presentAll(tours, { stack, json: !!o.json, yes: true, crash: o.crash !== false, hasVerb });
        if (o.json) printJson(r);
        else {
          out("");
          for (const l of summaryLines(r)) out(l);
        }
        if (!r.passed) process.exitCode = 1;
        return;
      }
      if (!name) {
        if (o.json || !interactiveTerminal()) throw new UsageError("which tour?", `npx patterns tour <pattern>, one of: ${allTours().map((t) => t.name).join(", ")}`);
        const { select } = await import("@inquirer/prompts");
        name = await select({
          message: "Which tour?",
          choices: allTours().map((t) => ({ value: t.name, name: `${t.title} ${c.dim(`(${t.category})`)}`, description: t.summary })),
        }, { output: process.stderr });
      }
      const tour = findTour(name);
      if (!tour) throw unknownTour(name);
      const stack = requireStack(o.stateDir);
      try {
        const r = await presentTour(tour, { stack, json: !!o.json, yes: !!o.yes, crash: o.crash !== false, hasVerb });
        if (o.json) printJson(r);
        if (!r.passed) process.exitCode = 1;
      } catch (e) {
        if (e instanceof TourStopped) {
          note(c.dim("tour stopped"));
          return;
        }
        throw e;
      }
    });

  program
    .command("state")
    .argument("<service>", "a Virtual Object or workflow name, e.g. userFeed")
    .argument("<key>", "the object's key, e.g. userid1")
    .description("an object's state, like `restate kv get` (values pretty-printed JSON)")
    .addHelpText("after", examples("npx patterns state userFeed userid1", "npx patterns state playgroundLane k1 --json"))
    .action(async (service: string, key: string, _o, command: Command) => {
      const o = globals(command);
      const stack = requireStack(o.stateDir);
      const r = await fetchState(stack, service, key);
      if (o.json) printJson(stateJson(r));
      else {
        if (r.entries.length === 0) note(c.dim(`${service}/${key} has no state (no handler has set any, or the key is wrong)`));
        else note(c.dim(`state of ${r.service}/${r.key} (${r.entries.length} entr${r.entries.length === 1 ? "y" : "ies"})`));
        for (const l of renderState(r)) out(l);
      }
      printEquivalent({ url: `${stack.state.adminUrl}/query`, body: { query: stateSql(service, key) } }, o);
    });

  program
    .command("invocations")
    .description("recent invocations with ids, status, duration and failures (newest first)")
    .option("--status <status>", `filter: ${[...STATUSES, ...STATUS_ALIASES].join(", ")}`, validateStatus)
    .option("--service <name>", "only invocations of this service")
    .option("--key <key>", "only this object/workflow key")
    .option("--limit <n>", "at most n rows (default 20)", intOption("--limit", 1, 10_000), 20)
    .addHelpText(
      "after",
      examples("npx patterns invocations", "npx patterns invocations --status backing-off", "npx patterns invocations --service playground --limit 5 --json"),
    )
    .action(async (_o, command: Command) => {
      const o = globals<{ status?: string; service?: string; key?: string; limit: number }>(command);
      const stack = requireStack(o.stateDir);
      const filter = { status: o.status, service: o.service, key: o.key, limit: o.limit };
      const rows = await listInvocations(stack, filter);
      if (o.json) printJson({ invocations: rows });
      else {
        if (rows.length === 0) note(c.dim("no invocation matches"));
        else {
          for (const l of renderInvocations(rows)) out(l);
          note(c.dim(`${rows.length} shown; ${c.cmd("npx patterns cancel <id>")} / ${c.cmd("npx patterns kill <id>")} accept the short ids`));
        }
      }
      printEquivalent({ url: `${stack.state.adminUrl}/query`, body: { query: invocationsSql(invocationsQuery(filter)) } }, o);
    });

  for (const action of ["cancel", "kill"] as const) {
    const cmd = program
      .command(action)
      .argument("<id>", "invocation id: whole, as shown by `invocations` (inv_1abc…wxyz), or a unique prefix")
      .description(
        action === "cancel"
          ? "cancel an invocation: it stops at its next await and runs its compensations (admin PATCH …/cancel)"
          : "kill an invocation: it stops at once, without compensations (admin PATCH …/kill)",
      );
    if (action === "cancel") cmd.option("--wait", "wait (up to 30 s) until the invocation has ended and show its outcome");
    cmd
      .addHelpText("after", examples(`npx patterns ${action} inv_1aEeAqP59Hsy2rCgfSYrKJ57xRKipN4S0X`, `npx patterns ${action} inv_1aEeAqP5…4S0X`, `npx patterns ${action} inv_1aEeAqP5 --json`))
      .action(async (id: string, _o, command: Command) => {
        const o = globals<{ wait?: boolean }>(command);
        const stack = requireStack(o.stateDir);
        const r = await actOn(stack, action, id, { waitMs: action === "kill" ? 2000 : o.wait ? 30_000 : 0 });
        if (o.json) printJson(r);
        else out(`${sym.ok} ${renderAction(r)}`);
        printEquivalent({ method: "PATCH", url: `${stack.state.adminUrl}/invocations/${r.id}/${action}` }, o);
      });
  }

  program
    .command("ui")
    .description("print the Restate UI's address for the running stack and open it in a browser where possible")
    .option("--no-open", "only print the address")
    .addHelpText("after", examples("npx patterns ui", "npx patterns ui --no-open", "npx patterns ui --json"))
    .action(async (_o, command: Command) => {
      const o = globals<{ open?: boolean }>(command);
      const stack = requireStack(o.stateDir);
      const url = uiUrl(stack.state.adminUrl);
      const httpStatus = await probe(url);
      let opened = false;
      let reason: string | undefined;
      if (o.open === false) reason = "--no-open";
      else if (o.json || !process.stdout.isTTY) reason = "not a terminal";
      else ({ opened, reason } = await openUrl(url));
      if (o.json) return printJson({ url, httpStatus, opened, ...(reason ? { reason } : {}) });
      out(url);
      if (httpStatus !== 200) note(`${sym.warn} the UI did not answer (${httpStatus ? `HTTP ${httpStatus}` : "no response"}); is it disabled in restate.toml?`);
      note(opened ? c.dim("opened in your browser") : c.dim(`open it in a browser${reason && reason !== "--no-open" ? ` (${reason})` : ""}`));
    });

  program
    .command("completion")
    .addArgument(new Argument("<shell>", "bash or zsh").choices(["bash", "zsh"]))
    .description("print a shell completion script for every verb and option")
    .addHelpText(
      "after",
      examples("source <(npx patterns completion bash)", "npx patterns completion bash > ~/.local/share/bash-completion/completions/patterns", 'npx patterns completion zsh > "${fpath[1]}/_patterns"'),
    )
    .action((shell: "bash" | "zsh", _o, command: Command) => {
      globals(command);
      const nodes = completionTree(rootOf(command), allTours().map((t) => t.name));
      process.stdout.write(shell === "bash" ? bashScript(nodes) : zshScript(nodes));
    });

  program
    .command("readme", { hidden: true })
    .description("print the README's pattern table generated from the registry; --write updates README.md, --check fails if it is stale")
    .option("--write", "rewrite the table between the markers in README.md")
    .option("--check", "exit 1 if README.md's table is stale")
    .addHelpText("after", examples("npx patterns readme --write", "npx patterns readme --check"))
    .action((_o, command: Command) => {
      const o = globals<{ write?: boolean; check?: boolean }>(command);
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
    });
}
