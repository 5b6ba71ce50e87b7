// Shared bits of command definitions: global options; the option parsers live in src/lib/parse.ts.
export { durationOption, intOption, parseDuration } from "../lib/parse.js";
import type { Command } from "commander";
import { configureColor } from "../ui/palette.js";

export interface GlobalOptions {
  stateDir?: string;
  json?: boolean;
  color?: boolean;
}

/** Options of the command merged with the program's global ones; also switches colour on or off. */
export function globals<T extends object>(cmd: Command): T & GlobalOptions {
  const o = cmd.optsWithGlobals<T & GlobalOptions>();
  configureColor({ json: o.json, color: o.color });
  return o;
}

export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`;
}
