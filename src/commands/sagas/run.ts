// `patterns saga book|show`: run the booking saga through the ingress and report its steps, compensations,
// retries and the simulated systems' effects (the ledger). Also used by `demo sagas`.
import { existsSync, rmSync } from "node:fs";
import { armCrash } from "../../runtime/crash.js";
import { journal } from "../../observe/index.js";
import { calling, failureMessage, httpStatus, ingress } from "../../runtime/ingress.js";
import { BOOKING_WORKFLOW, bookingWorkflowApi } from "../../services/sagas/api.js";
import { readCrashArm } from "../../services/lib/crash.js";
import type { RunningStack } from "../../runtime/stack.js";
import type { LedgerEntry } from "../../services/lib/simulated.js";
import { SAGA_RUN_STEPS, SAGA_SYSTEMS, SEED_BOOKING, type BookingRequest, type SagaSimulation, type SagaStep, type TripView } from "../../services/sagas/model.js";
import { humanDuration, shortId } from "../../ui/output.js";
import { c, sym } from "../../ui/palette.js";
import { ingressPath, type RawCall } from "../../ui/curl.js";
import { detailOf, ledgerWhere, suffix } from "../lib/calls.js";

export interface BookOptions {
  tripId?: string;
  fail?: SagaStep;
  retryableFailures?: number;
  retryStep?: SagaStep;
  crashAfter?: string;
  chaos?: boolean;
}

/** booked: HTTP 200; rolled-back: a terminal failure, compensated; already-ran: the trip id was used before; failed: anything else. */
export type BookingOutcome = "booked" | "rolled-back" | "already-ran" | "failed";

export interface BookResult {
  tripId: string;
  outcome: BookingOutcome;
  httpStatus: number;
  invocationId?: string;
  error?: string;
  result?: unknown;
  request: BookingRequest;
  trip: TripView;
  effects: LedgerEntry[];
  /** retryable failures the simulated systems reported (each one retried by Restate) */
  retries: number;
  elapsedMs: number;
  /** the crash this booking asked for (--crash-after), or one armed before it (kill-worker --at-step) that fired during it */
  crash?: { step: string; fired: boolean; armedBefore?: boolean };
  /** the workflow's steps and compensations in journal order (sys_journal) */
  journal: JournalStep[];
  calls: RawCall[];
}

/** One step of the workflow's journal, as the saga names it: a ctx.run, or a call to Flights/CarRentals. */
export interface JournalStep {
  index: number;
  step: string;
  kind: "run" | "call";
  /** for a run: Success/Failure from its completion notification, when present */
  result?: string;
}

const CALL_STEPS: Record<string, string> = {
  "Flights/reserve": SAGA_RUN_STEPS.reserveFlight,
  "Flights/confirm": SAGA_RUN_STEPS.confirmFlight,
  "Flights/cancel": SAGA_RUN_STEPS.cancelFlight,
  "CarRentals/reserve": SAGA_RUN_STEPS.reserveCar,
  "CarRentals/confirm": SAGA_RUN_STEPS.confirmCar,
  "CarRentals/cancel": SAGA_RUN_STEPS.cancelCar,
};

/** The saga's steps in journal order, from the journal of the BookingWorkflow/run invocation. */
/** The parts of a journal entry's entry_lite_json the saga's step list reads. */
interface LiteEntry {
  Command?: {
    Run?: { name?: string; completion_id?: number };
    Call?: { invocation_target?: { Service?: { name: string; handler: string } } };
  };
  Notification?: { id?: { CompletionId?: number }; result?: unknown };
}

export async function journalSteps(stack: RunningStack, invocationId: string): Promise<JournalStep[]> {
  const rows = await journal(stack.admin, [invocationId], { lite: true });
  const out: JournalStep[] = [];
  const runByCompletion = new Map<number, JournalStep>();
  for (const r of rows) {
    let lite: LiteEntry = {};
    try {
      lite = JSON.parse(r.entry_lite_json ?? "{}");
    } catch {
      /* not JSON */
    }
    if (r.entry_type === "Command: Run") {
      const step: JournalStep = { index: Number(r.index), step: String(r.name ?? lite.Command?.Run?.name ?? "?"), kind: "run" };
      out.push(step);
      const cid = lite.Command?.Run?.completion_id;
      if (typeof cid === "number") runByCompletion.set(cid, step);
    } else if (r.entry_type === "Command: Call") {
      const t = lite.Command?.Call?.invocation_target?.Service;
      const name = t ? CALL_STEPS[`${t.name}/${t.handler}`] : undefined;
      if (name) out.push({ index: Number(r.index), step: name, kind: "call" });
    } else if (r.entry_type === "Notification: Run") {
      const n = lite.Notification;
      const run = typeof n?.id?.CompletionId === "number" ? runByCompletion.get(n.id.CompletionId) : undefined;
      if (run && typeof n?.result === "string") run.result = n.result;
    }
  }
  return out;
}

