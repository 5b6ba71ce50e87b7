// CLI verbs of the "communication" group.
import type { Command } from "commander";

export function register(_program: Command): void {}
