// What the payment-signals pattern adds to the CLI: how `list`, the menu, the tour and the README present it, its verbs and
// its scenario (demo and tour). Its worker side is src/services/payment-signals/, registered in src/services/registry.ts.
import type { PatternInfo } from "../../tours/types.js";

export const pattern: PatternInfo = {
  title: "Payment signals",
  category: "communication",
  summary: "one handler waits for the payment provider's sync answer or its later webhook (awakeable)",
  guarantee:
    "processPayment passes an awakeable id to the provider and suspends on it only when the answer is 'processing'; the webhook resolves it, whichever comes first is handled by the same code. The provider gets an idempotency key drawn with ctx.rand, journaled, so a retried call — even after a crash before its answer was recorded — charges once.",
  verbs: ["pay signals --amount 109 [--delayed] [--decline] [--lost-response]"],
  tour: {
    // "during": the step's result is not journaled, so the call to the provider really happens again — with the same key
    crash: { step: "stripe call", when: "during" },
    look: ["the [SIMULATED payment-provider] lines in `npx patterns logs worker`: the repeated request is answered from its idempotency store"],
  },
};

export { declarations } from "./verbs.js";
export { demo } from "./tour.js";
