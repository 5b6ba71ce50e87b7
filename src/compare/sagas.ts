// sagas without Restate: the trip booking's own step functions (src/services/sagas/booking.ts) called from an ordinary
// async function, killed right after the charge. Nothing remembers how far it got, so nothing is confirmed or undone,
// and the user's retry books a second flight and car and charges again.
import { randomUUID } from "node:crypto";
import * as restate from "@restatedev/restate-sdk";
import { carRentalsApi, flightsApi, paymentProvider } from "../services/sagas/booking.js";
import { SAGA_RUN_STEPS, SAGA_SYSTEMS, SEED_BOOKING } from "../services/sagas/model.js";
import { compareKey, times, type Comparison, type RunFacts, type Verdict } from "./types.js";
import { bookingWorkflowApi } from "../services/sagas/api.js";

const short = (id: string) => id.slice(0, 8);

/** The trip's ledger, read as bookings: per system, the ids reserved, confirmed, cancelled, charged, refunded. */
export function sagaVerdict(facts: Pick<RunFacts, "entries" | "key">): Verdict {
  const mine = facts.entries.filter((e) => (e.detail as { tripId?: string } | undefined)?.tripId === facts.key);
  const ids = (system: string, action: string) => [...new Set(mine.filter((e) => e.system === system && e.action === action).map((e) => e.key))];
  const flights = { reserved: ids(SAGA_SYSTEMS.flights, "reserve"), confirmed: ids(SAGA_SYSTEMS.flights, "confirm"), cancelled: ids(SAGA_SYSTEMS.flights, "cancel") };
  const cars = { reserved: ids(SAGA_SYSTEMS.cars, "reserve"), confirmed: ids(SAGA_SYSTEMS.cars, "confirm"), cancelled: ids(SAGA_SYSTEMS.cars, "cancel") };
  const charged = ids(SAGA_SYSTEMS.payments, "charge");
  const refunded = ids(SAGA_SYSTEMS.payments, "refund");
  const amount = (id: string) => (mine.find((e) => e.key === id && e.action === "charge")?.detail as { amount?: number } | undefined)?.amount;

  const effects = [
    times(flights.reserved.length, "flight reserved"),
    times(cars.reserved.length, "car reserved"),
    times(charged.length, "payment charged"),
    times(flights.confirmed.length, "flight confirmed"),
    times(cars.confirmed.length, "car confirmed"),
  ].filter((l) => !l.startsWith("0 ×"));
  const compensations = [
    ...refunded.map((id) => `payment ${short(id)} refunded`),
    ...cars.cancelled.map((id) => `car ${short(id)} cancelled`),
    ...flights.cancelled.map((id) => `flight ${short(id)} cancelled`),
  ];

  const open = (kind: string, b: typeof flights) =>
    b.reserved.filter((id) => !b.confirmed.includes(id) && !b.cancelled.includes(id)).map((id) => `${kind} ${short(id)} reserved, neither confirmed nor cancelled`);
  const held = (b: typeof flights) => b.confirmed.filter((id) => !b.cancelled.includes(id));
  const unrefunded = charged.filter((id) => !refunded.includes(id));
  const booked = held(flights).length >= 1 && held(cars).length >= 1;
  const leftBehind = [...open("flight", flights), ...open("car", cars)];
  if (booked) {
    // the booking that stands is the latest one (ledger order); any earlier one is extra
    held(flights)
      .slice(0, -1)
      .forEach((id) => leftBehind.push(`flight ${short(id)} confirmed too: a second flight for the same trip`));
    held(cars)
      .slice(0, -1)
      .forEach((id) => leftBehind.push(`car ${short(id)} confirmed too: a second car for the same trip`));
    unrefunded.slice(0, -1).forEach((id) => leftBehind.push(`payment ${short(id)} charged ${amount(id) ?? "?"} and never refunded: the trip is paid ${unrefunded.length} times`));
  } else {
    unrefunded.forEach((id) => leftBehind.push(`payment ${short(id)} charged ${amount(id) ?? "?"}, never refunded, for a trip that was not booked`));
    [...held(flights).map((id) => `flight ${short(id)}`), ...held(cars).map((id) => `car ${short(id)}`)].forEach((b) => leftBehind.push(`${b} confirmed for a trip that was not booked`));
  }
  const rolledBack = !booked && flights.reserved.length + cars.reserved.length + charged.length > 0;
  const finalState = booked
    ? `trip booked: ${times(held(flights).length, "flight")} and ${times(held(cars).length, "car")} confirmed, ${times(unrefunded.length, "charge")} kept`
    : rolledBack && leftBehind.length === 0
      ? "trip rolled back: every reservation cancelled, every charge refunded"
      : mine.length === 0
        ? "nothing happened"
        : "trip neither booked nor rolled back";
  const exactlyOnce = flights.reserved.length <= 1 && cars.reserved.length <= 1 && charged.length <= 1;
  const consistent = leftBehind.length === 0 && exactlyOnce && (booked || rolledBack);
  const why = consistent
    ? booked
      ? "each step's effect happened once: the steps done before the crash were replayed from the journal, not run again, and the saga went on to confirm"
      : "every effect that happened was undone, once"
    : `${leftBehind.length} effect(s) left behind${exactlyOnce ? "" : `; the trip was booked ${Math.max(flights.reserved.length, cars.reserved.length, charged.length)} times over`}: no journal recorded how far the first run got, so nothing resumed it and nothing undid it`;
  return { consistent, why, effects, compensations, finalState, leftBehind };
}