export function bookingPayload(o: BookOptions): BookingRequest {
  const simulate: SagaSimulation = {};
  if (o.fail) simulate.fail = o.fail;
  if (o.retryableFailures) simulate.retryableFailures = o.retryableFailures;
  if (o.retryStep && o.retryableFailures) simulate.retryStep = o.retryStep;
  if (o.chaos) simulate.chaos = true;
  return Object.keys(simulate).length ? { ...SEED_BOOKING, simulate } : { ...SEED_BOOKING };
}

export async function tripStatus(stack: RunningStack, tripId: string): Promise<TripView> {
  return calling(`reading trip ${tripId}`, () => ingress(stack.ingressUrl).workflowClient(bookingWorkflowApi, tripId).getStatus());
}

/** The simulated systems' effects for one trip, in the order they happened. */
export function tripEffects(stack: RunningStack, tripId: string): LedgerEntry[] {
  return ledgerWhere(stack, (e) => detailOf(e).tripId === tripId);
}

interface RunAnswer {
  status: number;
  invocationId?: string;
  alreadyRan?: boolean;
  result?: unknown;
  error?: string;
}

/**
 * Submit the workflow and wait for its result, as the seed's `curl …/run` does in one request. A trip id whose run was
 * submitted before is not run again: Restate answers "previously accepted" (the plain call's 409).
 */
async function runWorkflow(stack: RunningStack, tripId: string, request: BookingRequest): Promise<RunAnswer> {
  const trip = ingress(stack.ingressUrl).workflowClient(bookingWorkflowApi, tripId);
  const submitted = await calling(`booking trip ${tripId}`, () => trip.workflowSubmit(request));
  if (submitted.status === "PreviouslyAccepted") {
    return { status: 409, invocationId: submitted.invocationId, alreadyRan: true, error: `the workflow ${BOOKING_WORKFLOW}/${tripId} was already invoked: a workflow's run executes once per key` };
  }
  try {
    return { status: 200, invocationId: submitted.invocationId, result: await trip.workflowAttach() };
  } catch (e) {
    const status = httpStatus(e);
    if (status === undefined) throw e;
    return { status, invocationId: submitted.invocationId, error: failureMessage(e) };
  }
}

export async function bookTrip(stack: RunningStack, o: BookOptions): Promise<BookResult> {
  const tripId = o.tripId ?? `trip-${suffix()}`;
  const request = bookingPayload(o);
  // a crash armed earlier (kill-worker --at-step) may fire inside this booking: it is said in the result
  const armedBefore = o.crashAfter ? undefined : readCrashArm(stack.paths.crashArm);
  if (o.crashAfter) armCrash(stack.paths, { step: o.crashAfter, when: "after" });
  const started = Date.now();
  const p = ingressPath(BOOKING_WORKFLOW, tripId, "run");
  let res: RunAnswer;
  let fired: boolean;
  try {
    res = await runWorkflow(stack, tripId, request);
  } finally {
    fired = !!o.crashAfter && !existsSync(stack.paths.crashArm);
    // an arm the scenario never reached must not crash a later, unrelated run
    if (o.crashAfter && readCrashArm(stack.paths.crashArm)?.step === o.crashAfter) rmSync(stack.paths.crashArm, { force: true });
  }
  const elapsedMs = Date.now() - started;
  const trip = await tripStatus(stack, tripId);
  let outcome: BookingOutcome;
  if (res.status === 200) outcome = "booked";
  else if (res.alreadyRan) outcome = "already-ran";
  else if (trip.status === "ROLLED_BACK") outcome = "rolled-back";
  else outcome = "failed";
  const effects = tripEffects(stack, tripId);
  const invocationId = res.invocationId;
  const journal = invocationId ? await journalSteps(stack, invocationId).catch(() => []) : [];
  return {
    tripId,
    outcome,
    httpStatus: res.status,
    invocationId,
    journal,
    error: res.error,
    result: res.result,
    request,
    trip,
    effects,
    retries: effects.filter((e) => e.action === "unavailable").length,
    elapsedMs,
    crash: o.crashAfter ? { step: o.crashAfter, fired } : armedBefore && !existsSync(stack.paths.crashArm) ? { step: armedBefore.step, fired: true, armedBefore: true } : undefined,
    calls: [
      { url: `${stack.ingressUrl}${p}`, body: request },
      { method: "POST", url: `${stack.ingressUrl}${ingressPath(BOOKING_WORKFLOW, tripId, "getStatus")}` },
    ],
  };
}

