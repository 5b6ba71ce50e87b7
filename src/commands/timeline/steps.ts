// Every named ctx.run step of the worker's services: the steps `kill-worker --at-step` can arm a crash at, and what
// completion offers for it. Nothing is listed here: each worker folder names its steps in its own steps.ts (beside its
// handlers, no SDK import), the worker's registry points at it, and this module gathers them once when the CLI loads.
// test/unit/crash-steps.test.ts checks every folder's list against the names its handlers really pass to ctx.run.
import { workerFolders } from "../../services/registry.js";

/** The steps by the worker folder that runs them (a pattern's name, or `system` and `chaos`: the playground's own). */
export const CRASH_STEPS_BY_FOLDER: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  await Promise.all(workerFolders.filter((w) => w.steps).map(async (w) => [w.name, (await w.steps!()).steps] as const)),
);

/** Every step name, once. */
export const CRASH_STEPS: readonly string[] = [...new Set(Object.values(CRASH_STEPS_BY_FOLDER).flat())];

/** `--at-step " Reserve  CAR"` → "Reserve car" (case and runs of spaces do not matter); undefined when no step is named so. */
export function crashStepName(raw: string): string | undefined {
  const want = raw.trim().replace(/\s+/g, " ").toLowerCase();
  return CRASH_STEPS.find((s) => s.toLowerCase() === want);
}
