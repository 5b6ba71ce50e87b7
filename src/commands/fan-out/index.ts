// What the fan-out pattern adds to the CLI: how `list`, the menu, the tour and the README present it, its verbs and
// its scenario (demo and tour). Its worker side is src/services/fan-out/, registered in src/services/registry.ts.
import type { PatternInfo } from "../../tours/types.js";

export const pattern: PatternInfo = {
  title: "Parallelizing work: fan-out / fan-in",
  category: "scheduling",
  summary: "a task split on commas runs its subtasks as parallel child invocations; the total is about the slowest one",
  guarantee:
    "Every subtask is a durable call of its own: the parent starts them all, suspends, and gathers the results. " +
    "If the worker dies mid-way, the parent and each child resume from their journals, so the aggregate still holds every subtask once.",
  verbs: [`fanout "get out of bed,shower,make coffee,have breakfast"`],
  tour: { crash: { step: "finish subtask", when: "after" }, look: ["npx patterns invocations"] },
};

export { declarations } from "./verbs.js";
export { demo } from "./tour.js";
