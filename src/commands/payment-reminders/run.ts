// Runners of `patterns reminders fail|pay|show`: events to PaymentTracker/{invoice} through the ingress, and the
// invoice's view from its object state, Restate's invocations (the scheduled self-send) and the simulated e-mail ledger.
import { randomBytes } from "node:crypto";
import { eventually, invocations, objectState, type InvocationQuery } from "../../observe/index.js";
import { scaleDuration } from "../../runtime/config.js";
import { ingress } from "../../runtime/ingress.js";
import { sendAndAttach } from "../lib/calls.js";
import { ingressPath } from "../../ui/curl.js";
import type { RunningStack } from "../../runtime/stack.js";
import { UsageError } from "../../errors.js";
import { readLedger } from "../../services/lib/simulated.js";
import { DAY } from "../../services/lib/time.js";
import { MAX_REMINDERS, type NextReminder } from "../../services/payment-reminders/logic.js";
import type { FailureResult, SuccessResult } from "../../services/payment-reminders/payment-tracker.js";
import { ON_PAYMENT_FAILURE, ON_PAYMENT_SUCCESS, PAYMENT_TRACKER, paymentTrackerApi, type PaymentTrackerEvent } from "../../services/payment-reminders/api.js";

export const DEFAULT_CUSTOMER = "cus_J5K2Y4F2eZvKYlo2";

export function validateInvoice(invoice: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/.test(invoice)) throw new UsageError(`invoice "${invoice}" is not a valid id`, "use letters, digits, '.', '_', ':' or '-' (up to 100), e.g. invoice123");
  return invoice;
}

export function randomEventId(): string {
  return `evt_${randomBytes(9).toString("base64url")}`;
}

/** An event in the seeds' shape (Stripe-like). */
export function makeEvent(kind: "failed" | "succeeded", opts: { customer?: string; eventId?: string; now?: number } = {}): PaymentTrackerEvent {
  return {
    type: kind === "failed" ? "invoice.payment_failed" : "invoice.payment_succeeded",
    created: Math.floor((opts.now ?? Date.now()) / 1000),
    data: { id: opts.eventId ?? randomEventId(), customer: opts.customer ?? DEFAULT_CUSTOMER },
  };
}

/** The raw path of a tracker handler, for the "same with curl" lines. */
export function trackerPath(invoice: string, handler: string): string {
  return ingressPath(PAYMENT_TRACKER, invoice, handler);
}

export async function sendFailure(stack: RunningStack, invoice: string, event: PaymentTrackerEvent): Promise<FailureResult & { invocationId?: string }> {
  const tracker = ingress(stack.ingressUrl).objectSendClient(paymentTrackerApi, invoice);
  const res = await sendAndAttach<FailureResult>(stack, `${PAYMENT_TRACKER}/${invoice}/${ON_PAYMENT_FAILURE}`, () => tracker.onPaymentFailure(event));
  return { ...res.body, invocationId: res.invocationId };
}

export async function sendSuccess(stack: RunningStack, invoice: string, event: PaymentTrackerEvent): Promise<SuccessResult & { invocationId?: string }> {
  const tracker = ingress(stack.ingressUrl).objectSendClient(paymentTrackerApi, invoice);
  const res = await sendAndAttach<SuccessResult>(stack, `${PAYMENT_TRACKER}/${invoice}/${ON_PAYMENT_SUCCESS}`, () => tracker.onPaymentSuccess(event));
  return { ...res.body, invocationId: res.invocationId };
}

export interface HistoryItem {
  at: string;
  kind: "reminder" | "escalation";
  number?: number;
  customer?: string;
  eventId?: string;
}

export interface PendingRow {
  id: string;
  status: string;
  invoked_by?: string;
  created_at?: string;
  scheduled_start_at?: string;
}

export interface NextView {
  invocationId: string;
  action: NextReminder["action"];
  number: number;
  /** status in Restate ("scheduled" while the timer runs), or "gone" when Restate no longer has it */
  status: string;
  dueAt?: string;
  dueInMs?: number;
  nominalMs: number;
  scaledMs: number;
}

export interface InvoiceView {
  invoice: string;
  paid: boolean;
  remindersCount: number;
  maxReminders: number;
  escalated: boolean;
  customer?: string;
  lastEventId?: string;
  next: NextView | null;
  /** onPaymentFailure invocations of this invoice that are not completed (the scheduled self-send) */
  pending: PendingRow[];
  /** what the simulated e-mail and support systems did for this invoice */
  history: HistoryItem[];
  timeScale: number;
  day: { nominalMs: number; scaledMs: number };
}

