// Pure logic of the saga: its steps and compensations, the booking input, the trip view. No Restate context here,
// so it is unit-tested directly and shared by the worker and the CLI's checks.
import { InputError, isObject, join, text, section } from "../lib/input.js";

export type SagaStep = "flight" | "car" | "payment";
export const SAGA_STEPS: readonly SagaStep[] = ["flight", "car", "payment"];

/** ctx.run names of the saga: `--crash-after` takes one of these. */
export const SAGA_RUN_STEPS = {
  reserveFlight: "Reserve flight",
  confirmFlight: "Confirm flight",
  cancelFlight: "Cancel flight",
  reserveCar: "Reserve car",
  confirmCar: "Confirm car",
  cancelCar: "Cancel car",
  charge: "Charge payment",
  refund: "Refund payment",
} as const;
export type SagaRunStep = (typeof SAGA_RUN_STEPS)[keyof typeof SAGA_RUN_STEPS];
/** The compensation steps, newest first as a full rollback runs them. */
export const SAGA_COMPENSATION_STEPS: string[] = [SAGA_RUN_STEPS.refund, SAGA_RUN_STEPS.cancelCar, SAGA_RUN_STEPS.cancelFlight];

/** `--crash-after reserve car` → "Reserve car" (case and extra spaces do not matter); undefined when unknown. */
export function sagaStepName(raw: string): string | undefined {
  const want = raw.trim().replace(/\s+/g, " ").toLowerCase();
  return SAGA_RUN_STEP_NAMES.find((n) => n.toLowerCase() === want);
}
/** The simulated systems' names in the ledger. */
export const SAGA_SYSTEMS = { flights: "flights", cars: "car-rentals", payments: "payment-provider" } as const;

export const SAGA_RUN_STEP_NAMES: string[] = Object.values(SAGA_RUN_STEPS);

export interface FlightRequest {
  flightId: string;
  passengerName: string;
}
export interface CarRequest {
  pickupLocation: string;
  rentalDate: string;
}
export interface PaymentInfo {
  cardNumber: string;
  amount: number;
}

/** Failure injection: an optional field the seed's payload does not need. */
export interface SagaSimulation {
  /** this step fails with a terminal error (the saga compensates) */
  fail?: SagaStep;
  /** the retryStep fails this many times with a retryable error before it goes on (Restate retries; nothing is compensated) */
  retryableFailures?: number;
  /** which step the retryable failures hit (default payment, like the seed's flaky payment client) */
  retryStep?: SagaStep;
  /** pick fail/retryableFailures at random (deterministically per invocation, from ctx.rand) */
  chaos?: boolean;
}

export interface BookingRequest {
  flights: FlightRequest;
  car: CarRequest;
  paymentInfo: PaymentInfo;
  simulate?: SagaSimulation;
}

export const MAX_RETRYABLE_FAILURES = 10;

export function parseSimulation(v: unknown, path = "simulate"): SagaSimulation | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw new InputError(path, "is invalid: an object like {\"fail\":\"car\"} is expected");
  const out: SagaSimulation = {};
  if (v.fail !== undefined && v.fail !== null) {
    if (typeof v.fail !== "string" || !SAGA_STEPS.includes(v.fail as SagaStep)) throw new InputError(`${path}.fail`, `is invalid: one of ${SAGA_STEPS.join(", ")} is expected`);
    out.fail = v.fail as SagaStep;
  }
  if (v.retryableFailures !== undefined && v.retryableFailures !== null) {
    const n = v.retryableFailures;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > MAX_RETRYABLE_FAILURES) {
      throw new InputError(`${path}.retryableFailures`, `is invalid: a whole number from 0 to ${MAX_RETRYABLE_FAILURES} is expected`);
    }
    out.retryableFailures = n;
  }
  if (v.retryStep !== undefined && v.retryStep !== null) {
    if (typeof v.retryStep !== "string" || !SAGA_STEPS.includes(v.retryStep as SagaStep)) throw new InputError(`${path}.retryStep`, `is invalid: one of ${SAGA_STEPS.join(", ")} is expected`);
    out.retryStep = v.retryStep as SagaStep;
  }
  if (v.chaos !== undefined && v.chaos !== null) {
    if (typeof v.chaos !== "boolean") throw new InputError(`${path}.chaos`, "is invalid: true or false is expected");
    out.chaos = v.chaos;
  }
  return out;
}

