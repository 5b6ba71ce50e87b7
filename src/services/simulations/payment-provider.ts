// The simulated payment provider ("Stripe") behind pattern 5. It lives in the worker process, says [SIMULATED] in its
// log, and records every effect in the ledger. Deterministic: pm_card_visa_chargeDeclined is declined, any other
// method succeeds; `delayedStatus` answers "processing" and delivers the final status later by POSTing a signed
// webhook to the ingress (`<service>/processWebhook` of the service that asked) from a timer in this process — that timer is the
// simulation of the provider's own webhook machinery. Requests carry an idempotency key: a repeated key gets the
// first answer back and charges nothing (the provider's idempotency store is the ledger, so it survives restarts).
import { readLedger, recordEffect, simLog } from "../lib/simulated.js";
import { CARD_DECLINED, SIGNAL_PAYMENTS } from "../payment-signals/api.js";
import { eventIdFor, intentIdFor, signWebhook, type IntentStatus, type PaymentIntent, type PaymentIntentEvent } from "./stripe.js";

export const PROVIDER = "payment-provider";
/** how long the provider takes before it calls the webhook of a "processing" payment */
export const WEBHOOK_DELAY_MS = 2000;

export interface CreateIntentRequest {
  amount: number;
  paymentMethodId: string;
  idempotencyKey: string;
  /** the awakeable id, kept in the intent's metadata (Stripe: metadata.restate_callback_id) */
  callbackId: string;
  delayedStatus: boolean;
  loseFirstResponse: boolean;
  /** the Restate invocation that called, for the ledger */
  invocationId: string;
  /** the service whose `processWebhook` gets the final status: the integration's webhook endpoint (a real provider
   *  has it configured per account); a copy made by `patterns new --from` names its own. Default: signalPayments */
  webhookService?: string;
}

const byKey = new Map<string, PaymentIntent>();
const lostOnce = new Set<string>();

function remembered(idempotencyKey: string): PaymentIntent | undefined {
  const hit = byKey.get(idempotencyKey);
  if (hit) return hit;
  const dir = process.env.PATTERNS_STATE_DIR;
  if (!dir) return undefined;
  const entry = readLedger(dir, { system: PROVIDER, action: "payment intent created", key: idempotencyKey })[0];
  const intent = (entry?.detail as { intent?: PaymentIntent } | undefined)?.intent;
  if (intent) byKey.set(idempotencyKey, intent);
  return intent;
}

export async function createPaymentIntent(req: CreateIntentRequest): Promise<PaymentIntent> {
  await new Promise((r) => setTimeout(r, 100));
  const seen = remembered(req.idempotencyKey);
  if (seen) {
    simLog(PROVIDER, `idempotency key ${req.idempotencyKey} seen before: answering with payment intent ${seen.id} again, no second charge`);
    recordEffect(PROVIDER, "idempotent replay", req.idempotencyKey, { intent: seen.id, invocationId: req.invocationId });
    return seen;
  }
  const finalStatus: IntentStatus = req.paymentMethodId === CARD_DECLINED ? "requires_payment_method" : "succeeded";
  const intent: PaymentIntent = {
    id: intentIdFor(req.idempotencyKey),
    object: "payment_intent",
    amount: req.amount,
    currency: "usd",
    payment_method: req.paymentMethodId,
    status: req.delayedStatus ? "processing" : finalStatus,
    metadata: { restate_callback_id: req.callbackId },
  };
  byKey.set(req.idempotencyKey, intent);
  const webhookService = req.webhookService ?? SIGNAL_PAYMENTS;
  recordEffect(PROVIDER, "payment intent created", req.idempotencyKey, { intent, finalStatus, invocationId: req.invocationId, webhookService });
  simLog(
    PROVIDER,
    `payment intent ${intent.id} for ${req.amount} with ${req.paymentMethodId}: ${intent.status}${req.delayedStatus ? ` (final status ${finalStatus} follows by webhook in ${WEBHOOK_DELAY_MS / 1000} s)` : ""}`,
  );
  if (req.delayedStatus) scheduleWebhook({ ...intent, status: finalStatus }, req.idempotencyKey, webhookService);
  if (req.loseFirstResponse && !lostOnce.has(req.idempotencyKey)) {
    lostOnce.add(req.idempotencyKey);
    simLog(PROVIDER, `the answer for ${intent.id} is lost on the way back (simulated connection reset)`);
    throw new Error(`[SIMULATED ${PROVIDER}] connection reset after the request was processed`);
  }
  return intent;
}

