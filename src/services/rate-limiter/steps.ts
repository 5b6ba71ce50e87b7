// The named ctx.run steps of the limiter and its limited task: where `kill-worker --at-step` can arm a crash.
import { RL_WORK_STEP } from "./names.js";

export const steps: readonly string[] = [RL_WORK_STEP, "read the clock", "count tokens", "reserve tokens", "set rate", "cancel reservation"];
