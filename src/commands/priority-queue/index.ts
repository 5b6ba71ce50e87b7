// What the priority-queue pattern adds to the CLI: how `list`, the menu, the tour and the README present it, its verbs and
// its scenario (demo and tour). Its worker side is src/services/priority-queue/, registered in src/services/registry.ts.
import type { PatternInfo } from "../../tours/types.js";

export const pattern: PatternInfo = {
  title: "Priority queue",
  category: "custom",
  summary: "an object hands out permits as awakeables: at most N calls in flight, lowest priority number first, cancelled waiters removed",
  guarantee:
    "Each call of myService/expensiveMethod creates an awakeable, pushes it onto a queue object and suspends. The object resolves " +
    "awakeables while fewer than N are in flight, lowest priority number first (first come, first served within a priority). " +
    "A finished call gives its permit back; a cancelled waiter is dropped from the queue.",
  verbs: ["pq add --count 30 --priority 2", "pq status", "pq max <n>"],
};

export { declarations } from "./verbs.js";
export { demo } from "./tour.js";
