// Scheduling group through the user's doors: `reminders fail|pay|show`, `fanout`, the seeds' curls and the demos.
import { describe, expect, it } from "vitest";
import { ingress, patterns, uniqueKey } from "../helpers.js";

// the machine may be heavily loaded: every CLI call and every test gets a generous time limit
const LONG = 600_000;
const cli = (args: string[], timeoutMs = 300_000) => patterns(args, { timeoutMs });

const SEED_EVENT = { type: "customer.subscription_created", created: 1633025000, data: { id: "evt_1JH2Y4F2eZvKYlo2C8b9", customer: "cus_J5K2Y4F2eZvKYlo2" } };

interface View {
  invoice: string;
  paid: boolean;
  remindersCount: number;
  escalated: boolean;
  next: { status: string; number: number; nominalMs: number; scaledMs: number; dueInMs?: number } | null;
  history: { kind: string; number?: number; at: string }[];
  day: { nominalMs: number; scaledMs: number };
}

async function show(invoice: string): Promise<View> {
  const r = await cli(["reminders", "show", invoice, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as View;
}

describe.concurrent("payment reminders", () => {
  it(
    "escalates after exactly three reminders (fail --wait)",
    async () => {
      const invoice = uniqueKey("inv");
      const r = await cli(["reminders", "fail", invoice, "--wait", "--json"], 500_000);
      expect(r.code, r.stderr).toBe(0);
      const { settled } = JSON.parse(r.stdout) as { settled: View };
      expect(settled).toMatchObject({ escalated: true, paid: false, remindersCount: 3, next: null });
      expect(settled.history.map((h) => (h.kind === "reminder" ? `r${h.number}` : h.kind))).toEqual(["r1", "r2", "r3", "escalation"]);
      const gaps = settled.history.slice(1).map((h, i) => Date.parse(h.at) - Date.parse(settled.history[i]!.at));
      for (const g of gaps) expect(g).toBeGreaterThanOrEqual(settled.day.scaledMs * 0.8);
    },
    LONG,
  );

  it(
    "a payment stops the reminders: nothing more is sent after it",
    async () => {
      // the events go through the ingress back to back (a CLI start can take longer than a scaled day on a loaded
      // machine); what happened is read back through `reminders show`
      const invoice = uniqueKey("inv");
      const f = await ingress(`/PaymentTracker/${invoice}/onPaymentFailure`, SEED_EVENT);
      expect(f.status, f.text).toBe(200);
      const p = await ingress(`/PaymentTracker/${invoice}/onPaymentSuccess`, SEED_EVENT);
      expect(p.status, p.text).toBe(200);
      const paid = p.json as { paid: boolean; remindersCount: number; cancelledReminder?: string };
      expect(paid.paid).toBe(true);
      expect(paid.remindersCount).toBeLessThan(3);
      expect(paid.cancelledReminder).toMatch(/^inv_/);
      const before = await show(invoice);
      expect(before.paid).toBe(true);
      expect(before.next).toBeNull();
      const reminders = before.history.filter((h) => h.kind === "reminder").length;
      expect(reminders).toBe(paid.remindersCount);
      // time must pass here: the claim is that no reminder comes after the payment, so wait past when the next one was due
      await new Promise((r) => setTimeout(r, before.day.scaledMs * 1.5));
      const after = await show(invoice);
      expect(after.history.filter((h) => h.kind === "reminder")).toHaveLength(reminders);
      expect(after.history.filter((h) => h.kind === "escalation")).toHaveLength(before.history.filter((h) => h.kind === "escalation").length);
      expect(after.escalated).toBe(before.escalated);
    },
    LONG,
  );

  it(
    "the Kotlin seed's curls work unchanged, and the Go seed's spelling too",
    async () => {
      const invoice = uniqueKey("invoice");
      const f = await ingress(`/PaymentTracker/${invoice}/onPaymentFailure`, SEED_EVENT);
      expect(f.status, f.text).toBe(200);
      expect(f.json).toMatchObject({ outcome: "reminded", remindersCount: 1 });
      const s = await ingress(`/PaymentTracker/${invoice}/OnPaymentSuccess`, SEED_EVENT);
      expect(s.status, s.text).toBe(200);
      expect(s.json).toMatchObject({ paid: true });
      const again = await ingress(`/PaymentTracker/${invoice}/onPaymentFailure`, SEED_EVENT);
      expect(again.json).toMatchObject({ outcome: "ignored-paid" });
    },
    LONG,
  );

  it(
    "bad input: a bad invoice id exits 2; a malformed event is a 400 naming the field",
    async () => {
      const r = await cli(["reminders", "fail", "bad id!"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/invoice "bad id!" is not a valid id/);
      const bad = await ingress(`/PaymentTracker/${uniqueKey("inv")}/onPaymentFailure`, { type: "x", created: 1 });
      expect(bad.status).toBe(400);
      expect(bad.text).toMatch(/data is missing/);
    },
    LONG,
  );
});

describe.concurrent("fan-out", () => {
  it(
    "fanout runs the subtasks in parallel: total ≈ slowest, well under the sum",
    async () => {
      const tag = uniqueKey("t");
      const r = await cli(["fanout", `get out of bed ${tag},shower ${tag},make coffee ${tag},have breakfast ${tag}`, "--json"], 500_000);
      expect(r.code, r.stderr).toBe(0);
      const run = JSON.parse(r.stdout) as {
        result: string;
        lanes: { status: string }[];
        childInvocations: number;
        parallel: boolean;
        stats: { totalMs: number; slowestMs: number; sumMs: number; overlapped: boolean };
      };
      expect(run.childInvocations).toBe(4);
      expect(
        run.lanes.filter((l) => l.status !== "completed"),
        "lanes not completed",
      ).toEqual([]);
      expect(run.result).toBe(`get out of bed ${tag}: DONE, shower ${tag}: DONE, make coffee ${tag}: DONE, have breakfast ${tag}: DONE`);
      expect(run.stats.overlapped).toBe(true);
      expect(run.stats.totalMs).toBeLessThan(run.stats.sumMs);
      expect(run.stats.totalMs).toBeLessThan(run.stats.slowestMs + 5000);
      expect(run.parallel).toBe(true);
    },
    LONG,
  );

  it(
    "the seed's curl works",
    async () => {
      const r = await ingress("/FanOutWorker/run", { description: "a,b" });
      expect(r.status, r.text).toBe(200);
      expect((r.json as { description: string }).description).toBe("a: DONE, b: DONE");
    },
    LONG,
  );

  it(
    "bad input exits 2 with the fix",
    async () => {
      const r = await cli(["fanout", " , "]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/holds no subtask/);
      const c = await cli(["fanout", "a,b", "--crash-after", "nope"]);
      expect(c.code).toBe(2);
      const bad = await ingress("/FanOutWorker/run", { nope: 1 });
      expect(bad.status).toBe(400);
      expect(bad.text).toMatch(/description is missing/);
    },
    LONG,
  );
});

// Every pattern's scenario runs in interactive.test.ts (`tour --all`, with the crash checks on top), so the
// group files no longer repeat them through `demo`.
