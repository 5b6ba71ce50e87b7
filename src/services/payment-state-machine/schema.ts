// The payment state machine's payloads, declared once: the worker's serdes check them, `payment make --amount` checks
// its flag with the same Amount.
import { z } from "zod";
import { PAYMENT_EXPIRY_MAX_MS } from "./model.js";

/** Cents: the seed's amounts are whole positive numbers. */
export const Amount = z
  .number({ error: "expected a positive whole number of cents" })
  .int({ error: "expected a positive whole number of cents" })
  .positive({ error: "expected a positive whole number of cents" })
  .max(1e12, { error: "expected at most 1000000000000 cents" });

/** makePayment's input: the seed's {accountId, amount}, plus an optional token lifetime (playground extra). */
export const MakePaymentSchema = z.object({
  accountId: z.string({ error: "expected a string" }).min(1, { error: "expected a non-empty string" }).max(200, { error: "expected at most 200 characters" }),
  amount: Amount,
  expireAfterMs: z
    .number()
    .int()
    .min(1000)
    .max(PAYMENT_EXPIRY_MAX_MS, { error: `expected a whole number of milliseconds from 1000 to ${PAYMENT_EXPIRY_MAX_MS}` })
    .optional(),
});
