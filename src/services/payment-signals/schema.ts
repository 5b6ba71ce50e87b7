// The payment signals pattern's payload, declared once: signalPayments/processPayment's input (the seed's
// PaymentRequest, plus one opt-in simulation flag).
import { z } from "zod";

export const PaymentRequestSchema = z.object({
  amount: z.number({ error: "expected a number, e.g. 109" }).positive({ error: "expected a positive number" }),
  paymentMethodId: z.string({ error: "expected a payment method, e.g. pm_card_visa" }).min(1, { error: "expected a payment method, e.g. pm_card_visa" }),
  delayedStatus: z.boolean({ error: "expected true or false" }).nullish(),
  loseFirstResponse: z.boolean({ error: "expected true or false" }).nullish(),
});
