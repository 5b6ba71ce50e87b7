// Pure logic of the orchestration patterns, shared by the worker (validation, messages) and the CLI (checks):
// no Restate context here, so it is unit-tested directly.

// ---------------------------------------------------------------------------------------------- validation

/** A handler-input problem: the service turns it into a TerminalError 400 naming the field. */
export class InputError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field} ${message}`);
    this.name = "InputError";
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

function text(obj: Record<string, unknown>, key: string, path: string, max = 200): string {
  const v = obj[key];
  if (v === undefined || v === null || v === "") throw new InputError(join(path, key), "is missing");
  if (typeof v !== "string" || v.length > max) throw new InputError(join(path, key), `is invalid: a string of at most ${max} characters is expected`);
  return v;
}

function section(input: Record<string, unknown>, key: string): Record<string, unknown> {
  const v = input[key];
  if (v === undefined || v === null) throw new InputError(key, "is missing");
  if (!isObject(v)) throw new InputError(key, "is invalid: an object is expected");
  return v;
}

// ---------------------------------------------------------------------------------------------- sagas

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

// ---------------------------------------------------------------------------------------------- stateful actors

export type MachineStatus = "UP" | "DOWN";
export type MachineAction = "setUp" | "tearDown";

export interface MachineOptions {
  /** fail once (retryably) in the middle of the transition, after its first step is journaled */
  failOnce?: boolean;
}

export function parseMachineOptions(v: unknown): MachineOptions {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw new InputError("input", "is invalid: nothing, or an object like {\"failOnce\":true}, is expected");
  if (v.failOnce !== undefined && v.failOnce !== null && typeof v.failOnce !== "boolean") throw new InputError("failOnce", "is invalid: true or false is expected");
  return v.failOnce ? { failOnce: true } : {};
}

export const machineMessages = {
  alreadyUp: (id: string) => `${id} is already up, so nothing to do`,
  nowUp: (id: string) => `${id} is now up`,
  notUp: (id: string) => `${id} is not up, cannot tear down`,
  nowDown: (id: string) => `${id} is now down`,
};

/** The simulated factory's name in the ledger, and the seed's transition time (5 s, time-scaled). */
export const MACHINE_SYSTEM = "factory";
export const MACHINE_TRANSITION_NOMINAL_MS = 5_000;

export const MACHINE_RUN_STEPS = {
  beginUp: "begin transition to UP",
  completeUp: "complete transition to UP",
  beginDown: "begin transition to DOWN",
  completeDown: "complete transition to DOWN",
} as const;
export const MACHINE_RUN_STEP_NAMES: string[] = Object.values(MACHINE_RUN_STEPS);

/** `--crash-after "Begin transition to up"` → "begin transition to UP"; undefined when unknown. */
export function machineStepName(raw: string): string | undefined {
  const want = raw.trim().replace(/\s+/g, " ").toLowerCase();
  return MACHINE_RUN_STEP_NAMES.find((n) => n.toLowerCase() === want);
}

/** One transition of the state machine: the answer and the new status (null = never set). */
export function machineStep(id: string, status: MachineStatus | null, action: MachineAction): { message: string; status: MachineStatus | null; transitioned: boolean } {
  if (action === "setUp") {
    if (status === "UP") return { message: machineMessages.alreadyUp(id), status, transitioned: false };
    return { message: machineMessages.nowUp(id), status: "UP", transitioned: true };
  }
  if (status !== "UP") return { message: machineMessages.notUp(id), status, transitioned: false };
  return { message: machineMessages.nowDown(id), status: "DOWN", transitioned: true };
}

/** Replay actions one at a time, in order: the answers a linearized machine must give. */
export function replayMachine(id: string, actions: MachineAction[], start: MachineStatus | null = null): { messages: string[]; status: MachineStatus | null } {
  let status = start;
  const messages: string[] = [];
  for (const a of actions) {
    const r = machineStep(id, status, a);
    messages.push(r.message);
    status = r.status;
  }
  return { messages, status };
}

/** The seed's five concurrent requests: machine a and machine b. */
export const SEED_STORM: { machine: "a" | "b"; action: MachineAction }[] = [
  { machine: "a", action: "setUp" },
  { machine: "a", action: "tearDown" },
  { machine: "b", action: "setUp" },
  { machine: "b", action: "setUp" },
  { machine: "b", action: "tearDown" },
];

export interface Interval {
  id: string;
  key: string;
  /** when it entered the key's queue (arrival) */
  arrivedAt: number;
  startedAt: number;
  endedAt: number;
}

/** Per key: do the intervals never overlap, and did they start in arrival order? */
export function serialPerKey(intervals: Interval[]): { serial: boolean; inArrivalOrder: boolean; overlaps: string[]; outOfOrder: string[] } {
  const byKey = new Map<string, Interval[]>();
  for (const i of intervals) byKey.set(i.key, [...(byKey.get(i.key) ?? []), i]);
  const overlaps: string[] = [];
  const outOfOrder: string[] = [];
  for (const [key, list] of byKey) {
    const byStart = [...list].sort((a, b) => a.startedAt - b.startedAt || a.arrivedAt - b.arrivedAt);
    for (let k = 1; k < byStart.length; k++) {
      if (byStart[k]!.startedAt < byStart[k - 1]!.endedAt) overlaps.push(`${key}: ${byStart[k - 1]!.id} and ${byStart[k]!.id}`);
    }
    const byArrival = [...list].sort((a, b) => a.arrivedAt - b.arrivedAt);
    if (byArrival.some((x, k) => x.id !== byStart[k]!.id)) outOfOrder.push(key);
  }
  return { serial: overlaps.length === 0, inArrivalOrder: outOfOrder.length === 0, overlaps, outOfOrder };
}

/** Did some interval of key A run at the same time as some interval of key B? */
export function keysOverlap(intervals: Interval[], a: string, b: string): boolean {
  const as = intervals.filter((i) => i.key === a);
  const bs = intervals.filter((i) => i.key === b);
  return as.some((x) => bs.some((y) => x.startedAt < y.endedAt && y.startedAt < x.endedAt));
}

// ---------------------------------------------------------------------------------------------- payment state machine

export type PaymentStatus = "NEW" | "COMPLETED" | "CANCELLED";

/** Every account starts with the same balance, so a storm's outcome is checkable (the example draws it at random). */
export const INITIAL_BALANCE_CENTS = 100_000;

/** The seed's token lifetime (1 h, time-scaled). */
export const PAYMENT_EXPIRY_NOMINAL_MS = 3_600_000;
/** …but never shorter than this: a token must outlive a person typing the next `payment` command. */
export const PAYMENT_EXPIRY_MIN_MS = 30_000;
export const PAYMENT_EXPIRY_MAX_MS = 86_400_000;

/** The token lifetime at a time scale (the worker passes its own scaled() value). */
export function paymentExpiryMs(scaledNominalMs: number): number {
  return Math.max(PAYMENT_EXPIRY_MIN_MS, scaledNominalMs);
}

export interface PaymentRequest {
  accountId: string;
  amount: number;
}

/** makePayment's input: the seed's {accountId, amount}, plus an optional token lifetime (playground extra). */
export interface MakePaymentInput extends PaymentRequest {
  expireAfterMs?: number;
}

export function parseAmount(v: unknown, field = "amount"): number {
  if (v === undefined || v === null) throw new InputError(field, "is missing");
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0 || v > 1e12) throw new InputError(field, "is invalid: a positive whole number of cents is expected");
  return v;
}

export function parsePaymentRequest(v: unknown): MakePaymentInput {
  if (v === undefined || v === null) throw new InputError("input", "is missing: {accountId, amount} is expected");
  if (!isObject(v)) throw new InputError("input", "is invalid: an object {accountId, amount} is expected");
  const accountId = v.accountId;
  if (accountId === undefined || accountId === null || accountId === "") throw new InputError("accountId", "is missing");
  if (typeof accountId !== "string" || accountId.length > 200) throw new InputError("accountId", "is invalid: a string of at most 200 characters is expected");
  const out: MakePaymentInput = { accountId, amount: parseAmount(v.amount) };
  const ttl = v.expireAfterMs;
  if (ttl !== undefined && ttl !== null) {
    if (typeof ttl !== "number" || !Number.isInteger(ttl) || ttl < 1000 || ttl > PAYMENT_EXPIRY_MAX_MS) throw new InputError("expireAfterMs", `is invalid: a whole number of milliseconds from 1000 to ${PAYMENT_EXPIRY_MAX_MS} is expected`);
    out.expireAfterMs = ttl;
  }
  return out;
}

/** The answers, written the right way round (the example returns "was cancelled before" for a repeated payment). */
export const paymentMessages = {
  previouslyCompleted: (id: string) => `${id} previously completed`,
  cancelledBefore: (id: string) => `${id} was cancelled before`,
  successful: (id: string, ok: boolean, reason?: string) => `${id} successful: ${ok}${!ok && reason ? ` (${reason})` : ""}`,
  cancelledUnpaid: (id: string) => `${id} cancelled before it was paid`,
  cancelledRefunded: (id: string, amount: number, accountId: string) => `${id} cancelled: ${amount} refunded to ${accountId}`,
  alreadyCancelled: (id: string) => `${id} was already cancelled, nothing to do`,
};

export type PaymentOp = { op: "make"; accountId: string; amount: number } | { op: "cancel" } | { op: "expire" };

export interface PaymentModel {
  status: PaymentStatus;
  payment: PaymentRequest | null;
  /** balances of the accounts the history touched */
  balances: Record<string, number>;
}

export function newPaymentModel(): PaymentModel {
  return { status: "NEW", payment: null, balances: {} };
}

/** One operation of the payment state machine on the model: the answer it must give (expire answers nothing). */
export function paymentStep(id: string, m: PaymentModel, op: PaymentOp): { model: PaymentModel; message?: string } {
  const balance = (acct: string) => m.balances[acct] ?? INITIAL_BALANCE_CENTS;
  switch (op.op) {
    case "make": {
      if (m.status === "COMPLETED") return { model: m, message: paymentMessages.previouslyCompleted(id) };
      if (m.status === "CANCELLED") return { model: m, message: paymentMessages.cancelledBefore(id) };
      const b = balance(op.accountId);
      if (b < op.amount) return { model: m, message: paymentMessages.successful(id, false, insufficientFunds(b, op.amount)) };
      return {
        model: { status: "COMPLETED", payment: { accountId: op.accountId, amount: op.amount }, balances: { ...m.balances, [op.accountId]: b - op.amount } },
        message: paymentMessages.successful(id, true),
      };
    }
    case "cancel": {
      if (m.status === "CANCELLED") return { model: m, message: paymentMessages.alreadyCancelled(id) };
      if (m.status === "COMPLETED" && m.payment) {
        const { accountId, amount } = m.payment;
        return { model: { ...m, status: "CANCELLED", balances: { ...m.balances, [accountId]: balance(accountId) + amount } }, message: paymentMessages.cancelledRefunded(id, amount, accountId) };
      }
      return { model: { ...m, status: "CANCELLED" }, message: paymentMessages.cancelledUnpaid(id) };
    }
    case "expire":
      return { model: { status: "NEW", payment: null, balances: m.balances } };
  }
}

export function replayPayments(id: string, ops: PaymentOp[], start = newPaymentModel()): { model: PaymentModel; messages: (string | undefined)[] } {
  let model = start;
  const messages: (string | undefined)[] = [];
  for (const op of ops) {
    const r = paymentStep(id, model, op);
    model = r.model;
    messages.push(r.message);
  }
  return { model, messages };
}

export function insufficientFunds(balance: number, amount: number): string {
  return `Insufficient funds: balance ${balance}, requested ${amount}`;
}