/** A real provider's pending webhooks survive our worker dying; this simulation keeps them in the ledger and
 *  re-arms the ones not delivered yet when the worker process starts again. */
export function resumePendingWebhooks(stateDir: string, maxAgeMs = 3_600_000): number {
  const delivered = new Set(readLedger(stateDir, { system: PROVIDER, action: "webhook delivered" }).map((e) => e.key));
  let resumed = 0;
  for (const e of readLedger(stateDir, { system: PROVIDER, action: "payment intent created" })) {
    const d = e.detail as { intent?: PaymentIntent; finalStatus?: IntentStatus; webhookService?: string } | undefined;
    if (!d?.intent || d.intent.status !== "processing" || !d.finalStatus || delivered.has(e.key)) continue;
    if (Date.now() - Date.parse(e.at) > maxAgeMs) continue;
    simLog(PROVIDER, `webhook for ${d.intent.id} was not delivered before the restart: sending it again`);
    scheduleWebhook({ ...d.intent, status: d.finalStatus }, e.key, d.webhookService ?? SIGNAL_PAYMENTS);
    resumed++;
  }
  return resumed;
}

function scheduleWebhook(intent: PaymentIntent, idempotencyKey: string, service: string): void {
  const event: PaymentIntentEvent = {
    id: eventIdFor(intent.id, intent.status),
    type: intent.status === "succeeded" ? "payment_intent.succeeded" : "payment_intent.payment_failed",
    created: Math.floor(Date.now() / 1000),
    data: { object: intent },
  };
  setTimeout(() => void deliver(event, idempotencyKey, service, 1), WEBHOOK_DELAY_MS);
}

async function deliver(event: PaymentIntentEvent, idempotencyKey: string, service: string, attempt: number): Promise<void> {
  const ingress = process.env.PATTERNS_INGRESS_URL;
  if (!ingress) {
    simLog(PROVIDER, `cannot deliver webhook ${event.id}: PATTERNS_INGRESS_URL is not set`);
    return;
  }
  const body = JSON.stringify(event);
  const retry = (why: string) => {
    if (attempt >= 12) {
      simLog(PROVIDER, `giving up on webhook ${event.id} after ${attempt} attempts (${why})`);
      return;
    }
    const wait = Math.min(10_000, 500 * 2 ** (attempt - 1));
    simLog(PROVIDER, `webhook ${event.id} not delivered (${why}); retrying in ${wait} ms`);
    setTimeout(() => void deliver(event, idempotencyKey, service, attempt + 1), wait);
  };
  try {
    const res = await fetch(`${ingress}/${service}/processWebhook`, {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": signWebhook(body, Math.floor(Date.now() / 1000)), "idempotency-key": event.id },
      body,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (res.ok) {
      simLog(PROVIDER, `webhook ${event.id} (${event.type}) delivered for ${event.data.object.id}`);
      recordEffect(PROVIDER, "webhook delivered", idempotencyKey, { event: event.id, type: event.type, intent: event.data.object.id, status: event.data.object.status });
    } else if (res.status >= 500 || res.status === 429) retry(`HTTP ${res.status}`);
    else simLog(PROVIDER, `webhook ${event.id} rejected with HTTP ${res.status}: ${text}`);
  } catch (e) {
    retry(e instanceof Error ? e.message : String(e));
  }
}
