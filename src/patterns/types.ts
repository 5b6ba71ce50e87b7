// A pattern as data: the menu, `list`, `demo`, the tours and the README table are all generated from these entries.
import type { RunningStack } from "../runtime/stack.js";

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

export interface PatternEntry {
  /** short id used by `demo <name>` and `tour <name>`: kebab-case */
  name: string;
  title: string;
  category: Category;
  /** one line: what it shows */
  summary: string;
  /** the guarantee the tour explains, a few sentences */
  guarantee: string;
  /** Restate services it uses (must be served by the worker) */
  services: string[];
  /** CLI verbs that drive it, as the user types them */
  verbs: string[];
  /** the scenario, run for real, with checks from introspection, state or the simulated-systems ledger */
  demo: (ctx: DemoContext) => Promise<DemoResult>;
  /** optional: what its tour adds (a one-shot worker crash at a named ctx.run step; what to look at afterwards) */
  tour?: { crash?: { step: string; when: "after" | "during" }; look?: string[] };
  /** its verbs (patterns in their own folders declare them there) */
  declarations?: import("../commands/verb.js").Declaration[];
}

export function check(name: string, ok: boolean, detail: string): Check {
  return { name, ok, detail };
}
