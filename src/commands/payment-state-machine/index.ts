// What the payment-state-machine pattern adds to the CLI: how `list`, the menu, the tour and the README present it, its verbs and
// its scenario (demo and tour). Its worker side is src/services/payment-state-machine/, registered in src/services/registry.ts.
import type { PatternInfo } from "../../tours/types.js";

export const pattern: PatternInfo = {
  title: "Payment state machine",
  category: "orchestration",
  summary: "payments/{token} pays once, refunds on cancel, refuses after a cancel that came first, forgets the token on a durable timer; a storm stays consistent",
  guarantee:
    "Each payment token is a Virtual Object, so all requests for it are linearized: whatever the interleaving of concurrent makes " +
    "and cancels, the outcome is that of running them one at a time. The withdrawal is a call to the account object and the refund a " +
    "one-way message, both durable; the token's expiry is a delayed message Restate keeps on its timer.",
  verbs: ["payment make <id>", "payment cancel <id>", "payment show <id>", "payment storm"],
  tour: { look: ["npx patterns payment show <id> --account <account>", "npx patterns state payments <id>"] },
};

export { declarations } from "./verbs.js";
export { demo } from "./tour.js";
