// The registry as the CLI uses it: every pattern's data with its CLI folder loaded (verbs and scenario), in the
// catalogue's order.
import type { PatternEntry } from "./types.js";
import { patterns } from "../registry.js";

export const registry: PatternEntry[] = await Promise.all(
  patterns.map(async (p) => {
    const cli = await p.cli();
    return { ...p, demo: cli.demo, declarations: cli.declarations };
  }),
);

export function findPattern(name: string): PatternEntry | undefined {
  return registry.find((p) => p.name === name);
}

// The high-availability tour runs on a cluster rather than on a pattern's folders: joined last, on its own lines.
import { patterns as highAvailability } from "./high-availability.js";
registry.push(...highAvailability);
import { patterns as versioning } from "./versioning.js";
registry.push(...versioning);
