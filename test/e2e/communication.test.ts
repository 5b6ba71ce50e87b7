// Communication patterns 1–5 through the user's doors: the CLI verbs (--json), the seeds' curls against the
// ingress, and `patterns demo <name>`. Every test uses its own keys: other files share this stack.
import { describe, expect, it } from "vitest";
import { eventually, ingress, json, patterns, stack, uniqueKey } from "../helpers.js";
import { readLedger } from "../../src/services/lib/simulated.js";
import { sqlString } from "../../src/runtime/admin.js";

const LONG = { timeoutMs: 180_000 };

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  return stack().admin.query<Record<string, unknown>>(sql);
}

interface Reserve {
  reserved: boolean;
  invocationId: string;
  deduplicated: boolean;
  invocationsForReservation: number;
  handlerRuns: number;
}

describe("durable RPC + idempotency (rpc reserve)", () => {
  it("first reservation true, second false, the first again true without a second execution", async () => {
    const product = uniqueKey("product");
    const r1 = uniqueKey("reservation1");
    const r2 = uniqueKey("reservation2");
    const a = json<Reserve>(await patterns(["rpc", "reserve", product, r1, "--json"]));
    // for people: the answer on stdout, the equivalent curl on stderr
    const human = await patterns(["rpc", "reserve", product, r2]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`reserve ${product} for ${r2} \\S+ false`));
    expect(human.stderr).toContain(`curl -X POST '${stack().ingressUrl}/product/${product}/reserve' -H 'idempotency-key: ${r2}'`);
    const again = await patterns(["rpc", "reserve", product, r1, "--json"]);
    expect(again.code).toBe(0);
    const c = json<Reserve>(again);
    expect([a.reserved, c.reserved]).toEqual([true, true]);
    expect(c.deduplicated).toBe(true);
    expect(c.invocationId).toBe(a.invocationId);
    expect(c.invocationsForReservation).toBe(1);
    expect(c.handlerRuns).toBe(1);
  });

  it("the seed's curl: POST /product/{id}/reserve with an idempotency-key header", async () => {
    const product = uniqueKey("product");
    const first = await ingress(`/product/${product}/reserve`, undefined, { "idempotency-key": "reservation1" });
    expect(first.status).toBe(200);
    expect(first.json).toBe(true);
    const other = await ingress(`/product/${product}/reserve`, undefined, { "idempotency-key": "reservation2" });
    expect(other.json).toBe(false);
    const again = await ingress(`/product/${product}/reserve`, undefined, { "idempotency-key": "reservation1" });
    expect(again.json).toBe(true);
    expect(again.headers.get("x-restate-id")).toBe(first.headers.get("x-restate-id"));
    const inv = await rows(`SELECT id FROM sys_invocation WHERE target_service_name = 'product' AND target_service_key = ${sqlString(product)}`);
    expect(inv).toHaveLength(2);
  });
});

