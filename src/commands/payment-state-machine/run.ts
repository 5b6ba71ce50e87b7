// `patterns payment make|cancel|show|storm`: drive the payments/accounts state machine and, for the storm, prove
// from Restate's invocation records and object state that concurrent makes and cancels on one token were linearized: replaying
// them one at a time in the order Restate ran them gives exactly the answers, the end state and the balance seen.
import { scaleDuration } from "../../runtime/config.js";
import type { RunningStack } from "../../runtime/stack.js";
import {
  INITIAL_BALANCE_CENTS,
  PAYMENT_EXPIRY_MIN_MS,
  PAYMENT_EXPIRY_NOMINAL_MS,
  newPaymentModel,
  paymentExpiryMs,
  type MakePaymentInput,
  paymentMessages,
  paymentStep,
  type PaymentModel,
  type PaymentOp,
  type PaymentRequest,
  type PaymentStatus,
} from "../../services/payment-state-machine/model.js";
import type { PaymentView } from "../../services/payment-state-machine/api.js";
import { check, type Check } from "../../tours/types.js";
import { humanDuration } from "../../ui/output.js";
import { c, sym } from "../../ui/palette.js";
import type { RawCall } from "../../ui/curl.js";
import { attachOutcome, sendAndAttach, suffix } from "../lib/calls.js";
import { ingressPath } from "../../ui/curl.js";
import { calling, ingress } from "../../runtime/ingress.js";
import { PAYMENTS, accountsApi, paymentsApi } from "../../services/payment-state-machine/api.js";
import { eventually, invocations, type InvocationRow } from "../../observe/index.js";

export function expiryTimes(stack: RunningStack, overrideMs?: number): { nominalMs: number; scaledMs: number; floorMs: number; overridden: boolean } {
  const scaledMs = overrideMs ?? paymentExpiryMs(scaleDuration(PAYMENT_EXPIRY_NOMINAL_MS, stack.state.timeScale));
  return { nominalMs: PAYMENT_EXPIRY_NOMINAL_MS, scaledMs, floorMs: PAYMENT_EXPIRY_MIN_MS, overridden: overrideMs !== undefined };
}

export async function paymentView(stack: RunningStack, id: string): Promise<PaymentView> {
  return calling(`reading payment ${id}`, () => ingress(stack.ingressUrl).objectClient(paymentsApi, id).getStatus());
}

export async function balanceOf(stack: RunningStack, accountId: string): Promise<number> {
  return (await calling(`reading account ${accountId}`, () => ingress(stack.ingressUrl).objectClient(accountsApi, accountId).getBalance())).balance;
}

export interface PaymentActionResult {
  paymentId: string;
  action: "make" | "cancel";
  message: string;
  invocationId?: string;
  payment: PaymentView;
  account?: { accountId: string; balance: number };
  expiry: ReturnType<typeof expiryTimes>;
  calls: RawCall[];
}

export async function makePayment(stack: RunningStack, id: string, req: MakePaymentInput): Promise<PaymentActionResult> {
  const p = ingressPath(PAYMENTS, id, "makePayment");
  const { body: message, invocationId } = await sendAndAttach<string>(stack, `makePayment of ${id}`, () => ingress(stack.ingressUrl).objectSendClient(paymentsApi, id).makePayment(req));
  return {
    paymentId: id,
    action: "make",
    message,
    invocationId,
    payment: await paymentView(stack, id),
    account: { accountId: req.accountId, balance: await balanceOf(stack, req.accountId) },
    expiry: expiryTimes(stack, req.expireAfterMs),
    calls: [{ url: `${stack.ingressUrl}${p}`, body: req }],
  };
}

export async function cancelPayment(stack: RunningStack, id: string): Promise<PaymentActionResult> {
  const p = ingressPath(PAYMENTS, id, "cancelPayment");
  const { body: message, invocationId } = await sendAndAttach<string>(stack, `cancelPayment of ${id}`, () => ingress(stack.ingressUrl).objectSendClient(paymentsApi, id).cancelPayment());
  const payment = await paymentView(stack, id);
  let account: PaymentActionResult["account"];
  const refunded = /: (\d+) refunded to (.+)$/.exec(message);
  if (refunded) {
    // the refund is a one-way send to the account: read the balance once it has been deposited
    const accountId = refunded[2]!;
    await accountSettled(stack, accountId);
    account = { accountId, balance: await balanceOf(stack, accountId) };
  }
  return { paymentId: id, action: "cancel", message, invocationId, payment, account, expiry: expiryTimes(stack), calls: [{ method: "POST", url: `${stack.ingressUrl}${p}` }] };
}

