// Every pattern, in the catalogue's order. Each group owns its file; this list only joins them.
import type { PatternEntry } from "./types.js";
import { patterns as events } from "./events.js";
import { patterns as communication } from "./communication.js";
import { patterns as orchestration } from "./orchestration.js";
import { patterns as scheduling } from "./scheduling.js";
import { patterns as custom } from "./custom.js";

export const registry: PatternEntry[] = [...communication, ...orchestration, ...scheduling, ...events, ...custom];

export function findPattern(name: string): PatternEntry | undefined {
  return registry.find((p) => p.name === name);
}