export const sagas: Comparison = {
  pattern: "sagas",
  scenario: "book a trip (flight, car, payment; the seed's payload) and kill the process right after the payment is charged",
  crash: { step: SAGA_RUN_STEPS.charge, when: "after" },
  invariant: "the trip ends booked (one flight, one car, one charge) or rolled back (everything undone); nothing is left half-done or done twice",
  retry: "the same booking started again from the top, as a user retrying by hand would",
  key: () => compareKey("trip"),

  async withRestate(io) {
    return [await io.send(`BookingWorkflow/${io.key}/run`, (ingress) => ingress.workflowClient(bookingWorkflowApi, io.key).workflowSubmit(SEED_BOOKING))];
  },

  // The workflow's shape, without Restate: the same step bodies, the same undo list, ids drawn fresh (no journal).
  async plain(io) {
    const tripId = io.key;
    const undo: { step: string; run: () => Promise<void> }[] = [];
    try {
      const flightId = randomUUID();
      await io.step(SAGA_RUN_STEPS.reserveFlight, () => flightsApi.reserve(flightId, { ...SEED_BOOKING.flights }, tripId, {}));
      undo.push({ step: SAGA_RUN_STEPS.cancelFlight, run: () => flightsApi.cancel(flightId, tripId) });
      const carId = randomUUID();
      await io.step(SAGA_RUN_STEPS.reserveCar, () => carRentalsApi.reserve(carId, { ...SEED_BOOKING.car }, tripId, {}));
      undo.push({ step: SAGA_RUN_STEPS.cancelCar, run: () => carRentalsApi.cancel(carId, tripId) });
      const paymentId = randomUUID();
      undo.push({ step: SAGA_RUN_STEPS.refund, run: () => paymentProvider.refund(paymentId, tripId) });
      await io.step(SAGA_RUN_STEPS.charge, () => paymentProvider.charge(paymentId, SEED_BOOKING.paymentInfo, tripId, {}));
      await io.step(SAGA_RUN_STEPS.confirmFlight, () => flightsApi.confirm(flightId, tripId));
      await io.step(SAGA_RUN_STEPS.confirmCar, () => carRentalsApi.confirm(carId, tripId));
      io.answer(tripId, true, { status: "CONFIRMED" });
    } catch (e) {
      if (!(e instanceof restate.TerminalError)) throw e;
      for (const u of [...undo].reverse()) await io.step(u.step, u.run);
      io.answer(tripId, false, { status: "ROLLED_BACK", error: e.message });
    }
  },

  verdict: sagaVerdict,
};
