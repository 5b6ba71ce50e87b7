// Pure logic of the payment state machine: requests, messages and a one-at-a-time replay the storm is checked
// against. No Restate context here, so it is unit-tested directly and shared by the worker and the CLI.

export type PaymentStatus = "NEW" | "COMPLETED" | "CANCELLED";

/** Every account starts with the same balance, so a storm's outcome is checkable (the example draws it at random). */
export const INITIAL_BALANCE_CENTS = 100_000;

/** The seed's token lifetime (1 h, time-scaled). */
export const PAYMENT_EXPIRY_NOMINAL_MS = 3_600_000;
/**
 * …but never shorter than this: a token must outlive a person typing the next command, including the seed's
 * `restate kv get payments <id>` a few minutes later (`--expire-after` shows the expiry sooner).
 */
export const PAYMENT_EXPIRY_MIN_MS = 600_000;
export const PAYMENT_EXPIRY_MAX_MS = 86_400_000;

/** The token lifetime at a time scale (the worker passes its own scaled() value). */
export function paymentExpiryMs(scaledNominalMs: number): number {
  return Math.max(PAYMENT_EXPIRY_MIN_MS, scaledNominalMs);
}

export interface PaymentRequest {
  accountId: string;
  amount: number;
}

/** makePayment's input: the seed's {accountId, amount}, plus an optional token lifetime (playground extra). */
export interface MakePaymentInput extends PaymentRequest {
  expireAfterMs?: number;
}

/** The answers, written the right way round (the example returns "was cancelled before" for a repeated payment). */
export const paymentMessages = {
  previouslyCompleted: (id: string) => `${id} previously completed`,
  cancelledBefore: (id: string) => `${id} was cancelled before`,
  successful: (id: string, ok: boolean, reason?: string) => `${id} successful: ${ok}${!ok && reason ? ` (${reason})` : ""}`,
  cancelledUnpaid: (id: string) => `${id} cancelled before it was paid`,
  cancelledRefunded: (id: string, amount: number, accountId: string) => `${id} cancelled: ${amount} refunded to ${accountId}`,
  alreadyCancelled: (id: string) => `${id} was already cancelled, nothing to do`,
};

export type PaymentOp = { op: "make"; accountId: string; amount: number } | { op: "cancel" } | { op: "expire" };

export interface PaymentModel {
  status: PaymentStatus;
  payment: PaymentRequest | null;
  /** balances of the accounts the history touched */
  balances: Record<string, number>;
}

export function newPaymentModel(): PaymentModel {
  return { status: "NEW", payment: null, balances: {} };
}

/** One operation of the payment state machine on the model: the answer it must give (expire answers nothing). */
export function paymentStep(id: string, m: PaymentModel, op: PaymentOp): { model: PaymentModel; message?: string } {
  const balance = (acct: string) => m.balances[acct] ?? INITIAL_BALANCE_CENTS;
  switch (op.op) {
    case "make": {
      if (m.status === "COMPLETED") return { model: m, message: paymentMessages.previouslyCompleted(id) };
      if (m.status === "CANCELLED") return { model: m, message: paymentMessages.cancelledBefore(id) };
      const b = balance(op.accountId);
      if (b < op.amount) return { model: m, message: paymentMessages.successful(id, false, insufficientFunds(b, op.amount)) };
      return {
        model: { status: "COMPLETED", payment: { accountId: op.accountId, amount: op.amount }, balances: { ...m.balances, [op.accountId]: b - op.amount } },
        message: paymentMessages.successful(id, true),
      };
    }
    case "cancel": {
      if (m.status === "CANCELLED") return { model: m, message: paymentMessages.alreadyCancelled(id) };
      if (m.status === "COMPLETED" && m.payment) {
        const { accountId, amount } = m.payment;
        return { model: { ...m, status: "CANCELLED", balances: { ...m.balances, [accountId]: balance(accountId) + amount } }, message: paymentMessages.cancelledRefunded(id, amount, accountId) };
      }
      return { model: { ...m, status: "CANCELLED" }, message: paymentMessages.cancelledUnpaid(id) };
    }
    case "expire":
      return { model: { status: "NEW", payment: null, balances: m.balances } };
  }
}

export function replayPayments(id: string, ops: PaymentOp[], start = newPaymentModel()): { model: PaymentModel; messages: (string | undefined)[] } {
  let model = start;
  const messages: (string | undefined)[] = [];
  for (const op of ops) {
    const r = paymentStep(id, model, op);
    model = r.model;
    messages.push(r.message);
  }
  return { model, messages };
}

export function insufficientFunds(balance: number, amount: number): string {
  return `Insufficient funds: balance ${balance}, requested ${amount}`;
}
