// The payment-reminders scenario (its demo and tour): run for real through the same runners as the verbs, with run-unique
// keys; the checks come from Restate's records (src/observe), object state and the simulated-systems ledger.
import { randomBytes } from "node:crypto";
import { invocation, invocations } from "../../observe/index.js";
import { scaleDuration } from "../../runtime/config.js";
import { DAY } from "../../services/lib/time.js";
import { MAX_REMINDERS } from "../../services/payment-reminders/logic.js";
import { ON_PAYMENT_FAILURE, PAYMENT_TRACKER } from "../../services/payment-reminders/api.js";
import { invoiceHistory, makeEvent, readTrackerState, scheduledNext, sendFailure, sendSuccess, waitSettled } from "./run.js";
import { humanDuration } from "../../ui/output.js";
import type { RunningStack } from "../../runtime/stack.js";
import type { FailureResult } from "../../services/payment-reminders/payment-tracker.js";
import { check, type Check, type DemoContext, type DemoResult } from "../../tours/types.js";
import { claim, journalChecks } from "../../tours/claims.js";

const suffix = () => randomBytes(3).toString("hex");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** When Restate's timer for a failure's next reminder fires (the handler's record if Restate holds none); read it before a payment cancels it. */
async function restateDue(stack: RunningStack, failure: FailureResult): Promise<number | undefined> {
  const next = await scheduledNext(stack, failure);
  return next?.dueAt ? Date.parse(next.dueAt) : failure.nextReminder?.dueAt;
}

export async function demo(ctx: DemoContext): Promise<DemoResult> {
  const { stack, say } = ctx;
  const scaledDay = scaleDuration(DAY, stack.state.timeScale);
  const ignored = `inv-${suffix()}`;
  const paid = `inv-${suffix()}`;
  say(`invoices ${ignored} (never paid) and ${paid} (paid after the first reminder); 1 day nominal = ${humanDuration(scaledDay)} real`);

  const first = await sendFailure(stack, ignored, makeEvent("failed"));
  const scheduledRow = first.nextReminder ? await invocation(stack.admin, first.nextReminder.invocationId) : undefined;
  const firstPaid = await sendFailure(stack, paid, makeEvent("failed"));
  const paidDue = await restateDue(stack, firstPaid);
  say(`reminder #1 sent for both; next one scheduled as ${first.nextReminder?.invocationId}`);
  // on a slow machine the timer may already have fired (the reminder running or done): then it must have waited
  // about a day from its creation before it first ran
  const firstRan = scheduledRow?.running_at ?? scheduledRow?.last_start_at ?? scheduledRow?.completed_at;
  const heldByTimer = scheduledRow?.status === "scheduled" || (!!scheduledRow && !!firstRan && Date.parse(firstRan) - Date.parse(scheduledRow.created_at) >= scaledDay * 0.8);
  const success = await sendSuccess(stack, paid, makeEvent("succeeded"));
  say(`${paid} paid; cancelled ${success.cancelledReminder ?? "nothing"}`);

  const settled = await waitSettled(stack, ignored, { onProgress: (h) => say(`  ${ignored}: ${h.kind === "escalation" ? "escalated to support" : `reminder #${h.number}`}`) });
  // give the paid invoice's cancelled timer the time it would have needed to fire (as Restate held it)
  await sleep(Math.max(0, paidDue ? paidDue + 1500 - Date.now() : 0));

  const hist = invoiceHistory(stack.paths.root, ignored);
  const reminders = hist.filter((h) => h.kind === "reminder");
  const escalations = hist.filter((h) => h.kind === "escalation");
  const gaps = hist.slice(1).map((h, i) => Date.parse(h.at) - Date.parse(hist[i]!.at));
  const state = await readTrackerState(stack, ignored);
  const runs = await invocations(stack.admin, { service: PAYMENT_TRACKER, key: ignored, handler: ON_PAYMENT_FAILURE });
  const selfSends = runs.filter((r) => r.invoked_by === "service");

  const paidHist = invoiceHistory(stack.paths.root, paid);
  const paidState = await readTrackerState(stack, paid);
  const cancelled = success.cancelledReminder ? await invocation(stack.admin, success.cancelledReminder) : undefined;

  const selfSend = claim(`the first failure's journal sends the next reminder to the invoice itself, due a (scaled) day later`, first.invocationId, (t) => {
    const sends = t.entries.filter((e) => e.kind === "send" && e.target === `${PAYMENT_TRACKER}/${ignored}/${ON_PAYMENT_FAILURE}` && e.dueAt);
    const gap = sends[0]?.dueAt ? Date.parse(sends[0].dueAt) - Date.parse(sends[0].at) : NaN;
    return {
      ok: sends.length === 1 && gap >= scaledDay * 0.8,
      detail: sends.length
        ? `${sends.length} delayed send(s) to ${sends[0]!.target}, due ${humanDuration(gap)} after it was journaled`
        : `no delayed send to ${PAYMENT_TRACKER}/${ignored} in ${t.invocation.target}`,
    };
  });
  say(`  journal: ${selfSend.says}`);
  const checks: Check[] = [
    ...(await journalChecks(stack, [selfSend])),
    check("the next reminder is a scheduled invocation in Restate", heldByTimer, `status of ${first.nextReminder?.invocationId}: ${scheduledRow?.status ?? "not found"}`),
    check(
      `exactly ${MAX_REMINDERS} reminder e-mails, numbered 1…${MAX_REMINDERS}`,
      reminders.length === MAX_REMINDERS && reminders.every((r, i) => r.number === i + 1),
      `ledger: ${reminders.map((r) => `#${r.number}`).join(", ") || "none"}`,
    ),
    check("then exactly one escalation to support, after the last reminder", escalations.length === 1 && hist.at(-1)?.kind === "escalation", `ledger: ${escalations.length} escalation(s)`),
    check(
      "the reminders are one (scaled) day apart",
      gaps.length === MAX_REMINDERS && gaps.every((g) => g >= scaledDay * 0.8),
      `gaps ${gaps.map((g) => humanDuration(g)).join(", ")} (1 day = ${humanDuration(scaledDay)} real)`,
    ),
    check(
      "the invoice's state says escalated after 3 reminders",
      state.escalated === true && state.reminders_count === MAX_REMINDERS && settled.pending.length === 0,
      `state: reminders_count=${String(state.reminders_count)}, escalated=${String(state.escalated)}`,
    ),
    check(`the follow-ups were ${MAX_REMINDERS} self-sends`, selfSends.length === MAX_REMINDERS, `${runs.length} onPaymentFailure invocations, ${selfSends.length} invoked by the object itself`),
    check(
      "a payment stops the reminders: one e-mail, no escalation",
      paidHist.filter((h) => h.kind === "reminder").length === 1 && !paidHist.some((h) => h.kind === "escalation"),
      `ledger for ${paid}: ${paidHist.length} entr(ies)`,
    ),
    // a cancelled scheduled invocation is either gone from Restate's invocation table or completed with the cancellation
    check(
      "the paid invoice's scheduled reminder was cancelled",
      !!success.cancelledReminder && (!cancelled || (cancelled.status === "completed" && !!cancelled.completion_failure)) && paidState.paid === true,
      `${success.cancelledReminder ?? "none"}: ${cancelled ? `${cancelled.status} ${cancelled.completion_failure ?? ""}`.trim() : "no longer in Restate's invocation table"}; state paid=${String(paidState.paid)}`,
    ),
  ];
  return { checks, data: { keyInvocation: first.invocationId, invoices: { ignored, paid }, scaledDayMs: scaledDay, history: hist, cancelledReminder: success.cancelledReminder } };
}
