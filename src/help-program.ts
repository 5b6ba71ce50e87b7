// The program `--help` is answered from when the help cache is there: the declarations' data mounted without their
// code, through the same construction (src/commands/mount.ts) and root (src/program.ts) as the whole CLI, so the help
// reads the same.
import type { Command } from "commander";
import { declareVerb, mountWith } from "./commands/mount.js";
import type { Declaration } from "./commands/verb.js";
import { harden, programShell } from "./program.js";

/** The program for help only: the declarations' data mounted without their code. */
export function helpProgram(declarations: readonly Declaration[], args: string[]): Command {
  const program = programShell();
  // the verbs under the one asked about are the only ones whose own help can show; the others' names are enough
  const asked = new Set(args.filter((a) => !a.startsWith("-")));
  const needed = declarations.filter((d) => !d.path.includes(" ") || asked.has(d.path.split(" ")[0]!));
  mountWith(program, needed, declareVerb);
  return harden(program);
}
