// Pattern 8, payment state machine: `payments/{paymentId}` tracks one payment token (NEW → COMPLETED or CANCELLED)
// and moves money on `accounts/{accountId}`. Being a Virtual Object, each payment id takes one request at a time,
// so any storm of concurrent makes and cancels is linearized: a payment happens at most once, a cancel that
// arrives first sticks, a cancel after the payment refunds it. The token expires on a durable timer (a delayed
// self-send after a time-scaled hour). Driven by `patterns payment`.
import * as restate from "@restatedev/restate-sdk";
import { scaled } from "../lib/time.js";
import { validInput } from "../lib/schema.js";
import { Amount, MakePaymentSchema } from "./schema.js";
import { ACCOUNTS, PAYMENTS } from "./api.js";
import type { MakePaymentInput } from "./model.js";
import { INITIAL_BALANCE_CENTS, PAYMENT_EXPIRY_NOMINAL_MS, paymentExpiryMs, insufficientFunds, paymentMessages, type PaymentRequest, type PaymentStatus } from "./model.js";

export interface WithdrawResult {
  success: boolean;
  reason?: string;
  balance: number;
}

async function balanceOf(ctx: restate.ObjectSharedContext | restate.ObjectContext): Promise<number> {
  return (await ctx.get<number>("balance")) ?? INITIAL_BALANCE_CENTS;
}

export const accounts = restate.object({
  name: ACCOUNTS,
  description: "Bank accounts for the payment state machine; every account starts at 100000 cents",
  handlers: {
    withdraw: restate.handlers.object.exclusive({ input: validInput(Amount, { root: "amount" }) }, async (ctx: restate.ObjectContext, cents: number): Promise<WithdrawResult> => {
      const balance = await balanceOf(ctx);
      if (balance < cents) return { success: false, reason: insufficientFunds(balance, cents), balance };
      ctx.set("balance", balance - cents);
      return { success: true, balance: balance - cents };
    }),
    deposit: restate.handlers.object.exclusive({ input: validInput(Amount, { root: "amount" }) }, async (ctx: restate.ObjectContext, cents: number): Promise<{ balance: number }> => {
      const balance = (await balanceOf(ctx)) + cents;
      ctx.set("balance", balance);
      return { balance };
    }),
    getBalance: restate.handlers.object.shared(async (ctx: restate.ObjectSharedContext) => ({ accountId: ctx.key, balance: await balanceOf(ctx) })),
  },
});

export interface PaymentView {
  paymentId: string;
  status: PaymentStatus;
  payment: PaymentRequest | null;
  /** when the token expires (epoch ms), if a payment or cancel set it */
  expiresAt: number | null;
}

async function scheduleExpiry(ctx: restate.ObjectContext, ttlMs?: number): Promise<void> {
  const delay = ttlMs ?? paymentExpiryMs(scaled(PAYMENT_EXPIRY_NOMINAL_MS));
  ctx.objectSendClient(payments, ctx.key).expireToken(restate.rpc.sendOpts({ delay }));
  ctx.set("expiresAt", (await ctx.date.now()) + delay);
}

const paymentsHandlers = {
  makePayment: restate.handlers.object.exclusive({ input: validInput(MakePaymentSchema) }, async (ctx: restate.ObjectContext, req: MakePaymentInput): Promise<string> => {
    const id = ctx.key;
    const status = (await ctx.get<PaymentStatus>("status")) ?? "NEW";
    if (status === "COMPLETED") return paymentMessages.previouslyCompleted(id);
    if (status === "CANCELLED") return paymentMessages.cancelledBefore(id);

    const result = await ctx.objectClient(accounts, req.accountId).withdraw(req.amount);
    if (!result.success) return paymentMessages.successful(id, false, result.reason);
    ctx.set("status", "COMPLETED" satisfies PaymentStatus);
    const payment: PaymentRequest = { accountId: req.accountId, amount: req.amount };
    ctx.set("payment", payment);
    await scheduleExpiry(ctx, req.expireAfterMs);
    return paymentMessages.successful(id, true);
  }),

  cancelPayment: async (ctx: restate.ObjectContext): Promise<string> => {
    const id = ctx.key;
    const status = (await ctx.get<PaymentStatus>("status")) ?? "NEW";
    switch (status) {
      case "CANCELLED":
        return paymentMessages.alreadyCancelled(id);
      case "COMPLETED": {
        const payment = (await ctx.get<PaymentRequest>("payment"))!;
        ctx.objectSendClient(accounts, payment.accountId).deposit(payment.amount);
        ctx.set("status", "CANCELLED" satisfies PaymentStatus);
        return paymentMessages.cancelledRefunded(id, payment.amount, payment.accountId);
      }
      case "NEW":
        // remember the cancel, so a payment that arrives later with this id is refused until the token expires
        ctx.set("status", "CANCELLED" satisfies PaymentStatus);
        await scheduleExpiry(ctx);
        return paymentMessages.cancelledUnpaid(id);
    }
  },

  expireToken: async (ctx: restate.ObjectContext): Promise<void> => {
    ctx.clearAll();
  },

  getStatus: restate.handlers.object.shared(async (ctx: restate.ObjectSharedContext): Promise<PaymentView> => ({
    paymentId: ctx.key,
    status: (await ctx.get<PaymentStatus>("status")) ?? "NEW",
    payment: (await ctx.get<PaymentRequest>("payment")) ?? null,
    expiresAt: (await ctx.get<number>("expiresAt")) ?? null,
  })),
};

export const payments = restate.object({
  name: PAYMENTS,
  description: "Payment state machine per payment token: makePayment, cancelPayment, expireToken",
  handlers: paymentsHandlers,
});
