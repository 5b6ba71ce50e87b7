// The registry as the CLI uses it: every pattern's data with its CLI folder loaded (verbs and scenario), in the
// catalogue's order. Groups not yet moved into pattern folders still come from their group files.
import type { PatternEntry } from "./types.js";
import { patterns } from "../registry.js";
import { patterns as events } from "./events.js";
import { patterns as scheduling } from "./scheduling.js";
import { patterns as custom } from "./custom.js";

const loaded: PatternEntry[] = await Promise.all(
  patterns.map(async (p) => {
    const cli = await p.cli();
    return { ...p, demo: cli.demo, declarations: cli.declarations };
  }),
);

export const registry: PatternEntry[] = [...loaded, ...scheduling, ...events, ...custom];

export function findPattern(name: string): PatternEntry | undefined {
  return registry.find((p) => p.name === name);
}
