// Patterns of the "orchestration" group (see src/services/orchestration/): sagas, stateful actors and the payment
// state machine. Each demo runs for real on run-unique keys; its checks come from the simulated systems' ledger,
// Restate's journal and invocation table (through src/observe) and the objects' state.
import { eventually, invocations, stateRows as objectStateRows } from "../observe/index.js";
import type { RunningStack } from "../runtime/stack.js";
import type { LedgerEntry } from "../services/lib/simulated.js";
import { MACHINE_RUN_STEPS, SAGA_COMPENSATION_STEPS, SAGA_RUN_STEPS, SAGA_SYSTEMS, expectedCompensations, paymentMessages, INITIAL_BALANCE_CENTS, type SagaStep } from "../services/orchestration/model.js";
import { bookTrip, type BookResult } from "../commands/orchestration/saga.js";
import { machineAction, machineStorm } from "../commands/orchestration/machine.js";
import { accountSettled, balanceOf, paymentStorm, paymentView } from "../commands/orchestration/payment.js";
import { callOk, path, suffix } from "../commands/orchestration/shared.js";
import { check, type Check, type PatternEntry } from "./types.js";

// ------------------------------------------------------------------------------------------------- sagas

const COMPENSATION_OF: Record<string, { system: string; action: string }> = {
  [SAGA_RUN_STEPS.refund]: { system: SAGA_SYSTEMS.payments, action: "refund" },
  [SAGA_RUN_STEPS.cancelCar]: { system: SAGA_SYSTEMS.cars, action: "cancel" },
  [SAGA_RUN_STEPS.cancelFlight]: { system: SAGA_SYSTEMS.flights, action: "cancel" },
};

/** The compensations a trip committed, in the order the simulated systems saw them (ledger). */
export function ledgerCompensations(effects: LedgerEntry[]): string[] {
  const out: string[] = [];
  for (const e of effects) {
    const step = Object.entries(COMPENSATION_OF).find(([, v]) => v.system === e.system && v.action === e.action)?.[0];
    if (step) out.push(step);
  }
  return out;
}

/** Checks for one booking: ledger (exactly once, reverse order, same ids) and journal (reverse order). */
export function sagaChecks(r: BookResult, fail: SagaStep | undefined, label: string): Check[] {
  const checks: Check[] = [];
  const want = expectedCompensations(fail);
  const seen = ledgerCompensations(r.effects);
  const outcomeOk = fail ? r.outcome === "rolled-back" && r.trip.status === "ROLLED_BACK" : r.outcome === "booked" && r.trip.status === "CONFIRMED";
  checks.push(check(`${label}: ${fail ? "rolled back" : "booked"}`, outcomeOk, `${r.tripId}: HTTP ${r.httpStatus}, workflow state ${r.trip.status ?? "none"}`));
  const same = seen.length === want.length && seen.every((s, i) => s === want[i]);
  checks.push(
    check(
      want.length ? `${label}: each compensation exactly once, newest first` : `${label}: nothing compensated`,
      same,
      `ledger: ${seen.length ? seen.join(" → ") : "no cancel/refund"}${same ? "" : `; expected ${want.length ? want.join(" → ") : "none"}`}`,
    ),
  );
  // the compensations undo exactly what was done: the same booking and payment ids
  if (want.length) {
    const done = new Map(r.effects.filter((e) => e.action === "reserve" || e.action === "refuse" || e.action === "charge").map((e) => [`${e.system}:${e.key}`, true]));
    const undone = r.effects.filter((e) => e.action === "cancel" || e.action === "refund");
    const matched = undone.every((e) => done.has(`${e.system}:${e.key}`));
    checks.push(check(`${label}: the undo actions hit the ids of the done steps`, matched, `${undone.length} undo action(s) for ${done.size} reservation/charge id(s)`));
    const journalComps = r.journal.filter((j) => SAGA_COMPENSATION_STEPS.includes(j.step)).map((j) => j.step);
    const inJournal = journalComps.length === want.length && journalComps.every((s, i) => s === want[i]);
    checks.push(check(`${label}: the journal shows the same reverse order`, inJournal, `sys_journal of ${r.invocationId ?? "?"}: ${journalComps.join(" → ") || "none"}`));
  }
  return checks;
}

