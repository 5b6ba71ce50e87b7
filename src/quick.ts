// What the CLI answers without loading its verbs: `--version`, and `--help` (at any level) from the help cache. Each
// returns an exit code, or undefined when the whole CLI must answer (no cache yet, or anything but help).
import type { Command } from "commander";
import { declareVerb, mountWith } from "./commands/mount.js";
import type { Declaration } from "./commands/verb.js";
import { readHelpCache } from "./help-cache.js";
import { harden, programShell, versionLine } from "./program.js";

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
