// The payment-state-machine scenario (its demo and tour): run for real through the same runners as the verbs, with run-unique
// keys; the checks come from Restate's records (src/observe), object state and the simulated-systems ledger.
import { eventually, invocations, stateRows as objectStateRows } from "../../observe/index.js";
import type { RunningStack } from "../../runtime/stack.js";
import { paymentMessages, INITIAL_BALANCE_CENTS } from "../../services/payment-state-machine/model.js";
import { accountSettled, balanceOf, paymentStorm, paymentView } from "./run.js";
import { sendAndAttach, suffix } from "../lib/calls.js";
import { ingress } from "../../runtime/ingress.js";
import { paymentsApi } from "../../services/payment-state-machine/api.js";
import type { MakePaymentInput } from "../../services/payment-state-machine/api.js";
import { check, type Check, type DemoContext, type DemoResult } from "../../tours/types.js";
import { claim, journalChecks } from "../../tours/claims.js";

async function settledMessage(stack: RunningStack, id: string, op: "makePayment" | "cancelPayment", body?: MakePaymentInput): Promise<string> {
  return (await payOrCancel(stack, id, op, body)).body;
}

function payOrCancel(stack: RunningStack, id: string, op: "makePayment" | "cancelPayment", body?: MakePaymentInput): Promise<{ body: string; invocationId: string }> {
  const payment = ingress(stack.ingressUrl).objectSendClient(paymentsApi, id);
  return sendAndAttach<string>(stack, `${op} of ${id}`, () => (op === "makePayment" ? payment.makePayment(body!) : payment.cancelPayment()));
}

/** A cancel that arrives before the payment: the payment is refused afterwards and the account is never charged. */
async function cancelFirst(stack: DemoContext["stack"], p2: string, a2: string): Promise<Check> {
  const answers2 = [await settledMessage(stack, p2, "cancelPayment"), await settledMessage(stack, p2, "makePayment", { accountId: a2, amount: 100 })];
  const bal2 = await balanceOf(stack, a2);
  return check(
    "a cancel that arrives first sticks",
    answers2[0] === paymentMessages.cancelledUnpaid(p2) && answers2[1] === paymentMessages.cancelledBefore(p2) && bal2 === INITIAL_BALANCE_CENTS,
    `${answers2.join(" | ")}; balance ${bal2}`,
  );
}

export async function demo(ctx: DemoContext): Promise<DemoResult> {
  const { stack, say } = ctx;
  const run = suffix();
  const checks: Check[] = [];

  // 1. pay, pay again, cancel (refund), pay after the cancel
  const p1 = `pay-${run}`;
  const a1 = `acct-${run}`;
  const body = { accountId: a1, amount: 100 };
  say(`pay, pay again, cancel, pay again on ${p1} (account ${a1})`);
  const answers1 = [
    await settledMessage(stack, p1, "makePayment", body),
    await settledMessage(stack, p1, "makePayment", body),
    await settledMessage(stack, p1, "cancelPayment"),
    await settledMessage(stack, p1, "makePayment", body),
  ];
  const want1 = [paymentMessages.successful(p1, true), paymentMessages.previouslyCompleted(p1), paymentMessages.cancelledRefunded(p1, 100, a1), paymentMessages.cancelledBefore(p1)];
  await accountSettled(stack, a1);
  const bal1 = await balanceOf(stack, a1);
  checks.push(
    check(
      "pay → pay again → cancel → pay: the right answers",
      answers1.every((m, i) => m === want1[i]),
      answers1.join(" | "),
    ),
  );
  checks.push(check("charged once, refunded once", bal1 === INITIAL_BALANCE_CENTS, `account ${a1}: ${bal1} (started at ${INITIAL_BALANCE_CENTS})`));

  // 2. a cancel that overtakes the payment sticks
  const p2 = `pay-${run}-early`;
  say(`cancel before pay on ${p2}`);
  checks.push(await cancelFirst(stack, p2, `acct-${run}-early`));

  // 3. the token expires on a durable timer (a short lifetime asked for, so the demo need not wait the scaled hour)
  const p3 = `pay-${run}-exp`;
  say(`pay on ${p3} with a 1 s token, then wait for expireToken`);
  const paid3 = await payOrCancel(stack, p3, "makePayment", { accountId: `acct-${run}-exp`, amount: 100, expireAfterMs: 1000 });
  const timer = claim(`${p3}'s payment journal sends expireToken to itself with a delay: the timer is kept by Restate`, paid3.invocationId, (t) => {
    const sends = t.entries.filter((e) => e.kind === "send" && e.target === `payments/${p3}/expireToken`);
    const delay = sends[0]?.dueAt ? Date.parse(sends[0].dueAt) - Date.parse(sends[0].at) : NaN;
    return {
      ok: sends.length === 1 && delay >= 500,
      detail: sends.length ? `one-way send to ${sends[0]!.target}, due ${delay} ms after it was journaled` : `no send to payments/${p3}/expireToken in ${t.invocation.target}`,
    };
  });
  say(`  journal: ${timer.says}`);
  const expired = await eventually(
    `the expiry of ${p3}`,
    async () => {
      const rows = await invocations(stack.admin, { service: "payments", key: p3, handler: "expireToken" });
      return rows.length > 0 && rows.every((r) => r.status === "completed") ? rows : undefined;
    },
    { timeoutMs: 60_000, everyMs: 250 },
  ).catch(() => []);
  const stateRows = await objectStateRows(stack.admin, "payments", p3);
  const view3 = await paymentView(stack, p3);
  checks.push(...(await journalChecks(stack, [timer])));
  checks.push(
    check(
      "the token expired on a durable timer",
      expired.length === 1 && expired[0]!.invoked_by === "service" && stateRows.length === 0 && view3.status === "NEW",
      `${expired.length} expireToken invocation(s) sent by the object; ${stateRows.length} state entries left`,
    ),
  );

  // 4. a storm of concurrent makes and cancels on one token
  say("storm: 12 makes and 4 cancels on one token, at once");
  const storm = await paymentStorm(stack, { makes: 12, cancels: 4, amount: 100 });
  say(`  ${storm.paymentId}: ${storm.answers.made} paid, ${storm.answers.refunded} refunded; end ${storm.final.status}, balance ${storm.final.balance}`);
  checks.push(...storm.checks.map((x) => ({ ...x, name: `storm: ${x.name}` })));
  return {
    checks,
    data: { keyInvocation: paid3.invocationId, payments: [p1, p2, p3, storm.paymentId], storm: { paymentId: storm.paymentId, accountId: storm.accountId, answers: storm.answers, final: storm.final } },
  };
}
