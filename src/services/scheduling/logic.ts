// Pure decisions of the scheduling group (no SDK imports), shared by the handlers, the CLI and the unit tests.

/** The fan-out service's name (here, so the CLI can name it without loading the SDK). */
export const FAN_OUT_WORKER = "FanOutWorker";

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

// ---- fan-out ----

export interface Subtask {
  description: string;
  index: number;
  /** how long the subtask works (a durable sleep), in ms */
  workMs: number;
}

export const MAX_SUBTASKS = 20;

/** Split a task description on commas; blank parts are dropped. */
export function splitDescription(description: string): string[] {
  return description
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Deterministic work time: the i-th subtask works (i mod 4) + 1 seconds, so the seed's four subtasks take 1, 2, 3
 * and 4 s (10 s in a row, about 4 s in parallel). A subtask called on its own (no index) uses its length instead.
 */
export function workMsFor(index: number | undefined, description: string): number {
  const n = index ?? description.length;
  return ((n % 4) + 1) * 1000;
}

/** The plan of a fan-out: deterministic by default; with chaos, random work times from 0.5 to 4.5 s. */
export function planSubtasks(description: string, chaos = false, random: () => number = Math.random): Subtask[] {
  return splitDescription(description).map((d, index) => ({
    description: d,
    index,
    workMs: chaos ? 500 + Math.round(random() * 4000) : workMsFor(index, d),
  }));
}

export function aggregate(results: string[]): string {
  return results.join(", ");
}

// ---- input validation (the handler turns a message into a TerminalError 400) ----

/** undefined when the event has the seeds' shape, else what is wrong, naming the field. */
export function eventProblem(input: unknown): string | undefined {
  if (input === null || typeof input !== "object" || Array.isArray(input)) return "the event is missing: send {type, created, data: {id, customer}}";
  const e = input as Record<string, unknown>;
  if (e.type !== undefined && typeof e.type !== "string") return "type is invalid: expected a string such as \"invoice.payment_failed\"";
  if (e.created !== undefined && typeof e.created !== "number") return "created is invalid: expected a number (seconds since the epoch)";
  if (e.id !== undefined && typeof e.id !== "string") return "id is invalid: expected a string";
  const data = e.data;
  if (data === undefined || data === null) return "data is missing: expected {id, customer}";
  if (typeof data !== "object" || Array.isArray(data)) return "data is invalid: expected {id, customer}";
  const d = data as Record<string, unknown>;
  if (typeof d.id !== "string" || d.id.length === 0) return "data.id is missing or invalid: expected the event id, e.g. \"evt_1JH2Y4F2eZvKYlo2C8b9\"";
  if (typeof d.customer !== "string" || d.customer.length === 0) return "data.customer is missing or invalid: expected a customer id, e.g. \"cus_J5K2Y4F2eZvKYlo2\"";
  return undefined;
}

/** undefined when the fan-out task is valid, else what is wrong. */
export function taskProblem(input: unknown): string | undefined {
  if (input === null || typeof input !== "object" || Array.isArray(input)) return "the task is missing: send {\"description\": \"a,b,c\"}";
  const t = input as Record<string, unknown>;
  if (typeof t.description !== "string") return "description is missing or invalid: expected comma-separated subtasks, e.g. \"get out of bed,shower\"";
  const parts = splitDescription(t.description);
  if (parts.length === 0) return "description is invalid: it holds no subtask (split on commas)";
  if (parts.length > MAX_SUBTASKS) return `description is invalid: ${parts.length} subtasks, at most ${MAX_SUBTASKS}`;
  if (t.chaos !== undefined && typeof t.chaos !== "boolean") return "chaos is invalid: expected true or false";
  return undefined;
}
