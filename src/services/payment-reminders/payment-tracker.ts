// Scheduling tasks (payment reminders): PaymentTracker/{invoice}. A failed payment sends a reminder e-mail and
// schedules onPaymentFailure again one (scaled) day later with a delayed self-send — a durable timer that does not
// hold the object's lock while it waits. After three reminders the invoice is escalated to support; a success
// marks it paid and cancels the pending reminder. Driven by `patterns reminders fail|pay|show <invoice>`.
import * as restate from "@restatedev/restate-sdk";
import { recordEffect, simLog } from "../lib/simulated.js";
import { DAY, scaled } from "../lib/time.js";
import { validInput } from "../lib/schema.js";
import { PaymentTrackerEventSchema } from "./schema.js";
import { decideOnFailure, MAX_REMINDERS, type NextReminder, type TrackerState } from "./logic.js";
import { PAYMENT_TRACKER, type PaymentTrackerEvent } from "./api.js";

export type FailureOutcome =
  | "reminded"
  | "escalated"
  /** the invoice is paid: nothing to do (also what a late self-send does) */
  | "ignored-paid"
  | "ignored-escalated"
  /** an outside failure while a reminder is already scheduled: one reminder chain per invoice */
  | "already-scheduled";

export interface FailureResult {
  invoice: string;
  outcome: FailureOutcome;
  remindersCount: number;
  nextReminder?: NextReminder;
}

export interface SuccessResult {
  invoice: string;
  paid: true;
  remindersCount: number;
  /** the scheduled reminder this success cancelled, if one was pending */
  cancelledReminder?: string;
}

type TrackerContext = restate.ObjectContext<TrackerState & { customer: string; last_event_id: string }>;

/** Both handlers take the seeds' event, checked by its schema before the handler runs. */
const eventInput = { input: validInput(PaymentTrackerEventSchema) } as const;

async function onPaymentFailure(ctx: TrackerContext, event: PaymentTrackerEvent): Promise<FailureResult> {
  const invoice = ctx.key;
  const state: TrackerState = {
    paid: (await ctx.get("paid")) ?? undefined,
    reminders_count: (await ctx.get("reminders_count")) ?? undefined,
    escalated: (await ctx.get("escalated")) ?? undefined,
    next_reminder: (await ctx.get("next_reminder")) ?? undefined,
  };
  const me = String(ctx.request().id);
  const now = await ctx.date.now();
  const decision = decideOnFailure(state, me, now);
  const count = state.reminders_count ?? 0;
  // the scheduled self-send has fired: it is no longer "next"
  if (state.next_reminder?.invocationId === me) ctx.clear("next_reminder");

  switch (decision.kind) {
    case "ignore-paid":
      ctx.console.info(`invoice ${invoice} is paid: no reminder`);
      return { invoice, outcome: "ignored-paid", remindersCount: count };
    case "ignore-escalated":
      ctx.console.info(`invoice ${invoice} was already escalated to support`);
      return { invoice, outcome: "ignored-escalated", remindersCount: count };
    case "already-scheduled":
      ctx.console.info(`invoice ${invoice}: reminder ${decision.next.number} is already scheduled (${decision.next.invocationId})`);
      return { invoice, outcome: "already-scheduled", remindersCount: count, nextReminder: decision.next };
    case "escalate": {
      await ctx.run("escalate to support", () => {
        simLog("support", `Escalating invoice ${invoice} (event ${event.data.id}, customer ${event.data.customer}) to the support team after ${count} reminders`);
        recordEffect("support", "escalate-invoice", invoice, { eventId: event.data.id, customer: event.data.customer, reminders: count });
      });
      ctx.set("escalated", true);
      return { invoice, outcome: "escalated", remindersCount: count };
    }
    case "remind": {
      const n = decision.number;
      await ctx.run("send reminder email", () => {
        simLog("email", `Sending reminder email #${n} for invoice ${invoice} to ${event.data.customer} (event ${event.data.id})`);
        recordEffect("email", "payment-reminder", invoice, { number: n, eventId: event.data.id, customer: event.data.customer });
      });
      ctx.set("reminders_count", n);
      ctx.set("customer", event.data.customer);
      ctx.set("last_event_id", event.data.id);

      // call ourselves again in one (scaled) day; the timer lives in Restate, not in this process
      const delayMs = scaled(DAY);
      const handle = ctx.objectSendClient(PaymentTrackerRef, invoice).onPaymentFailure(event, restate.rpc.sendOpts({ delay: delayMs, name: "schedule next reminder" }));
      const invocationId = String(await handle.invocationId);
      const next: NextReminder = {
        invocationId,
        action: n < MAX_REMINDERS ? "reminder" : "escalation",
        number: n + 1,
        dueAt: now + delayMs,
        delayMs,
        nominalMs: DAY,
      };
      ctx.set("next_reminder", next);
      return { invoice, outcome: "reminded", remindersCount: n, nextReminder: next };
    }
  }
}

async function onPaymentSuccess(ctx: TrackerContext): Promise<SuccessResult> {
  ctx.set("paid", true);
  const next = await ctx.get("next_reminder");
  let cancelledReminder: string | undefined;
  if (next) {
    // the scheduled self-send would return at once anyway (paid); cancelling it keeps the schedule clean
    ctx.invocation(restate.InvocationIdParser.fromString(next.invocationId)).cancel();
    ctx.clear("next_reminder");
    cancelledReminder = next.invocationId;
  }
  const remindersCount = (await ctx.get("reminders_count")) ?? 0;
  ctx.console.info(`invoice ${ctx.key} paid${cancelledReminder ? `; cancelled scheduled reminder ${cancelledReminder}` : ""}`);
  return { invoice: ctx.key, paid: true, remindersCount, cancelledReminder };
}

export const paymentTracker = restate.object({
  name: PAYMENT_TRACKER,
  description: "Payment reminders: three reminder e-mails one (scaled) day apart, then escalation; a success stops them",
  // handler names are the contract in payment-tracker-api.ts (ON_PAYMENT_FAILURE, ON_PAYMENT_SUCCESS)
  // the Go seed's curls spell them OnPaymentFailure / OnPaymentSuccess: the same handlers under those names too
  handlers: {
    onPaymentFailure: restate.handlers.object.exclusive(eventInput, onPaymentFailure),
    onPaymentSuccess: restate.handlers.object.exclusive(eventInput, onPaymentSuccess),
    OnPaymentFailure: restate.handlers.object.exclusive(eventInput, onPaymentFailure),
    OnPaymentSuccess: restate.handlers.object.exclusive(eventInput, onPaymentSuccess),
  },
});

export type PaymentTrackerObject = typeof paymentTracker;
const PaymentTrackerRef: PaymentTrackerObject = { name: PAYMENT_TRACKER };
