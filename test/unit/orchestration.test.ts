// Pure logic of the orchestration group: validation, the saga's expected compensations and step names, the machine
// and payment models, the storms' checks (fed with made-up histories, so they are seen to fail too).
import { describe, expect, it } from "vitest";
import { INITIAL_BALANCE_CENTS, PAYMENT_EXPIRY_MIN_MS, paymentExpiryMs, paymentMessages, replayPayments } from "../../src/services/payment-state-machine/model.js";
import { SEED_BOOKING, expectedCompensations, sagaStepName } from "../../src/services/sagas/model.js";
import { keysOverlap, machineStepName, replayMachine, serialPerKey } from "../../src/services/stateful-actors/model.js";
import { executionOrder, paymentStormChecks, stormPlan, type StormOp } from "../../src/commands/payment-state-machine/run.js";
import { sagaStepsReached } from "../../src/commands/sagas/verbs.js";
import { ledgerCompensations } from "../../src/commands/sagas/tour.js";
import type { LedgerEntry } from "../../src/services/lib/simulated.js";
import { problemsOf } from "../../src/services/lib/problems.js";
import { BookingSchema } from "../../src/services/sagas/schema.js";
import { MakePaymentSchema } from "../../src/services/payment-state-machine/schema.js";
import { MachineOptionsSchema } from "../../src/services/stateful-actors/schema.js";

/** The field a bad booking is refused for (the first problem's subject), as the handler's serde would say it. */
const fieldOf = (v: unknown): string => (problemsOf(BookingSchema, v)[0] ?? "").split(" ")[0]!;
const parseBooking = (v: unknown) => BookingSchema.parse(v);

describe("saga input and steps", () => {
  it("accepts the seed's payload unchanged", () => {
    expect(parseBooking(JSON.parse(JSON.stringify(SEED_BOOKING)))).toEqual(SEED_BOOKING);
  });

  it("names the bad field", () => {
    expect(problemsOf(BookingSchema, undefined)).toEqual(["the request body is missing: expected {flights, car, paymentInfo, simulate}"]);
    expect(fieldOf({ car: SEED_BOOKING.car, paymentInfo: SEED_BOOKING.paymentInfo })).toBe("flights.flightId");
    expect(fieldOf({ ...SEED_BOOKING, flights: { flightId: "1" } })).toBe("flights.passengerName");
    expect(fieldOf({ ...SEED_BOOKING, paymentInfo: { cardNumber: "4111111111111111", amount: -1 } })).toBe("paymentInfo.amount");
    expect(fieldOf({ ...SEED_BOOKING, paymentInfo: { cardNumber: "abc", amount: 1 } })).toBe("paymentInfo.cardNumber");
    expect(fieldOf({ ...SEED_BOOKING, simulate: { fail: "hotel" } })).toBe("simulate.fail");
  });

  it("compensations run newest first and only for the steps done before the failure", () => {
    expect(expectedCompensations(undefined)).toEqual([]);
    expect(expectedCompensations("flight")).toEqual([]);
    expect(expectedCompensations("car")).toEqual(["Cancel flight"]);
    expect(expectedCompensations("payment")).toEqual(["Refund payment", "Cancel car", "Cancel flight"]);
  });

  it("--crash-after takes the step names in any case; only steps the scenario reaches can crash", () => {
    expect(sagaStepName("reserve  CAR")).toBe("Reserve car");
    expect(sagaStepName("Book hotel")).toBeUndefined();
    expect(sagaStepsReached("payment")).toEqual(["Reserve flight", "Reserve car", "Refund payment", "Cancel car", "Cancel flight"]);
    expect(sagaStepsReached(undefined)).not.toContain("Cancel car");
    expect(sagaStepsReached("flight")).toEqual([]);
    expect(machineStepName("Begin Transition to up")).toBe("begin transition to UP");
  });

  it("reads compensations off the ledger in the order they were committed, ignoring repeats", () => {
    const e = (system: string, action: string): LedgerEntry => ({ system, action, key: "k", at: "", pid: 1 });
    const entries = [e("flights", "reserve"), e("payment-provider", "refund"), e("car-rentals", "cancel"), e("car-rentals", "repeat-cancel"), e("flights", "cancel")];
    expect(ledgerCompensations(entries)).toEqual(["Refund payment", "Cancel car", "Cancel flight"]);
  });
});

