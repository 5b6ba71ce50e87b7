// What the CLI answers without loading all its verbs: `--version`, `--help` (at any level) from the help cache, and the
// stack verbs with only their own module. Each returns an exit code, or undefined when the whole CLI must answer.
// Only node:fs is loaded up front: `--version` needs nothing more, the rest is imported by the path that needs it.
import type { VerbSpec } from "./commands/verb.js";
import { versionLine } from "./version.js";

export async function quickAnswer(argv: string[]): Promise<number | undefined> {
  const args = argv.slice(2);
  if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
    process.stdout.write(`${versionLine()}\n`);
    return 0;
  }
  const end = args.indexOf("--");
  const flags = end < 0 ? args : args.slice(0, end);
  if (!flags.includes("--help") && !flags.includes("-h")) return undefined;
  const { readHelpCache } = await import("./help-cache.js");
  const declarations = readHelpCache();
  if (!declarations) return undefined;
  const { helpProgram } = await import("./help-program.js");
  try {
    helpProgram(declarations, flags).parse(argv);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "commander.helpDisplayed" || code === "commander.help") return 0;
  }
  // anything but help shown (an error to report with its fix): the whole CLI answers
  return undefined;
}

/** Verbs loaded on their own, without every other verb or the SDK: the stack's, felt first, and `timeline`. */
const ALONE: Record<string, () => Promise<VerbSpec>> = {
  start: async () => (await import("./commands/start.js")).start as VerbSpec,
  stop: async () => (await import("./commands/stop.js")).stop as VerbSpec,
  status: async () => (await import("./commands/status.js")).status as VerbSpec,
  // read after every demo: the whole CLI would load every other verb's module first (about 100 ms)
  timeline: async () => (await import("./commands/timeline.js")).timeline as VerbSpec,
  // a wrapper around another tool: its own start-up is what the user waits for
  restatectl: async () => (await import("./commands/restatectl.js")).restatectl as VerbSpec,
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
  // colour is settled before the verb's module loads, as in the whole CLI
  const { configureColor } = await import("./ui/palette.js");
  configureColor({ json, color: !args.includes("--no-color") });
  const [spec, { addVerb }, { harden, programShell }, { reportError }] = await Promise.all([load(), import("./commands/verb.js"), import("./program.js"), import("./report.js")]);
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
