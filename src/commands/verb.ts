// Verbs are declarations: a path ("saga book"), its arguments and options with their parsers, `run(ctx) → data` and
// `render(data) → lines`. `mount` turns them into commander commands and owns, in one place, what every verb shares:
// the global options, finding the running stack, `--json` (one document on stdout), colour, the "same with curl"
// hints (from the calls `run` reported), help groups and examples. Errors are mapped to messages and exit codes in
// src/cli.ts (src/report.ts) only.
import type { Command } from "commander";
import { declareVerb, mountWith, type HelpGroup } from "./mount.js";
import { requireStack, type RunningStack } from "../runtime/stack.js";
import { liveState } from "../runtime/state.js";
import { stopWaitingWhen } from "../observe/eventually.js";
import { note, out, printJson } from "../ui/output.js";
import { configureColor } from "../ui/palette.js";
import { spinner, type Step } from "../ui/spinner.js";
import { printEquivalent, type RawCall } from "../ui/curl.js";

export { HELP_GROUPS, examples, type HelpGroup } from "./mount.js";
export { helpWidth } from "./lib/help.js";

export interface GlobalOptions {
  stateDir?: string;
  json?: boolean;
  color?: boolean;
}

export interface OptionSpec {
  /** as commander writes them: "--trip <id>", "-n, --lines <n>", "--no-wait" */
  flags: string;
  description: string;
  parse?: (raw: string) => unknown;
  default?: unknown;
  /** the default as --help shows it, when not the value itself (set for durations when mounted; see mount.ts) */
  defaultShown?: string;
  /** the only values accepted (commander checks them; completion offers them) */
  choices?: readonly string[];
  /** values completion offers when the verb checks them itself (case-insensitive step names, for example) */
  suggest?: readonly string[];
  hidden?: boolean;
  required?: boolean;
}

export interface ArgSpec {
  /** "<user>", "[content]", "[records...]" */
  name: string;
  description: string;
  parse?: (raw: string) => unknown;
  default?: unknown;
  /** the only values accepted (commander checks them; completion offers them) */
  choices?: readonly string[];
}

export interface VerbContext<O> {
  readonly opts: O & GlobalOptions;
  readonly json: boolean;
  /** commander's command, for what a declaration cannot say (e.g. where an option's value came from) */
  readonly command: Command;
  /** the running stack (the state file of --state-dir or the project's), or the "not running" error */
  stack(): RunningStack;
  /** a progress line on stderr (a spinner in a terminal, plain lines elsewhere, nothing with --json) */
  spinner(text: string): Step;
  /** narration on stderr; silent with --json */
  say(line: string): void;
  /** the raw calls this verb made, printed as "the same with curl" after the result (not with --json) */
  equivalent(calls: RawCall | RawCall[]): void;
}

export interface VerbSpec<O = Record<string, unknown>, D = unknown> {
  kind?: "verb";
  path: string;
  summary: string;
  group?: HelpGroup;
  aliases?: string[];
  args?: ArgSpec[];
  options?: OptionSpec[];
  examples?: string[];
  /** extra help text after the examples */
  help?: string;
  /** left out of `--help` and completion (still runs) */
  hidden?: boolean;
  run(ctx: VerbContext<O>, ...args: unknown[]): Promise<D | undefined> | D | undefined;
  /** text form of the data; without it, `run` prints for itself (streams like --follow) and returns nothing */
  render?(data: D, ctx: VerbContext<O>): string | string[] | void;
  /** the --json document when it is not the data itself */
  json?(data: D): unknown;
  /** advice after the result, on stderr (never with --json): hints, next steps, warnings about the data */
  notes?(data: D, ctx: VerbContext<O>): string[];
  /** the exit code the data means (e.g. 1 when a check failed); 0 by default */
  exitCode?(data: D): number;
}

export interface GroupSpec {
  kind: "group";
  path: string;
  summary: string;
  group?: HelpGroup;
  aliases?: string[];
  examples?: string[];
}

export type Declaration = VerbSpec<never, unknown> | GroupSpec;

export function verb<O = Record<string, unknown>, D = unknown>(spec: VerbSpec<O, D>): VerbSpec<O, D> {
  return { ...spec, kind: "verb" };
}

/** A noun that holds verbs (`saga` for `saga book`, `saga show`). */
export function verbGroup(spec: Omit<GroupSpec, "kind">): GroupSpec {
  return { ...spec, kind: "group" };
}

/** From now on every wait of this verb ends at once when this stack is stopped (from another terminal, or it died). */
function watched(stack: RunningStack): RunningStack {
  stopWaitingWhen(() => {
    const { state, stale } = liveState(stack.paths.stateFile);
    if (!state) return `its state file ${stack.paths.stateFile} is gone: \`npx patterns stop\` ran`;
    if (stale || state.supervisorPid !== stack.state.supervisorPid) return `its supervisor (pid ${stack.state.supervisorPid}) is no longer running`;
    if (state.stoppingAt) return "`npx patterns stop` is stopping it";
    return undefined;
  });
  return stack;
}

function context<O>(command: Command): VerbContext<O> {
  const opts = command.optsWithGlobals<O & GlobalOptions>();
  configureColor({ json: opts.json, color: opts.color });
  const json = !!opts.json;
  const calls: RawCall[] = [];
  let stack: RunningStack | undefined;
  const ctx: VerbContext<O> & { calls: RawCall[] } = {
    opts,
    json,
    command,
    calls,
    stack: () => (stack ??= watched(requireStack(opts.stateDir))),
    spinner: (text) => spinner(text, { json }),
    say: (line) => {
      if (!json) note(line);
    },
    equivalent: (c) => {
      calls.push(...(Array.isArray(c) ? c : [c]));
    },
  };
  return ctx;
}

/** A verb's command that runs its declaration. */
export function addVerb(parent: Command, spec: VerbSpec): Command {
  const cmd = declareVerb(parent, spec);
  cmd.action(async (...params: unknown[]) => {
    const command = params.at(-1) as Command;
    const positional = params.slice(0, -2);
    const ctx = context<Record<string, unknown>>(command);
    const data = await spec.run(ctx, ...positional);
    // a verb that printed for itself (a stream) returns nothing: nothing to render
    if (data !== undefined && spec.render) {
      if (ctx.json) printJson(spec.json ? spec.json(data) : data);
      else {
        const text = spec.render(data, ctx);
        if (text !== undefined) for (const line of Array.isArray(text) ? text : [text]) out(line);
      }
    }
    if (data !== undefined && spec.notes && !ctx.json) for (const line of spec.notes(data, ctx)) note(line);
    const calls = (ctx as unknown as { calls: RawCall[] }).calls;
    if (calls.length) printEquivalent(calls, { json: ctx.json });
    const code = data === undefined ? 0 : (spec.exitCode?.(data) ?? 0);
    if (code) process.exitCode = code;
  });
  return cmd;
}

/** Build commander commands from the declarations (groups before their verbs), each verb running its declaration. */
export function mount(program: Command, declarations: readonly Declaration[]): void {
  mountWith(program, declarations, addVerb);
}
