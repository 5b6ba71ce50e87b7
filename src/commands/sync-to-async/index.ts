// What the sync-to-async pattern adds to the CLI: how `list`, the menu, the tour and the README present it, its verbs and
// its scenario (demo and tour). Its worker side is src/services/sync-to-async/, registered in src/services/registry.ts.
import type { PatternInfo } from "../../tours/types.js";

export const pattern: PatternInfo = {
  title: "Convert sync tasks to async",
  category: "communication",
  summary: "wait for an upload's URL; when it is slow, have the workflow e-mail the link instead",
  guarantee:
    "The upload is a workflow that keeps running whether or not anyone waits. A caller that stops waiting asks resultAsEmail, which awaits the same durable promise; the e-mail is a journaled step, sent exactly once even across retries, crashes and repeated requests.",
  verbs: ["upload [--slow] [--timeout 5s] [--wait-email]"],
  tour: {
    // the slow upload is the first to create a bucket: the worker dies while it uploads, the bucket step is replayed
    crash: { step: "create bucket", when: "after" },
    look: ["the [SIMULATED email] line in `npx patterns logs worker`: once", "the url promise in sys_promise"],
  },
};

export { declarations } from "./verbs.js";
export { demo } from "./tour.js";
