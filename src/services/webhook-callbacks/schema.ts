// The webhook callbacks pattern's payload, declared once: the Stripe-like event a provider POSTs to
// WebhookCallbackRouter/onStripeEvent.
import { z } from "zod";

const text = (what: string) => z.string({ error: `expected ${what}` }).min(1, { error: `expected ${what}` });

export const StripeInvoiceEventSchema = z.object({
  id: text("the event id, e.g. evt_123"),
  type: text("the event type, e.g. invoice.payment_failed"),
  created: z.number({ error: "expected unix seconds" }),
  data: z.object({ object: z.object({ id: text("the invoice id"), customer: text("the customer id") }) }),
});