export function renderPaymentView(v: PaymentView, account?: { accountId: string; balance: number }): string[] {
  const lines = [`payment ${c.id(v.paymentId)}  status ${statusText(v.status)}`];
  if (v.payment) lines.push(`        ${v.payment.amount} cents from account ${c.id(v.payment.accountId)}`);
  if (v.expiresAt) {
    const left = v.expiresAt - Date.now();
    lines.push(c.dim(`        token expires ${left > 0 ? `in ${humanDuration(left)}` : `${humanDuration(-left)} ago`} (a delayed expireToken call on Restate's timer)`));
  } else if (v.status === "NEW") lines.push(c.dim("        no state: never used, or its token expired (expireToken cleared it)"));
  if (account) lines.push(`account ${c.id(account.accountId)}  balance ${account.balance} cents`);
  return lines;
}

export function expiryText(e: ReturnType<typeof expiryTimes>): string {
  if (e.overridden) return `the token lives ${humanDuration(e.scaledMs)} (asked for; the seed's is ${humanDuration(e.nominalMs)})`;
  return `the token lives ${humanDuration(e.scaledMs)} here (nominal ${humanDuration(e.nominalMs)}, time-scaled, at least ${humanDuration(e.floorMs)} so the next command can still see it)`;
}

function statusText(s: PaymentStatus): string {
  return s === "COMPLETED" ? c.ok(s) : s === "CANCELLED" ? c.warn(s) : c.dim(s);
}

export function renderPaymentAction(r: PaymentActionResult): string[] {
  const lines = [c.bold(r.message), ...renderPaymentView(r.payment, r.account)];
  if (r.payment.expiresAt) lines.push(c.dim(expiryText(r.expiry)));
  if (r.invocationId) lines.push(c.dim(`invocation ${r.invocationId}`));
  return lines;
}

// ------------------------------------------------------------------------------------------------- storm

export interface StormOp {
  /** position in the order the requests were fired */
  n: number;
  op: "make" | "cancel" | "expire";
  invocationId: string;
  message?: string;
  error?: string;
  runningAt?: number;
  completedAt?: number;
}

export interface PaymentStormResult {
  paymentId: string;
  accountId: string;
  amount: number;
  fired: { makes: number; cancels: number };
  /** every invocation on the payment's key, in the order Restate ran them (expiries included) */
  executed: StormOp[];
  answers: { made: number; refused: number; refunded: number; cancelledUnpaid: number; alreadyCancelled: number };
  final: { status: PaymentStatus; payment: PaymentRequest | null; balance: number };
  expected: { status: PaymentStatus; balance: number };
  expiry: ReturnType<typeof expiryTimes>;
  checks: Check[];
  calls: RawCall[];
}

const ms = (iso?: string) => (iso ? Date.parse(iso) : undefined);

function rowsOfKey(stack: RunningStack, service: string, key: string): Promise<InvocationRow[]> {
  return invocations(stack.admin, { service, key, order: "oldest" });
}

/** Wait until no deposit or withdrawal is pending on the account. */
export async function accountSettled(stack: RunningStack, accountId: string): Promise<void> {
  await eventually(
    `the pending calls to account ${accountId}`,
    async () => (await rowsOfKey(stack, "accounts", accountId)).every((r) => r.status === "completed" || r.target_handler_name === "getBalance"),
    { timeoutMs: 30_000 },
  );
}

/** A fixed interleaving of makes and cancels: a cancel after every `every` makes, the rest at the end. */
export function stormPlan(makes: number, cancels: number): ("make" | "cancel")[] {
  const plan: ("make" | "cancel")[] = [];
  const every = cancels > 0 ? Math.max(1, Math.floor(makes / cancels)) : Infinity;
  let left = cancels;
  for (let i = 1; i <= makes; i++) {
    plan.push("make");
    if (left > 0 && i % every === 0) {
      plan.push("cancel");
      left--;
    }
  }
  while (left-- > 0) plan.push("cancel");
  return plan;
}

