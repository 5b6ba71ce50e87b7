// The CLI's registry: every pattern of the worker's registry (src/services/registry.ts) with its CLI folder loaded.
// A pattern's CLI folder is found by its name, src/commands/<name>/index.ts, which exports how the CLI presents it
// (`pattern`: title, category, summary, guarantee, verbs, tour), its verbs and its scenario; so adding a pattern is its
// two folders and the one entry in the worker's registry. `list`, the menu, completion, the README table and
// `tour --all` read this list, in the worker registry's order, followed by the two tours that are not patterns (high
// availability on a cluster, versioning). It belongs to the verbs' layer: it loads their folders.
import type { Declaration } from "./commands/verb.js";
import type { DemoContext, DemoResult, PatternEntry, PatternInfo } from "./tours/types.js";
import { patternWorkers } from "./services/registry.js";
import { highAvailabilityTour } from "./commands/tours/high-availability.js";
import { versioningTour } from "./commands/tours/versioning.js";

/** What a pattern's CLI folder exports (src/commands/<name>/index.ts). */
export interface CliSide {
  pattern: PatternInfo;
  declarations: Declaration[];
  /** the scenario, run for real, with checks from introspection, state or the simulated-systems ledger */
  demo: (ctx: DemoContext) => Promise<DemoResult>;
}

/** A pattern with its verbs. */
export type PatternWithVerbs = PatternEntry & { declarations: Declaration[] };

/** What `list`, the menu and `tour` offer: a pattern with its verbs, or a tour that is not a pattern (no verbs). */
export type RegistryEntry = PatternEntry & { declarations?: Declaration[] };

/** The CLI folder of the pattern named so. */
export async function cliFolder(name: string): Promise<CliSide> {
  // by convention, not a literal import: the folder has the pattern's name, and the worker's registry names it
  const spec = `./commands/${name}/index.js`;
  try {
    return (await import(/* @vite-ignore */ spec)) as CliSide;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ERR_MODULE_NOT_FOUND" && err.message.includes(`commands/${name}/index`)) {
      throw new Error(`the pattern "${name}" of src/services/registry.ts has no CLI folder: src/commands/${name}/index.ts is missing`, { cause: e });
    }
    throw e;
  }
}

/** Every pattern, in the worker registry's order, with its CLI folder loaded. */
export const patternEntries: PatternWithVerbs[] = await Promise.all(
  patternWorkers.map(async (w) => {
    const cli = await cliFolder(w.name);
    return { name: w.name, services: w.services, subscriptions: w.subscriptions, ...cli.pattern, demo: cli.demo, declarations: cli.declarations };
  }),
);

export function findPatternEntry(name: string): PatternWithVerbs | undefined {
  return patternEntries.find((p) => p.name === name);
}

/** Everything `list`, the menu and `tour` offer: every pattern, then the two tours that are not patterns. */
export const registry: RegistryEntry[] = [...patternEntries, highAvailabilityTour, versioningTour];

export function findPattern(name: string): PatternEntry | undefined {
  return registry.find((p) => p.name === name);
}
