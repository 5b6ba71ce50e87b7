// What the durable-promises pattern adds to the CLI: how `list`, the menu, the tour and the README present it, its verbs and
// its scenario (demo and tour). Its worker side is src/services/durable-promises/, registered in src/services/registry.ts.
import type { PatternInfo } from "../../tours/types.js";

export const pattern: PatternInfo = {
  title: "Durable promises",
  category: "custom",
  summary: "a promise that lives in Restate: awaiters in any process, before or after, get the one outcome; the first completion wins",
  guarantee:
    "A keyed object holds the outcome and the awakeable ids of the awaiters; it runs one call at a time per promise, so the first " +
    "resolve or reject wins and every later one gets the stored outcome. An awaiter is a suspended invocation, not a process: " +
    "it outlives restarts of the worker, of Restate and of the process that asked.",
  verbs: ["promise await <name>", "promise resolve <name> <json>", "promise reject <name> <message>", "promise peek <name>"],
};

export { declarations } from "./verbs.js";
export { demo } from "./tour.js";
