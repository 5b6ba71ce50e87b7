// The interactive menu (`patterns` alone in a terminal): start the stack if needed, pick a category, a pattern, an
// action. The choices are built by pure functions from the tours and the verb declarations (so they are unit-tested),
// and every choice names the command that does the same without a terminal. A pattern's actions are its registry
// verbs, asked through prompts and run by the program itself (the same verb runners as the command line).
import { comparedPatterns } from "../../compare/index.js";
import { randomBytes } from "node:crypto";
import { CommanderError, type Command } from "commander";
import { checkbox, confirm, input, select, Separator } from "@inquirer/prompts";
import { allTours, type Tour } from "../../tours/tours.js";
import { registry, type RegistryEntry } from "../../registry.js";
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
import type { ArgSpec, OptionSpec, VerbSpec } from "../verb.js";
import { formatDuration } from "../../lib/duration.js";
import { isDurationParser } from "../../lib/parse.js";
import { shortId } from "../../ui/output.js";
import { paintStatus } from "./format.js";
import type { InvocationRow } from "./invocations.js";

export interface MenuChoice<V> {
  value: V;
  name: string;
  description?: string;
  disabled?: boolean | string;
}

export type TopChoice = { kind: "category"; category: string } | { kind: "list" } | { kind: "invocations" } | { kind: "kill" } | { kind: "watch" } | { kind: "ui" } | { kind: "quit" };
export type KillChoice = { kind: "kill"; component: "worker" | "restate" | "broker"; downMs: number; node?: number } | { kind: "back" };
export type PatternChoice = { kind: "tour"; name: string } | { kind: "back" };
export type ActionChoice = "tour" | "demo" | "compare" | "verbs" | "invocations" | "back" | { kind: "verb"; path: string };
export type InvocationPick = { kind: "timeline"; id: string } | { kind: "back" };

/** One of a pattern's actions: a declared verb, with what to ask before running it. */
export interface VerbAction {
  path: string;
  summary: string;
  args: ArgSpec[];
  /** the visible options, asked only when picked */
  options: OptionSpec[];
  /** positional values from the declaration's own examples, as defaults */
  exampleArgs: string[];
  /** option values from the examples ("--fail" → "payment"), as defaults */
  exampleOptions: Record<string, string>;
}

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

export function actionChoices(t: Tour, actions: VerbAction[] = []): MenuChoice<ActionChoice>[] {
  const choices: MenuChoice<ActionChoice>[] = [{ value: "tour", name: "Take the guided tour", description: `same as: npx patterns tour ${t.name}` }];
  for (const a of actions) {
    choices.push({
      value: { kind: "verb", path: a.path },
      name: `${a.path} ${c.dim(`— ${a.summary}`)}`,
      description: `same as: npx patterns ${a.path}${a.args.map((x) => ` ${x.name}`).join("")}${a.options.length ? " [options]" : ""} (asked next, defaults filled in)`,
    });
  }
  if (!t.builtIn) choices.push({ value: "demo", name: "Run the scenario and its checks", description: `same as: npx patterns demo ${t.name}` });
  if (comparedPatterns.includes(t.name))
    choices.push({ value: "compare", name: "The same crash with and without Restate", description: `same as: npx patterns compare ${t.name} (the plain Node run is a labelled simulation)` });
  choices.push({ value: "verbs", name: "Show the commands to drive it yourself", description: t.verbs.map((v) => `npx patterns ${v}`).join(", ") || "its verbs" });
  if (t.services[0])
    choices.push({ value: "invocations", name: "Its recent invocations", description: `same as: npx patterns invocations --service ${t.services[0]} (pick one to open its timeline)` });
  choices.push({ value: "back", name: "← back" });
  return choices;
}

/** Shell-like words of an example line: quotes group, "#" starts a comment. */
export function exampleWords(line: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(#.*$)|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    if (m[3] !== undefined) break;
    words.push(m[1] ?? m[2] ?? m[4]!);
  }
  return words;
}

/** The positional values of the first example of `path` that gives every required argument. */
export function examplePositionals(spec: Pick<VerbSpec, "path" | "args" | "examples">): string[] {
  const pathWords = spec.path.split(" ");
  const required = (spec.args ?? []).filter((a) => a.name.startsWith("<")).length;
  for (const ex of spec.examples ?? []) {
    const words = exampleWords(ex.replace(/^\s*(npx\s+)?patterns\s+/, ""));
    if (pathWords.some((w, i) => words[i] !== w)) continue;
    const rest = words.slice(pathWords.length);
    const positional: string[] = [];
    for (const w of rest) {
      if (w.startsWith("-")) break;
      positional.push(w);
    }
    if (positional.length >= required) return positional;
  }
  return [];
}

/** The first value each value-taking option has in the declaration's examples. */
export function exampleOptionValues(spec: Pick<VerbSpec, "path" | "examples">): Record<string, string> {
  const found: Record<string, string> = {};
  for (const ex of spec.examples ?? []) {
    const words = exampleWords(ex.replace(/^\s*(npx\s+)?patterns\s+/, ""));
    if (spec.path.split(" ").some((w, i) => words[i] !== w)) continue;
    words.forEach((w, i) => {
      const next = words[i + 1];
      if (/^--[\w-]+$/.test(w) && next !== undefined && !next.startsWith("-") && found[w] === undefined) found[w] = next;
    });
  }
  return found;
}

