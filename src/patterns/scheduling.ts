// Patterns of the "scheduling" group (see src/services/scheduling/).
import type { PatternEntry } from "./types.js";

export const patterns: PatternEntry[] = [];
