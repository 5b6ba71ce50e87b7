// For the help tests: a command's whole `--help` text as printed, and a function run at a given terminal width.
import type { Command } from "commander";

/** The whole `--help` text of a command as printed (options, then the examples and notes added after them). */
export function helpText(cmd: Command): string {
  let text = "";
  const saved = (cmd as unknown as { _outputConfiguration: Record<string, unknown> })._outputConfiguration;
  cmd.configureOutput({ ...saved, writeOut: (s: string) => (text += s) });
  cmd.outputHelp();
  cmd.configureOutput(saved);
  return text;
}

/** Run f as if the help went to a pipe with COLUMNS set (helpWidth reads COLUMNS when stdout is no terminal). */
export function at<T>(columns: number, f: () => T): T {
  const before = process.env.COLUMNS;
  process.env.COLUMNS = String(columns);
  try {
    return f();
  } finally {
    if (before === undefined) delete process.env.COLUMNS;
    else process.env.COLUMNS = before;
  }
}
