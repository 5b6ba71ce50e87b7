// Patterns of the "orchestration" group (see src/services/orchestration/).
import type { PatternEntry } from "./types.js";

export const patterns: PatternEntry[] = [];