describe("(delayed) message queue (queue submit|result|list)", () => {
  it("submit with a delay prints id and due time; a duplicate is previously accepted; list and result work", async () => {
    const key = uniqueKey("task");
    const s1 = json<{ invocationId: string; status: string; executionTime?: string; currentStatus?: string }>(
      await patterns(["queue", "submit", "resize image", "--delay", "20s", "--key", key, "--json"]),
    );
    expect(s1.status).toBe("Accepted");
    expect(s1.invocationId).toMatch(/^inv_/);
    expect(Date.parse(s1.executionTime ?? "")).toBeGreaterThan(Date.now() - 20_000);
    const s2 = json<{ invocationId: string; status: string }>(await patterns(["queue", "submit", "resize image", "--delay", "20s", "--id", key, "--json"]));
    expect(s2).toMatchObject({ status: "PreviouslyAccepted", invocationId: s1.invocationId });
    // --all lists it whether it is still scheduled or, on a slow machine, already done: no branch on which
    const list = json<{ tasks: { invocationId: string; status: string; scheduledStartAt?: string }[] }>(await patterns(["queue", "list", "--all", "--json"]));
    const mine = list.tasks.find((t) => t.invocationId === s1.invocationId);
    expect(mine, `${s1.invocationId} among ${list.tasks.length} tasks of queue list --all`).toBeDefined();
    expect(mine!.scheduledStartAt).toBe(s1.executionTime);
    const res = await patterns(["queue", "result", key, "--json"], LONG);
    expect(res.code).toBe(0);
    const r = json<{ completed: boolean; result: string; invocationId: string }>(res);
    expect(r.completed).toBe(true);
    expect(r.invocationId).toBe(s1.invocationId);
    expect(r.result).toContain(key);
    const inv = await rows(`SELECT id, scheduled_at, scheduled_start_at, running_at FROM sys_invocation WHERE idempotency_key = ${sqlString(key)}`);
    expect(inv).toHaveLength(1);
    // it ran at its due time, not before (a timer may fire a few ms early: observed 130 ms)
    expect(Date.parse(String(inv[0]!.running_at))).toBeGreaterThanOrEqual(Date.parse(String(inv[0]!.scheduled_start_at)) - 1000);
    const due = Date.parse(String(inv[0]!.scheduled_start_at)) - Date.parse(String(inv[0]!.scheduled_at));
    expect(due).toBeGreaterThanOrEqual(19_900);
    expect(due).toBeLessThan(21_000);
  });

  it("the seed's send with ?delay and idempotency-key, then `queue result <invocation id>`", async () => {
    const key = uniqueKey("task");
    const body = { id: key, task: "say hello" };
    const sent = await ingress(`/asyncTaskWorker/runTask/send?delay=1s`, body, { "idempotency-key": key });
    expect(sent.status).toBe(202);
    const { invocationId, status } = sent.json as { invocationId: string; status: string };
    expect(status).toBe("Accepted");
    const dup = await ingress(`/asyncTaskWorker/runTask/send?delay=1s`, body, { "idempotency-key": key });
    expect(dup.json).toMatchObject({ invocationId, status: "PreviouslyAccepted" });
    const r = json<{ result: string }>(await patterns(["queue", "result", invocationId, "--json"], LONG));
    expect(r.result).toBe(`Work! (task ${key}: say hello)`);
  });

  it("result --no-wait of a task not due yet says so; an unknown key fails with exit 1", async () => {
    const key = uniqueKey("task");
    await patterns(["queue", "submit", "--delay", "5m", "--key", key, "--json"]);
    const r = json<{ completed: boolean; status: string }>(await patterns(["queue", "result", key, "--no-wait", "--json"]));
    expect(r).toMatchObject({ completed: false, status: "scheduled" });
    const unknown = await patterns(["queue", "result", uniqueKey("nope"), "--json"]);
    expect(unknown.code).toBe(1);
    // leave nothing scheduled behind
    const inv = await rows(`SELECT id FROM sys_invocation WHERE idempotency_key = ${sqlString(key)}`);
    await fetch(`${stack().adminUrl}/invocations/${inv[0]!.id}/cancel`, { method: "PATCH" }).catch(() => undefined);
  });
});

interface WebhookJson {
  routedTo: string | null;
  duplicate: boolean;
  routerInvocationId: string;
  routerInvocations: number;
  trackerInvocations: number;
}

describe("webhook callbacks (webhook send)", () => {
  it("the same event id sent twice is processed once and reaches PaymentTracker/{invoice}", async () => {
    const invoice = uniqueKey("invoice");
    const eventId = `evt_${uniqueKey("t").replace("-", "")}`;
    const a = json<WebhookJson>(await patterns(["webhook", "send", invoice, "--type", "succeeded", "--event-id", eventId, "--json"]));
    const b = json<WebhookJson>(await patterns(["webhook", "send", invoice, "--type", "succeeded", "--event-id", eventId, "--json"]));
    expect(a.routedTo).toBe(`PaymentTracker/${invoice}/onPaymentSuccess`);
    expect(a.duplicate).toBe(false);
    expect(b).toMatchObject({ duplicate: true, routerInvocationId: a.routerInvocationId, routerInvocations: 1, trackerInvocations: 1 });
    const paid = await eventually("the tracker marks the invoice paid", async () => {
      const r = await rows(`SELECT value_utf8 FROM state WHERE service_name = 'PaymentTracker' AND service_key = ${sqlString(invoice)} AND key = 'paid'`);
      return r[0]?.value_utf8;
    });
    expect(paid).toBe("true");
  });

  it("the seed's curl: a Stripe invoice.payment_failed event is routed to onPaymentFailure, once per event id", async () => {
    const invoice = uniqueKey("invoice");
    const event = { id: `evt_${invoice}`, type: "invoice.payment_failed", created: 1_700_000_000, data: { object: { id: invoice, customer: "cus_J5K2Y4F2eZvKYlo2" } } };
    const r1 = await ingress("/WebhookCallbackRouter/onStripeEvent", event, { "idempotency-key": event.id });
    expect(r1.status).toBe(200);
    expect(r1.json).toMatchObject({ routedTo: `PaymentTracker/${invoice}/onPaymentFailure` });
    // a careless provider retry without the header: the router runs again, its send carries the event id as key
    const r2 = await ingress("/WebhookCallbackRouter/onStripeEvent", event);
    expect(r2.status).toBe(200);
    expect(r2.headers.get("x-restate-id")).not.toBe(r1.headers.get("x-restate-id"));
    const tracker = await rows(`SELECT id FROM sys_invocation WHERE target_service_name = 'PaymentTracker' AND idempotency_key = ${sqlString(event.id)}`);
    expect(tracker).toHaveLength(1);
  });
});

