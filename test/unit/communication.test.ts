// Pure logic of the communication group: webhook signatures and ids, the event mapping onto PaymentTracker's
// contract, input validation (TerminalError 400 naming the field), and the CLI's argument and SQL helpers.
import { describe, expect, it } from "vitest";
import * as restate from "@restatedev/restate-sdk";
import { eventIdFor, intentIdFor, invoiceEvent, signWebhook, toTrackerEvent, webhookSignatureProblem } from "../../src/services/simulations/stripe.js";
import { parseStripeEvent } from "../../src/services/webhook-callbacks/router.js";
import { parsePaymentRequest } from "../../src/services/payment-signals/signal-payments.js";
import { asObject, at, optionalBoolean, requireNumber, requireString } from "../../src/services/lib/validate.js";
import { eventProblem } from "../../src/services/payment-reminders/logic.js";
import { checkKeyArg, relative } from "../../src/commands/lib/args.js";
import { invocationsSql } from "../../src/observe/sql.js";
import { UsageError } from "../../src/errors.js";

function terminal(fn: () => unknown): restate.TerminalError {
  try {
    fn();
  } catch (e) {
    if (e instanceof restate.TerminalError) return e;
    throw e;
  }
  throw new Error("expected a TerminalError");
}

describe("simulated provider: signatures and ids", () => {
  const body = JSON.stringify({ id: "evt_1", type: "payment_intent.succeeded" });

  it("a signed body verifies; a changed body, a missing or malformed header does not", () => {
    const header = signWebhook(body, 1_700_000_000);
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(webhookSignatureProblem(body, header)).toBeUndefined();
    expect(webhookSignatureProblem(body + " ", header)).toMatch(/does not match/);
    expect(webhookSignatureProblem(body, undefined)).toMatch(/missing/);
    expect(webhookSignatureProblem(body, "v1=abc")).toMatch(/invalid/);
    expect(webhookSignatureProblem(body, signWebhook(body, 1_700_000_000, "another secret"))).toMatch(/does not match/);
  });

  it("intent and event ids are stable functions of their inputs", () => {
    expect(intentIdFor("k1")).toBe(intentIdFor("k1"));
    expect(intentIdFor("k1")).not.toBe(intentIdFor("k2"));
    expect(intentIdFor("k1")).toMatch(/^pi_[0-9a-f]{24}$/);
    expect(eventIdFor("pi_1", "succeeded")).not.toBe(eventIdFor("pi_1", "requires_payment_method"));
    expect(eventIdFor("pi_1", "succeeded")).toMatch(/^evt_/);
  });
});

describe("webhook router: the event and PaymentTracker's contract", () => {
  const event = invoiceEvent("invoice-1", "failed", { eventId: "evt_1JH2", customer: "cus_J5K2", created: 1_700_000_000 });

  it("invoiceEvent builds the seed's Stripe shape", () => {
    expect(event).toEqual({ id: "evt_1JH2", type: "invoice.payment_failed", created: 1_700_000_000, data: { object: { id: "invoice-1", customer: "cus_J5K2" } } });
    expect(invoiceEvent("i", "succeeded", { eventId: "e", customer: "c", created: 1 }).type).toBe("invoice.payment_succeeded");
  });

  it("toTrackerEvent gives what PaymentTracker accepts (data.id = event id, data.customer)", () => {
    const t = toTrackerEvent(event);
    expect(t).toEqual({ id: "evt_1JH2", type: "invoice.payment_failed", created: 1_700_000_000, data: { id: "evt_1JH2", customer: "cus_J5K2" } });
    expect(eventProblem(t)).toBeUndefined();
  });

  it("parseStripeEvent names the missing or invalid field", () => {
    expect(parseStripeEvent(event)).toEqual(event);
    expect(terminal(() => parseStripeEvent(undefined)).message).toMatch(/request body is missing/);
    expect(terminal(() => parseStripeEvent({ ...event, id: undefined })).message).toMatch(/^id is missing/);
    expect(terminal(() => parseStripeEvent({ ...event, created: "yesterday" })).message).toMatch(/^created is invalid/);
    const e = terminal(() => parseStripeEvent({ ...event, data: { object: { id: "invoice-1" } } }));
    expect(e.message).toMatch(/^data\.object\.customer is missing/);
    expect(e.code).toBe(400);
  });
});

describe("payment request validation", () => {
  it("accepts the seed's body and defaults the flags", () => {
    expect(parsePaymentRequest({ paymentMethodId: "pm_card_visa", amount: 109 })).toEqual({ paymentMethodId: "pm_card_visa", amount: 109, delayedStatus: false, loseFirstResponse: false });
    expect(parsePaymentRequest({ paymentMethodId: "pm_card_visa", amount: 109, delayedStatus: true }).delayedStatus).toBe(true);
  });

  it.each([
    [{ amount: 109 }, /^paymentMethodId is missing/],
    [{ paymentMethodId: "pm_card_visa" }, /^amount is missing/],
    [{ paymentMethodId: "pm_card_visa", amount: -1 }, /^amount is invalid: expected a positive number/],
    [{ paymentMethodId: "", amount: 1 }, /^paymentMethodId is invalid/],
    [{ paymentMethodId: "pm", amount: 1, delayedStatus: "yes" }, /^delayedStatus is invalid/],
    [[1, 2], /request body is invalid/],
  ])("%j → 400 naming the field", (input, message) => {
    const e = terminal(() => parsePaymentRequest(input));
    expect(e.message).toMatch(message);
    expect(e.code).toBe(400);
  });
});

describe("validate helpers", () => {
  it("at reads dotted paths and stops at non-objects", () => {
    expect(at({ a: { b: { c: 1 } } }, "a.b.c")).toBe(1);
    expect(at({ a: "x" }, "a.b")).toBeUndefined();
  });

  it("requireString, requireNumber, optionalBoolean, asObject", () => {
    expect(requireString({ s: "v" }, "s", "")).toBe("v");
    expect(() => requireString({ s: "  " }, "s", "")).toThrow(/s is invalid/);
    expect(requireNumber({ n: 0 }, "n", "")).toBe(0);
    expect(() => requireNumber({ n: Number.NaN }, "n", "")).toThrow(/n is invalid/);
    expect(optionalBoolean({}, "b")).toBeUndefined();
    expect(() => asObject("text", "{}")).toThrow(/got "text"/);
  });
});

describe("CLI helpers", () => {
  it("checkKeyArg trims and rejects empty, spaced and overlong keys with a UsageError", () => {
    expect(checkKeyArg(" product1 ", "<product>", "product1")).toBe("product1");
    expect(() => checkKeyArg("", "<product>", "product1")).toThrow(UsageError);
    expect(() => checkKeyArg("a b", "<product>", "product1")).toThrow(/must not contain spaces/);
    expect(() => checkKeyArg("x".repeat(201), "<product>", "product1")).toThrow(/too long/);
  });

  it("invocationsSql quotes values and selects scheduled_at with scheduled_start_at", () => {
    const sql = invocationsSql({ service: "asyncTaskWorker", handler: "runTask", idempotencyKey: "it's", notCompleted: true, limit: 10 });
    expect(sql).toContain("idempotency_key = 'it''s'");
    expect(sql).toContain("status <> 'completed'");
    expect(sql).toMatch(/scheduled_at, scheduled_start_at/);
    expect(sql).toMatch(/DESC LIMIT 10$/);
  });

  it("relative says in/ago", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(relative("2026-01-01T00:00:08Z", now)).toBe("in 8s");
    expect(relative("2025-12-31T23:58:00Z", now)).toBe("2m ago");
    expect(relative(undefined, now)).toBe("-");
  });
});
