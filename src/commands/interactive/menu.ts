// The interactive menu (`patterns` alone in a terminal): start the stack if needed, pick a category, a pattern, an
// action. The choices are built by pure functions from the tours (so they are unit-tested), and every choice names
// the command that does the same without a terminal.
import type { Command } from "commander";
import { confirm, select, Separator } from "@inquirer/prompts";
import { allTours, type Tour } from "../../patterns/tours.js";
import { registry } from "../../patterns/registry.js";
import { findStack, requireStack } from "../../runtime/stack.js";
import { PlaygroundError } from "../../errors.js";
import { note, out } from "../../ui/output.js";
import { c, sym } from "../../ui/palette.js";
import { runStart, summary, watchInForeground, watchSrcRoot } from "../start.js";
import { renderChecks } from "../demo.js";
import { CATEGORY_BLURB, CATEGORY_ORDER, collectList, renderList } from "./list.js";
import { listInvocations, renderInvocations } from "./invocations.js";
import { presentTour, TourStopped } from "./tour.js";
import { probe, uiUrl } from "./ui.js";
import { killFromMenu } from "../faults.js";

export interface MenuChoice<V> {
  value: V;
  name: string;
  description?: string;
  disabled?: boolean | string;
}

export type TopChoice = { kind: "category"; category: string } | { kind: "list" } | { kind: "invocations" } | { kind: "kill" } | { kind: "watch" } | { kind: "ui" } | { kind: "quit" };
export type KillChoice = { kind: "kill"; component: "worker" | "restate" | "broker"; downMs: number; node?: number } | { kind: "back" };
export type PatternChoice = { kind: "tour"; name: string } | { kind: "back" };
export type ActionChoice = "tour" | "demo" | "verbs" | "invocations" | "back";

const PLAYGROUND_BLURB = "the playground itself: a worker killed mid-invocation, and what Restate does about it";

function categoriesOf(tours: Tour[]): string[] {
  const present = new Set(tours.map((t) => t.category));
  return [...new Set([...CATEGORY_ORDER, ...tours.map((t) => t.category)])].filter((c) => present.has(c as Tour["category"]));
}

/** First screen: one entry per category that has tours, then the general actions. */
export function topChoices(tours: Tour[]): MenuChoice<TopChoice>[] {
  const choices: MenuChoice<TopChoice>[] = categoriesOf(tours).map((category) => {
    const inIt = tours.filter((t) => t.category === category);
    const blurb = category === "playground" ? PLAYGROUND_BLURB : (CATEGORY_BLURB[category as keyof typeof CATEGORY_BLURB] ?? "");
    return {
      value: { kind: "category", category },
      name: `${category} ${c.dim(`(${inIt.length}) ${inIt.map((t) => t.title).join(", ")}`)}`,
      description: blurb,
    };
  });
  choices.push(
    { value: { kind: "list" }, name: "List every pattern", description: "same as: npx patterns list" },
    { value: { kind: "invocations" }, name: "Recent invocations", description: "same as: npx patterns invocations" },
    { value: { kind: "kill" }, name: "Kill a component", description: "SIGKILL the worker, restate-server or the broker and watch it come back" },
    { value: { kind: "watch" }, name: "Watch your edits to the patterns", description: "same as: npx patterns start --watch (each save becomes a new deployment; Ctrl+C stops watching and leaves)" },
    { value: { kind: "ui" }, name: "Open the Restate UI", description: "same as: npx patterns ui" },
    { value: { kind: "quit" }, name: "Quit", description: "Ctrl+C works too" },
  );
  return choices;
}

export function patternChoices(tours: Tour[], category: string): MenuChoice<PatternChoice>[] {
  return [
    ...tours
      .filter((t) => t.category === category)
      .map((t): MenuChoice<PatternChoice> => ({
        value: { kind: "tour", name: t.name },
        name: `${t.title} ${c.dim(`— ${t.summary}`)}`,
        description: `same as: npx patterns tour ${t.name}${t.crash ? "  (kills the worker mid-way)" : ""}`,
      })),
    { value: { kind: "back" }, name: "← back" },
  ];
}