const short = (id?: string) => (id ? shortId(id, 8) : "");

export function renderTrip(trip: TripView, effects: LedgerEntry[]): string[] {
  const lines: string[] = [];
  const steps = trip.log.filter((e) => e.kind === "step");
  const comps = trip.log.filter((e) => e.kind === "compensation");
  // retryable failures only hit the reserve/charge steps, one system each
  const systemOf: Record<string, string> = { [SAGA_RUN_STEPS.reserveFlight]: SAGA_SYSTEMS.flights, [SAGA_RUN_STEPS.reserveCar]: SAGA_SYSTEMS.cars, [SAGA_RUN_STEPS.charge]: SAGA_SYSTEMS.payments };
  lines.push(c.bold("steps"));
  for (const s of steps) {
    const retried = effects.filter((e) => e.action === "unavailable" && e.system === systemOf[s.step]).length;
    const extra = retried ? c.warn(` (after ${retried} retryable failure${retried > 1 ? "s" : ""}, retried by Restate)`) : "";
    if (s.outcome === "ok") lines.push(`  ${sym.ok} ${s.step.padEnd(15)} ${c.id(short(s.ref))}${extra}`);
    else lines.push(`  ${sym.fail} ${s.step.padEnd(15)} ${c.fail(s.error ?? "failed")}`);
  }
  if (comps.length) {
    lines.push(c.bold("compensations") + c.dim(" (newest first)"));
    for (const s of comps) {
      const eff = effects.find((e) => e.key === s.ref && (e.action === "cancel" || e.action === "refund"));
      const note = eff && eff.action === "refund" && detailOf(eff).charged === false ? c.dim(" (nothing had been charged under this id)") : "";
      lines.push(`  ${c.warn("↺")} ${s.step.padEnd(15)} ${c.id(short(s.ref))}${note}`);
    }
  } else if (trip.status === "CONFIRMED") lines.push(c.dim("compensations  none (nothing failed terminally)"));
  return lines;
}

export function renderBooking(r: BookResult): string[] {
  const sim = r.trip.simulation;
  const plan = sim && Object.keys(sim).length ? c.dim(` (simulated: ${JSON.stringify(sim)})`) : "";
  const lines = [`trip ${c.id(r.tripId)}${plan}`];
  if (r.outcome === "already-ran") {
    lines.push(`${sym.warn} this trip id was booked before (a workflow's run executes once per key); its record:`);
  }
  lines.push(...renderTrip(r.trip, r.effects));
  if (r.crash?.armedBefore)
    lines.push(
      `${sym.warn} the crash armed earlier at step "${r.crash.step}" (kill-worker --at-step) fired during this booking: the worker was killed and restarted, and the saga resumed from its journal`,
    );
  else if (r.crash)
    lines.push(
      r.crash.fired
        ? `${sym.warn} the worker was killed after step "${r.crash.step}" and restarted; the saga resumed from its journal`
        : `${sym.warn} the crash armed after "${r.crash.step}" did not fire (that step did not run)`,
    );
  const verdict: Record<BookingOutcome, string> = {
    booked: c.ok("booked"),
    "rolled-back": c.warn("not booked: rolled back"),
    "already-ran": c.warn(`already ran (${r.trip.status ?? "unknown"})`),
    failed: c.fail(`failed (HTTP ${r.httpStatus})`),
  };
  lines.push(`outcome  ${verdict[r.outcome]} ${c.dim(`in ${humanDuration(r.elapsedMs)}, HTTP ${r.httpStatus}`)}`);
  if (r.error && r.outcome !== "already-ran") lines.push(`         ${c.dim(r.error)}`);
  return lines;
}
