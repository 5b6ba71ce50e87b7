// Pure helpers for the simulated payment provider ("Stripe"): webhook signatures, event ids, and the mapping of
// a Stripe invoice event onto the PaymentTracker contract. No I/O here, so it is unit-tested directly.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { PaymentTrackerEvent } from "../payment-reminders/api.js";
import type { StripeInvoiceEvent } from "../webhook-callbacks/api.js";

/** The simulated provider's webhook signing secret (a real one would come from the provider's dashboard). */
export const WEBHOOK_SECRET = "whsec_restate_patterns_simulated";

export type IntentStatus = "succeeded" | "processing" | "requires_payment_method" | "canceled";

export interface PaymentIntent {
  id: string;
  object: "payment_intent";
  amount: number;
  currency: "usd";
  payment_method: string;
  status: IntentStatus;
  metadata: { restate_callback_id: string };
}

export interface PaymentIntentEvent {
  id: string;
  type: "payment_intent.succeeded" | "payment_intent.payment_failed" | string;
  created: number;
  data: { object: PaymentIntent };
}

export function shortHash(s: string, n = 24): string {
  return createHash("sha256").update(s).digest("hex").slice(0, n);
}

export function intentIdFor(idempotencyKey: string): string {
  return `pi_${shortHash(idempotencyKey)}`;
}

export function eventIdFor(intentId: string, status: string): string {
  return `evt_${shortHash(`${intentId}:${status}`)}`;
}

/** Stripe-style header value: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>"> */
export function signWebhook(body: string, unixSeconds: number, secret = WEBHOOK_SECRET): string {
  const mac = createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex");
  return `t=${unixSeconds},v1=${mac}`;
}

/** Why a signature is not valid, or undefined when it is. */
export function webhookSignatureProblem(body: string, header: string | undefined, secret = WEBHOOK_SECRET): string | undefined {
  if (!header) return "the stripe-signature header is missing";
  const parts = new Map(header.split(",").map((p) => p.trim().split("=", 2) as [string, string]));
  const t = parts.get("t");
  const v1 = parts.get("v1");
  if (!t || !/^\d+$/.test(t) || !v1) return "the stripe-signature header is invalid: expected t=<seconds>,v1=<hex>";
  const expected = signWebhook(body, Number(t), secret).split("v1=")[1]!;
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(v1, "utf8");
  if (a.length !== b.length || !timingSafeEqual(a, b)) return "the stripe-signature header does not match the body";
  return undefined;
}

/** The Stripe invoice event as the PaymentTracker contract wants it (seed shape: data.id carries the event id). */
export function toTrackerEvent(event: StripeInvoiceEvent): PaymentTrackerEvent {
  return { id: event.id, type: event.type, created: event.created, data: { id: event.id, customer: event.data.object.customer } };
}

/** A Stripe-like invoice event, as `webhook send` and the demo produce it. */
export function invoiceEvent(invoice: string, kind: "failed" | "succeeded", opts: { eventId: string; customer: string; created: number }): StripeInvoiceEvent {
  return {
    id: opts.eventId,
    type: kind === "failed" ? "invoice.payment_failed" : "invoice.payment_succeeded",
    created: opts.created,
    data: { object: { id: invoice, customer: opts.customer } },
  };
}
