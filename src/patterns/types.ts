// A pattern as data: the menu, `list`, `demo`, the tours and the README table are all generated from these entries.
import type { RunningStack } from "../runtime/stack.js";
import type { CliSide, PatternRecord } from "../registry.js";

export type Category = "communication" | "orchestration" | "scheduling" | "events" | "custom";

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface DemoContext {
  stack: RunningStack;
  /** narration for people (stderr); silent with --json */
  say: (line: string) => void;
  json: boolean;
}

export interface DemoResult {
  checks: Check[];
  /** anything worth printing with --json: invocation ids, keys, outcomes */
  data?: Record<string, unknown>;
}

/** A pattern as the CLI uses it: its registry record with its CLI folder loaded (the scenario and the verbs). */
export type PatternEntry = Omit<PatternRecord, "worker" | "cli"> & {
  demo: CliSide["demo"];
  declarations?: CliSide["declarations"];
};

export function check(name: string, ok: boolean, detail: string): Check {
  return { name, ok, detail };
}
