// Names and payloads of the communication patterns, shared by the handlers, the CLI verbs and the tests.
// They follow the TypeScript seed so its curls work unchanged; `signalPayments` is the one deviation (the seed's
// `payments` belongs to the payment state machine).

export const PRODUCT = "product";
export const ASYNC_TASK_WORKER = "asyncTaskWorker";
export const WEBHOOK_ROUTER = "WebhookCallbackRouter";
export const DATA_UPLOADER = "dataUploader";
export const SIGNAL_PAYMENTS = "signalPayments";

/** asyncTaskWorker/runTask input (the seed's TaskOpts) */
export interface TaskOpts {
  id: string;
  task: string;
}

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

/** dataUploader/{id}/run input: optional; no body means a fast upload (the seed's run takes none) */
export interface UploadOpts {
  slow?: boolean;
}

/** Simulated upload durations. They race the client's timeout (real seconds), so they are not time-scaled. */
export const FAST_UPLOAD_MS = 1500;
export const SLOW_UPLOAD_MS = 10_000;

export interface EmailRequest {
  email: string;
}

export interface EmailResult {
  sent: true;
  to: string;
  url: string;
}

/** signalPayments/processPayment input (the seed's PaymentRequest, plus one opt-in simulation flag) */
export interface PaymentRequest {
  amount: number;
  paymentMethodId: string;
  delayedStatus?: boolean;
  /** simulation: the provider processes the first request but its answer is lost on the way back */
  loseFirstResponse?: boolean;
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
