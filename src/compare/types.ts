// What a comparison is: one crash scenario of a pattern, run once on Restate and once as plain Node code (the same
// step functions and simulated systems, no journal), and how to read the effects each run left in the ledger.
// Adding a comparison is one file in this folder that exports a `Comparison`, listed in ./index.ts.
import { randomBytes } from "node:crypto";
import type { LedgerEntry } from "../services/lib/simulated.js";
import type { RunningStack } from "../runtime/stack.js";
import type { Ingress } from "@restatedev/restate-sdk-clients";

/** The label of the run without Restate, wherever it shows (text, JSON, ledger run ids). */
export const PLAIN_LABEL = "plain Node (no Restate)";
export const RESTATE_LABEL = "Restate";

/** Where the process is killed: after (or during) the named step; both runs die at the same one. */
export interface CompareCrash {
  step: string;
  when: "after" | "during";
}

/** What one run did, read from the ledger (and, for Restate, from the invocations). Pure data: the verdict's input. */
export interface RunFacts {
  /** the run's ledger entries (the playground's own for Restate, the plain run id's for plain Node) */
  entries: LedgerEntry[];
  /** the scenario's key (trip id, user, machine, task id…): the same in both runs */
  key: string;
  /** the calls that completed and what they answered (Restate: the invocations; plain: what the process printed) */
  answers: { id: string; ok: boolean; value?: unknown; error?: string }[];
}

/** The reading of one run: what happened outside, and whether it is what the pattern promises. */
export interface Verdict {
  consistent: boolean;
  /** one line: why (in)consistent */
  why: string;
  /** effects applied outside (the simulated systems), one line each */
  effects: string[];
  /** compensations that ran (undo actions), one line each; empty when none ran */
  compensations: string[];
  finalState: string;
  /** effects nobody will clean up: bookings held, charges not refunded, posts never published… */
  leftBehind: string[];
}

/** The plain run's door to the parent process: each step reports its end, and the parent may SIGKILL it there. */
export interface PlainIo {
  /** 1 for the run that is killed, 2 for the naive retry (started again once, as a user would) */
  attempt: number;
  /** the scenario's key */
  key: string;
  /** run a step's body (the same function the Restate handler runs in ctx.run), then report it to the parent */
  step<T>(name: string, body: () => Promise<T> | T): Promise<T>;
  /** what a caller would be told (the handler's answer), reported to the parent */
  answer(id: string, ok: boolean, value?: unknown): void;
  /** time-scaled real milliseconds for a nominal duration (the same scale the worker uses) */
  scaled(nominalMs: number): number;
}

/** The Restate side's doors: the running stack, calls through the ingress, the worker-crash hook. */
export interface RestateIo {
  stack: RunningStack;
  key: string;
  say(line: string): void;
  /** a one-way call through the typed ingress client (`what` names it in errors); returns the invocation id */
  send(what: string, sendIt: (ingress: Ingress) => Promise<{ invocationId: string }>): Promise<string>;
}

export interface Comparison {
  pattern: string;
  /** one line: what both runs do */
  scenario: string;
  crash: CompareCrash;
  /** the invariant the verdict checks, one line */
  invariant: string;
  /** what the naive retry of the plain run is, one line */
  retry: string;
  /** a run-unique key for the scenario */
  key(): string;
  /** start the scenario on Restate (the crash is armed before); returns the invocation ids to wait for */
  withRestate(io: RestateIo): Promise<string[]>;
  /** the scenario as an ordinary async function (runs in a child process, with no journal) */
  plain(io: PlainIo): Promise<void>;
  /** read a run's facts */
  verdict(facts: RunFacts): Verdict;
}

/** A run-unique key for a scenario: "cmp-<prefix>-<hex>". */
export function compareKey(prefix: string): string {
  return `cmp-${prefix}-${randomBytes(3).toString("hex")}`;
}

/** "2 × flight reserved" style counts, for the verdicts' lines. */
export function times(n: number, what: string): string {
  return n === 1 ? what : `${n} × ${what}`;
}
