// What the webhook-callbacks pattern adds to the CLI: how `list`, the menu, the tour and the README present it, its verbs and
// its scenario (demo and tour). Its worker side is src/services/webhook-callbacks/, registered in src/services/registry.ts.
import type { PatternInfo } from "../../tours/types.js";

export const pattern: PatternInfo = {
  title: "Webhook callbacks",
  category: "communication",
  summary: "a provider's events POSTed to WebhookCallbackRouter/onStripeEvent and routed durably to PaymentTracker/{invoice}",
  guarantee:
    "Any handler is a durable webhook endpoint: once Restate accepted the POST the event is processed, whatever crashes later. With the event id as idempotency key a provider's retry is answered from Restate's store, and the router's send to the tracker carries the same key, so the tracker sees each event once.",
  verbs: ["webhook send <invoice> --type failed|succeeded --event-id <id>"],
  tour: { look: ["`npx patterns invocations` for WebhookCallbackRouter and PaymentTracker: one tracker invocation per event id", "`npx patterns state PaymentTracker <invoice>`"] },
};

export { declarations } from "./verbs.js";
export { demo } from "./tour.js";
