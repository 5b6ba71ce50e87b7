// Every named ctx.run step of the worker's pattern services: the steps `kill-worker --at-step` can arm a crash at.
// The patterns that name their steps in shared modules are imported; the others are listed here, and a unit test
// (test/unit/crash-steps.test.ts) reads the services' sources so that a renamed or added step cannot be missed.
import { SAGA_RUN_STEP_NAMES } from "../../services/sagas/model.js";
import { MACHINE_RUN_STEP_NAMES } from "../../services/stateful-actors/model.js";
import { RECOVERY_STEPS } from "../../services/system/steps.js";
import { PQ_WORK_STEP } from "../../services/priority-queue/names.js";
import { RL_WORK_STEP } from "../../services/rate-limiter/names.js";

/** The steps by the pattern that runs them (`playground` and `chaos`: the playground's own services). */
export const CRASH_STEPS_BY_PATTERN: Readonly<Record<string, readonly string[]>> = {
  "crash-and-resume": [RECOVERY_STEPS.first, RECOVERY_STEPS.second],
  sagas: SAGA_RUN_STEP_NAMES,
  "stateful-actors": MACHINE_RUN_STEP_NAMES,
  "fan-out": ["split task", "finish subtask"],
  "payment-reminders": ["send reminder email", "escalate to support"],
  "user-feed": ["create post", "check moderation", "update feed"],
  "sync-to-async": ["create bucket", "upload data", "send email"],
  "message-queue": ["run task"],
  "payment-signals": ["stripe call"],
  "priority-queue": [PQ_WORK_STEP],
  "rate-limiter": [RL_WORK_STEP, "read the clock", "count tokens", "reserve tokens", "set rate", "cancel reservation"],
  playground: ["hold the key", "read worker clock"],
  chaos: ["record rpc", "record order violation", "apply effect"],
};

/** Every step name, once. */
export const CRASH_STEPS: readonly string[] = [...new Set(Object.values(CRASH_STEPS_BY_PATTERN).flat())];

/** `--at-step " Reserve  CAR"` → "Reserve car" (case and runs of spaces do not matter); undefined when no step is named so. */
export function crashStepName(raw: string): string | undefined {
  const want = raw.trim().replace(/\s+/g, " ").toLowerCase();
  return CRASH_STEPS.find((s) => s.toLowerCase() === want);
}
