// `patterns reminders fail|pay|show <invoice>`: payment reminders on durable timers.
import { UsageError } from "../../errors.js";
import { scaleDuration } from "../../runtime/config.js";
import { DAY } from "../../services/lib/time.js";
import { humanDuration } from "../../ui/output.js";
import { c, sym } from "../../ui/palette.js";
import { ON_PAYMENT_FAILURE, ON_PAYMENT_SUCCESS, PAYMENT_TRACKER } from "../../services/payment-reminders/api.js";
import type { FailureResult, SuccessResult } from "../../services/payment-reminders/payment-tracker.js";
import { makeEvent, pendingQuery, scheduledNext, sendFailure, sendSuccess, showInvoice, trackerPath, validateInvoice, waitSettled, type HistoryItem, type InvoiceView, type NextView } from "./run.js";
import { invocationsSql, stateSql } from "../../observe/sql.js";
import { verb, verbGroup, type Declaration, type VerbContext } from "../verb.js";

const clock = (iso: string) => iso.slice(11, 23);

/** the seeds' nominal waits read as they were written: "1 day", not "1 d 0 h" */
export function nominalDuration(ms: number): string {
  if (ms > 0 && ms % DAY === 0) return ms === DAY ? "1 day" : `${ms / DAY} days`;
  return humanDuration(ms);
}

/** a whole UTC time, for due times a day or more away */
const stamp = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 23)} UTC`;
const dueIn = (ms: number) => (ms >= 0 ? `due in ${humanDuration(ms)}` : `due ${humanDuration(-ms)} ago`);

/** The next reminder, one fact a line (each under 64 columns, so 80 with the 16-column label): Restate's timer first. */
function describeNext(n: NextView, timeScale: number): string[] {
  const what = n.action === "escalation" ? "escalation to support" : `reminder #${n.number}`;
  const lines: string[] = [];
  if (n.dueAt && n.dueInMs !== undefined) {
    lines.push(`${what} ${dueIn(n.dueInMs)} ${c.dim("(Restate's timer)")}`);
    lines.push(`at ${stamp(n.dueAt)}${n.timerMs !== undefined ? c.dim(`, a ${humanDuration(n.timerMs)} timer`) : ""}`);
  } else {
    lines.push(`${what}: ${c.warn("Restate holds no timer for it")}`);
  }
  lines.push(`${c.id(n.invocationId)} ${c.dim(`(${n.status} in Restate)`)}`);
  // the handler's own record is shown only when it tells something: it disagrees, or it is all there is
  if (n.intended && (n.mismatchMs !== undefined || n.dueFrom === "none")) {
    const by = n.mismatchMs === undefined ? "" : ` (${humanDuration(Math.abs(n.mismatchMs))} ${n.mismatchMs < 0 ? "later" : "earlier"})`;
    lines.push(`${sym.warn} ${c.warn(`the handler's state disagrees: ${dueIn(n.intended.dueInMs)}${by}`)}`);
    lines.push(`  at ${stamp(n.intended.dueAt)}; Restate's timer is what fires`);
  }
  lines.push(c.dim(`${nominalDuration(n.nominalMs)} nominal = ${humanDuration(n.scaledMs)} real at time scale ${timeScale}`));
  return lines;
}

/** lines under a label: the first beside it, the rest indented to line up */
function labelled(label: string, lines: string[], width: number): string[] {
  return lines.map((l, i) => `${i === 0 ? label.padEnd(width) : " ".repeat(width)}${l}`);
}

function historyLine(h: HistoryItem): string {
  if (h.kind === "escalation") return `  ${c.dim(clock(h.at))}  ${c.warn("escalated to support")}${h.customer ? c.dim(` (customer ${h.customer})`) : ""}`;
  return `  ${c.dim(clock(h.at))}  reminder #${h.number ?? "?"}${h.customer ? ` → ${h.customer}` : ""}${h.eventId ? c.dim(` (event ${h.eventId})`) : ""}`;
}

