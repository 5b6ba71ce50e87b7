// CLI verbs of the "events" group.
import type { Command } from "commander";

export function register(_program: Command): void {}
