// The sagas scenario (its demo and tour): run for real through the same runners as the verbs, with run-unique
// keys; the checks come from Restate's records (src/observe), object state and the simulated-systems ledger.
import type { LedgerEntry } from "../../services/lib/simulated.js";
import { SAGA_COMPENSATION_STEPS, SAGA_RUN_STEPS, SAGA_SYSTEMS, expectedCompensations, type SagaStep } from "../../services/sagas/model.js";
import { bookTrip, type BookResult } from "./run.js";
import { suffix } from "../lib/calls.js";
import { check, type Check, type DemoContext, type DemoResult } from "../../tours/types.js";
import { appearsOnce, journalChecks, ranAfterRestart, type JournalClaim } from "../../tours/claims.js";
import { crashArmedAt } from "../../tours/scenario.js";

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

/**
 * What the tour says about the rolled-back trip's journal (the workflow and the calls it made): each compensation
 * is there once with a body that ran once; after a crash right after "Refund payment", the cancels ran after the
 * restart. The same sentences are printed and checked.
 */
export function rollbackClaims(invocationId: string | undefined, fail: SagaStep, crashedAfterRefund: boolean): JournalClaim[] {
  const claims = expectedCompensations(fail).map((step) => appearsOnce(invocationId, step, `${fail} refused: "${step}" appears once in the journal, its body ran once`));
  if (crashedAfterRefund) {
    for (const step of [SAGA_RUN_STEPS.cancelCar, SAGA_RUN_STEPS.cancelFlight]) {
      claims.push(ranAfterRestart(invocationId, step, `${fail} refused: "${step}" ran after the worker restarted, once`));
    }
  }
  return claims;
}

export async function demo(ctx: DemoContext): Promise<DemoResult> {
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
      say(
        `  ${s.label}: ${tripId} ${r.outcome}${
          r.trip.log.some((e) => e.kind === "compensation")
            ? `, undone: ${r.trip.log
                .filter((e) => e.kind === "compensation")
                .map((e) => e.step)
                .join(" → ")}`
            : ""
        }`,
      );
      return { s, r };
    }),
  );
  const checks: Check[] = [];
  for (const { s, r } of results) {
    if (s.retryableFailures) {
      const retries = r.effects.filter((e) => e.action === "unavailable").length;
      const comps = ledgerCompensations(r.effects);
      checks.push(
        check(
          `${s.label}: retried, booked, nothing compensated`,
          r.outcome === "booked" && comps.length === 0 && retries === s.retryableFailures,
          `${retries} retryable failure(s) in the ledger, outcome ${r.outcome}, ${comps.length} compensation(s)`,
        ),
      );
      const charges = r.effects.filter((e) => e.system === SAGA_SYSTEMS.payments && e.action === "charge").length;
      checks.push(check(`${s.label}: charged exactly once`, charges === 1, `${charges} charge(s) in the ledger`));
    } else checks.push(...sagaChecks(r, s.fail, s.label));
  }
  const declined = results.find((x) => x.s.fail === "payment")!.r;
  const claims = results.filter(({ s }) => s.fail).flatMap(({ s, r }) => rollbackClaims(r.invocationId, s.fail!, s.fail === "payment" && crashArmedAt(ctx, SAGA_RUN_STEPS.refund)));
  for (const cl of claims) say(`  journal: ${cl.says}`);
  checks.push(...(await journalChecks(stack, claims)));
  return {
    checks,
    data: {
      keyInvocation: declined.invocationId,
      trips: Object.fromEntries(results.map(({ s, r }) => [s.label, { tripId: r.tripId, outcome: r.outcome, invocationId: r.invocationId, compensations: ledgerCompensations(r.effects) }])),
    },
  };
}