describe("sync to async (upload)", () => {
  it("a fast upload answers synchronously, and the seed's POST /dataUploader/{id}/run returns the URL", async () => {
    const id = uniqueKey("user");
    const r = await patterns(["upload", "--id", id, "--timeout", "30s"], LONG);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`fast upload: the URL is https://uploads-${id}\\.`));
    expect(r.stderr).toContain(`curl -X POST '${stack().ingressUrl}/dataUploader/${id}/run/send'`);
    const id2 = uniqueKey("user");
    const res = await ingress(`/dataUploader/${id2}/run`);
    expect(res.status).toBe(200);
    expect(String(res.json)).toContain(id2);
  });

  it("a slow upload switches to e-mail and the e-mail is sent exactly once, even when asked twice", async () => {
    const id = uniqueKey("user");
    const res = await patterns(["upload", "--slow", "--timeout", "2s", "--id", id, "--wait-email", "--json"], LONG);
    expect(res.code).toBe(0);
    const r = json<{ path: string; emailInvocationId: string; emailResult: { sent: boolean; url: string } }>(res);
    expect(r.path).toBe("email");
    expect(r.emailResult).toMatchObject({ sent: true });
    const again = await ingress(`/dataUploader/${id}/resultAsEmail/send`, { email: "user@example.com" }, { "idempotency-key": "user@example.com" });
    expect(again.json).toMatchObject({ status: "PreviouslyAccepted", invocationId: r.emailInvocationId });
    const emails = readLedger(stack().stateDir, { system: "email", action: "sent", key: id });
    expect(emails).toHaveLength(1);
    expect((emails[0]!.detail as { url: string }).url).toBe(r.emailResult.url);
  });
});

interface PayJson {
  outcome: string;
  path: string;
  invocationId: string;
  paymentIntentId: string;
  providerIdempotencyKey: string;
  providerCharges: number;
  awakeableCompleted: boolean;
  webhookInvocationId?: string;
}

