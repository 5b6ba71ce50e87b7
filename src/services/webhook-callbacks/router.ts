// Pattern 3, webhook callbacks: `WebhookCallbackRouter/onStripeEvent`. Any handler can be a durable webhook
// target: the provider POSTs its event (with the event id as idempotency key) and the router forwards it, one-way,
// to the per-invoice `PaymentTracker/{invoice}` object of the scheduling pattern. Driven by `patterns webhook send`.
import * as restate from "@restatedev/restate-sdk";
import { ON_PAYMENT_FAILURE, ON_PAYMENT_SUCCESS, PAYMENT_TRACKER } from "../payment-reminders/api.js";
import type { PaymentTrackerEvent } from "../payment-reminders/api.js";
import { INVOICE_PAYMENT_FAILED, INVOICE_PAYMENT_SUCCEEDED, WEBHOOK_ROUTER, type RouteResult, type StripeInvoiceEvent } from "./api.js";
import { toTrackerEvent } from "../simulations/stripe.js";
import { validInput } from "../lib/schema.js";
import { StripeInvoiceEventSchema } from "./schema.js";

export const webhookCallbackRouter = restate.service({
  name: WEBHOOK_ROUTER,
  description: "Webhook callbacks: routes payment-provider events to PaymentTracker/{invoice} (seed: webhookcallbacks/)",
  handlers: {
    onStripeEvent: restate.handlers.handler({ input: validInput(StripeInvoiceEventSchema) }, async (ctx: restate.Context, event: StripeInvoiceEvent): Promise<RouteResult> => {
      const invoice = event.data.object.id;
      const handler = event.type === INVOICE_PAYMENT_FAILED ? ON_PAYMENT_FAILURE : event.type === INVOICE_PAYMENT_SUCCEEDED ? ON_PAYMENT_SUCCESS : undefined;
      if (!handler) {
        ctx.console.info(`event ${event.id} of type ${event.type} is not routed`);
        return { received: true, eventId: event.id, routedTo: null };
      }
      // The event id doubles as the send's idempotency key: a provider that resends without the header still
      // reaches the tracker once.
      ctx.genericSend<PaymentTrackerEvent>({
        service: PAYMENT_TRACKER,
        method: handler,
        key: invoice,
        parameter: toTrackerEvent(event),
        inputSerde: restate.serde.json,
        idempotencyKey: event.id,
      });
      ctx.console.info(`event ${event.id} (${event.type}) sent to ${PAYMENT_TRACKER}/${invoice}/${handler}`);
      return { received: true, eventId: event.id, routedTo: `${PAYMENT_TRACKER}/${invoice}/${handler}` };
    }),
  },
});
