// A pattern as data: the menu, `list`, `demo`, the tours and the README table are all generated from these entries.
import type { RunningStack } from "../runtime/stack.js";
import type { KafkaSubscriptionSpec } from "../services/registry.js";

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

/** How the CLI presents a pattern: what its CLI folder's index.ts exports as `pattern`. */
export interface PatternInfo {
  title: string;
  category: Category;
  /** one line: what it shows */
  summary: string;
  /** the guarantee the tour explains, a few sentences */
  guarantee: string;
  /** CLI verbs that drive it, as the user types them */
  verbs: string[];
  /** what its tour adds: a one-shot worker crash at a named ctx.run step; what to look at afterwards */
  tour?: { crash?: { step: string; when: "after" | "during" }; look?: string[] };
  /** made by `npx patterns new`: left out of the README's table (a pattern of your own is not the catalogue's) */
  scaffolded?: boolean;
}

/** A pattern as the CLI uses it: its worker registry entry's data with its CLI folder loaded. */
export interface PatternEntry extends PatternInfo {
  /** short id used by `demo <name>` and `tour <name>`, and the name of its two folders: kebab-case */
  name: string;
  /** Restate services it uses (served by the worker) */
  services: string[];
  /** Kafka topics feeding its handlers */
  subscriptions: KafkaSubscriptionSpec[];
  /** the scenario, run for real, with checks from introspection, state or the simulated-systems ledger */
  demo: (ctx: DemoContext) => Promise<DemoResult>;
}

export function check(name: string, ok: boolean, detail: string): Check {
  return { name, ok, detail };
}

/** What a tour and `list` both say of a pattern, in the order they print it. */
export type PatternCard = Pick<PatternEntry, "name" | "title" | "category" | "summary" | "guarantee" | "services" | "verbs">;

export function patternCard(p: PatternEntry): PatternCard {
  return { name: p.name, title: p.title, category: p.category, summary: p.summary, guarantee: p.guarantee, services: p.services, verbs: p.verbs };
}
