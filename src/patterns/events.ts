// Patterns of the "events" group (see src/services/events/).
import type { PatternEntry } from "./types.js";

export const patterns: PatternEntry[] = [];
