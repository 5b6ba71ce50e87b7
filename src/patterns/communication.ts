// Patterns of the "communication" group (see src/services/communication/).
import type { PatternEntry } from "./types.js";

export const patterns: PatternEntry[] = [];
