// Pattern 6, sagas: `BookingWorkflow/{tripId}/run` books a flight, a car and a payment; on a terminal failure it
// runs the undo actions it collected, newest first. Two compensation styles, as in the seed:
//  - reserve → confirm/cancel (Flights, CarRentals): the cancel is registered once the reservation returned its id;
//  - one-shot payment with an id: the refund is registered BEFORE the charge, with the same payment id, because a
//    charge can fail after it partly happened; the provider's refund by id is idempotent.
// Retryable failures are retried by Restate and never compensated. Driven by `patterns saga book`.
import * as restate from "@restatedev/restate-sdk";
import { simLog } from "../lib/simulated.js";
import { effect, effectCount } from "../simulations/effects.js";
import { validInput } from "../lib/schema.js";
import { BookingRefSchema, BookingSchema, CarReserveSchema, FlightReserveSchema } from "./schema.js";
import { BOOKING_WORKFLOW } from "./api.js";
import {
  SAGA_RUN_STEPS,
  SAGA_SYSTEMS as SYSTEMS,
  chaosPlan,
  type BookingRequest,
  type PaymentInfo,
  type SagaLogEntry,
  type SagaRunStep,
  type SagaSimulation,
  type SagaStep,
  type TripStatus,
  type TripView,
} from "./model.js";
import { goRunOf } from "../seed-aliases/booking.js";

/** Failure injection for one reservation, passed by the workflow. */
export interface ReservationSimulation {
  fail?: boolean;
  retryableFailures?: number;
}

interface BookingRef {
  bookingId: string;
  tripId?: string;
}

function reservationSim(v: unknown): ReservationSimulation {
  if (v === undefined || v === null || typeof v !== "object") return {};
  const s = v as Record<string, unknown>;
  const n = s.retryableFailures;
  return { fail: s.fail === true, retryableFailures: typeof n === "number" && Number.isInteger(n) && n > 0 ? Math.min(n, 10) : 0 };
}

/**
 * Each simulated API call takes a moment, as a real one would, before it commits its effect. It also gives a crash
 * armed "after" a step (which fires ~300 ms later) a step in flight to interrupt, instead of a saga already done.
 */
export const SIM_API_LATENCY_MS = 400;
const apiLatency = (): Promise<void> => new Promise((r) => setTimeout(r, SIM_API_LATENCY_MS));

/**
 * Commit an effect of an idempotent simulated API: the first call for this key commits it; a repeat (the same
 * step body run again after a crash before its result reached the journal) is recorded as "repeat-<action>" and
 * changes nothing. Returns whether this call was the repeat.
 */
function commitOnce(system: string, action: string, key: string, detail: Record<string, unknown>): boolean {
  const again = effectCount(system, action, key) > 0;
  effect(system, again ? `repeat-${action}` : action, key, detail);
  return again;
}

/** Retryable outages first (counted in the ledger, so they survive a worker restart), then a refusal if asked. */
function injectFailures(system: string, key: string, what: string, sim: ReservationSimulation, tripId: string | undefined, refusal: () => restate.TerminalError): void {
  const wanted = sim.retryableFailures ?? 0;
  const sofar = effectCount(system, "unavailable", key);
  if (sofar < wanted) {
    effect(system, "unavailable", key, { tripId, attempt: sofar + 1, of: wanted });
    simLog(system, `${what}: temporarily unavailable (failure ${sofar + 1} of ${wanted}, retryable)`);
    throw new Error(`[SIMULATED ${system}] temporarily unavailable (failure ${sofar + 1} of ${wanted}); Restate retries this step`);
  }
  if (sim.fail) {
    const err = refusal();
    effect(system, "refuse", key, { tripId, reason: err.message });
    // the line says [SIMULATED system] already; the error's own copy of it is for the caller
    simLog(system, `${what}: ${err.message.replace(`[SIMULATED ${system}] `, "")}`);
    throw err;
  }
}

/** The simulated API of a two-phase booking system: the bodies of its steps, plain functions (no Restate context), so
 *  `compare` can call the very same code outside Restate. Idempotent by booking id. */
export function bookingApi(system: string, noun: string, refusal: (req: Record<string, string>) => string) {
  return {
    async reserve(bookingId: string, req: Record<string, string>, tripId: string | undefined, sim: ReservationSimulation): Promise<void> {
      await apiLatency();
      injectFailures(system, bookingId, `${noun} ${bookingId}`, sim, tripId, () => new restate.TerminalError(`[SIMULATED ${system}] ${refusal(req)}`, { errorCode: 409 }));
      const again = commitOnce(system, "reserve", bookingId, { tripId, ...req });
      simLog(system, `${noun} ${bookingId} reserved${again ? " (already reserved: no-op)" : ""}`);
    },
    async confirm(bookingId: string, tripId: string | undefined): Promise<void> {
      await apiLatency();
      const reserved = effectCount(system, "reserve", bookingId) > 0;
      const again = commitOnce(system, "confirm", bookingId, { tripId, reserved });
      simLog(system, `${noun} ${bookingId} confirmed${reserved ? "" : " (unknown booking)"}${again ? " (already confirmed: no-op)" : ""}`);
    },
    async cancel(bookingId: string, tripId: string | undefined): Promise<void> {
      await apiLatency();
      const reserved = effectCount(system, "reserve", bookingId) > 0;
      const again = commitOnce(system, "cancel", bookingId, { tripId, reserved });
      simLog(system, `${noun} ${bookingId} cancelled${reserved ? "" : " (nothing was reserved)"}${again ? " (already cancelled: no-op)" : ""}`);
    },
  };
}