describe("payment signals (pay signals)", () => {
  it("sync path; and the same request key twice gives the same answer with one charge", async () => {
    const key = uniqueKey("pay");
    const a = json<PayJson>(await patterns(["pay", "signals", "--amount", "109", "--id", key, "--json"]));
    expect(a).toMatchObject({ outcome: "succeeded", path: "sync", providerCharges: 1, awakeableCompleted: false });
    expect(a.providerIdempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    const b = json<PayJson>(await patterns(["pay", "signals", "--amount", "109", "--id", key, "--json"]));
    expect(b).toMatchObject({ invocationId: a.invocationId, paymentIntentId: a.paymentIntentId, providerIdempotencyKey: a.providerIdempotencyKey, providerCharges: 1 });
  });

  it("--delayed: the answer arrives by webhook and resolves the awakeable", async () => {
    const r = json<PayJson>(await patterns(["pay", "signals", "--amount", "109", "--delayed", "--json"], LONG));
    expect(r).toMatchObject({ outcome: "succeeded", path: "webhook", awakeableCompleted: true, providerCharges: 1 });
    expect(r.webhookInvocationId).toMatch(/^inv_/);
  });

  it("--decline, sync and by webhook: declined terminally, exit 1", async () => {
    const sync = await patterns(["pay", "signals", "--amount", "109", "--decline", "--json"]);
    expect(sync.code).toBe(1);
    expect(json<PayJson>(sync)).toMatchObject({ outcome: "declined", path: "sync" });
    const hook = await patterns(["pay", "signals", "--amount", "109", "--decline", "--delayed", "--json"], LONG);
    expect(hook.code).toBe(1);
    expect(json<PayJson>(hook)).toMatchObject({ outcome: "declined", path: "webhook", awakeableCompleted: true });
  });

  it("--lost-response: retried with the same provider key, charged once", async () => {
    const r = json<PayJson & { providerReplays: number }>(await patterns(["pay", "signals", "--amount", "42", "--lost-response", "--json"]));
    expect(r).toMatchObject({ outcome: "succeeded", providerCharges: 1 });
    expect(r.providerReplays).toBeGreaterThanOrEqual(1);
  });

  it("the seed's curl (service renamed signalPayments): delayedStatus true ends by webhook", async () => {
    const res = await ingress("/signalPayments/processPayment", { paymentMethodId: "pm_card_visa", amount: 109, delayedStatus: true });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: "succeeded", path: "webhook" });
    const declined = await ingress("/signalPayments/processPayment", { paymentMethodId: "pm_card_visa_chargeDeclined", amount: 109 });
    expect(declined.status).toBe(402);
    expect(declined.text).toContain("Payment declined");
  });
});

describe("bad input", () => {
  it.each([
    [["rpc", "reserve", "product 1", "r1"], /<product> must not contain spaces/],
    [["queue", "submit", "--delay", "soon"], /--delay/],
    [["queue", "submit", "--id", "a", "--key", "b"], /--id and --key/],
    [["webhook", "send", "invoice-1", "--type", "refunded"], /--type must be failed or succeeded/],
    [["upload", "--email", "nobody"], /--email must be an address/],
    [["upload", "--timeout", "1ms"], /--timeout/],
    [["pay", "signals", "--amount", "-5"], /--amount must be a positive number/],
    [["pay", "signals", "--decline", "--method", "pm_card_visa"], /contradict/],
  ])("%j exits 2 naming the fix", async (args, message) => {
    const r = await patterns([...(args as string[]), "--json"]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
    // with --json the error is also the one document on stdout
    const doc = JSON.parse(r.stdout) as { error: { message: string; fix: string | null; exitCode: number } };
    expect(doc.error.message).toMatch(message as RegExp);
    expect(doc.error.fix).toBeTruthy();
    expect(doc.error.exitCode).toBe(2);
  });

  it.each([
    ["/asyncTaskWorker/runTask", { id: "x" }, "task is missing"],
    ["/signalPayments/processPayment", { amount: 109 }, "paymentMethodId is missing"],
    ["/signalPayments/processPayment", { paymentMethodId: "pm_card_visa", amount: "lots" }, "amount is invalid"],
    ["/WebhookCallbackRouter/onStripeEvent", { id: "evt_x", type: "invoice.payment_failed", created: 1 }, "data.object.id is missing"],
    ["/dataUploader/bad-input/resultAsEmail", { email: "nobody" }, "email is invalid"],
    ["/signalPayments/processWebhook", { type: "payment_intent.succeeded" }, "stripe-signature header is missing"],
  ])("POST %s with a bad body → 400 naming the field", async (path, body, message) => {
    const r = await ingress(path, body);
    expect(r.status).toBe(400);
    expect(r.text).toContain(message);
  });
});

// The `demo` verb itself, once; every pattern's scenario runs in interactive.test.ts (`tour --all`, with the crash
// checks on top), so the group files do not repeat them.
describe("demo", () => {
  it.each(["message-queue"])(
    "patterns demo %s --json passes",
    async (name) => {
      const r = await patterns(["demo", name, "--json"], LONG);
      const d = json<{ pattern: string; passed: boolean; checks: { name: string; ok: boolean; detail: string }[] }>(r);
      expect(d.checks.filter((x) => !x.ok)).toEqual([]);
      expect(d.checks.length).toBeGreaterThanOrEqual(4);
      expect(d.passed).toBe(true);
      expect(r.code).toBe(0);
    },
    240_000,
  );
});
