// The contract of PaymentTracker/{invoice} (the scheduling pattern's object), shared with the webhook router of the
// communication group. Names and event shape follow the Kotlin/Go seeds so their curls work unchanged:
//   curl localhost:8080/PaymentTracker/invoice123/onPaymentFailure --json '{"type": …, "created": …, "data": {"id": …, "customer": …}}'

export interface PaymentTrackerEvent {
  /** the provider's event id, e.g. evt_1JH2Y4F2eZvKYlo2C8b9 (the seeds put it in data.id) */
  id?: string;
  type: string;
  created: number;
  data: { id: string; customer: string };
}

/** Type-only descriptor for callers: ctx.objectSendClient(PaymentTrackerApi, invoice).onPaymentFailure(event) */
export const PaymentTrackerApi = { name: "PaymentTracker" } as { name: "PaymentTracker" } & {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly __tracker?: any;
};

export const PAYMENT_TRACKER = "PaymentTracker";
export const ON_PAYMENT_FAILURE = "onPaymentFailure";
export const ON_PAYMENT_SUCCESS = "onPaymentSuccess";
