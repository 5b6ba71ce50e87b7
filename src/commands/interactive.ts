// The interactive playground: menu, list, tours, state and invocation verbs.
import type { Command } from "commander";

export function register(_program: Command): void {}

/** `patterns` with no arguments in a terminal. */
export async function runMenu(program: Command): Promise<void> {
  program.outputHelp();
}