describe("machine operator", () => {
  it("replays the seed's answers", () => {
    expect(replayMachine("b", ["setUp", "setUp", "tearDown"]).messages).toEqual(["b is now up", "b is already up, so nothing to do", "b is now down"]);
    expect(replayMachine("a", ["tearDown"]).messages).toEqual(["a is not up, cannot tear down"]);
  });

  it("options: nothing, or {failOnce}", () => {
    expect(problemsOf(MachineOptionsSchema, undefined)).toEqual([]);
    expect(problemsOf(MachineOptionsSchema, { failOnce: true })).toEqual([]);
    expect(problemsOf(MachineOptionsSchema, { failOnce: "yes" })).toEqual(["failOnce is invalid: expected true or false"]);
    expect(problemsOf(MachineOptionsSchema, [1])).toEqual(['the request body is invalid: expected nothing, or an object like {"failOnce":true}']);
  });

  it("detects overlaps, out-of-order starts and parallel keys", () => {
    const ok = [
      { id: "1", key: "a", arrivedAt: 0, startedAt: 0, endedAt: 10 },
      { id: "2", key: "a", arrivedAt: 1, startedAt: 10, endedAt: 20 },
      { id: "3", key: "b", arrivedAt: 2, startedAt: 5, endedAt: 15 },
    ];
    expect(serialPerKey(ok)).toMatchObject({ serial: true, inArrivalOrder: true });
    expect(keysOverlap(ok, "a", "b")).toBe(true);
    const bad = [
      { id: "1", key: "a", arrivedAt: 0, startedAt: 12, endedAt: 20 },
      { id: "2", key: "a", arrivedAt: 1, startedAt: 0, endedAt: 15 },
    ];
    expect(serialPerKey(bad)).toMatchObject({ serial: false, inArrivalOrder: false });
    expect(keysOverlap(bad, "a", "b")).toBe(false);
  });
});

