// The named ctx.run step of the priority queue's guarded work: where `kill-worker --at-step` can arm a crash.
import { PQ_WORK_STEP } from "./names.js";

export const steps: readonly string[] = [PQ_WORK_STEP];
