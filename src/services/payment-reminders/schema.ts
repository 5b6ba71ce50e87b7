// The payment reminders pattern's payload, declared once: the event PaymentTracker/{invoice}/onPaymentFailure and
// onPaymentSuccess take (the Kotlin/Go seeds' shape, so their curls work unchanged).
import { z } from "zod";

export const PaymentTrackerEventSchema = z.object({
  id: z.string({ error: "expected a string" }).optional(),
  type: z.string({ error: 'expected a string such as "invoice.payment_failed"' }).optional(),
  created: z.number({ error: "expected a number (seconds since the epoch)" }).optional(),
  data: z.object(
    {
      id: z.string({ error: 'expected the event id, e.g. "evt_1JH2Y4F2eZvKYlo2C8b9"' }).min(1, { error: 'expected the event id, e.g. "evt_1JH2Y4F2eZvKYlo2C8b9"' }),
      customer: z.string({ error: 'expected a customer id, e.g. "cus_J5K2Y4F2eZvKYlo2"' }).min(1, { error: 'expected a customer id, e.g. "cus_J5K2Y4F2eZvKYlo2"' }),
    },
    { error: "expected {id, customer}" },
  ),
});