describe("payment state machine", () => {
  it("gives the 'already done' answers the right way round", () => {
    const id = "p";
    const make = { op: "make" as const, accountId: "acc", amount: 100 };
    const r = replayPayments(id, [make, make, { op: "cancel" }, make, { op: "cancel" }]);
    expect(r.messages).toEqual([
      paymentMessages.successful(id, true),
      "p previously completed",
      paymentMessages.cancelledRefunded(id, 100, "acc"),
      "p was cancelled before",
      paymentMessages.alreadyCancelled(id),
    ]);
    expect(r.model.balances.acc).toBe(INITIAL_BALANCE_CENTS);
  });

  it("a cancel first sticks until the token expires", () => {
    const make = { op: "make" as const, accountId: "acc", amount: 100 };
    const r = replayPayments("p", [{ op: "cancel" }, make, { op: "expire" }, make]);
    expect(r.messages.slice(0, 2)).toEqual([paymentMessages.cancelledUnpaid("p"), paymentMessages.cancelledBefore("p")]);
    expect(r.messages[3]).toBe(paymentMessages.successful("p", true));
    expect(r.model).toMatchObject({ status: "COMPLETED", balances: { acc: INITIAL_BALANCE_CENTS - 100 } });
  });

  it("insufficient funds is an answer, not a payment", () => {
    const r = replayPayments("p", [{ op: "make", accountId: "acc", amount: INITIAL_BALANCE_CENTS + 1 }]);
    expect(r.model.status).toBe("NEW");
    expect(r.messages[0]).toMatch(/successful: false \(Insufficient funds/);
  });

  it("validates makePayment's input and the token lifetime", () => {
    expect(MakePaymentSchema.parse({ accountId: "abc", amount: 100 })).toEqual({ accountId: "abc", amount: 100 });
    expect(problemsOf(MakePaymentSchema, { amount: 100 })).toEqual(["accountId is missing"]);
    expect(problemsOf(MakePaymentSchema, { accountId: "abc", amount: 1.5 })).toEqual(["amount is invalid: expected a positive whole number of cents"]);
    expect(problemsOf(MakePaymentSchema, { accountId: "abc", amount: 1, expireAfterMs: 5 })[0]).toMatch(/^expireAfterMs is invalid/);
    expect(problemsOf(MakePaymentSchema, undefined)).toEqual(["the request body is missing: expected {accountId, amount, expireAfterMs}"]);
    expect(paymentExpiryMs(1000)).toBe(PAYMENT_EXPIRY_MIN_MS);
    expect(paymentExpiryMs(3_600_000)).toBe(3_600_000);
  });

  it("plans a storm with the cancels spread among the makes", () => {
    const plan = stormPlan(12, 4);
    expect(plan.filter((x) => x === "make")).toHaveLength(12);
    expect(plan.filter((x) => x === "cancel")).toHaveLength(4);
    expect(plan[0]).toBe("make");
    expect(stormPlan(2, 5).filter((x) => x === "cancel")).toHaveLength(5);
  });

  describe("storm checks", () => {
    const id = "p";
    const op = (n: number, o: StormOp["op"], message: string | undefined, t: number): StormOp => ({ n, op: o, invocationId: `inv_${n}_${t}`, message, runningAt: t, completedAt: t + 5 });
    const base = { paymentId: id, accountId: "acc", amount: 100, startBalance: INITIAL_BALANCE_CENTS };

    it("pass for a linearizable history", () => {
      const executed = [
        op(0, "make", paymentMessages.successful(id, true), 0),
        op(1, "cancel", paymentMessages.cancelledRefunded(id, 100, "acc"), 10),
        op(2, "make", paymentMessages.cancelledBefore(id), 20),
      ];
      const { checks } = paymentStormChecks({
        ...base,
        executed,
        answers: { made: 1, refused: 1, refunded: 1, cancelledUnpaid: 0, alreadyCancelled: 0 },
        final: { status: "CANCELLED", payment: { accountId: "acc", amount: 100 }, balance: INITIAL_BALANCE_CENTS },
      });
      expect(checks.filter((c) => !c.ok)).toEqual([]);
    });

    it("orders same-millisecond starts by their end (a measured case)", () => {
      const slow = { n: 6, op: "make" as const, invocationId: "slow", runningAt: 1950, completedAt: 2407 };
      const quick = { n: 11, op: "cancel" as const, invocationId: "quick", runningAt: 1950, completedAt: 1950 };
      expect(executionOrder([slow, quick]).map((x) => x.invocationId)).toEqual(["quick", "slow"]);
    });

    it("replays invocations that started in the same millisecond in the order their answers fit (a measured case)", () => {
      const t = (n: number, o: StormOp["op"], message: string, runningAt: number, completedAt: number): StormOp => ({ n, op: o, invocationId: `inv_${n}`, message, runningAt, completedAt });
      // three cancels started at 969 and two ended at 969 too: Restate's timestamps cannot say which ran first
      const executed = [
        t(0, "make", paymentMessages.successful(id, true), 738, 752),
        t(3, "cancel", paymentMessages.alreadyCancelled(id), 969, 969),
        t(11, "cancel", paymentMessages.cancelledRefunded(id, 100, "acc"), 969, 969),
        t(7, "cancel", paymentMessages.alreadyCancelled(id), 969, 1013),
      ];
      const { checks } = paymentStormChecks({
        ...base,
        executed,
        answers: { made: 1, refused: 0, refunded: 1, cancelledUnpaid: 0, alreadyCancelled: 2 },
        final: { status: "CANCELLED", payment: { accountId: "acc", amount: 100 }, balance: INITIAL_BALANCE_CENTS },
      });
      expect(checks.filter((c) => !c.ok)).toEqual([]);
      // but an answer no order explains still fails
      const wrong = [...executed.slice(0, 3), t(7, "cancel", paymentMessages.cancelledRefunded(id, 100, "acc"), 969, 1013)];
      const bad = paymentStormChecks({
        ...base,
        executed: wrong,
        answers: { made: 1, refused: 0, refunded: 2, cancelledUnpaid: 0, alreadyCancelled: 1 },
        final: { status: "CANCELLED", payment: null, balance: INITIAL_BALANCE_CENTS },
      });
      expect(bad.checks.filter((c) => !c.ok).map((c) => c.name)).toContain("every answer matches a one-at-a-time replay");
    });

    it("fail for a double payment, a wrong balance and overlapping requests", () => {
      const executed = [op(0, "make", paymentMessages.successful(id, true), 0), op(1, "make", paymentMessages.successful(id, true), 3)];
      const { checks } = paymentStormChecks({
        ...base,
        executed,
        answers: { made: 2, refused: 0, refunded: 0, cancelledUnpaid: 0, alreadyCancelled: 0 },
        final: { status: "COMPLETED", payment: null, balance: INITIAL_BALANCE_CENTS - 100 },
      });
      const failed = checks.filter((c) => !c.ok).map((c) => c.name);
      expect(failed).toEqual(
        expect.arrayContaining(["one request at a time on the payment", "every answer matches a one-at-a-time replay", "the balance agrees with the answers", "never paid twice with one token"]),
      );
    });
  });
});
