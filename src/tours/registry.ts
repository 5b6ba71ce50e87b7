// Everything `list`, the menu and `tour` offer: every pattern (src/registry.ts), then the two tours that are not
// patterns (high availability on a cluster, versioning).
import type { PatternEntry } from "./types.js";
import { patternEntries } from "../registry.js";
import { highAvailabilityTour } from "./high-availability.js";
import { versioningTour } from "./versioning.js";

export const registry: PatternEntry[] = [...patternEntries, highAvailabilityTour, versioningTour];

export function findPattern(name: string): PatternEntry | undefined {
  return registry.find((p) => p.name === name);
}