export function invoiceHistory(stateDir: string, invoice: string): HistoryItem[] {
  const out: HistoryItem[] = [];
  for (const e of readLedger(stateDir, { key: invoice })) {
    const d = (e.detail ?? {}) as { number?: number; customer?: string; eventId?: string };
    if (e.system === "email" && e.action === "payment-reminder") out.push({ at: e.at, kind: "reminder", number: d.number, customer: d.customer, eventId: d.eventId });
    else if (e.system === "support" && e.action === "escalate-invoice") out.push({ at: e.at, kind: "escalation", customer: d.customer, eventId: d.eventId });
  }
  return out;
}

export async function readTrackerState(stack: RunningStack, invoice: string): Promise<Record<string, unknown>> {
  return objectState(stack.admin, PAYMENT_TRACKER, invoice);
}

/** The invoice's follow-ups Restate still holds (scheduled self-sends of onPaymentFailure). */
export function pendingQuery(invoice: string): InvocationQuery {
  return { service: PAYMENT_TRACKER, key: invoice, handler: ON_PAYMENT_FAILURE, notCompleted: true, order: "oldest" };
}

async function pendingOf(stack: RunningStack, invoice: string): Promise<PendingRow[]> {
  const rows = await invocations(stack.admin, pendingQuery(invoice));
  return rows.map((r) => ({ id: r.id, status: r.status, invoked_by: r.invoked_by, created_at: r.created_at, scheduled_start_at: r.scheduled_start_at }));
}

export async function showInvoice(stack: RunningStack, invoice: string, now = Date.now()): Promise<InvoiceView> {
  const [state, pending] = await Promise.all([readTrackerState(stack, invoice), pendingOf(stack, invoice)]);
  const timeScale = stack.state.timeScale;
  const scaledDay = scaleDuration(DAY, timeScale);
  const stored = state.next_reminder as NextReminder | undefined;
  let next: NextView | null = null;
  if (stored) {
    const row = pending.find((p) => p.id === stored.invocationId);
    next = {
      invocationId: stored.invocationId,
      action: stored.action,
      number: stored.number,
      status: row?.status ?? "gone",
      dueAt: new Date(stored.dueAt).toISOString(),
      dueInMs: stored.dueAt - now,
      nominalMs: stored.nominalMs,
      scaledMs: stored.delayMs,
    };
  } else if (pending[0]) {
    // a self-send Restate has but the state does not name (e.g. state written by an older version)
    const p = pending[0];
    const due = p.scheduled_start_at ? Date.parse(p.scheduled_start_at) : undefined;
    const count = Number(state.reminders_count ?? 0);
    next = {
      invocationId: p.id,
      action: count < MAX_REMINDERS ? "reminder" : "escalation",
      number: count + 1,
      status: p.status,
      dueAt: due ? new Date(due).toISOString() : undefined,
      dueInMs: due ? due - now : undefined,
      nominalMs: DAY,
      scaledMs: scaledDay,
    };
  }
  return {
    invoice,
    paid: state.paid === true,
    remindersCount: Number(state.reminders_count ?? 0),
    maxReminders: MAX_REMINDERS,
    escalated: state.escalated === true,
    customer: typeof state.customer === "string" ? state.customer : undefined,
    lastEventId: typeof state.last_event_id === "string" ? state.last_event_id : undefined,
    next,
    pending,
    history: invoiceHistory(stack.paths.root, invoice),
    timeScale,
    day: { nominalMs: DAY, scaledMs: scaledDay },
  };
}

/** Poll until the invoice is settled (escalated or paid, nothing scheduled); onProgress sees each new ledger entry. */
export async function waitSettled(stack: RunningStack, invoice: string, opts: { timeoutMs?: number; onProgress?: (item: HistoryItem, view: InvoiceView) => void } = {}): Promise<InvoiceView> {
  const scaledDay = scaleDuration(DAY, stack.state.timeScale);
  const timeoutMs = opts.timeoutMs ?? (MAX_REMINDERS + 1) * scaledDay + 30_000;
  let seen = invoiceHistory(stack.paths.root, invoice).length;
  return eventually(
    `invoice ${invoice} to be paid or escalated`,
    async () => {
      const view = await showInvoice(stack, invoice);
      for (const item of view.history.slice(seen)) opts.onProgress?.(item, view);
      seen = Math.max(seen, view.history.length);
      return (view.escalated || view.paid) && view.pending.length === 0 ? view : undefined;
    },
    { timeoutMs, everyMs: 250 },
  );
}
