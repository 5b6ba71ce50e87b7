// The timeline's data: raw rows as Restate's SQL returns them (NULL columns absent), the worker's step log, and
// the joined model the renderer and --json print. A Snapshot is everything needed to build a timeline offline,
// which is also the format of the recorded test fixtures.
import type { StepLogLine } from "../services/lib/steplog.js";

export type { StepLogLine };

export type { InvocationRow, JournalRow, JournalEventRow } from "./sql.js";
import type { InvocationRow, JournalRow, JournalEventRow } from "./sql.js";

/** A process event of the stack, read from the supervisor's log: a component died or came back. */
export interface ComponentEvent {
  component: "restate" | "broker" | "worker";
  kind: "exit" | "back";
  pid?: number;
  at: string;
  detail?: string;
}

export interface Snapshot {
  /** when the rows were read; offsets of unfinished invocations run up to here */
  takenAt: string;
  invocations: InvocationRow[];
  journal: JournalRow[];
  events: JournalEventRow[];
  steps: StepLogLine[];
  components: ComponentEvent[];
  /** invocations restarted as new from the ones in the snapshot (id → the id it was restarted from) */
  restarts?: { id: string; restarted_from: string }[];
  /** where the Restate UI is (admin URL + /ui), to link each invocation to its page there */
  uiBase?: string;
}

// ---- the model ------------------------------------------------------------------------------------------------

export type EntryKind = "input" | "output" | "run" | "sleep" | "call" | "send" | "get-state" | "set-state" | "clear-state" | "state-keys" | "promise" | "awakeable" | "signal" | "attach" | "other";

/** One execution of a ctx.run body, from the step log. */
export interface BodyRun {
  /** the invocation's attempt number (1-based, in time order) */
  attempt: number;
  pid: number;
  startedAt: string;
  endedAt?: string;
  /** ok/error: the body returned/threw; interrupted: the worker died inside it; running: still going */
  outcome: "ok" | "error" | "interrupted" | "running";
  error?: string;
  /** this execution's result is the one in the journal */
  journaled: boolean;
}

/**
 * What happened to a ctx.run body across attempts:
 * - live: it ran once, in the attempt that journaled it, and no later attempt needed it
 * - replayed: it ran once and later attempts took its result from the journal without running it
 * - ran-again: it ran more than once because an earlier run's result never reached the journal (crash: at-least-once)
 * - retried: earlier runs threw and were retried (a normal retry, not a lost result)
 * - running: its body is executing now; pending: waiting for the journal
 * - unknown: no step-log lines for this invocation (another state dir, or the log was removed)
 */
export type RunVerdict = "live" | "replayed" | "ran-again" | "retried" | "running" | "pending" | "unknown";

export interface RunExecution {
  verdict: RunVerdict;
  bodyRuns: BodyRun[];
  /** attempts that replayed the journaled result instead of running the body */
  replayedIn: number[];
  /** one sentence for people */
  summary: string;
}

export interface TimelineEntry {
  /** journal index of the command (or of a notification that has no command) */
  index: number;
  kind: EntryKind;
  /** run/sleep/promise name, state key, or awakeable id */
  name?: string;
  at: string;
  offsetMs: number;
  completedAt?: string;
  durationMs?: number;
  /** not completed yet (a sleep that has not fired, a call that has not returned) */
  pending: boolean;
  /** call/send/attach target, "Service/handler" or "Object/key/handler" */
  target?: string;
  /** the invocation a call/send started */
  childId?: string;
  /** sleeps: when it is due; sends: when a delayed send starts */
  dueAt?: string;
  /** sleeps: how late the invocation went on after dueAt (ms): the later of the timer firing and the continuation
   *  running (a timer that fires while the worker is down is late by the downtime) */
  lateMs?: number;
  /** sleeps: how late the timer itself fired (notification appended) after dueAt */
  firedLateMs?: number;
  /** sleeps: when the code after the sleep ran (next attempt, step body or journal entry) */
  resumedAt?: string;
  /** sleeps that went on late: why ("the worker was down", "restate-server was down") */
  lateBecause?: string;
  /** awakeables (and other waits without a command of their own): when the wait began (the previous journal
   *  activity) — durationMs is then the time waited */
  waitFrom?: string;
  /** ctx.run: the journaled body execution's own work (step log), without any downtime before it */
  workStartedAt?: string;
  workMs?: number;
  /** short value: run/call result, state value, input or output */
  value?: string;
  failure?: { code?: number; message: string };
  execution?: RunExecution;
}

export type MarkerKind = "scheduled" | "queued" | "started" | "attempt" | "transient-error" | "paused" | "worker-exit" | "worker-back" | "restate-exit" | "restate-back" | "last-failure" | "completed";

export interface TimelineMarker {
  kind: MarkerKind;
  at: string;
  offsetMs: number;
  /** after which journal entry it happened (sys_journal_events) */
  afterIndex?: number;
  text: string;
  /** error details (transient errors, last failure) */
  code?: number;
  docCode?: string;
  message?: string;
  step?: string;
  /** attempts: number, pid, why it started, and the backoff gap since the previous failure */
  attempt?: number;
  pid?: number;
  cause?: AttemptCause;
  gapMs?: number;
  /** attempts after a crash: how long after the component came back this attempt started */
  sinceBackMs?: number;
  /** waiting markers (queued, scheduled): when the wait ended (running_at) and how long it was */
  until?: string;
  durationMs?: number;
  /** waiting markers: still waiting when the rows were read (durationMs is the wait so far) */
  ongoing?: boolean;
  /** worker-back / restate-back: how long the component was down */
  downMs?: number;
}

export type AttemptCause = "first" | "retry" | "crash-restart" | "resume";

export interface Attempt {
  n: number;
  pid: number;
  startedAt: string;
  offsetMs: number;
  cause: AttemptCause;
}

export interface InvocationInfo {
  id: string;
  target: string;
  service: string;
  key?: string;
  handler: string;
  status: string;
  invokedBy?: string;
  parentId?: string;
  parentTarget?: string;
  createdAt: string;
  /** when it first ran (after a queue or a delay) */
  runningAt?: string;
  completedAt?: string;
  /** created → completed, or → now while unfinished */
  durationMs: number;
  /** scheduled and not started yet: when it is due */
  dueAt?: string;
  result?: "success" | "failure";
  failure?: string;
  /** attempts that followed a failure (crash or error), from the step log and the journal events */
  retries: number;
  attempts: number;
  /** ctx.run, sleep, call… entries (commands other than input/output) */
  steps: number;
  lastFailure?: { message: string; code?: string; step?: string; at?: string; nextRetryAt?: string };
  /** made by restart-as-new from this invocation; `copiedUpTo` is the last journal index it copied (answered from the
   *  journal, not run again) */
  restartedFrom?: { id: string; copiedUpTo?: number };
  /** invocations restarted as new from this one */
  restartedAs?: string[];
  /** this invocation's page in the Restate UI */
  uiUrl?: string;
}

export interface Timeline {
  invocation: InvocationInfo;
  entries: TimelineEntry[];
  markers: TimelineMarker[];
  attempts: Attempt[];
  /** invocations this one called or sent to, as their own timelines */
  children: Timeline[];
  /** the step log had lines for this invocation */
  stepLog: boolean;
}
