// Timelines and crash verbs (timeline, kill-worker, kill-restate).
import type { Command } from "commander";

export function register(_program: Command): void {}
