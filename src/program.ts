// The root of the CLI without its verbs: name, description, version, global options and commander's settings, help laid
// out for the terminal. Light on purpose (commander and the help layout only): a cached `--help` answers from here
// without loading any verb.
import { Command } from "commander";
import { helpWidth } from "./commands/lib/help.js";
import { versionLine } from "./version.js";

export { versionLine } from "./version.js";

/** The program before its verbs are mounted. */
export function programShell(): Command {
  return (
    new Command()
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
      .exitOverride()
  );
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