export function actionChoices(t: Tour): MenuChoice<ActionChoice>[] {
  const choices: MenuChoice<ActionChoice>[] = [
    { value: "tour", name: "Take the guided tour", description: `same as: npx patterns tour ${t.name}` },
  ];
  if (!t.builtIn) choices.push({ value: "demo", name: "Run the scenario and its checks", description: `same as: npx patterns demo ${t.name}` });
  choices.push({ value: "verbs", name: "Show the commands to drive it yourself", description: t.verbs.map((v) => `npx patterns ${v}`).join(", ") || "its verbs" });
  if (t.services[0]) choices.push({ value: "invocations", name: "Its recent invocations", description: `same as: npx patterns invocations --service ${t.services[0]}` });
  choices.push({ value: "back", name: "← back" });
  return choices;
}

/** What can be killed from the menu; the broker only when the playground runs it. */
export function killChoices(kafka: "embedded" | "external" | "none", nodes = 1): MenuChoice<KillChoice>[] {
  const choices: MenuChoice<KillChoice>[] = [
    { value: { kind: "kill", component: "worker", downMs: 2000 }, name: "the worker", description: "same as: npx patterns kill-worker (back after 2 s; in-flight invocations resume from their journals)" },
  ];
  if (nodes === 1) choices.push({ value: { kind: "kill", component: "restate", downMs: 3000 }, name: "restate-server", description: "same as: npx patterns kill-restate (back after 3 s on the same data)" });
  for (let k = 1; nodes > 1 && k <= nodes; k++) {
    choices.push({ value: { kind: "kill", component: "restate", downMs: 3000, node: k }, name: `restate-server node ${k}`, description: `same as: npx patterns kill-restate --node ${k} (the other nodes keep serving; back after 3 s on its data)` });
  }
  if (kafka === "embedded") {
    choices.push({ value: { kind: "kill", component: "broker", downMs: 1000 }, name: "the embedded broker", description: "same as: npx patterns kill-broker (back after 1 s on its saved log; same subscriptions)" });
  }
  choices.push({ value: { kind: "back" }, name: "← back" });
  return choices;
}

