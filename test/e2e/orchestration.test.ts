// Orchestration group through the user's doors: `saga`, `machine`, `payment`, the seeds' curls, bad input and the
// demos. Effects are counted in the simulated systems' ledger, orders and timings read from Restate itself.
import { describe, expect, it } from "vitest";
import { inject } from "vitest";
import { ingress, patterns, stack, uniqueKey } from "../helpers.js";
import { readLedger, type LedgerEntry } from "../../src/services/lib/simulated.js";
import { INITIAL_BALANCE_CENTS } from "../../src/services/payment-state-machine/model.js";
import { SEED_BOOKING } from "../../src/services/sagas/model.js";

const LONG = 300_000;
const cli = (args: string[], timeoutMs = 240_000) => patterns(args, { timeoutMs });

interface Booking {
  tripId: string;
  outcome: string;
  httpStatus: number;
  invocationId?: string;
  trip: { status: string; log: { kind: string; step: string; ref?: string }[] };
  journal: { step: string; kind: string }[];
}

function tripLedger(tripId: string): LedgerEntry[] {
  return readLedger(stack().stateDir).filter((e) => (e.detail as { tripId?: string } | undefined)?.tripId === tripId);
}

const UNDO: Record<string, string> = { "payment-provider:refund": "Refund payment", "car-rentals:cancel": "Cancel car", "flights:cancel": "Cancel flight" };
const undone = (effects: LedgerEntry[]) => effects.map((e) => UNDO[`${e.system}:${e.action}`]).filter(Boolean);

