// The payment signals pattern's contract. `signalPayments` deviates from the seed's name on purpose: the seed's
// `payments` belongs to the payment state machine.
import type { signalPayments } from "./signal-payments.js";
import { contract } from "../lib/contract.js";
export const SIGNAL_PAYMENTS = "signalPayments";

/** signalPayments/processPayment input (the seed's PaymentRequest, plus one opt-in simulation flag) */
export interface PaymentRequest {
  amount: number;
  paymentMethodId: string;
  delayedStatus?: boolean | null;
  /** simulation: the provider processes the first request but its answer is lost on the way back */
  loseFirstResponse?: boolean | null;
}

export interface PaymentResult {
  paymentIntentId: string;
  status: string;
  /** "sync": the provider answered at once; "webhook": it said "processing" and the awakeable got the answer */
  path: "sync" | "webhook";
  /** the idempotency key sent to the provider (ctx.rand.uuidv4(), stable across retries) */
  idempotencyKey: string;
}

/** The seed's Stripe test payment methods. */
export const CARD_OK = "pm_card_visa";
export const CARD_DECLINED = "pm_card_visa_chargeDeclined";

/** The typed definition callers use: ingress(url).serviceClient(signalPaymentsApi).processPayment(req) */
export const signalPaymentsApi = contract<typeof signalPayments>(SIGNAL_PAYMENTS);
