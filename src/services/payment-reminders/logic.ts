// Pure decisions of the payment reminders (no SDK imports), shared by the handler, the CLI and the unit tests.

/** How many reminder e-mails go out before the invoice is escalated to support (the seeds' number). */
export const MAX_REMINDERS = 3;

export interface NextReminder {
  /** the delayed self-send that will deliver the next onPaymentFailure */
  invocationId: string;
  /** what it will do when it fires: reminder n, or the escalation */
  action: "reminder" | "escalation";
  /** reminder number it will send (MAX_REMINDERS + 1 means "escalate") */
  number: number;
  /** epoch ms when the timer fires */
  dueAt: number;
  /** real delay used (scaled) and the seed's nominal delay */
  delayMs: number;
  nominalMs: number;
}

export interface TrackerState {
  paid?: boolean;
  reminders_count?: number;
  escalated?: boolean;
  next_reminder?: NextReminder;
}

export type FailureDecision =
  | { kind: "ignore-paid" }
  | { kind: "ignore-escalated" }
  /** an outside failure event while a reminder is already on the schedule: one reminder chain per invoice */
  | { kind: "already-scheduled"; next: NextReminder }
  | { kind: "remind"; number: number }
  | { kind: "escalate" };

/** A stored reminder whose due time passed this long ago without firing was lost (e.g. cancelled by hand). */
export const STALE_REMINDER_GRACE_MS = 60_000;

/**
 * What onPaymentFailure does, given the invoice's state, the id of the invocation running it and the current time.
 * The scheduled self-send is recognised by its invocation id; any other failure event is an outside one.
 */
export function decideOnFailure(state: TrackerState, invocationId: string, now: number): FailureDecision {
  if (state.paid) return { kind: "ignore-paid" };
  if (state.escalated) return { kind: "ignore-escalated" };
  const next = state.next_reminder;
  const isScheduledOne = next?.invocationId === invocationId;
  if (next && !isScheduledOne && now < next.dueAt + STALE_REMINDER_GRACE_MS) return { kind: "already-scheduled", next };
  const count = state.reminders_count ?? 0;
  if (count < MAX_REMINDERS) return { kind: "remind", number: count + 1 };
  return { kind: "escalate" };
}

/**
 * Restate's timer and the handler's own record of it (the time it read with ctx.date.now() plus its delay) differ by the
 * few ms between that read and the send; more than this is a disagreement the CLI shows.
 */
export const DUE_TOLERANCE_MS = 1_000;

/** Restate's due time minus the handler's intended one, when they disagree by more than DUE_TOLERANCE_MS. */
export function dueMismatchMs(restateDueAt: number, intendedDueAt: number): number | undefined {
  const d = restateDueAt - intendedDueAt;
  return Math.abs(d) > DUE_TOLERANCE_MS ? d : undefined;
}

// ---- fan-out ----

// ---- input validation (the handler turns a message into a TerminalError 400) ----
