// What the fix-forward pattern adds to the CLI: how `list`, the menu, the tour and the README present it, its verbs
// (rerun, pause, resume, replay-check) and its scenario. Its worker side is src/services/fix-forward/, registered in
// src/services/registry.ts.
import type { PatternInfo } from "../../tours/types.js";

export const pattern: PatternInfo = {
  title: "Fix forward: pause, deploy the fix, resume",
  category: "custom",
  summary: "an order stuck retrying on a bug is paused, the fix deployed, and it resumes on the new code: the steps before the bug are replayed, not run again",
  guarantee:
    "An invocation that fails on a bug keeps retrying with its journal intact: the steps it finished are recorded and are not run " +
    "again. Paused, it waits untouched; resumed on a new deployment with the fix, it replays the recorded steps from the journal " +
    "(no second charge) and runs the rest on the new code. A completed invocation can be restarted as a new one from any step " +
    "(restart-as-new): the steps before it are copied and answered from the journal. Before a change is trusted, recorded " +
    "journals can be replayed against it: code that takes another path than the journal records fails with a journal mismatch.",
  verbs: ["pause <invocation>", "resume <invocation> --on latest", 'rerun <invocation> --from "<step>"', "replay-check [pattern]"],
  tour: {
    look: [
      "`npx patterns timeline <the order>`: the failed attempts on the old deployment, the pause, then the steps before the bug REPLAYED on the new one",
      "`npx patterns replay-check <pattern>` after you change a pattern's code: does every recorded journal still replay?",
    ],
  },
};

export { declarations } from "./verbs.js";
export { demo } from "./tour.js";
