// What the payment-reminders pattern adds to the CLI: how `list`, the menu, the tour and the README present it, its verbs and
// its scenario (demo and tour). Its worker side is src/services/payment-reminders/, registered in src/services/registry.ts.
import type { PatternInfo } from "../../tours/types.js";

export const pattern: PatternInfo = {
  title: "Scheduling tasks: payment reminders",
  category: "scheduling",
  summary: "a failed payment sends a reminder e-mail every (scaled) day, three times, then escalates; a payment stops them",
  guarantee:
    "The next reminder is a delayed call the handler sends to itself: a durable timer kept by Restate, not by the worker, " +
    "so it fires even if the worker was down meanwhile, and it does not hold the invoice's lock while it waits. " +
    "Each e-mail is a journaled step, sent once per reminder. A success marks the invoice paid and cancels the scheduled call.",
  verbs: ["reminders fail <invoice>", "reminders pay <invoice>", "reminders show <invoice>"],
  tour: { crash: { step: "send reminder email", when: "after" }, look: ["npx patterns reminders show <invoice>", "npx patterns invocations"] },
};

export { declarations } from "./verbs.js";
export { demo } from "./tour.js";
