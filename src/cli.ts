// The CLI: builds the program from the declarations, runs it, and turns every error — the playground's own and
// commander's — into one line and a fix (or, with --json, one JSON document on stdout) and an exit code (0 ok,
// 1 failure, 2 usage, 130 interrupted). src/main.ts, the entry, runs it; nothing here runs on import.
import type { Command } from "commander";
import { declarations } from "./commands/index.js";
import { runMenu } from "./commands/interactive.js";
import { mount } from "./commands/verb.js";
import { writeHelpCache } from "./help-cache.js";
import { harden, programShell } from "./program.js";
import { reportError } from "./report.js";
import { configureColor } from "./ui/palette.js";

export { commandFor, nearestOption, reportError, usageFromCommander } from "./report.js";

export function buildProgram(): Command {
  const program = programShell();
  mount(program, declarations);
  // the next --help can be answered without loading the verbs
  writeHelpCache(declarations);
  return harden(program);
}

/** When the arguments are only global options (no verb), what they say; otherwise undefined. */
export function onlyGlobalOptions(args: string[]): { stateDir?: string; json: boolean } | undefined {
  const r: { stateDir?: string; json: boolean } = { json: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--json") r.json = true;
    else if (a === "--no-color") continue;
    else if (a === "--state-dir" && i + 1 < args.length) r.stateDir = args[++i];
    else if (a.startsWith("--state-dir=")) r.stateDir = a.slice("--state-dir=".length);
    else return undefined;
  }
  return r;
}

export async function main(argv: string[]): Promise<number> {
  const json = argv.includes("--json");
  configureColor({ json, color: !argv.includes("--no-color") });
  const program = buildProgram();
  try {
    const bare = onlyGlobalOptions(argv.slice(2));
    if (bare) {
      // a bare `patterns` (global options allowed): the menu in a terminal, the help everywhere else
      if (bare.stateDir) process.env.PATTERNS_STATE_DIR = bare.stateDir;
      if (process.stdin.isTTY && process.stdout.isTTY && !bare.json) await runMenu(program);
      else program.outputHelp();
      return typeof process.exitCode === "number" ? process.exitCode : 0;
    }
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    return reportError(e, { json, program, args: argv.slice(2) });
  }
}