const flightRefusal = (r: Record<string, string>) => `flight ${r.flightId} is fully booked`;
const carRefusal = (r: Record<string, string>) => `no car available at ${r.pickupLocation} on ${r.rentalDate}`;
export const flightsApi = bookingApi(SYSTEMS.flights, "Flight", flightRefusal);
export const carRentalsApi = bookingApi(SYSTEMS.cars, "Car", carRefusal);

/** A two-phase booking system (flights, car rentals): reserve, then confirm or cancel. Idempotent by booking id. */
function bookingService<N extends string, R extends { tripId?: string; simulate?: unknown }>(
  name: N,
  noun: string,
  steps: { reserve: SagaRunStep; confirm: SagaRunStep; cancel: SagaRunStep },
  reserveInput: restate.Serde<R>,
  api: ReturnType<typeof bookingApi>,
) {
  return restate.service({
    name,
    description: `Simulated ${noun} reservations for the saga (reserve → confirm or cancel)`,
    handlers: {
      reserve: restate.handlers.handler({ input: reserveInput }, async (ctx: restate.Context, input: R): Promise<string> => {
        const { tripId, simulate, ...fields } = input;
        const req = fields as Record<string, string>;
        const sim = reservationSim(simulate);
        // the booking id is drawn from the journal-seeded random source: the same on every retry of this invocation
        const bookingId = ctx.rand.uuidv4();
        // the step's [SIMULATED …] line says what the system did; no second line through ctx.console
        await ctx.run(steps.reserve, () => api.reserve(bookingId, req, tripId, sim));
        return bookingId;
      }),

      confirm: restate.handlers.handler({ input: validInput(BookingRefSchema) }, async (ctx: restate.Context, { bookingId, tripId }: BookingRef): Promise<string> => {
        await ctx.run(steps.confirm, () => api.confirm(bookingId, tripId));
        return bookingId;
      }),

      cancel: restate.handlers.handler({ input: validInput(BookingRefSchema) }, async (ctx: restate.Context, { bookingId, tripId }: BookingRef): Promise<string> => {
        await ctx.run(steps.cancel, () => api.cancel(bookingId, tripId));
        return bookingId;
      }),
    },
  });
}

export const flights = bookingService(
  "Flights",
  "Flight",
  { reserve: SAGA_RUN_STEPS.reserveFlight, confirm: SAGA_RUN_STEPS.confirmFlight, cancel: SAGA_RUN_STEPS.cancelFlight },
  validInput(FlightReserveSchema),
  flightsApi,
);

export const carRentals = bookingService(
  "CarRentals",
  "Car",
  { reserve: SAGA_RUN_STEPS.reserveCar, confirm: SAGA_RUN_STEPS.confirmCar, cancel: SAGA_RUN_STEPS.cancelCar },
  validInput(CarReserveSchema),
  carRentalsApi,
);

/** The in-process payment client of the seed: charge and refund by payment id (both idempotent by that id). */
export const paymentProvider = {
  async charge(paymentId: string, info: PaymentInfo, tripId: string, sim: ReservationSimulation): Promise<void> {
    await apiLatency();
    injectFailures(
      SYSTEMS.payments,
      paymentId,
      `payment ${paymentId}`,
      sim,
      tripId,
      () => new restate.TerminalError(`[SIMULATED ${SYSTEMS.payments}] payment ${paymentId} declined: this payment could not be accepted`, { errorCode: 402 }),
    );
    const again = commitOnce(SYSTEMS.payments, "charge", paymentId, { tripId, amount: info.amount, card: `…${info.cardNumber.slice(-4)}` });
    simLog(SYSTEMS.payments, `payment ${paymentId} charged ${info.amount}${again ? " (already charged: no-op)" : ""}`);
  },
  async refund(paymentId: string, tripId: string): Promise<void> {
    await apiLatency();
    const charged = effectCount(SYSTEMS.payments, "charge", paymentId) > 0;
    const again = commitOnce(SYSTEMS.payments, "refund", paymentId, { tripId, charged });
    const what = charged ? `payment ${paymentId} refunded` : `payment ${paymentId}: nothing was charged under this id, nothing to refund`;
    simLog(SYSTEMS.payments, `${what}${again ? " (already refunded: no-op)" : ""}`);
  },
};

