// Patterns of the "custom" group (see src/services/custom/).
import type { PatternEntry } from "./types.js";

export const patterns: PatternEntry[] = [];
