// What the sagas pattern adds to the CLI: how `list`, the menu, the tour and the README present it, its verbs and
// its scenario (demo and tour). Its worker side is src/services/sagas/, registered in src/services/registry.ts.
import { SAGA_RUN_STEPS } from "../../services/sagas/model.js";
import type { PatternInfo } from "../../tours/types.js";

export const pattern: PatternInfo = {
  title: "Sagas: book a trip, or undo it",
  category: "orchestration",
  summary: "a trip booking (flight, car, payment) that, when a step fails for good, undoes the done steps newest first, each exactly once",
  guarantee:
    "The workflow keeps a list of undo actions as it goes: a reservation's cancel once the reservation exists, and the payment's " +
    "refund before the charge, under the same payment id. On a terminal error it runs that list backwards. Every step and every undo " +
    "is journaled, so a worker killed in the middle of the rollback resumes it where it stopped: finished undo actions are replayed " +
    "from the journal, not run again, and the simulated APIs are idempotent by booking/payment id for the one case a body could " +
    "run twice. Retryable errors are simply retried; they never trigger compensation.",
  verbs: ["saga book", "saga book --fail payment", 'saga book --fail payment --crash-after "Refund payment"', "saga show <trip>"],
  tour: {
    crash: { step: SAGA_RUN_STEPS.refund, when: "after" },
    look: ["npx patterns saga show <trip> for the steps and the compensations, newest first", "npx patterns timeline <the workflow's invocation id> to see which steps were replayed from the journal"],
  },
};

export { declarations } from "./verbs.js";
export { demo } from "./tour.js";
