// `reminders fail` then `reminders show` on a private stack in real time (--time-scale 1: a day is a day), so reminder
// #2 is certainly still scheduled when `show` reads it, however slow the machine: the view is checked whole, with no
// branch on what happened to fire first. (The shared stack's day is 5 s, which a loaded machine can outlast.)
import { describe, expect, it } from "vitest";
import { json, privateStack, uniqueKey } from "../helpers.js";

const s = privateStack(["--no-kafka", "--time-scale", "1"]);
const DAY = 86_400_000;

interface View {
  remindersCount: number;
  paid: boolean;
  escalated: boolean;
  next: { invocationId: string; status: string; number: number; nominalMs: number; scaledMs: number; dueInMs?: number } | null;
  pending: { id: string; status: string; created_at?: string; scheduled_start_at?: string }[];
  day: { nominalMs: number; scaledMs: number };
}

describe("payment reminders, one day apart", () => {
  it("reminders fail sends #1 and schedules #2 a day later; show gives the nominal and scaled due time", async () => {
    const invoice = uniqueKey("inv");
    const r = await s().cli(["reminders", "fail", invoice, "--json"], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(json<{ result: unknown }>(r).result).toMatchObject({ outcome: "reminded", remindersCount: 1, nextReminder: { number: 2, nominalMs: DAY } });
    const shown = await s().cli(["reminders", "show", invoice, "--json"], { timeoutMs: 120_000 });
    expect(shown.code, shown.stderr).toBe(0);
    const v = json<View>(shown);
    expect(v).toMatchObject({ remindersCount: 1, paid: false, escalated: false, day: { nominalMs: DAY, scaledMs: DAY } });
    expect(v.next).toMatchObject({ status: "scheduled", number: 2, nominalMs: DAY, scaledMs: DAY });
    expect(v.next!.dueInMs).toBeGreaterThan(DAY - 10 * 60_000);
    // the timer Restate holds, not only the due time the handler wrote into its state: the self-send it scheduled
    // starts a day after it was made
    const held = v.pending.find((p) => p.id === v.next!.invocationId);
    expect(held, `reminder #2 (${v.next!.invocationId}) among the invocations Restate holds`).toMatchObject({ status: "scheduled" });
    const timerMs = Date.parse(held!.scheduled_start_at!) - Date.parse(held!.created_at!);
    expect(Math.abs(timerMs - DAY), `Restate's timer for reminder #2: ${timerMs} ms after it was sent, not a day`).toBeLessThan(60_000);
    // stop the chain so it does not run on in the background
    const pay = await s().cli(["reminders", "pay", invoice, "--json"], { timeoutMs: 120_000 });
    expect(pay.code, pay.stderr).toBe(0);
    expect(JSON.parse(pay.stdout)).toMatchObject({ invoice, result: { paid: true } });
  });
});
