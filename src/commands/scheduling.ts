// CLI verbs of the "scheduling" group.
import type { Command } from "commander";

export function register(_program: Command): void {}
