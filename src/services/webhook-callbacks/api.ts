// The webhook callbacks pattern's contract: the router's name and the provider's event.
import type { webhookCallbackRouter } from "./router.js";
import { contract } from "../lib/contract.js";
export const WEBHOOK_ROUTER = "WebhookCallbackRouter";

/** the Stripe-like event a payment provider POSTs to WebhookCallbackRouter/onStripeEvent */
export interface StripeInvoiceEvent {
  id: string;
  type: string;
  created: number;
  data: { object: { id: string; customer: string } };
}

export const INVOICE_PAYMENT_FAILED = "invoice.payment_failed";
export const INVOICE_PAYMENT_SUCCEEDED = "invoice.payment_succeeded";

export interface RouteResult {
  received: true;
  eventId: string;
  /** "PaymentTracker/<invoice>/<handler>", or null when the event type is not routed */
  routedTo: string | null;
}

/** The typed definition callers use: ingress(url).serviceClient(webhookRouterApi).onStripeEvent(event) */
export const webhookRouterApi = contract<typeof webhookCallbackRouter>(WEBHOOK_ROUTER);