function simFor(step: SagaStep, sim: SagaSimulation): ReservationSimulation {
  const retryStep = sim.retryStep ?? "payment";
  return { fail: sim.fail === step, retryableFailures: retryStep === step ? (sim.retryableFailures ?? 0) : 0 };
}

interface Compensation {
  step: string;
  ref: string;
  run: () => Promise<unknown>;
}

export const bookingWorkflow = restate.workflow({
  name: BOOKING_WORKFLOW,
  description: "Saga: flight + car + payment, compensated in reverse order on a terminal failure",
  handlers: {
    run: restate.handlers.workflow.workflow({ input: validInput(BookingSchema) }, async (ctx: restate.WorkflowContext, req: BookingRequest) => {
      const tripId = ctx.key;
      let sim: SagaSimulation = req.simulate ?? {};
      if (sim.chaos) sim = { ...chaosPlan(ctx.rand.random(), ctx.rand.random()), chaos: true };
      ctx.set("simulation", sim);

      const log: SagaLogEntry[] = [];
      const note = (e: SagaLogEntry) => {
        log.push(e);
        ctx.set("log", log);
      };
      const setStatus = (s: TripStatus) => ctx.set("status", s);
      setStatus("RUNNING");

      const compensations: Compensation[] = [];
      let current: string = SAGA_RUN_STEPS.reserveFlight;
      try {
        const flightBookingId = await ctx.serviceClient(flights).reserve({ ...req.flights, tripId, simulate: simFor("flight", sim) });
        // style 1: the reservation exists now, so its cancel becomes the newest undo action
        compensations.push({ step: SAGA_RUN_STEPS.cancelFlight, ref: flightBookingId, run: () => ctx.serviceClient(flights).cancel({ bookingId: flightBookingId, tripId }) });
        note({ kind: "step", step: current, outcome: "ok", ref: flightBookingId });

        current = SAGA_RUN_STEPS.reserveCar;
        const carBookingId = await ctx.serviceClient(carRentals).reserve({ ...req.car, tripId, simulate: simFor("car", sim) });
        compensations.push({ step: SAGA_RUN_STEPS.cancelCar, ref: carBookingId, run: () => ctx.serviceClient(carRentals).cancel({ bookingId: carBookingId, tripId }) });
        note({ kind: "step", step: current, outcome: "ok", ref: carBookingId });

        // style 2: the refund is registered before the charge, under the id the charge will use
        current = SAGA_RUN_STEPS.charge;
        const paymentId = ctx.rand.uuidv4();
        compensations.push({ step: SAGA_RUN_STEPS.refund, ref: paymentId, run: () => ctx.run(SAGA_RUN_STEPS.refund, () => paymentProvider.refund(paymentId, tripId)) });
        await ctx.run(SAGA_RUN_STEPS.charge, () => paymentProvider.charge(paymentId, req.paymentInfo, tripId, simFor("payment", sim)));
        note({ kind: "step", step: current, outcome: "ok", ref: paymentId });

        current = SAGA_RUN_STEPS.confirmFlight;
        await ctx.serviceClient(flights).confirm({ bookingId: flightBookingId, tripId });
        note({ kind: "step", step: current, outcome: "ok", ref: flightBookingId });
        current = SAGA_RUN_STEPS.confirmCar;
        await ctx.serviceClient(carRentals).confirm({ bookingId: carBookingId, tripId });
        note({ kind: "step", step: current, outcome: "ok", ref: carBookingId });

        setStatus("CONFIRMED");
        ctx.console.info(`trip ${tripId} booked`);
        return { tripId, status: "CONFIRMED" as const, flightBookingId, carBookingId, paymentId };
      } catch (e) {
        // only terminal failures are compensated; anything else is retried by Restate from the journal
        if (!(e instanceof restate.TerminalError)) throw e;
        note({ kind: "step", step: current, outcome: "failed", error: e.message });
        setStatus("COMPENSATING");
        ctx.console.warn(`trip ${tripId}: ${current} failed (${e.message}); running ${compensations.length} compensation(s)`);
        for (const c of [...compensations].reverse()) {
          await c.run();
          note({ kind: "compensation", step: c.step, outcome: "ok", ref: c.ref });
        }
        setStatus("ROLLED_BACK");
        throw new restate.TerminalError(`Failed to book trip ${tripId}: ${e.message}. Ran ${compensations.length} compensation(s).`, { errorCode: e.code });
      }
    }),

    /** the Go seed's spelling, BookingWorkflow/{trip}/Run with its snake_case payload: starts `run` (seed-aliases/) */
    Run: goRunOf(BOOKING_WORKFLOW),

    /** What the saga did so far: status, steps and compensations (readable while it runs and after). */
    getStatus: async (ctx: restate.WorkflowSharedContext): Promise<TripView> => ({
      tripId: ctx.key,
      status: (await ctx.get<TripStatus>("status")) ?? null,
      log: (await ctx.get<SagaLogEntry[]>("log")) ?? [],
      simulation: (await ctx.get<SagaSimulation>("simulation")) ?? null,
    }),
  },
});