export function parseFlight(v: unknown, path = "flights"): FlightRequest {
  if (!isObject(v)) throw new InputError(path, v === undefined || v === null ? "is missing" : "is invalid: an object is expected");
  return { flightId: text(v, "flightId", path), passengerName: text(v, "passengerName", path) };
}

export function parseCar(v: unknown, path = "car"): CarRequest {
  if (!isObject(v)) throw new InputError(path, v === undefined || v === null ? "is missing" : "is invalid: an object is expected");
  return { pickupLocation: text(v, "pickupLocation", path), rentalDate: text(v, "rentalDate", path) };
}

export function parsePaymentInfo(v: unknown, path = "paymentInfo"): PaymentInfo {
  if (!isObject(v)) throw new InputError(path, v === undefined || v === null ? "is missing" : "is invalid: an object is expected");
  const cardNumber = text(v, "cardNumber", path, 32);
  if (!/^\d{12,19}$/.test(cardNumber)) throw new InputError(join(path, "cardNumber"), "is invalid: 12 to 19 digits are expected");
  const amount = v.amount;
  if (amount === undefined || amount === null) throw new InputError(join(path, "amount"), "is missing");
  if (typeof amount !== "number" || !Number.isFinite(amount) || amount <= 0 || amount > 1e9) throw new InputError(join(path, "amount"), "is invalid: a positive number is expected");
  return { cardNumber, amount };
}

export function parseBooking(input: unknown): BookingRequest {
  if (input === undefined || input === null) throw new InputError("input", "is missing: {flights, car, paymentInfo} is expected");
  if (!isObject(input)) throw new InputError("input", "is invalid: an object {flights, car, paymentInfo} is expected");
  const flights = parseFlight(section(input, "flights"));
  const car = parseCar(section(input, "car"));
  const paymentInfo = parsePaymentInfo(section(input, "paymentInfo"));
  const simulate = parseSimulation(input.simulate);
  return { flights, car, paymentInfo, ...(simulate ? { simulate } : {}) };
}

/** The seed's payload (TypeScript seed, Sagas section). */
export const SEED_BOOKING: BookingRequest = {
  flights: { flightId: "12345", passengerName: "John Doe" },
  car: { pickupLocation: "Airport", rentalDate: "2024-12-16" },
  paymentInfo: { cardNumber: "4111111111111111", amount: 1500 },
};

/** Chaos: turn two random numbers into a failure plan (the workflow draws them from ctx.rand). */
export function chaosPlan(r1: number, r2: number): SagaSimulation {
  const options: (SagaStep | undefined)[] = [undefined, undefined, "flight", "car", "payment"];
  const fail = options[Math.min(options.length - 1, Math.floor(r1 * options.length))];
  const retryableFailures = Math.min(3, Math.floor(r2 * 4));
  return { ...(fail ? { fail } : {}), retryableFailures, retryStep: "payment" };
}

export type SagaLogKind = "step" | "compensation";
export interface SagaLogEntry {
  kind: SagaLogKind;
  /** the step, as people read it (the ctx.run names): "Reserve flight", "Cancel car"… */
  step: string;
  outcome: "ok" | "failed";
  /** booking or payment id the step acted on */
  ref?: string;
  error?: string;
}

export type TripStatus = "RUNNING" | "CONFIRMED" | "COMPENSATING" | "ROLLED_BACK";

export interface TripView {
  tripId: string;
  status: TripStatus | null;
  log: SagaLogEntry[];
  simulation?: SagaSimulation | null;
}

/** The compensations a saga must run for a terminal failure at `failedAt`, in the order they must run. */
export function expectedCompensations(failedAt: SagaStep | undefined): string[] {
  switch (failedAt) {
    case undefined:
    case "flight":
      return [];
    case "car":
      return [SAGA_RUN_STEPS.cancelFlight];
    case "payment":
      return [...SAGA_COMPENSATION_STEPS];
  }
}
