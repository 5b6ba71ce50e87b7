// What the CLI answers without loading all its verbs: `--version`, `--help` (at any level) from the help cache, and the
// stack verbs with only their own module. Each returns an exit code, or undefined when the whole CLI must answer.
import type { Command } from "commander";
import { declareVerb, mountWith } from "./commands/mount.js";
import type { Declaration, VerbSpec } from "./commands/verb.js";
import { readHelpCache } from "./help-cache.js";
import { harden, programShell, versionLine } from "./program.js";
import { reportError } from "./report.js";
import { configureColor } from "./ui/palette.js";

/** The program for help only: the declarations' data mounted without their code. */
export function helpProgram(declarations: readonly Declaration[], args: string[]): Command {
  const program = programShell();
  // the verbs under the one asked about are the only ones whose own help can show; the others' names are enough
  const asked = new Set(args.filter((a) => !a.startsWith("-")));
  const needed = declarations.filter((d) => !d.path.includes(" ") || asked.has(d.path.split(" ")[0]!));
  mountWith(program, needed, declareVerb);
  return harden(program);
}

export function quickAnswer(argv: string[]): number | undefined {
  const args = argv.slice(2);
  if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
    process.stdout.write(`${versionLine()}\n`);
    return 0;
  }
  const end = args.indexOf("--");
  const flags = end < 0 ? args : args.slice(0, end);
  if (!flags.includes("--help") && !flags.includes("-h")) return undefined;
  const declarations = readHelpCache();
  if (!declarations) return undefined;
  try {
    helpProgram(declarations, flags).parse(argv);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "commander.helpDisplayed" || code === "commander.help") return 0;
  }
  // anything but help shown (an error to report with its fix): the whole CLI answers
  return undefined;
}

/** Verbs loaded on their own, without every other verb, the SDK or the observation layer: the stack's, felt first. */
const ALONE: Record<string, () => Promise<VerbSpec>> = {
  start: async () => (await import("./commands/start.js")).start as VerbSpec,
  stop: async () => (await import("./commands/stop.js")).stop as VerbSpec,
  status: async () => (await import("./commands/status.js")).status as VerbSpec,
};

/** The verb the arguments name (global options and their values skipped). */
function verbOf(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--state-dir") i++;
    else if (!a.startsWith("-")) return a;
  }
  return undefined;
}

/** Run a stack verb with only its own module loaded; undefined for any other verb (the whole CLI runs those). */
export async function runAlone(argv: string[]): Promise<number | undefined> {
  const args = argv.slice(2);
  const name = verbOf(args);
  const load = name ? ALONE[name] : undefined;
  if (!load) return undefined;
  const json = args.includes("--json");
  configureColor({ json, color: !args.includes("--no-color") });
  const [spec, { addVerb }] = await Promise.all([load(), import("./commands/verb.js")]);
  const program = programShell();
  addVerb(program, spec).exitOverride();
  harden(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    return reportError(e, { json, program, args });
  }
}