async function book(args: string[]): Promise<Booking> {
  const r = await cli(["saga", "book", ...args, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Booking;
}

describe.concurrent("sagas: saga book", () => {
  it(
    "success: every step once, nothing compensated",
    async () => {
      const trip = uniqueKey("trip");
      const b = await book(["--trip", trip]);
      expect(b).toMatchObject({ tripId: trip, outcome: "booked", httpStatus: 200, trip: { status: "CONFIRMED" } });
      const l = tripLedger(trip);
      const count = (system: string, action: string) => l.filter((e) => e.system === system && e.action === action).length;
      expect([count("flights", "reserve"), count("car-rentals", "reserve"), count("payment-provider", "charge"), count("flights", "confirm"), count("car-rentals", "confirm")]).toEqual([
        1, 1, 1, 1, 1,
      ]);
      expect(undone(l)).toEqual([]);
    },
    LONG,
  );

  it.each([
    ["flight", []],
    ["car", ["Cancel flight"]],
    ["payment", ["Refund payment", "Cancel car", "Cancel flight"]],
  ])(
    "--fail %s: compensations in reverse order, each exactly once",
    async (fail, want) => {
      const trip = uniqueKey("trip");
      const b = await book(["--trip", trip, "--fail", fail as string]);
      expect(b).toMatchObject({ outcome: "rolled-back", trip: { status: "ROLLED_BACK" } });
      expect(b.httpStatus).toBeGreaterThanOrEqual(400);
      const l = tripLedger(trip);
      expect(undone(l)).toEqual(want);
      // the journal of the workflow agrees, and so does its own log
      expect(b.journal.map((j) => j.step).filter((s) => (want as string[]).includes(s))).toEqual(want);
      expect(b.trip.log.filter((e) => e.kind === "compensation").map((e) => e.step)).toEqual(want);
      // each undo hits the id of a done step: the refund uses the payment id the charge was tried with
      for (const e of l.filter((x) => UNDO[`${x.system}:${x.action}`])) {
        expect(
          l.some((d) => d.system === e.system && d.key === e.key && ["reserve", "charge", "refuse"].includes(d.action)),
          `${e.system}:${e.action} ${e.key} undoes a done step`,
        ).toBe(true);
      }
    },
    LONG,
  );

  it(
    "--retryable-failures: retried by Restate, booked, nothing compensated, charged once",
    async () => {
      const trip = uniqueKey("trip");
      const b = await book(["--trip", trip, "--retryable-failures", "2"]);
      expect(b.outcome).toBe("booked");
      const l = tripLedger(trip);
      expect(l.filter((e) => e.action === "unavailable")).toHaveLength(2);
      expect(l.filter((e) => e.action === "charge")).toHaveLength(1);
      expect(undone(l)).toEqual([]);
    },
    LONG,
  );

  it(
    "saga show prints the record; a second run of the same trip is reported, not executed again",
    async () => {
      const trip = uniqueKey("trip");
      await book(["--trip", trip, "--fail", "car"]);
      const again = await book(["--trip", trip]);
      expect(again.outcome).toBe("already-ran");
      expect(tripLedger(trip).filter((e) => e.action === "reserve")).toHaveLength(1);
      const show = await cli(["saga", "show", trip]);
      expect(show.code, show.stderr).toBe(0);
      expect(show.stdout).toMatch(/compensations[\s\S]*Cancel flight/);
      expect(show.stderr).toContain(`curl -X POST '${inject("stack").ingressUrl}/BookingWorkflow/${trip}/getStatus'`);
    },
    LONG,
  );
});

describe.concurrent("seed curls (unchanged payloads and paths)", () => {
  it(
    "BookingWorkflow/{trip}/run with the seed's payload",
    async () => {
      const trip = uniqueKey("trip");
      const r = await ingress(`/BookingWorkflow/${trip}/run`, SEED_BOOKING);
      expect(r.status, r.text).toBe(200);
      expect(r.json).toMatchObject({ tripId: trip, status: "CONFIRMED" });
    },
    LONG,
  );

  it(
    "machineOperator/{id}/setUp with an empty JSON body and with no body at all",
    async () => {
      const m = uniqueKey("machine");
      const up = await ingress(`/machineOperator/${m}/setUp`);
      expect(up.status, up.text).toBe(200);
      expect(up.json).toBe(`${m} is now up`);
      // `curl -X POST …/setUp`: no content-type, no body
      const res = await fetch(`${inject("stack").ingressUrl}/machineOperator/${m}/tearDown`, { method: "POST", signal: AbortSignal.timeout(60_000) });
      expect(res.status).toBe(200);
      expect(await res.json()).toBe(`${m} is now down`);
    },
    LONG,
  );

  it(
    "payments/{id}/makePayment and a body-less cancelPayment",
    async () => {
      const id = uniqueKey("pay");
      const acct = uniqueKey("acct");
      const made = await ingress(`/payments/${id}/makePayment`, { accountId: acct, amount: 100 });
      expect(made.json).toBe(`${id} successful: true`);
      const res = await fetch(`${inject("stack").ingressUrl}/payments/${id}/cancelPayment`, { method: "POST", signal: AbortSignal.timeout(60_000) });
      expect(res.status).toBe(200);
      expect(await res.json()).toBe(`${id} cancelled: 100 refunded to ${acct}`);
    },
    LONG,
  );
});

describe.concurrent("stateful actors and the payment state machine", () => {
  it(
    "machine storm: per machine one at a time in arrival order, machines in parallel",
    async () => {
      const r = await cli(["machine", "storm", "--json"]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { passed: boolean; checks: { name: string; ok: boolean; detail: string }[]; requests: { key: string; action: string; message: string }[] };
      expect(out.checks.filter((c) => !c.ok)).toEqual([]);
      expect(out.passed).toBe(true);
      expect(out.checks.map((c) => c.name)).toEqual(
        expect.arrayContaining(["per machine, one transition at a time", "per machine, in arrival order", "different machines ran in parallel", "answers match a one-at-a-time replay"]),
      );
      expect(out.requests.map((x) => x.action)).toEqual(["setUp", "tearDown", "setUp", "setUp", "tearDown"]);
      expect(
        out.requests.filter((x) => !x.message.startsWith(x.key)),
        "answers that do not start with their machine key",
      ).toEqual([]);
    },
    LONG,
  );

  it(
    "machine setup --fail-once: the failure is retried and the done step replayed, not redone",
    async () => {
      const m = uniqueKey("machine");
      const r = await cli(["machine", "setup", m, "--fail-once", "--json"]);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ message: `${m} is now up`, status: "UP", beginRuns: 1 });
      expect(JSON.parse(r.stdout).retries).toBeGreaterThanOrEqual(1);
      const show = await cli(["machine", "show", m, "--json"]);
      expect(JSON.parse(show.stdout)).toEqual({ machine: m, status: "UP" });
    },
    LONG,
  );

  it(
    "payment make / make again / cancel / make after cancel, and show",
    async () => {
      const id = uniqueKey("pay");
      const acct = uniqueKey("acct");
      const run = async (args: string[]) => {
        const r = await cli(["payment", ...args, "--json"]);
        expect(r.code, r.stderr).toBe(0);
        return JSON.parse(r.stdout) as { message: string; payment: { status: string }; account?: { balance: number } };
      };
      // a long-lived token: on a loaded machine a CLI call can take longer than the default (scaled) lifetime
      const first = await run(["make", id, "--account", acct, "--amount", "250", "--expire-after", "10m"]);
      expect(first).toMatchObject({ message: `${id} successful: true`, payment: { status: "COMPLETED" }, account: { balance: INITIAL_BALANCE_CENTS - 250 } });
      // (the repeated makes through the ingress: each CLI start costs a lot on a loaded machine)
      expect((await ingress(`/payments/${id}/makePayment`, { accountId: acct, amount: 250 })).json).toBe(`${id} previously completed`);
      const cancel = await run(["cancel", id]);
      expect(cancel).toMatchObject({ message: `${id} cancelled: 250 refunded to ${acct}`, account: { balance: INITIAL_BALANCE_CENTS } });
      expect((await ingress(`/payments/${id}/makePayment`, { accountId: acct, amount: 250 })).json).toBe(`${id} was cancelled before`);
      const show = await cli(["payment", "show", id, "--json"]);
      expect(JSON.parse(show.stdout)).toMatchObject({ paymentId: id, status: "CANCELLED", account: { accountId: acct, balance: INITIAL_BALANCE_CENTS } });
    },
    LONG,
  );

  it(
    "payment storm: end state and balance agree with a one-at-a-time replay, also with expiries during the storm",
    async () => {
      for (const extra of [[], ["--expire-after", "1s"]]) {
        const r = await cli(["payment", "storm", "--makes", "12", "--cancels", "4", ...extra, "--json"]);
        expect(r.code, r.stdout + r.stderr).toBe(0);
        const out = JSON.parse(r.stdout) as { passed: boolean; answers: { made: number; refunded: number }; final: { balance: number }; amount: number };
        expect(out.passed).toBe(true);
        expect(out.final.balance).toBe(INITIAL_BALANCE_CENTS - (out.answers.made - out.answers.refunded) * out.amount);
      }
    },
    LONG,
  );
});

describe.concurrent("bad input", () => {
  it.each([
    [["saga", "book", "--fail", "hotel"], /--fail must be one of flight, car, payment/],
    [["saga", "book", "--crash-after", "Book hotel"], /not a step of the saga/],
    [["saga", "book", "--crash-after", "Cancel car"], /does not run in this scenario[\s\S]*add --fail payment/],
    [["saga", "book", "--retryable-failures", "99"], /between 0 and 10/],
    [["saga", "book", "--trip", "a b"], /--trip "a b" is invalid/],
    [["machine", "setup", "bad/key"], /machine id "bad\/key" is invalid/],
    [["machine", "teardown", "m", "--crash-after", "begin transition to UP"], /not a step of tearDown/],
    [["payment", "make", "p", "--amount", "-3"], /--amount must be a positive whole number/],
    [["payment", "make", "p", "--expire-after", "10ms"], /--expire-after must be between/],
    [["payment", "storm", "--makes", "0"], /--makes must be between 1 and 200/],
  ])(
    "patterns %j → exit 2",
    async (args, message) => {
      const r = await cli(args as string[], 200_000);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message as RegExp);
    },
    LONG,
  );

  it(
    "handlers answer 400 naming the field, without retrying",
    async () => {
      const noPayment = await ingress(`/BookingWorkflow/${uniqueKey("trip")}/run`, { flights: SEED_BOOKING.flights, car: SEED_BOOKING.car });
      expect(noPayment.status).toBe(400);
      expect(noPayment.text).toContain("paymentInfo is missing");
      const noAccount = await ingress(`/payments/${uniqueKey("pay")}/makePayment`, { amount: 100 });
      expect(noAccount.status).toBe(400);
      expect(noAccount.text).toContain("accountId is missing");
      const badAmount = await ingress(`/accounts/${uniqueKey("acct")}/withdraw`, -5);
      expect(badAmount.status).toBe(400);
      expect(badAmount.text).toContain("amount is invalid");
      const badMachine = await ingress(`/machineOperator/${uniqueKey("m")}/setUp`, { failOnce: "yes" });
      expect(badMachine.status).toBe(400);
      expect(badMachine.text).toContain("failOnce is invalid");
    },
    LONG,
  );
});

// Every pattern's scenario runs in interactive.test.ts (`tour --all`, with the crash checks on top), so the
// group files no longer repeat them through `demo`.
