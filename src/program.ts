// The root of the CLI without its verbs: name, description, version, global options and commander's settings. Light on
// purpose (commander, node:fs and the help layout only): `--version` and a cached `--help` answer from here without
// loading any verb.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { helpWidth } from "./commands/lib/help.js";

/** The package root, from dist/ or src/. */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function packageVersion(file: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(file, "utf8")) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** "0.1.0 (restate-server 1.7.12)": the playground's version and the server it runs, read from package.json files. */
export function versionLine(): string {
  const own = packageVersion(path.join(root, "package.json")) ?? "unknown";
  const server = packageVersion(path.join(root, "node_modules", "@restatedev", "restate-server", "package.json"));
  return server ? `${own} (restate-server ${server})` : own;
}

/** The program before its verbs are mounted. */
export function programShell(): Command {
  return new Command()
    .name("patterns")
    .description("Restate's durable-execution patterns, running for real on restate-server, a Kafka broker and one worker")
    .version(versionLine(), "-V, --version", "print the playground's version and the restate-server version it runs")
    .option("--state-dir <dir>", "state directory (default: .patterns in the project folder, or PATTERNS_STATE_DIR)")
    .option("--json", "print one JSON document on stdout instead of text (errors too)")
    .option("--no-color", "no colour (NO_COLOR is honoured too)")
    // descriptions wrap even on a narrow terminal (commander stops wrapping below 40 columns of description)
    .configureHelp({ minWidthToWrap: 20 })
    .showHelpAfterError(false)
    .showSuggestionAfterError(true)
    // commander's own error lines are printed by reportError, with a fix line (and as JSON with --json)
    // help is laid out for the terminal, or for COLUMNS when piped (commander alone ignores COLUMNS)
    .configureOutput({ outputError: () => {}, getOutHelpWidth: () => helpWidth(), getErrHelpWidth: () => helpWidth(true) })
    .exitOverride();
}

/** Every command reports its errors through the program (exitOverride, no output of its own, suggestions). */
export function harden(program: Command): Command {
  const each = (cmd: Command) => {
    cmd.exitOverride();
    cmd.configureOutput({ outputError: () => {} });
    cmd.showSuggestionAfterError(true);
    cmd.commands.forEach(each);
  };
  program.commands.forEach(each);
  return program;
}
