// `reminders fail` then `reminders show` on a private stack in real time (--time-scale 1: a day is a day), so reminder
// #2 is certainly still scheduled when `show` reads it, however slow the machine: the view is checked whole, with no
// branch on what happened to fire first. (The shared stack's day is 5 s, which a loaded machine can outlast.)
// The due time `show` gives must be the timer Restate holds, read from its invocation table, not the handler's state.
import { describe, expect, it } from "vitest";
import { json, privateStack, uniqueKey } from "../helpers.js";

const s = privateStack(["--no-kafka", "--time-scale", "1"]);
const DAY = 86_400_000;

interface View {
  remindersCount: number;
  paid: boolean;
  escalated: boolean;
  next: {
    invocationId: string;
    status: string;
    number: number;
    nominalMs: number;
    scaledMs: number;
    dueAt?: string;
    dueInMs?: number;
    dueFrom: string;
    timerMs?: number;
    intended?: { dueAt: string; delayMs: number };
    mismatchMs?: number;
  } | null;
  pending: { id: string; status: string; created_at?: string; scheduled_start_at?: string }[];
  day: { nominalMs: number; scaledMs: number };
}

describe("payment reminders, one day apart", () => {
  it("reminders fail sends #1 and schedules #2 a day later; show gives the due time of the timer Restate holds", async () => {
    const invoice = uniqueKey("inv");
    const r = await s().cli(["reminders", "fail", invoice, "--json"], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const failed = json<{ result: unknown; next: View["next"] }>(r);
    expect(failed.result).toMatchObject({ outcome: "reminded", remindersCount: 1, nextReminder: { number: 2, nominalMs: DAY } });
    // `fail` too reports the next reminder from Restate's timer, not from what the handler returned
    expect(failed.next).toMatchObject({ number: 2, dueFrom: "restate" });
    expect(failed.next!.timerMs, `Restate's timer for reminder #2 as \`fail\` shows it: ${failed.next!.timerMs} ms`).toBeGreaterThan(DAY - 60_000);
    const shown = await s().cli(["reminders", "show", invoice, "--json"], { timeoutMs: 120_000 });
    expect(shown.code, shown.stderr).toBe(0);
    const v = json<View>(shown);
    expect(v).toMatchObject({ remindersCount: 1, paid: false, escalated: false, day: { nominalMs: DAY, scaledMs: DAY } });
    expect(v.next).toMatchObject({ status: "scheduled", number: 2, nominalMs: DAY, scaledMs: DAY });
    // the due time shown is the timer Restate holds (the pending self-send's scheduled start), not the one the
    // handler wrote into its state: a self-send delayed less than a day shows here, whatever the state says
    const held = v.pending.find((p) => p.id === v.next!.invocationId);
    expect(held, `reminder #2 (${v.next!.invocationId}) among the invocations Restate holds`).toMatchObject({ status: "scheduled" });
    expect(v.next).toMatchObject({ dueFrom: "restate", intended: { delayMs: DAY } });
    expect(Date.parse(v.next!.dueAt!), "shown due time = Restate's scheduled_start_at").toBe(Date.parse(held!.scheduled_start_at!));
    expect(v.next!.dueInMs, `shown "due in" (Restate's timer fires at ${v.next!.dueAt})`).toBeGreaterThan(DAY - 10 * 60_000);
    expect(v.next!.timerMs, `Restate's timer for reminder #2: ${v.next!.timerMs} ms after it was sent, not a day`).toBeGreaterThan(DAY - 60_000);
    expect(v.next!.mismatchMs, "Restate's timer and the handler's record agree").toBeUndefined();
    const timerMs = Date.parse(held!.scheduled_start_at!) - Date.parse(held!.created_at!);
    expect(Math.abs(timerMs - DAY), `Restate's timer for reminder #2: ${timerMs} ms after it was sent, not a day`).toBeLessThan(60_000);
    // the same in the text a user reads, in 80 columns, with no disagreement warning
    const text = await s().cli(["reminders", "show", invoice], { timeoutMs: 120_000 });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^next {12}reminder #2 due in (1d|23h\d+m) \(Restate's timer\)$/m);
    expect(text.stdout).not.toMatch(/disagrees/);
    for (const line of text.stdout.split("\n")) expect(line.length, line).toBeLessThanOrEqual(80);
    // stop the chain so it does not run on in the background
    const pay = await s().cli(["reminders", "pay", invoice, "--json"], { timeoutMs: 120_000 });
    expect(pay.code, pay.stderr).toBe(0);
    expect(JSON.parse(pay.stdout)).toMatchObject({ invoice, result: { paid: true } });
  });
});
