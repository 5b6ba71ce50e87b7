// Every error the CLI reports — the playground's own and commander's — as one line and a fix (or, with --json, one
// JSON document on stdout) and an exit code (0 ok, 1 failure, 2 usage, 130 interrupted). Light (commander, the
// palette), so a verb loaded on its own reports its errors the same way as the whole CLI.
import { type Command, CommanderError, type Option } from "commander";
import { PlaygroundError } from "./errors.js";
import { c } from "./ui/palette.js";
import { editDistance } from "./ui/text.js";
import { note } from "./ui/output.js";

/** The deepest command the arguments name (`saga book` for `patterns saga book --x`). */
export function commandFor(program: Command, args: string[]): Command {
  let at = program;
  for (const a of args) {
    if (a.startsWith("-")) continue;
    const next = at.commands.find((c) => c.name() === a || c.aliases().includes(a));
    if (!next) break;
    at = next;
  }
  return at;
}

function fullName(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/** The closest option of a command to an unknown one: the one whose name holds it, else the smallest edit distance. */
export function nearestOption(unknown: string, options: readonly Pick<Option, "long">[]): string | undefined {
  const name = unknown.replace(/^-+/, "").replace(/=.*$/, "");
  const longs = options.map((o) => o.long).filter((l): l is string => !!l && l !== "--help");
  const holding = longs.find((l) => l.slice(2).split("-").includes(name) || l.slice(2).includes(name));
  if (holding) return holding;
  let best: { l: string; d: number } | undefined;
  for (const l of longs) {
    const d = editDistance(name, l.slice(2));
    if (!best || d < best.d) best = { l, d };
  }
  return best && best.d <= Math.max(2, Math.floor(name.length / 3)) ? best.l : undefined;
}

/** A commander error as the playground's usage error: the message without commander's prefix, and a fix. */
export function usageFromCommander(e: CommanderError, program: Command, args: string[]): PlaygroundError {
  const cmd = commandFor(program, args);
  const help = `see \`npx ${fullName(cmd)} --help\``;
  const message = e.message
    .replace(/^error: /, "")
    .split("\n")[0]!
    .replace(/\s*\(Did you mean .*\)$/, "");
  let fix = help;
  const unknownOption = /unknown option '([^']+)'/.exec(e.message);
  if (unknownOption) {
    const near = nearestOption(unknownOption[1]!, cmd.options);
    if (near) fix = `did you mean ${near}? ${help}`;
  }
  const unknownCommand = /unknown command '([^']+)'/.exec(e.message);
  const suggested = /\(Did you mean ([^)]+)\?\)/.exec(e.message);
  // the help of the group the unknown word was given to (`package --help` for `package track`)
  if (unknownCommand) fix = suggested ? `did you mean ${suggested[1]}? ${help}` : help;
  return new PlaygroundError(message, fix, 2);
}

export function reportError(e: unknown, o: { json?: boolean; program?: Command; args?: string[] } = {}): number {
  if (e instanceof CommanderError) {
    if (e.exitCode === 0 || e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return 0;
    e = o.program ? usageFromCommander(e, o.program, o.args ?? []) : new PlaygroundError(e.message.replace(/^error: /, ""), undefined, 2);
  }
  if (e instanceof Error && e.name === "ExitPromptError") return 130;
  const err = e instanceof PlaygroundError ? e : new PlaygroundError(e instanceof Error ? e.message : String(e), "unexpected: rerun with PATTERNS_DEBUG=1 to see the stack trace, and report it");
  if (!(e instanceof PlaygroundError) && process.env.PATTERNS_DEBUG) process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  // with --json the error is the document on stdout; the line for people still goes to stderr
  if (o.json) process.stdout.write(JSON.stringify({ error: { message: err.message, fix: err.fix ?? null, exitCode: err.exitCode } }, null, 2) + "\n");
  note(`${c.fail("error:")} ${err.message}`);
  if (err.fix) note(`${c.dim("fix:")} ${err.fix}`);
  return err.exitCode;
}
