// CLI verbs of the "custom" group.
import type { Command } from "commander";

export function register(_program: Command): void {}
