// Pattern 5, payment signals: `signalPayments/processPayment` (deviation: the seed's service is `payments`, which the
// payment state machine uses). One handler joins the provider's synchronous answer and its later webhook: it passes
// an awakeable id to the provider and, when the answer is "processing", waits on it until `processWebhook` resolves
// it. The provider gets a stable idempotency key from ctx.rand, so a retried call never charges twice.
// Driven by `patterns pay signals --amount 109 [--delayed] [--decline]`.
import * as restate from "@restatedev/restate-sdk";
import { SIGNAL_PAYMENTS, type PaymentRequest, type PaymentResult } from "./api.js";
import { createPaymentIntent, resumePendingWebhooks } from "../simulations/payment-provider.js";
import { webhookSignatureProblem, type PaymentIntent, type PaymentIntentEvent } from "../simulations/stripe.js";
import { validInput } from "../lib/schema.js";
import { PaymentRequestSchema } from "./schema.js";

/** The checked request with its flags defaulted (the schema lets them be left out). */
function withDefaults(input: PaymentRequest): { amount: number; paymentMethodId: string; delayedStatus: boolean; loseFirstResponse: boolean } {
  return { amount: input.amount, paymentMethodId: input.paymentMethodId, delayedStatus: input.delayedStatus ?? false, loseFirstResponse: input.loseFirstResponse ?? false };
}

function ensureSuccess(intent: PaymentIntent): void {
  switch (intent.status) {
    case "succeeded":
      return;
    case "requires_payment_method":
    case "canceled":
      throw new restate.TerminalError("Payment declined", { errorCode: 402 });
    default:
      throw new Error(`unexpected payment status ${intent.status}`);
  }
}

export const signalPayments = restate.service({
  name: SIGNAL_PAYMENTS,
  description: "Payment signals: one handler waits for the provider's sync answer or its webhook (seed: signalspayments/, service `payments`)",
  handlers: {
    processPayment: restate.handlers.handler({ input: validInput(PaymentRequestSchema) }, async (ctx: restate.Context, input: PaymentRequest): Promise<PaymentResult> => {
      const req = withDefaults(input);
      // Deterministic: replays and retries of this invocation draw the same key.
      const idempotencyKey = ctx.rand.uuidv4();
      const webhook = ctx.awakeable<PaymentIntent>();
      const invocationId = String(ctx.request().id);
      const intent = await ctx.run("stripe call", () => createPaymentIntent({ ...req, idempotencyKey, callbackId: webhook.id, invocationId, webhookService: SIGNAL_PAYMENTS }));
      if (intent.status !== "processing") {
        ctx.console.info(`payment ${intent.id}: provider answered synchronously (${intent.status})`);
        ensureSuccess(intent);
        return { paymentIntentId: intent.id, status: intent.status, path: "sync", idempotencyKey };
      }
      ctx.console.info(`payment ${intent.id} is processing: waiting for the provider's webhook (awakeable ${webhook.id})`);
      const final = await webhook.promise;
      ctx.console.info(`payment ${intent.id}: webhook says ${final.status}`);
      ensureSuccess(final);
      return { paymentIntentId: final.id, status: final.status, path: "webhook", idempotencyKey };
    }),

    // Raw body: the signature covers the exact bytes the provider sent, whatever their content type.
    processWebhook: restate.handlers.handler({ input: restate.serde.binary, accept: "*/*" }, async (ctx: restate.Context, raw: Uint8Array): Promise<{ received: true }> => {
      const body = new TextDecoder().decode(raw);
      const problem = webhookSignatureProblem(body, ctx.request().headers.get("stripe-signature"));
      if (problem) throw new restate.TerminalError(`${problem} (webhooks must be signed by the payment provider)`, { errorCode: 400 });
      let event: PaymentIntentEvent;
      try {
        event = JSON.parse(body) as PaymentIntentEvent;
      } catch {
        throw new restate.TerminalError("the request body is invalid: expected a JSON webhook event", { errorCode: 400 });
      }
      if (typeof event?.type !== "string") throw new restate.TerminalError("type is missing: expected a webhook event type", { errorCode: 400 });
      if (!event.type.startsWith("payment_intent")) return { received: true };
      const callbackId = event.data?.object?.metadata?.restate_callback_id;
      if (typeof callbackId !== "string" || !callbackId) {
        throw new restate.TerminalError("data.object.metadata.restate_callback_id is missing: not a payment started by signalPayments", { errorCode: 404 });
      }
      ctx.console.info(`webhook ${event.id}: ${event.type} for ${event.data.object.id}, resolving awakeable ${callbackId}`);
      ctx.resolveAwakeable(callbackId, event.data.object);
      return { received: true };
    }),
  },
});

export type SignalPayments = typeof signalPayments;

// Only inside the worker (the supervisor gives it the ingress URL): re-arm the provider's undelivered webhooks.
if (process.env.PATTERNS_INGRESS_URL && process.env.PATTERNS_STATE_DIR) {
  try {
    resumePendingWebhooks(process.env.PATTERNS_STATE_DIR);
  } catch {
    /* the simulation must never break the worker's start */
  }
}