export function renderInvoice(v: InvoiceView): string[] {
  const yes = (b: boolean) => (b ? c.ok("yes") : "no");
  const lines = [
    `${c.bold("invoice")}         ${c.id(v.invoice)}`,
    ...(v.customer ? [`customer        ${v.customer}`] : []),
    `paid            ${yes(v.paid)}`,
    `reminders sent  ${v.remindersCount} of ${v.maxReminders}`,
    `escalated       ${v.escalated ? c.warn("yes") : "no"}`,
  ];
  if (v.next) {
    lines.push(...labelled("next", describeNext(v.next, v.timeScale), 16));
  } else {
    lines.push(`next            ${c.dim(v.paid ? "nothing scheduled (paid)" : v.escalated ? "nothing scheduled (escalated)" : "nothing scheduled")}`);
  }
  for (const p of v.pending.filter((p) => p.id !== v.next?.invocationId)) {
    lines.push(`also pending    ${c.id(p.id)} ${c.dim(p.status)}`);
    if (p.scheduled_start_at) lines.push(`                ${dueIn(Date.parse(p.scheduled_start_at) - Date.now())} at ${stamp(p.scheduled_start_at)}`);
  }
  lines.push(v.history.length ? "history" : c.dim("history         none yet (no reminder e-mail sent for this invoice)"));
  for (const h of v.history) lines.push(historyLine(h));
  return lines;
}

function renderFailure(r: FailureResult, next: NextView | null, timeScale: number): string[] {
  const nextLine = next ? labelled("next:", describeNext(next, timeScale), 6) : [];
  switch (r.outcome) {
    case "reminded":
      return [`${sym.ok} reminder e-mail #${r.remindersCount} sent for ${c.id(r.invoice)}`, ...nextLine];
    case "escalated":
      return [`${sym.warn} ${c.id(r.invoice)} escalated to support after ${r.remindersCount} reminders`];
    case "ignored-paid":
      return [`${sym.ok} ${c.id(r.invoice)} is paid: no reminder sent`];
    case "ignored-escalated":
      return [`${sym.warn} ${c.id(r.invoice)} was already escalated to support: nothing sent`];
    case "already-scheduled":
      return [`${sym.warn} ${c.id(r.invoice)} already has a reminder on the schedule (one chain per invoice): nothing sent now`, ...nextLine];
  }
}

const INVOICE_ARG = { name: "<invoice>", description: "invoice id (the PaymentTracker key)" };

const reminders = verbGroup({
  path: "reminders",
  group: "patterns",
  summary: "payment reminders: three reminder e-mails one (scaled) day apart, then escalation; a payment stops them",
  examples: [
    "npx patterns reminders fail invoice123",
    "npx patterns reminders fail invoice123 --customer cus_42 --wait",
    "npx patterns reminders show invoice123",
    "npx patterns reminders pay invoice123 --json",
  ],
});