export async function paymentStorm(
  stack: RunningStack,
  o: { makes: number; cancels: number; amount: number; paymentId?: string; accountId?: string; expireAfterMs?: number },
): Promise<PaymentStormResult> {
  const run = suffix();
  const paymentId = o.paymentId ?? `pay-${run}`;
  const accountId = o.accountId ?? `acct-${run}`;
  const plan = stormPlan(o.makes, o.cancels);
  const startBalance = await balanceOf(stack, accountId);
  const body: MakePaymentInput = { accountId, amount: o.amount, ...(o.expireAfterMs ? { expireAfterMs: o.expireAfterMs } : {}) };
  const fire = async (op: "make" | "cancel", n: number): Promise<StormOp> => ({
    n,
    op,
    invocationId: (
      await calling(`${op} of ${paymentId}`, () => {
        const payment = ingress(stack.ingressUrl).objectSendClient(paymentsApi, paymentId);
        return op === "make" ? payment.makePayment(body) : payment.cancelPayment();
      })
    ).invocationId,
  });
  // the first make goes alone (so there is a payment for later cancels to refund), then the rest all at once:
  // Restate accepts them in some order and runs them one at a time on the payment's key
  const first = await fire(plan[0]!, 0);
  const ops: StormOp[] = [first, ...(await Promise.all(plan.slice(1).map((op, i) => fire(op, i + 1))))];
  await Promise.all(
    ops.map(async (x) => {
      const r = await attachOutcome<string>(stack, x.invocationId);
      if (r.ok) x.message = r.value;
      else x.error = `HTTP ${r.status}: ${r.message}`;
    }),
  );
  // the refunds are one-way sends: let them land before reading the balance
  await accountSettled(stack, accountId);
  const snapshotAt = Date.now();
  const view = await paymentView(stack, paymentId);
  const balance = await balanceOf(stack, accountId);
  const rows = await rowsOfKey(stack, "payments", paymentId);
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const x of ops) {
    const r = byId.get(x.invocationId);
    x.runningAt = ms(r?.running_at);
    x.completedAt = ms(r?.completed_at);
  }
  // expiries that fired before the snapshot belong to the history; a still-scheduled one does not
  const expiries: StormOp[] = rows
    .filter((r) => r.target_handler_name === "expireToken" && r.status === "completed" && (ms(r.completed_at) ?? Infinity) < snapshotAt)
    .map((r) => ({ n: -1, op: "expire" as const, invocationId: r.id, runningAt: ms(r.running_at), completedAt: ms(r.completed_at) }));
  const executed = executionOrder([...ops, ...expiries]);
  const answers = {
    made: ops.filter((x) => x.message === paymentMessages.successful(paymentId, true)).length,
    refused: ops.filter((x) => x.op === "make" && (x.message === paymentMessages.cancelledBefore(paymentId) || x.message === paymentMessages.previouslyCompleted(paymentId))).length,
    refunded: ops.filter((x) => x.message?.startsWith(`${paymentId} cancelled: `)).length,
    cancelledUnpaid: ops.filter((x) => x.message === paymentMessages.cancelledUnpaid(paymentId)).length,
    alreadyCancelled: ops.filter((x) => x.message === paymentMessages.alreadyCancelled(paymentId)).length,
  };
  const { checks, expected } = paymentStormChecks({ paymentId, accountId, amount: o.amount, startBalance, executed, answers, final: { status: view.status, payment: view.payment, balance } });
  return {
    paymentId,
    accountId,
    amount: o.amount,
    fired: { makes: o.makes, cancels: o.cancels },
    executed,
    answers,
    final: { status: view.status, payment: view.payment, balance },
    expected,
    expiry: expiryTimes(stack, o.expireAfterMs),
    checks,
    calls: [
      { url: `${stack.ingressUrl}${ingressPath(PAYMENTS, paymentId, "makePayment")}/send`, body },
      { method: "POST", url: `${stack.ingressUrl}${ingressPath(PAYMENTS, paymentId, "cancelPayment")}/send` },
    ],
  };
}

/** The order Restate ran the invocations of one key in. Timestamps are in milliseconds: of two that started in the
 *  same one, the one that also ended in it went first. */
export function executionOrder(ops: StormOp[]): StormOp[] {
  return [...ops].sort((a, b) => (a.runningAt ?? Infinity) - (b.runningAt ?? Infinity) || (a.completedAt ?? Infinity) - (b.completedAt ?? Infinity));
}

