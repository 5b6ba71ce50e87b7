// The CLI entry: builds the program, runs it, and turns errors into one-line messages and exit codes
// (0 ok, 1 failure, 2 usage, 130 interrupted). The only place that decides the process exit code.
import { Command, CommanderError } from "commander";
import { commandModules } from "./commands/index.js";
import { runMenu } from "./commands/interactive.js";
import { PlaygroundError } from "./errors.js";
import { c, configureColor } from "./ui/palette.js";

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("patterns")
    .description("Restate's durable-execution patterns, running for real on restate-server, a Kafka broker and one worker")
    .option("--state-dir <dir>", "state directory (default ./.patterns, or PATTERNS_STATE_DIR)")
    .option("--json", "print one JSON document on stdout instead of text")
    .option("--no-color", "no colour (NO_COLOR is honoured too)")
    .showHelpAfterError(false)
    .exitOverride();
  for (const m of commandModules) m.register(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
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
  configureColor({ json: argv.includes("--json"), color: !argv.includes("--no-color") });
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
    return reportError(e);
  }
}

export function reportError(e: unknown): number {
  if (e instanceof CommanderError) {
    if (e.exitCode === 0 || e.code === "commander.helpDisplayed" || e.code === "commander.version") return 0;
    return 2;
  }
  if (e instanceof Error && e.name === "ExitPromptError") return 130;
  if (e instanceof PlaygroundError) {
    process.stderr.write(`${c.fail("error:")} ${e.message}\n`);
    if (e.fix) process.stderr.write(`${c.dim("fix:")} ${e.fix}\n`);
    return e.exitCode;
  }
  process.stderr.write(`${c.fail("error:")} ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return 1;
}

process.exitCode = await main(process.argv);
