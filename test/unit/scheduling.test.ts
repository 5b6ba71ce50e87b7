// Pure logic of the scheduling group: the reminder decisions, the fan-out plan, event validation and the lanes.
import { describe, expect, it } from "vitest";
import { stripVTControlCharacters } from "node:util";
import { decideOnFailure, dueMismatchMs, DUE_TOLERANCE_MS, MAX_REMINDERS, STALE_REMINDER_GRACE_MS } from "../../src/services/payment-reminders/logic.js";
import { nextView, type InvoiceView } from "../../src/commands/payment-reminders/run.js";
import { renderInvoice } from "../../src/commands/payment-reminders/verbs.js";
import { problemsOf } from "../../src/services/lib/problems.js";
import { PaymentTrackerEventSchema } from "../../src/services/payment-reminders/schema.js";

const eventProblem = (v: unknown): string | undefined => problemsOf(PaymentTrackerEventSchema, v)[0];
import { planSubtasks, splitDescription, taskProblem, workMsFor } from "../../src/services/fan-out/logic.js";
import { laneStats, parallelVerdict, renderLanes } from "../../src/commands/fan-out/lanes.js";

const next = (invocationId: string, dueAt: number) => ({ invocationId, action: "reminder" as const, number: 2, dueAt, delayMs: 5000, nominalMs: 86_400_000 });

describe("payment reminders: decisions", () => {
  it("reminds three times, then escalates", () => {
    expect(decideOnFailure({}, "inv_a", 0)).toEqual({ kind: "remind", number: 1 });
    expect(decideOnFailure({ reminders_count: 2 }, "inv_a", 0)).toEqual({ kind: "remind", number: 3 });
    expect(decideOnFailure({ reminders_count: MAX_REMINDERS }, "inv_a", 0)).toEqual({ kind: "escalate" });
  });

  it("a paid or escalated invoice does nothing", () => {
    expect(decideOnFailure({ paid: true, reminders_count: 1 }, "inv_a", 0)).toEqual({ kind: "ignore-paid" });
    expect(decideOnFailure({ escalated: true, reminders_count: 3 }, "inv_a", 0)).toEqual({ kind: "ignore-escalated" });
  });

  it("the scheduled self-send continues the chain; an outside event while one is scheduled does not start another", () => {
    const state = { reminders_count: 1, next_reminder: next("inv_sched", 10_000) };
    expect(decideOnFailure(state, "inv_sched", 10_000)).toEqual({ kind: "remind", number: 2 });
    expect(decideOnFailure(state, "inv_other", 5_000)).toMatchObject({ kind: "already-scheduled" });
    // a stored reminder long overdue was lost: a new failure restarts the chain
    expect(decideOnFailure(state, "inv_other", 10_000 + STALE_REMINDER_GRACE_MS + 1)).toEqual({ kind: "remind", number: 2 });
  });

  it("event validation names the field", () => {
    expect(eventProblem({ type: "x", created: 1, data: { id: "evt_1", customer: "cus_1" } })).toBeUndefined();
    expect(eventProblem(undefined)).toMatch(/request body is missing/);
    expect(eventProblem({ type: "x", created: 1 })).toMatch(/data is missing/);
    expect(eventProblem({ data: { id: "evt_1" } })).toMatch(/^data\.customer/);
    expect(eventProblem({ created: "yesterday", data: { id: "e", customer: "c" } })).toMatch(/^created is invalid/);
  });
});