const sagas: PatternEntry = {
  name: "sagas",
  title: "Sagas: book a trip, or undo it",
  category: "orchestration",
  summary: "a trip booking (flight, car, payment) that, when a step fails for good, undoes the done steps newest first, each exactly once",
  guarantee:
    "The workflow keeps a list of undo actions as it goes: a reservation's cancel once the reservation exists, and the payment's " +
    "refund before the charge, under the same payment id. On a terminal error it runs that list backwards. Every step and every undo " +
    "is journaled, so a worker killed in the middle of the rollback resumes it where it stopped: finished undo actions are replayed " +
    "from the journal, not run again, and the simulated APIs are idempotent by booking/payment id for the one case a body could " +
    "run twice. Retryable errors are simply retried; they never trigger compensation.",
  services: ["BookingWorkflow", "Flights", "CarRentals"],
  verbs: ["saga book", "saga book --fail payment", 'saga book --fail payment --crash-after "Refund payment"', "saga show <trip>"],
  tour: {
    crash: { step: SAGA_RUN_STEPS.refund, when: "after" },
    look: [
      `in the rolled-back trip, "${SAGA_RUN_STEPS.refund}" ran in the killed worker; "${SAGA_RUN_STEPS.cancelCar}" and "${SAGA_RUN_STEPS.cancelFlight}" ran after the restart, and each appears once in the ledger`,
      "npx patterns saga show <trip> for the steps and the compensations, newest first",
      "npx patterns timeline <the workflow's invocation id> to see which steps were replayed from the journal",
    ],
  },
  async demo(ctx) {
    const { stack, say } = ctx;
    const run = suffix();
    const scenarios: { label: string; fail?: SagaStep; retryableFailures?: number }[] = [
      { label: "success" },
      { label: "flight refused", fail: "flight" },
      { label: "car refused", fail: "car" },
      { label: "payment declined", fail: "payment" },
      { label: "flaky payment", retryableFailures: 2 },
    ];
    say(`five bookings at once on trips trip-<scenario>-${run}: success, flight refused, car refused, payment declined, flaky payment (2 retryable failures)`);
    const results = await Promise.all(
      scenarios.map(async (s) => {
        const tripId = `trip-${s.label.split(" ")[0]}-${run}`;
        const r = await bookTrip(stack, { tripId, fail: s.fail, retryableFailures: s.retryableFailures });
        say(`  ${s.label}: ${tripId} ${r.outcome}${r.trip.log.some((e) => e.kind === "compensation") ? `, undone: ${r.trip.log.filter((e) => e.kind === "compensation").map((e) => e.step).join(" → ")}` : ""}`);
        return { s, r };
      }),
    );
    const checks: Check[] = [];
    for (const { s, r } of results) {
      if (s.retryableFailures) {
        const retries = r.effects.filter((e) => e.action === "unavailable").length;
        const comps = ledgerCompensations(r.effects);
        checks.push(check(`${s.label}: retried, booked, nothing compensated`, r.outcome === "booked" && comps.length === 0 && retries === s.retryableFailures, `${retries} retryable failure(s) in the ledger, outcome ${r.outcome}, ${comps.length} compensation(s)`));
        const charges = r.effects.filter((e) => e.system === SAGA_SYSTEMS.payments && e.action === "charge").length;
        checks.push(check(`${s.label}: charged exactly once`, charges === 1, `${charges} charge(s) in the ledger`));
      } else checks.push(...sagaChecks(r, s.fail, s.label));
    }
    const declined = results.find((x) => x.s.fail === "payment")!.r;
    return {
      checks,
      data: {
        keyInvocation: declined.invocationId,
        trips: Object.fromEntries(results.map(({ s, r }) => [s.label, { tripId: r.tripId, outcome: r.outcome, invocationId: r.invocationId, compensations: ledgerCompensations(r.effects) }])),
      },
    };
  },
};

// ------------------------------------------------------------------------------------------------- stateful actors

const statefulActors: PatternEntry = {
  name: "stateful-actors",
  title: "Stateful actors: a machine operator",
  category: "orchestration",
  summary: "machineOperator/{id} moves UP and DOWN; concurrent requests queue per machine, machines work in parallel, a failed transition resumes",
  guarantee:
    "A Virtual Object runs one exclusive handler per key at a time, in the order the requests arrived; other keys are not held up. " +
    "A transition is durable: its first step is journaled, the 5 s move is a durable timer, so a failure or a crash in the middle " +
    "retries the transition from the journal instead of starting it over, and the queued requests simply wait their turn.",
  services: ["machineOperator"],
  verbs: ["machine setup <id>", "machine teardown <id> --fail-once", "machine storm", "machine show <id>"],
  // the storm's requests race (like the seed's backgrounded curls), so a DOWN transition may not happen at all; every
  // run completes at least three UP transitions, and crashing after the last step leaves the injected failure's retry
  // (counted by the demo) already reported
  tour: { crash: { step: MACHINE_RUN_STEPS.completeUp, when: "after" }, look: ["the storm's lanes: per machine one bar at a time, machines side by side", "npx patterns invocations --service machineOperator"] },
  async demo(ctx) {
    const { stack, say } = ctx;
    const run = suffix();
    const flaky = `m-${run}`;
    say(`the seed's five requests on machines a-${run} and b-${run}, and setUp of ${flaky} with one injected failure`);
    const [storm, failed] = await Promise.all([machineStorm(stack, { prefix: run }), machineAction(stack, flaky, "setUp", { failOnce: true })]);
    for (const r of storm.requests) say(`  #${r.arrival + 1} ${r.key}/${r.action}: ${r.message ?? r.error}`);
    const checks = [...storm.checks];
    checks.push(check("an injected failure mid-transition was retried, not redone", failed.retries >= 1 && failed.beginRuns === 1 && failed.status === "UP", `${failed.retries} transient error(s) in sys_journal_events; first step ran ${failed.beginRuns}× (ledger); status ${failed.status}`));
    return { checks, data: { machines: storm.keys, flaky, keyInvocation: failed.invocationId, requests: storm.requests } };
  },
};