/** The storm's checks, from the execution order (Restate's invocation records), the answers, the object state and the balance. */
export function paymentStormChecks(r: {
  paymentId: string;
  accountId: string;
  amount: number;
  startBalance: number;
  executed: StormOp[];
  answers: PaymentStormResult["answers"];
  final: { status: PaymentStatus; payment: PaymentRequest | null; balance: number };
}): { checks: Check[]; expected: { status: PaymentStatus; balance: number } } {
  const checks: Check[] = [];
  const requests = r.executed.filter((x) => x.op !== "expire");
  const bad = requests.filter((x) => x.error || x.runningAt === undefined || x.completedAt === undefined);
  checks.push(
    check(
      `all ${requests.length} requests answered`,
      bad.length === 0,
      bad.length ? bad.map((x) => `#${x.n + 1} ${x.op}: ${x.error ?? "no timings"}`).join("; ") : "every make and cancel returned, timings from Restate",
    ),
  );

  // one at a time on the key: no two invocations of the payment overlapped
  const overlaps: string[] = [];
  for (let i = 1; i < r.executed.length; i++) {
    const a = r.executed[i - 1]!;
    const b = r.executed[i]!;
    if (a.completedAt !== undefined && b.runningAt !== undefined && b.runningAt < a.completedAt) overlaps.push(`${a.op} ${a.invocationId} and ${b.op} ${b.invocationId}`);
  }
  checks.push(
    check(
      "one request at a time on the payment",
      overlaps.length === 0,
      overlaps.length ? `overlapping: ${overlaps.join("; ")}` : `${r.executed.length} invocations (expiries included) ran back to back`,
    ),
  );

  // replay in the order Restate ran them; the model must give the same answers, end state and balance
  // Invocations that started in the same millisecond cannot be ordered from Restate's timestamps: among those, the
  // replay takes the one whose answer fits the state at that point (any order of them is a one-at-a-time order).
  let model: PaymentModel = { ...newPaymentModel(), balances: { [r.accountId]: r.startBalance } };
  const mismatches: string[] = [];
  const opOf = (x: StormOp): PaymentOp => (x.op === "make" ? { op: "make", accountId: r.accountId, amount: r.amount } : { op: x.op });
  const pending = [...r.executed];
  while (pending.length) {
    const tied = pending.filter((x) => x.runningAt !== undefined && x.runningAt === pending[0]!.runningAt);
    const fits = tied.find((x) => x.op === "expire" || paymentStep(r.paymentId, model, opOf(x)).message === x.message);
    const x = fits ?? pending[0]!;
    pending.splice(pending.indexOf(x), 1);
    const step = paymentStep(r.paymentId, model, opOf(x));
    model = step.model;
    if (x.op !== "expire" && step.message !== x.message) mismatches.push(`#${x.n + 1} ${x.op}: got "${x.message}", a one-at-a-time replay says "${step.message}"`);
  }
  checks.push(check("every answer matches a one-at-a-time replay", mismatches.length === 0, mismatches.length ? mismatches.slice(0, 3).join("; ") : "in the execution order Restate recorded"));
  const expected = { status: model.status, balance: model.balances[r.accountId] ?? r.startBalance };
  checks.push(check("end state matches the replay", r.final.status === expected.status, `payments state: ${r.final.status}, replay: ${expected.status}`));

  const net = r.answers.made - r.answers.refunded;
  const conserved = r.final.balance === r.startBalance - net * r.amount;
  checks.push(
    check(
      "the balance agrees with the answers",
      conserved && r.final.balance === expected.balance,
      `${r.final.balance} = ${r.startBalance} − ${r.answers.made} paid × ${r.amount} + ${r.answers.refunded} refunded × ${r.amount}${conserved ? "" : ` (expected ${r.startBalance - net * r.amount})`}`,
    ),
  );

  // a token pays at most once per lifetime: between two expiries at most one "successful: true"
  let paidInLifetime = 0;
  let twice = false;
  for (const x of r.executed) {
    if (x.op === "expire") paidInLifetime = 0;
    else if (x.message === paymentMessages.successful(r.paymentId, true) && ++paidInLifetime > 1) twice = true;
  }
  checks.push(check("never paid twice with one token", !twice, `${r.answers.made} payment(s), ${r.executed.filter((x) => x.op === "expire").length} expiry(ies)`));
  return { checks, expected };
}

export function renderPaymentStorm(r: PaymentStormResult): string[] {
  const lines = [
    c.dim(`payment ${r.paymentId} on account ${r.accountId}: ${r.fired.makes} makes of ${r.amount} cents and ${r.fired.cancels} cancels fired at once; ${expiryText(r.expiry)}`),
    c.bold("in the order Restate ran them"),
  ];
  const t0 = Math.min(...r.executed.map((x) => x.runningAt ?? Infinity));
  for (const x of r.executed) {
    const at = x.runningAt !== undefined ? `+${((x.runningAt - t0) / 1000).toFixed(2)} s` : "?";
    const who = x.op === "expire" ? c.dim("expireToken (timer)") : `#${String(x.n + 1).padEnd(3)} ${x.op === "make" ? "makePayment  " : "cancelPayment"}`;
    lines.push(`  ${at.padStart(9)}  ${who.padEnd(19)} ${x.op === "expire" ? c.dim("state cleared") : (x.message ?? c.fail(x.error ?? ""))}`);
  }
  const a = r.answers;
  lines.push(`answers  ${a.made} paid, ${a.refused} refused, ${a.refunded} refunded, ${a.cancelledUnpaid} cancelled before payment, ${a.alreadyCancelled} already cancelled`);
  lines.push(`end      payment ${statusText(r.final.status)}, balance ${r.final.balance} cents ${c.dim(`(replay: ${r.expected.status}, ${r.expected.balance})`)}`);
  lines.push(...r.checks.map((x) => `${x.ok ? sym.ok : sym.fail} ${x.name}${x.detail ? c.dim(` — ${x.detail}`) : ""}`));
  return lines;
}

export { INITIAL_BALANCE_CENTS };