describe("payment reminders: the due time is Restate's", () => {
  const DAY = 86_400_000;
  const sent = Date.parse("2026-12-07T12:00:00.000Z");
  const stored = { invocationId: "inv_1next", action: "reminder" as const, number: 2, dueAt: sent + DAY, delayMs: DAY, nominalMs: DAY };
  const row = (delay: number) => ({ id: "inv_1next", status: "scheduled", created_at: new Date(sent).toISOString(), scheduled_start_at: new Date(sent + delay).toISOString() });
  const view = (next: InvoiceView["next"]): InvoiceView => ({
    invoice: "invoice123",
    paid: false,
    remindersCount: 1,
    maxReminders: MAX_REMINDERS,
    escalated: false,
    next,
    pending: [],
    history: [],
    timeScale: 1,
    day: { nominalMs: DAY, scaledMs: DAY },
  });
  const text = (v: InvoiceView) => renderInvoice(v).map((l) => stripVTControlCharacters(l));

  it("a few ms between the handler's clock read and its send is agreement", () => {
    expect(dueMismatchMs(sent + DAY + 7, sent + DAY)).toBeUndefined();
    expect(dueMismatchMs(sent + DAY + DUE_TOLERANCE_MS + 1, sent + DAY)).toBe(DUE_TOLERANCE_MS + 1);
  });

  it("shows when Restate's timer fires, and warns when the handler's state says otherwise", () => {
    const now = sent + 1000;
    const n = nextView(stored, row(86_000), 1, DAY, now)!;
    expect(n).toMatchObject({ dueFrom: "restate", dueAt: new Date(sent + 86_000).toISOString(), dueInMs: 85_000, timerMs: 86_000, mismatchMs: 86_000 - DAY });
    expect(n.intended).toEqual({ dueAt: new Date(sent + DAY).toISOString(), dueInMs: DAY - 1000, delayMs: DAY });
    const lines = text(view(n));
    expect(lines.join("\n")).toMatch(/^next {12}reminder #2 due in 1m25s \(Restate's timer\)$/m);
    expect(lines.join("\n")).toMatch(/! the handler's state disagrees: due in 1d \(23h59m later\)$/m);
    for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(80);
  });

  it("agreeing records show Restate's time alone; a timer Restate no longer holds has no due time", () => {
    const agreed = nextView(stored, row(DAY), 1, DAY, sent)!;
    expect(agreed.mismatchMs).toBeUndefined();
    expect(text(view(agreed)).join("\n")).not.toMatch(/disagrees/);
    const gone = nextView(stored, undefined, 1, DAY, sent)!;
    expect(gone).toMatchObject({ status: "gone", dueFrom: "none", dueAt: undefined, dueInMs: undefined });
    expect(text(view(gone)).join("\n")).toMatch(/Restate holds no timer for it/);
  });
});

describe("fan-out: plan", () => {
  it("splits on commas and drops blanks", () => {
    expect(splitDescription("get out of bed, shower,,make coffee ,")).toEqual(["get out of bed", "shower", "make coffee"]);
  });
  it("deterministic work times 1, 2, 3, 4 s by position; chaos stays within 0.5–4.5 s", () => {
    expect(planSubtasks("a,b,c,d").map((s) => s.workMs)).toEqual([1000, 2000, 3000, 4000]);
    expect(workMsFor(4, "e")).toBe(1000);
    for (const s of planSubtasks("a,b,c,d,e,f", true)) {
      expect(s.workMs).toBeGreaterThanOrEqual(500);
      expect(s.workMs).toBeLessThanOrEqual(4500);
    }
  });
  it("task validation names the field", () => {
    expect(taskProblem({ description: "a,b" })).toBeUndefined();
    expect(taskProblem({})).toMatch(/^description is missing/);
    expect(taskProblem({ description: " , " })).toMatch(/no subtask/);
    expect(taskProblem({ description: Array.from({ length: 21 }, (_, i) => `t${i}`).join(",") })).toMatch(/at most 20/);
  });
});

describe("fan-out: lanes", () => {
  const lanes = [
    { label: "a", start: 0, end: 1000 },
    { label: "b", start: 50, end: 2050 },
    { label: "c", start: 100, end: 4100 },
  ];
  it("parallel lanes: total ≈ slowest, well under the sum", () => {
    const s = laneStats(lanes, { start: 0, end: 4300 });
    expect(s).toMatchObject({ totalMs: 4300, slowestMs: 4000, sumMs: 7000, overlapped: true, launchSpreadMs: 100 });
    expect(parallelVerdict(s).parallel).toBe(true);
  });
  it("one after the other is not parallel", () => {
    const serial = [
      { label: "a", start: 0, end: 1000 },
      { label: "b", start: 1000, end: 3000 },
      { label: "c", start: 3000, end: 7000 },
    ];
    const s = laneStats(serial, { start: 0, end: 7000 });
    expect(s.overlapped).toBe(false);
    expect(parallelVerdict(s).parallel).toBe(false);
  });
  it("draws one bar per lane on the shared axis", () => {
    const out = renderLanes(lanes, { start: 0, end: 4100 }, { width: 41 });
    expect(out).toHaveLength(3);
    expect(out[0]).toMatch(/^a\s+█{10}·{31}\s+0\.0 → 1\.0 s$/);
    expect(out[2]).toMatch(/4\.1 s$/);
  });
});