/** A pattern's actions: the declared verbs its registry entry lists, once each, in the registry's order. */
export function patternActions(p: Pick<RegistryEntry, "verbs" | "declarations">): VerbAction[] {
  const verbs = (p.declarations ?? []).filter((d): d is VerbSpec => d.kind !== "group" && !(d as VerbSpec).hidden) as VerbSpec[];
  const out: VerbAction[] = [];
  for (const line of p.verbs) {
    const words = line.split(/\s+/);
    // the longest declared path the line starts with ("saga book --fail payment" → "saga book")
    const spec = verbs.filter((v) => v.path.split(" ").every((w, i) => words[i] === w)).sort((a, b) => b.path.length - a.path.length)[0];
    if (!spec || out.some((a) => a.path === spec.path)) continue;
    out.push({
      path: spec.path,
      summary: spec.summary,
      args: spec.args ?? [],
      options: (spec.options ?? []).filter((o) => !o.hidden),
      exampleArgs: examplePositionals(spec),
      exampleOptions: exampleOptionValues(spec),
    });
  }
  return out;
}

export interface FlagInfo {
  long: string;
  takesValue: boolean;
}

export function flagInfo(o: OptionSpec): FlagInfo {
  const long = o.flags.match(/--[\w-]+/)?.[0] ?? o.flags.split(/[ ,]/)[0]!;
  return { long, takesValue: /[<[]/.test(o.flags) };
}

/** The command line for an action and the answers: positional values, then the options that were set. */
export function verbArgv(a: VerbAction, positionals: string[], options: Record<string, string | boolean>): string[] {
  const argv = [...a.path.split(" ")];
  a.args.forEach((spec, i) => {
    const v = positionals[i]?.trim();
    if (!v) return;
    argv.push(...(spec.name.includes("...") ? v.split(/\s+/) : [v]));
  });
  for (const o of a.options) {
    const f = flagInfo(o);
    const v = options[f.long];
    if (v === undefined || v === false || v === "") continue;
    if (f.takesValue) argv.push(f.long, String(v));
    else argv.push(f.long);
  }
  return argv;
}

/** `npx patterns saga book --crash-after "Refund payment"`: the argv as a person would type it. */
export function commandLine(argv: string[]): string {
  return ["npx", "patterns", ...argv.map((w) => (/^[\w@%+=:,./<>|-]+$/.test(w) ? w : JSON.stringify(w)))].join(" ");
}

/** Recent invocations to pick from; the pick opens that invocation's timeline. */
export function invocationChoices(rows: InvocationRow[]): MenuChoice<InvocationPick>[] {
  return [
    ...rows.map((r): MenuChoice<InvocationPick> => ({
      value: { kind: "timeline", id: r.id },
      name: `${shortId(r.id)}  ${r.target ?? "?"}  ${paintStatus(r.status, r.completion_result)}`,
      description: `same as: npx patterns timeline ${r.id}`,
    })),
    { value: { kind: "back" }, name: "← back" },
  ];
}

/** What can be killed from the menu; the broker only when the playground runs it. */
export function killChoices(kafka: "embedded" | "external" | "none", nodes = 1): MenuChoice<KillChoice>[] {
  const choices: MenuChoice<KillChoice>[] = [
    {
      value: { kind: "kill", component: "worker", downMs: 2000 },
      name: "the worker",
      description: "same as: npx patterns kill-worker (back after 2 s; in-flight invocations resume from their journals)",
    },
  ];
  if (nodes === 1)
    choices.push({ value: { kind: "kill", component: "restate", downMs: 3000 }, name: "restate-server", description: "same as: npx patterns kill-restate (back after 3 s on the same data)" });
  for (let k = 1; nodes > 1 && k <= nodes; k++) {
    choices.push({
      value: { kind: "kill", component: "restate", downMs: 3000, node: k },
      name: `restate-server node ${k}`,
      description: `same as: npx patterns kill-restate --node ${k} (the other nodes keep serving; back after 3 s on its data)`,
    });
  }
  if (kafka === "embedded") {
    choices.push({
      value: { kind: "kill", component: "broker", downMs: 1000 },
      name: "the embedded broker",
      description: "same as: npx patterns kill-broker (back after 1 s on its saved log; same subscriptions)",
    });
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

/** An option's default as the menu offers it: in the form the option takes back (a duration as "2s", not 2000). */
export function optionDefault(o: OptionSpec): string | undefined {
  if (o.default === undefined) return undefined;
  return isDurationParser(o.parse) && typeof o.default === "number" ? formatDuration(o.default) : String(o.default);
}

/** The values the menu offers as a pick list instead of free text: the accepted ones, or those the verb checks itself. */
export function pickList(o: OptionSpec): readonly string[] | undefined {
  return o.choices ?? o.suggest;
}

/** Values typed in this menu session, by argument name, offered again as defaults. */
const remembered = new Map<string, string>();

const bare = (argName: string) => argName.replace(/[<>[\].]/g, "");

/** Ask an action's arguments and the options the user picks (defaults filled in), then run it through the program. */
async function runVerbAction(program: Command, a: VerbAction): Promise<void> {
  const positionals: string[] = [];
  for (const [i, spec] of a.args.entries()) {
    const required = spec.name.startsWith("<");
    const fallback =
      remembered.get(bare(spec.name)) ?? a.exampleArgs[i] ?? (spec.default !== undefined ? String(spec.default) : required ? `${bare(spec.name)}-${randomBytes(3).toString("hex")}` : "");
    const value = spec.choices
      ? await select({ message: `${spec.name} ${c.dim(spec.description)}`, choices: spec.choices.map((x) => ({ value: x, name: x })), default: fallback || undefined })
      : await input({ message: `${spec.name} ${c.dim(spec.description)}`, default: fallback || undefined, required });
    positionals.push(value);
    if (value) remembered.set(bare(spec.name), value);
  }
  const options: Record<string, string | boolean> = {};
  const optional = a.options.filter((o) => !o.required);
  const picked = optional.length
    ? await checkbox({
        message: `Options for ${a.path} ${c.dim("(space to pick, Enter to go on; none picked = the defaults)")}`,
        choices: optional.map((o) => ({ value: flagInfo(o).long, name: `${o.flags} ${c.dim(o.description)}` })),
        pageSize: 12,
      })
    : [];
  for (const o of a.options) {
    const f = flagInfo(o);
    // a required option is always asked; the others only when picked
    if (!o.required && !picked.includes(f.long)) continue;
    if (!f.takesValue) {
      options[f.long] = true;
      continue;
    }
    const def = remembered.get(f.long) ?? optionDefault(o) ?? a.exampleOptions[f.long];
    const list = pickList(o);
    const value = list
      ? await select({ message: `${o.flags} ${c.dim(o.description)}`, choices: list.map((x) => ({ value: x, name: x })), default: def })
      : await input({ message: `${o.flags} ${c.dim(o.description)}`, default: def, required: true });
    options[f.long] = value;
    remembered.set(f.long, value);
  }
  await runArgv(program, verbArgv(a, positionals, options));
}

/** Run a command line through the program, as `npx patterns …` would; its errors are shown, the menu goes on. */
async function runArgv(program: Command, argv: string[]): Promise<void> {
  note(c.dim(`same as: ${commandLine(argv)}`));
  const before = process.exitCode;
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) note(`${c.fail("error:")} ${e.message.replace(/^error:\s*/, "")}`);
    else showError(e);
  } finally {
    // a verb that failed says so; it does not make the menu's own exit code fail
    if (process.exitCode && process.exitCode !== before) note(c.warn(`(it would have exited ${String(process.exitCode)})`));
    process.exitCode = before;
  }
}

/** The recent invocations, and a pick that opens one's timeline. */
async function invocationsMenu(program: Command, service?: string): Promise<void> {
  const rows = await listInvocations(requireStack(), { service, limit: 15 });
  if (rows.length === 0) {
    note(c.dim(service ? `no invocations of ${service} yet` : "no invocations yet"));
    return;
  }
  for (const l of renderInvocations(rows)) out(l);
  const pick = await ask("Open an invocation's timeline?", invocationChoices(rows));
  if (pick.kind === "timeline") {
    await runArgv(program, ["timeline", pick.id]);
    // the menu's next question would push a long timeline off the screen: it stays until the reader is done
    await input({ message: c.dim("Enter to go back to the menu"), default: "" }, { output: process.stderr });
  }
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
        await invocationsMenu(program);
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
  const entry = registry.find((x) => x.name === t.name);
  const actions = entry ? patternActions(entry) : [];
  for (;;) {
    const action = await ask(`${t.title}: what now?`, actionChoices(t, actions));
    if (action === "back") return;
    try {
      if (typeof action === "object") {
        const a = actions.find((x) => x.path === action.path);
        if (a) await runVerbAction(program, a);
      } else if (action === "tour") {
        note(c.dim(`same as: npx patterns tour ${t.name}`));
        const r = await presentTour(t, { stack: requireStack(), json: false, yes: false, crash: true, hasVerb: (v) => program.commands.some((x) => x.name() === v) });
        if (!r.passed) note(c.warn("the tour's checks did not all pass: see above"));
      } else if (action === "demo") {
        note(c.dim(`same as: npx patterns demo ${t.name}`));
        const p = registry.find((x) => x.name === t.name);
        if (!p) continue;
        const result = await p.demo({ stack: requireStack(), json: false, say: (l) => note(l) });
        for (const l of renderChecks(result)) out(l);
      } else if (action === "compare") {
        await runArgv(program, ["compare", t.name]);
      } else if (action === "verbs") {
        for (const l of verbLines(program, t)) out(l);
      } else if (action === "invocations") {
        note(c.dim(`same as: npx patterns invocations --service ${t.services[0]}`));
        await invocationsMenu(program, t.services[0]);
      }
    } catch (e) {
      if (e instanceof TourStopped) note(c.dim("tour stopped"));
      else showError(e);
    }
  }
}