/** The description of a verb as typed ("saga book [--fail x]") from the program, if it exists. */
export function describeVerb(program: Command, verb: string): string | undefined {
  let cmd: Command | undefined = program;
  for (const word of verb.split(/\s+/)) {
    if (!word || /^[-<[]/.test(word)) break;
    const next: Command | undefined = cmd?.commands.find((x) => x.name() === word || x.aliases().includes(word));
    if (!next) break;
    cmd = next;
  }
  return cmd && cmd !== program ? cmd.description() : undefined;
}

export function verbLines(program: Command, t: Tour): string[] {
  const lines = [c.bold(`Drive ${t.title} yourself:`)];
  const rows: [string, string][] = t.verbs.map((v) => [`npx patterns ${v}`, describeVerb(program, v) ?? ""]);
  if (!t.builtIn) rows.push([`npx patterns demo ${t.name}`, "run the scenario and check what it claims"]);
  rows.push([`npx patterns tour ${t.name}`, "this guided tour (--yes: no pauses)"]);
  if (t.services[0]) rows.push([`npx patterns invocations --service ${t.services[0]}`, "what ran, with ids"]);
  const w = Math.max(...rows.map(([a]) => a.length));
  for (const [cmd, desc] of rows) lines.push(`  ${c.cmd(cmd.padEnd(w))}  ${c.dim(desc)}`);
  lines.push(c.dim("  add --help to any of them for its options and examples"));
  return lines;
}

const ask = <V>(message: string, choices: MenuChoice<V>[]) => select<V>({ message, choices: withSeparators(choices), pageSize: 14, loop: false });

function withSeparators<V>(choices: MenuChoice<V>[]): (MenuChoice<V> | Separator)[] {
  const i = choices.findIndex((ch) => ch.name.startsWith("List every") || ch.name.startsWith("←"));
  return i > 0 ? [...choices.slice(0, i), new Separator(), ...choices.slice(i)] : choices;
}

function showError(e: unknown): void {
  if (e instanceof PlaygroundError) {
    note(`${c.fail("error:")} ${e.message}`);
    if (e.fix) note(`${c.dim("fix:")} ${e.fix}`);
    return;
  }
  throw e;
}

export async function runMenu(program: Command): Promise<void> {
  note(`${c.bold("restate-patterns")} ${c.dim("— durable-execution patterns running for real. Arrows to move, Enter to pick, Ctrl+C to leave.")}`);
  if (!findStack()) {
    const start = await confirm({ message: "The playground is not running. Start it now? (npx patterns start)", default: true });
    if (start) {
      try {
        const r = await runStart({});
        for (const l of summary(r.state)) note(l);
      } catch (e) {
        showError(e);
      }
    } else note(c.dim("the tours need it; start it later with `npx patterns start`"));
  }
  for (;;) {
    const tours = allTours(registry);
    const top = await ask("What would you like to explore?", topChoices(tours));
    if (top.kind === "quit") return;
    try {
      if (top.kind === "list") {
        const r = await collectList(registry);
        for (const l of renderList(r)) out(l);
      } else if (top.kind === "invocations") {
        const rows = await listInvocations(requireStack(), { limit: 15 });
        if (rows.length === 0) note(c.dim("no invocations yet"));
        for (const l of renderInvocations(rows)) out(l);
      } else if (top.kind === "kill") {
        const stack = requireStack();
        const pick = await ask("Kill which one?", killChoices(stack.state.kafka.kind, stack.state.nodes?.length));
        if (pick.kind === "kill") {
          note(c.dim(`same as: npx patterns kill-${pick.component}${pick.node ? ` --node ${pick.node}` : ""}`));
          await killFromMenu(pick.component, pick.downMs, pick.node, stack);
        }
      } else if (top.kind === "watch") {
        note(c.dim("same as: npx patterns start --watch; edit a file under src/services, Ctrl+C stops watching"));
        await watchInForeground(requireStack().state.stateDir, watchSrcRoot({ watch: true })!, false, true);
      } else if (top.kind === "ui") {
        const url = uiUrl(requireStack().state.adminUrl);
        const status = await probe(url);
        out(`${sym.arrow} ${c.info(url)}${status === 200 ? "" : c.warn(` (did not answer: ${status ?? "no response"})`)}`);
        note(c.dim("open it in a browser; `npx patterns ui` also tries to open it for you"));
      } else await patternMenu(program, top.category);
    } catch (e) {
      showError(e);
    }
  }
}

async function patternMenu(program: Command, category: string): Promise<void> {
  for (;;) {
    const tours = allTours(registry);
    const pick = await ask(`${category}: which one?`, patternChoices(tours, category));
    if (pick.kind === "back") return;
    const t = tours.find((x) => x.name === pick.name);
    if (!t) continue;
    await actionMenu(program, t);
  }
}

async function actionMenu(program: Command, t: Tour): Promise<void> {
  for (;;) {
    const action = await ask(`${t.title}: what now?`, actionChoices(t));
    if (action === "back") return;
    try {
      if (action === "tour") {
        note(c.dim(`same as: npx patterns tour ${t.name}`));
        const r = await presentTour(t, { stack: requireStack(), json: false, yes: false, crash: true, hasVerb: (v) => program.commands.some((x) => x.name() === v) });
        if (!r.passed) note(c.warn("the tour's checks did not all pass: see above"));
      } else if (action === "demo") {
        note(c.dim(`same as: npx patterns demo ${t.name}`));
        const p = registry.find((x) => x.name === t.name);
        if (!p) continue;
        const result = await p.demo({ stack: requireStack(), json: false, say: (l) => note(l) });
        for (const l of renderChecks(result)) out(l);
      } else if (action === "verbs") {
        for (const l of verbLines(program, t)) out(l);
      } else if (action === "invocations") {
        note(c.dim(`same as: npx patterns invocations --service ${t.services[0]}`));
        const rows = await listInvocations(requireStack(), { service: t.services[0], limit: 15 });
        if (rows.length === 0) note(c.dim(`no invocations of ${t.services[0]} yet`));
        for (const l of renderInvocations(rows)) out(l);
      }
    } catch (e) {
      if (e instanceof TourStopped) note(c.dim("tour stopped"));
      else showError(e);
    }
  }
}
