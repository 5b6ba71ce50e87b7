// Runners of `patterns reminders fail|pay|show`: events to PaymentTracker/{invoice} through the ingress, and the
// invoice's view from its object state, Restate's invocations (the scheduled self-send) and the simulated e-mail ledger.
import { randomBytes } from "node:crypto";
import { eventually, invocation, invocations, objectState, type InvocationQuery } from "../../observe/index.js";
import { scaleDuration } from "../../runtime/config.js";
import { ingress } from "../../runtime/ingress.js";
import { sendAndAttach } from "../lib/calls.js";
import { ingressPath } from "../../ui/curl.js";
import type { RunningStack } from "../../runtime/stack.js";
import { UsageError } from "../../errors.js";
import { readLedger } from "../../services/lib/simulated.js";
import { DAY } from "../../services/lib/time.js";
import { dueMismatchMs, MAX_REMINDERS, type NextReminder } from "../../services/payment-reminders/logic.js";
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
  /** when Restate's timer fires: the pending invocation's scheduled_start_at; absent when Restate holds no timer for it */
  dueAt?: string;
  dueInMs?: number;
  /** where dueAt comes from: Restate's pending invocation, or nowhere (Restate does not hold it) */
  dueFrom: "restate" | "none";
  /** the length of Restate's timer: scheduled_start_at − created_at of the pending invocation */
  timerMs?: number;
  /** what the handler wrote into its state when it scheduled the reminder (absent when the state does not name it) */
  intended?: { dueAt: string; dueInMs: number; delayMs: number };
  /** Restate's due time minus the handler's intended one, only when they disagree by more than a second */
  mismatchMs?: number;
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

/** Restate's timer of a pending invocation: when it fires and how long it is, from Restate's invocation table. */
function restateTimer(row: PendingRow | undefined): { dueAt: number; timerMs?: number } | undefined {
  const due = row?.scheduled_start_at ? Date.parse(row.scheduled_start_at) : NaN;
  if (Number.isNaN(due)) return undefined;
  const created = row?.created_at ? Date.parse(row.created_at) : NaN;
  return { dueAt: due, timerMs: Number.isNaN(created) ? undefined : due - created };
}

/**
 * The next reminder as Restate holds it: the due time is the pending invocation's scheduled start, never the handler's
 * own record, which is kept beside it (intended) with the disagreement when there is one.
 */
export function nextView(stored: NextReminder | undefined, row: PendingRow | undefined, remindersCount: number, scaledDay: number, now: number): NextView | null {
  const id = stored?.invocationId ?? row?.id;
  if (!id) return null;
  const timer = restateTimer(row);
  const count = remindersCount;
  return {
    invocationId: id,
    action: stored?.action ?? (count < MAX_REMINDERS ? "reminder" : "escalation"),
    number: stored?.number ?? count + 1,
    status: row?.status ?? "gone",
    dueAt: timer ? new Date(timer.dueAt).toISOString() : undefined,
    dueInMs: timer ? timer.dueAt - now : undefined,
    dueFrom: timer ? "restate" : "none",
    timerMs: timer?.timerMs,
    intended: stored ? { dueAt: new Date(stored.dueAt).toISOString(), dueInMs: stored.dueAt - now, delayMs: stored.delayMs } : undefined,
    mismatchMs: timer && stored ? dueMismatchMs(timer.dueAt, stored.dueAt) : undefined,
    nominalMs: stored?.nominalMs ?? DAY,
    scaledMs: stored?.delayMs ?? scaledDay,
  };
}

/** The reminder a failure scheduled, as Restate holds it (its row in Restate's invocation table), beside what the handler returned. */
export async function scheduledNext(stack: RunningStack, result: FailureResult, now = Date.now()): Promise<NextView | null> {
  const stored = result.nextReminder;
  if (!stored) return null;
  const r = await invocation(stack.admin, stored.invocationId);
  const row: PendingRow | undefined = r && { id: r.id, status: r.status, invoked_by: r.invoked_by, created_at: r.created_at, scheduled_start_at: r.scheduled_start_at };
  return nextView(stored, row, result.remindersCount, scaleDuration(DAY, stack.state.timeScale), now);
}

export async function showInvoice(stack: RunningStack, invoice: string, now = Date.now()): Promise<InvoiceView> {
  const [state, pending] = await Promise.all([readTrackerState(stack, invoice), pendingOf(stack, invoice)]);
  const timeScale = stack.state.timeScale;
  const scaledDay = scaleDuration(DAY, timeScale);
  const stored = state.next_reminder as NextReminder | undefined;
  const remindersCount = Number(state.reminders_count ?? 0);
  // the row Restate holds for the reminder the state names; without one named, the self-send Restate has anyway
  // (e.g. state written by an older version)
  const row = stored ? pending.find((p) => p.id === stored.invocationId) : pending[0];
  return {
    invoice,
    paid: state.paid === true,
    remindersCount,
    maxReminders: MAX_REMINDERS,
    escalated: state.escalated === true,
    customer: typeof state.customer === "string" ? state.customer : undefined,
    lastEventId: typeof state.last_event_id === "string" ? state.last_event_id : undefined,
    next: nextView(stored, row, remindersCount, scaledDay, now),
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