const remindersFail = verb({
  path: "reminders fail",
  summary: "a failed payment: send reminder #1 now and schedule the next one a (scaled) day later",
  args: [INVOICE_ARG],
  options: [
    { flags: "--customer <id>", description: "customer the e-mails go to" },
    { flags: "--event-id <id>", description: "the payment provider's event id (default: a random evt_…)" },
    { flags: "--wait", description: "stay until the invoice is escalated or paid, printing each reminder as it is sent" },
  ],
  examples: ["npx patterns reminders fail invoice123", "npx patterns reminders fail invoice123 --wait", "npx patterns reminders fail inv-7 --customer cus_42 --json"],
  async run(ctx: VerbContext<{ customer?: string; eventId?: string; wait?: boolean }>, invoiceArg: string) {
    const o = ctx.opts;
    const invoice = validateInvoice(invoiceArg);
    if (o.customer !== undefined && o.customer.trim() === "") throw new UsageError("--customer is empty", "for example --customer cus_42");
    const stack = ctx.stack();
    const event = makeEvent("failed", { customer: o.customer, eventId: o.eventId });
    const result = await sendFailure(stack, invoice, event);
    // the due time shown is Restate's timer, read back from its invocation table, not the handler's own record
    const next = await scheduledNext(stack, result);
    ctx.equivalent({ url: `${stack.ingressUrl}${trackerPath(invoice, ON_PAYMENT_FAILURE)}`, body: event });
    let settled: InvoiceView | undefined;
    if (o.wait) {
      for (const l of renderFailure(result, next, stack.state.timeScale)) ctx.say(l);
      const spin = ctx.spinner(`waiting for the reminders of ${invoice} (1 day nominal = ${humanDuration(scaleDuration(DAY, stack.state.timeScale))} real here)`);
      settled = await waitSettled(stack, invoice, { onProgress: (h) => ctx.say(historyLine(h)) });
      spin.succeed(settled.escalated ? `${invoice} escalated after ${settled.remindersCount} reminders` : `${invoice} paid after ${settled.remindersCount} reminders`);
    }
    return { invoice, event, result, next, ...(settled ? { settled } : {}) };
  },
  render: (d, ctx) => (d.settled ? renderInvoice(d.settled) : renderFailure(d.result, d.next, ctx.stack().state.timeScale)),
});

const remindersPay = verb({
  path: "reminders pay",
  summary: "a successful payment: mark the invoice paid and cancel the scheduled reminder",
  args: [INVOICE_ARG],
  options: [
    { flags: "--customer <id>", description: "customer in the event" },
    { flags: "--event-id <id>", description: "the payment provider's event id (default: a random evt_…)" },
  ],
  examples: ["npx patterns reminders pay invoice123", "npx patterns reminders pay invoice123 --json"],
  async run(ctx: VerbContext<{ customer?: string; eventId?: string }>, invoiceArg: string) {
    const o = ctx.opts;
    const invoice = validateInvoice(invoiceArg);
    const stack = ctx.stack();
    const event = makeEvent("succeeded", { customer: o.customer, eventId: o.eventId });
    const result: SuccessResult & { invocationId?: string } = await sendSuccess(stack, invoice, event);
    ctx.equivalent({ url: `${stack.ingressUrl}${trackerPath(invoice, ON_PAYMENT_SUCCESS)}`, body: event });
    return { invoice, event, result };
  },
  render: (r) => [
    `${sym.ok} ${c.id(r.invoice)} paid ${c.dim(`(after ${r.result.remindersCount} reminder${r.result.remindersCount === 1 ? "" : "s"})`)}`,
    r.result.cancelledReminder
      ? `${sym.ok} cancelled the scheduled reminder ${c.id(r.result.cancelledReminder)}: no more e-mails`
      : c.dim("no reminder was scheduled; later failure events are ignored"),
  ],
});

const remindersShow = verb({
  path: "reminders show",
  summary: "the invoice's state, its next scheduled reminder (due time, nominal and scaled) and the e-mails sent",
  args: [INVOICE_ARG],
  examples: ["npx patterns reminders show invoice123", "npx patterns reminders show invoice123 --json"],
  async run(ctx, invoiceArg: string) {
    const invoice = validateInvoice(invoiceArg);
    const stack = ctx.stack();
    const view = await showInvoice(stack, invoice);
    ctx.equivalent([
      { url: `${stack.admin.url}/query`, body: { query: stateSql(PAYMENT_TRACKER, invoice) } },
      { url: `${stack.admin.url}/query`, body: { query: invocationsSql(pendingQuery(invoice), ["id", "status", "created_at", "scheduled_at", "scheduled_start_at"]) } },
    ]);
    return view;
  },
  render: renderInvoice,
});

export const declarations: Declaration[] = [reminders, remindersFail, remindersPay, remindersShow];
