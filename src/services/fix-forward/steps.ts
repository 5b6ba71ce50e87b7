// The named ctx.run steps of the fix-forward order: where `kill-worker --at-step` can arm a crash.
import { FIX_STEPS } from "./api.js";

export const steps: readonly string[] = Object.values(FIX_STEPS);
