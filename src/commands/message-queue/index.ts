// What the message-queue pattern adds to the CLI: how `list`, the menu, the tour and the README present it, its verbs and
// its scenario (demo and tour). Its worker side is src/services/message-queue/, registered in src/services/registry.ts.
import type { PatternInfo } from "../../tours/types.js";

export const pattern: PatternInfo = {
  title: "(Delayed) message queue",
  category: "communication",
  summary: "one-way sends to asyncTaskWorker/runTask with a delay and an idempotency key; attach to the result later",
  guarantee:
    "A task sent one-way is stored durably by Restate and runs once, after its delay, even if the worker or the server dies meanwhile. The same idempotency key is accepted once (PreviouslyAccepted), and the result stays attachable by invocation id or key.",
  verbs: ["queue submit [task] --delay 10s --id <key>", "queue result <id|key>", "queue list"],
  tour: {
    // "during": the body is its only step, and the handler returns right after it, so an "after" crash would
    // find the invocation already completed
    crash: { step: "run task", when: "during" },
    look: ["`npx patterns queue list --all`"],
  },
};

export { declarations } from "./verbs.js";
export { demo } from "./tour.js";
