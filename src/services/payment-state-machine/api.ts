// The payment state machine's contract: the per-payment object and the accounts it debits (the seed's payments/accounts).
import type { accounts, payments, PaymentView, WithdrawResult } from "./payments.js";
import { contract } from "../lib/contract.js";
export type { PaymentView, WithdrawResult };
export type { MakePaymentInput, PaymentRequest, PaymentStatus } from "./model.js";

export const PAYMENTS = "payments";
export const ACCOUNTS = "accounts";

/** The typed definitions callers use: ingress(url).objectClient(paymentsApi, id).makePayment(req) */
export const paymentsApi = contract<typeof payments>(PAYMENTS);
export const accountsApi = contract<typeof accounts>(ACCOUNTS);
