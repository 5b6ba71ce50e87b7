// Declarations as commander commands: names, arguments, options, aliases, help groups and examples. Only what help and
// parsing need, nothing a verb runs: `--help` mounts the declarations' data from the help cache through this module
// without loading any verb (src/commands/verb.ts adds what runs).
import { Argument, Command, Option } from "commander";
import { formatDuration } from "../lib/duration.js";
import { isDurationParser } from "../lib/parse.js";
import { fitHelpText, helpWidth } from "./lib/help.js";
import type { Declaration, GroupSpec, OptionSpec, VerbSpec } from "./verb.js";

/** The headings of `patterns --help`, in this order. */
export const HELP_GROUPS = {
  stack: "Stack:",
  play: "Play (guided):",
  patterns: "Patterns (one verb per pattern):",
  inspect: "Inspect:",
  faults: "Faults:",
} as const;
export type HelpGroup = keyof typeof HELP_GROUPS;

export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`;
}

/** Help text after the options, laid out for the width the help is printed in. */
function addHelpAfter(cmd: Command, text: string): void {
  cmd.addHelpText("after", (context) => fitHelpText(text, helpWidth(context.error)));
}

/**
 * How `--help` shows an option's default: a duration's as a duration ("2s"), the form the option accepts back. Kept in
 * the declaration's data (defaultShown) so that help from the cache, where the parser is gone, shows it the same.
 */
export function shownDefault(o: OptionSpec): string | undefined {
  if (o.defaultShown !== undefined) return o.defaultShown;
  return isDurationParser(o.parse) && typeof o.default === "number" ? formatDuration(o.default) : undefined;
}

/** The declarations as data for the help cache: what help shows, with each option's default as help shows it. */
export function helpData(declarations: readonly Declaration[]): Declaration[] {
  return declarations.map((d) => {
    if (d.kind === "group" || !d.options) return d;
    return { ...d, options: d.options.map((o) => ({ ...o, defaultShown: shownDefault(o) })) };
  });
}

function parentOf(program: Command, words: string[]): Command {
  let at = program;
  for (const w of words) {
    const next = at.commands.find((c) => c.name() === w);
    if (!next) throw new Error(`declare the group "${words.join(" ")}" before its verbs`);
    at = next;
  }
  return at;
}

/** A verb's command with its arguments, options, aliases and help text; no action. */
export function declareVerb(parent: Command, spec: Omit<VerbSpec, "run">): Command {
  const words = spec.path.split(" ");
  const cmd = parent.command(words.at(-1)!, { hidden: !!spec.hidden }).description(spec.summary);
  for (const a of spec.args ?? []) {
    const arg = new Argument(a.name, a.description);
    if (a.choices) arg.choices(a.choices);
    if (a.parse) arg.argParser(a.parse);
    if (a.default !== undefined) arg.default(a.default);
    cmd.addArgument(arg);
  }
  for (const o of spec.options ?? []) {
    const opt = new Option(o.flags, o.description);
    if (o.choices) opt.choices(o.choices);
    if (o.suggest) Object.assign(opt, { suggestions: [...o.suggest] });
    if (o.parse) opt.argParser(o.parse);
    if (o.default !== undefined) opt.default(o.default, shownDefault(o));
    if (o.hidden) opt.hideHelp();
    if (o.required) opt.makeOptionMandatory();
    cmd.addOption(opt);
  }
  for (const alias of spec.aliases ?? []) cmd.alias(alias);
  if (spec.examples?.length || spec.help) addHelpAfter(cmd, `${spec.examples?.length ? examples(...spec.examples) : ""}${spec.help ?? ""}`);
  return cmd;
}

function declareGroup(parent: Command, d: GroupSpec): Command {
  const cmd = parent.command(d.path.split(" ").at(-1)!).description(d.summary);
  for (const alias of d.aliases ?? []) cmd.alias(alias);
  if (d.examples?.length) addHelpAfter(cmd, examples(...d.examples));
  return cmd;
}

/** Mount the declarations in order (groups before their verbs); `addVerb` makes each verb's command. */
export function mountWith(program: Command, declarations: readonly Declaration[], addVerb: (parent: Command, spec: VerbSpec) => Command): void {
  for (const d of declarations) {
    const parent = parentOf(program, d.path.split(" ").slice(0, -1));
    const cmd = d.kind === "group" ? declareGroup(parent, d) : addVerb(parent, d);
    if (d.group && parent === program) cmd.helpGroup(HELP_GROUPS[d.group]);
    cmd.exitOverride();
  }
}
