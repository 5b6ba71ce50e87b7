// The contract of PaymentTracker/{invoice} (the scheduling pattern's object), shared with the webhook router of the
// communication group. Names and event shape follow the Kotlin/Go seeds so their curls work unchanged:
//   curl localhost:8080/PaymentTracker/invoice123/onPaymentFailure --json '{"type": …, "created": …, "data": {"id": …, "customer": …}}'
import type { paymentTracker } from "./payment-tracker.js";
import { contract } from "../lib/contract.js";

export interface PaymentTrackerEvent {
  /** the provider's event id, e.g. evt_1JH2Y4F2eZvKYlo2C8b9 (the seeds put it in data.id) */
  id?: string;
  type?: string;
  created?: number;
  data: { id: string; customer: string };
}

export const PAYMENT_TRACKER = "PaymentTracker";
export const ON_PAYMENT_FAILURE = "onPaymentFailure";
export const ON_PAYMENT_SUCCESS = "onPaymentSuccess";

/** The typed definition callers use: ingress(url).objectClient(paymentTrackerApi, invoice).onPaymentFailure(event) */
export const paymentTrackerApi = contract<typeof paymentTracker>(PAYMENT_TRACKER);