// ------------------------------------------------------------------------------------------------- payment state machine

async function settledMessage(stack: RunningStack, id: string, op: "makePayment" | "cancelPayment", body?: unknown): Promise<string> {
  return (await callOk<string>(stack, path("payments", id, op), body, `${op} of ${id}`)).body;
}

const paymentStateMachine: PatternEntry = {
  name: "payment-state-machine",
  title: "Payment state machine",
  category: "orchestration",
  summary: "payments/{token} pays once, refunds on cancel, refuses after a cancel that came first, forgets the token on a durable timer; a storm stays consistent",
  guarantee:
    "Each payment token is a Virtual Object, so all requests for it are linearized: whatever the interleaving of concurrent makes " +
    "and cancels, the outcome is that of running them one at a time. The withdrawal is a call to the account object and the refund a " +
    "one-way message, both durable; the token's expiry is a delayed message Restate keeps on its timer.",
  services: ["payments", "accounts"],
  verbs: ["payment make <id>", "payment cancel <id>", "payment show <id>", "payment storm"],
  tour: { look: ["npx patterns payment show <id> --account <account>", "npx patterns state payments <id>"] },
  async demo(ctx) {
    const { stack, say } = ctx;
    const run = suffix();
    const checks: Check[] = [];

    // 1. pay, pay again, cancel (refund), pay after the cancel
    const p1 = `pay-${run}`;
    const a1 = `acct-${run}`;
    const body = { accountId: a1, amount: 100 };
    say(`pay, pay again, cancel, pay again on ${p1} (account ${a1})`);
    const answers1 = [await settledMessage(stack, p1, "makePayment", body), await settledMessage(stack, p1, "makePayment", body), await settledMessage(stack, p1, "cancelPayment"), await settledMessage(stack, p1, "makePayment", body)];
    const want1 = [paymentMessages.successful(p1, true), paymentMessages.previouslyCompleted(p1), paymentMessages.cancelledRefunded(p1, 100, a1), paymentMessages.cancelledBefore(p1)];
    await accountSettled(stack, a1);
    const bal1 = await balanceOf(stack, a1);
    checks.push(check("pay → pay again → cancel → pay: the right answers", answers1.every((m, i) => m === want1[i]), answers1.join(" | ")));
    checks.push(check("charged once, refunded once", bal1 === INITIAL_BALANCE_CENTS, `account ${a1}: ${bal1} (started at ${INITIAL_BALANCE_CENTS})`));

    // 2. a cancel that overtakes the payment sticks
    const p2 = `pay-${run}-early`;
    const a2 = `acct-${run}-early`;
    say(`cancel before pay on ${p2}`);
    const answers2 = [await settledMessage(stack, p2, "cancelPayment"), await settledMessage(stack, p2, "makePayment", { accountId: a2, amount: 100 })];
    const bal2 = await balanceOf(stack, a2);
    checks.push(
      check("a cancel that arrives first sticks", answers2[0] === paymentMessages.cancelledUnpaid(p2) && answers2[1] === paymentMessages.cancelledBefore(p2) && bal2 === INITIAL_BALANCE_CENTS, `${answers2.join(" | ")}; balance ${bal2}`),
    );

    // 3. the token expires on a durable timer (a short lifetime asked for, so the demo need not wait the scaled hour)
    const p3 = `pay-${run}-exp`;
    say(`pay on ${p3} with a 1 s token, then wait for expireToken`);
    await settledMessage(stack, p3, "makePayment", { accountId: `acct-${run}-exp`, amount: 100, expireAfterMs: 1000 });
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
    checks.push(
      check("the token expired on a durable timer", expired.length === 1 && expired[0]!.invoked_by === "service" && stateRows.length === 0 && view3.status === "NEW", `${expired.length} expireToken invocation(s) sent by the object; ${stateRows.length} state entries left`),
    );

    // 4. a storm of concurrent makes and cancels on one token
    say("storm: 12 makes and 4 cancels on one token, at once");
    const storm = await paymentStorm(stack, { makes: 12, cancels: 4, amount: 100 });
    say(`  ${storm.paymentId}: ${storm.answers.made} paid, ${storm.answers.refunded} refunded; end ${storm.final.status}, balance ${storm.final.balance}`);
    checks.push(...storm.checks.map((x) => ({ ...x, name: `storm: ${x.name}` })));
    return { checks, data: { payments: [p1, p2, p3, storm.paymentId], storm: { paymentId: storm.paymentId, accountId: storm.accountId, answers: storm.answers, final: storm.final } } };
  },
};

export const patterns: PatternEntry[] = [sagas, statefulActors, paymentStateMachine];
