// What the stateful-actors pattern adds to the CLI: how `list`, the menu, the tour and the README present it, its verbs and
// its scenario (demo and tour). Its worker side is src/services/stateful-actors/, registered in src/services/registry.ts.
import { MACHINE_RUN_STEPS } from "../../services/stateful-actors/model.js";
import type { PatternInfo } from "../../tours/types.js";

export const pattern: PatternInfo = {
  title: "Stateful actors: a machine operator",
  category: "orchestration",
  summary: "machineOperator/{id} moves UP and DOWN; concurrent requests queue per machine, machines work in parallel, a failed transition resumes",
  guarantee:
    "A Virtual Object runs one exclusive handler per key at a time, in the order the requests arrived; other keys are not held up. " +
    "A transition is durable: its first step is journaled, the 5 s move is a durable timer, so a failure or a crash in the middle " +
    "retries the transition from the journal instead of starting it over, and the queued requests simply wait their turn.",
  verbs: ["machine setup <id>", "machine teardown <id> --fail-once", "machine storm", "machine show <id>"],
  // the storm's requests race (like the seed's backgrounded curls), so a DOWN transition may not happen at all; every
  // run completes at least three UP transitions, and crashing after the last step leaves the injected failure's retry
  // (counted by the demo) already reported
  tour: { crash: { step: MACHINE_RUN_STEPS.completeUp, when: "after" }, look: ["npx patterns timeline --lanes --service machineOperator", "npx patterns invocations --service machineOperator"] },
};

export { declarations } from "./verbs.js";
export { demo } from "./tour.js";
