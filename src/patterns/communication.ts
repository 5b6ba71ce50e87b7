// Patterns of the "communication" group (see src/services/communication/): rows 1–5 of the catalogue.
// Each demo drives the same functions as the CLI verbs, through the ingress, with run-unique keys, and computes its
// checks from Restate's invocation, journal and state tables (src/observe), the worker's step log, or the simulated-systems ledger.
import * as clients from "@restatedev/restate-sdk-clients";
import { check, type Check, type DemoContext, type DemoResult, type PatternEntry } from "./types.js";
import { ingressClient } from "../runtime/ingress.js";
import type { RunningStack } from "../runtime/stack.js";
import { readLedger } from "../services/lib/simulated.js";
import { ASYNC_TASK_WORKER, CARD_DECLINED, CARD_OK, DATA_UPLOADER, PRODUCT, SIGNAL_PAYMENTS, WEBHOOK_ROUTER, type EmailResult } from "../services/communication/contracts.js";
import type { ProductService } from "../services/communication/product.js";
import { invoiceEvent } from "../services/communication/stripe-sim.js";
import { PAYMENT_TRACKER } from "../services/scheduling/payment-tracker-api.js";
import { executions, randomSuffix } from "../commands/communication/shared.js";
import { eventually, invocation, invocations, journal, stateRows, workflowPromise, type InvocationRow } from "../observe/index.js";
import { reserve } from "../commands/communication/rpc.js";
import { listTasks, submitTask, taskResult } from "../commands/communication/queue.js";
import { SEED_CUSTOMER, sendWebhook, trackerMissing } from "../commands/communication/webhook.js";
import { DEFAULT_EMAIL, upload } from "../commands/communication/upload.js";
import { paySignals, type PaySignalsResult } from "../commands/communication/pay.js";
import { errorMessage } from "../errors.js";

async function stateValue(stack: RunningStack, service: string, key: string, name: string): Promise<string | undefined> {
  return (await stateRows(stack.admin, service, key, name))[0]?.value_utf8;
}

async function row(stack: RunningStack, id: string): Promise<InvocationRow | undefined> {
  return invocation(stack.admin, id);
}

// ---- 1. durable RPC + idempotency ----

async function durableRpc(ctx: DemoContext): Promise<DemoResult> {
  const { stack } = ctx;
  const product = `product-${randomSuffix()}`;
  const r1 = `reservation1-${randomSuffix(4)}`;
  const r2 = `reservation2-${randomSuffix(4)}`;
  ctx.say(`product ${product}: reserve with ${r1}, then ${r2}, then ${r1} again (the reservation id is the idempotency key)`);
  const a = await reserve(stack, product, r1);
  ctx.say(`  ${r1} → ${a.reserved}`);
  const b = await reserve(stack, product, r2);
  ctx.say(`  ${r2} → ${b.reserved}`);
  const again = await reserve(stack, product, r1);
  ctx.say(`  ${r1} again → ${again.reserved}${again.deduplicated ? " (deduplicated)" : ""}`);

  // the same key sent twice at the same moment: one invocation, both callers get its answer
  const other = `product-${randomSuffix()}`;
  const r3 = `reservation3-${randomSuffix(4)}`;
  ctx.say(`product ${other}: two concurrent calls with the same reservation id ${r3}`);
  const client = ingressClient(stack.ingressUrl).objectClient<ProductService>({ name: PRODUCT }, other);
  const both = await Promise.all([0, 1].map(() => client.reserve(clients.Opts.from({ idempotencyKey: r3 }))));

  const rows = await invocations(stack.admin, { service: PRODUCT, handler: "reserve", key: product });
  const concurrentRows = await invocations(stack.admin, { service: PRODUCT, handler: "reserve", key: other });
  const runsR1 = a.invocationId ? executions(stack, a.invocationId).attempts : 0;
  const runsR2 = b.invocationId ? executions(stack, b.invocationId).attempts : 0;
  const reserved = await stateValue(stack, PRODUCT, product, "reserved");
  const checks: Check[] = [
    check(`the first reservation (${r1}) gets true`, a.reserved === true, `answer ${a.reserved}`),
    check(`a second reservation (${r2}) gets false`, b.reserved === false, `answer ${b.reserved}`),
    check(`${r1} again gets the first answer, true`, again.reserved === true && again.invocationId === a.invocationId, `answer ${again.reserved}, invocation ${again.invocationId} (first was ${a.invocationId})`),
    check(
      "Restate holds one invocation per reservation id",
      rows.length === 2 && new Set(rows.map((r) => r.idempotency_key)).size === 2,
      `invocations of ${PRODUCT}/${product}/reserve: ${rows.map((r) => `${r.idempotency_key} (${r.status})`).join(", ")}`,
    ),
    check("the handler ran once per reservation id", runsR1 === 1 && runsR2 === 1, `worker step log: ${r1} ran ${runsR1}×, ${r2} ran ${runsR2}× (for 3 calls)`),
    check("the product's state says reserved", reserved === "true", `state ${PRODUCT}/${product} reserved = ${reserved ?? "(none)"}`),
    check(
      "two concurrent calls with one key share one invocation",
      both.every((x) => x === true) && concurrentRows.length === 1,
      `answers ${JSON.stringify(both)}; invocations for ${other}: ${concurrentRows.length}`,
    ),
  ];
  return { checks, data: { product, reservations: [r1, r2], answers: [a.reserved, b.reserved, again.reserved], invocations: [a.invocationId, b.invocationId], concurrentProduct: other } };
}

// ---- 2. (delayed) message queue ----

const QUEUE_DELAY_MS = 4000;

async function messageQueue(ctx: DemoContext): Promise<DemoResult> {
  const { stack } = ctx;
  const key = `task-${randomSuffix()}`;
  ctx.say(`submit task ${key} one-way with a delay of ${QUEUE_DELAY_MS / 1000} s (the task id is the idempotency key)`);
  const first = await submitTask(stack, { task: "resize image", id: key, delayMs: QUEUE_DELAY_MS });
  ctx.say(`  ${first.status}: invocation ${first.invocationId}, runs at ${first.executionTime ?? "?"}`);
  const dup = await submitTask(stack, { task: "resize image", id: key, delayMs: QUEUE_DELAY_MS });
  ctx.say(`  submitted again: ${dup.status} (invocation ${dup.invocationId})`);
  const listed = await listTasks(stack, { all: false, limit: 200 });
  const mine = listed.tasks.find((t) => t.invocationId === first.invocationId);
  ctx.say(`  queue list: ${mine ? `${mine.status}, due ${mine.scheduledStartAt ?? "?"}` : "not listed"}`);
  ctx.say("attach and wait for the result");
  const result = await taskResult(stack, key, { wait: true, quiet: true });
  ctx.say(`  result: ${JSON.stringify(result.result ?? result.failure)}`);

  const rows = await invocations(stack.admin, { service: ASYNC_TASK_WORKER, handler: "runTask", idempotencyKey: key });
  const done = rows[0];
  const created = done?.created_at ? Date.parse(done.created_at) : NaN;
  const ran = done?.running_at ? Date.parse(done.running_at) : NaN;
  const steps = first.invocationId ? executions(stack, first.invocationId).steps["run task"] ?? 0 : 0;
  // in its tour the worker is killed while the body runs, before its result is journaled: then it runs twice
  const crashed = crashArmedAt(ctx, "run task");
  const checks: Check[] = [
    check("the submit was accepted with a due time", first.status === "Accepted" && !!first.executionTime, `${first.status}, executionTime ${first.executionTime ?? "(none)"}`),
    check("a duplicate submit is reported as previously accepted", dup.status === "PreviouslyAccepted" && dup.invocationId === first.invocationId, `${dup.status}, invocation ${dup.invocationId}`),
    check("queue list shows it scheduled before it runs", !!mine && mine.status === "scheduled", mine ? `status ${mine.status}` : "not in the list of scheduled/pending tasks"),
    check("the result can be fetched by its key", typeof result.result === "string" && result.result.includes(key), `result ${JSON.stringify(result.result ?? result.failure)}`),
    check(
      "it ran after its delay",
      // a Restate timer may fire a little early (130 ms observed on a loaded machine)
      Number.isFinite(ran) && Number.isFinite(created) && ran - created >= QUEUE_DELAY_MS - 500,
      `created ${done?.created_at ?? "?"}, running ${done?.running_at ?? "?"} (${Number.isFinite(ran - created) ? `${ran - created} ms later` : "?"})`,
    ),
    check(
      crashed ? "one invocation for the key; the body ran again only because the worker died in it" : "one invocation for the key, and the task body ran once",
      rows.length === 1 && (crashed ? steps >= 1 && steps <= 2 : steps === 1),
      `invocations for ${key}: ${rows.length}; step "run task" ran ${steps}×`,
    ),
  ];
  return { checks, data: { key, invocationId: first.invocationId, executionTime: first.executionTime, result: result.result } };
}

// ---- 3. webhook callbacks ----

async function webhookCallbacks(ctx: DemoContext): Promise<DemoResult> {
  const { stack } = ctx;
  const missing = await trackerMissing(stack);
  if (missing) return { checks: [check(`${PAYMENT_TRACKER} serves the router's handlers`, false, missing)] };
  const invoice = `invoice-${randomSuffix()}`;
  const eventId = `evt_${randomSuffix(16)}`;
  const event = invoiceEvent(invoice, "succeeded", { eventId, customer: SEED_CUSTOMER, created: Math.floor(Date.now() / 1000) });
  ctx.say(`the provider POSTs ${event.type} ${eventId} for ${invoice} to ${WEBHOOK_ROUTER}/onStripeEvent, with the event id as idempotency key`);
  const first = await sendWebhook(stack, event, { idempotencyKey: true });
  ctx.say(`  routed to ${first.routedTo}`);
  ctx.say("it retries the same event (same idempotency key)");
  const second = await sendWebhook(stack, event, { idempotencyKey: true });
  ctx.say(`  ${second.duplicate ? "answered from Restate's idempotency store" : "processed again"}`);
  ctx.say("and once more without the idempotency-key header (a careless retry)");
  const third = await sendWebhook(stack, event, { idempotencyKey: false });

  const tracker = await eventually(
    `${PAYMENT_TRACKER}/${invoice}'s invocations to complete`,
    async () => {
      const rows = await invocations(stack.admin, { service: PAYMENT_TRACKER, key: invoice });
      return rows.length > 0 && rows.every((r) => r.status === "completed") ? rows : undefined;
    },
    { timeoutMs: 60_000, everyMs: 250 },
  ).catch(() => undefined);
  const paid = await stateValue(stack, PAYMENT_TRACKER, invoice, "paid");
  const routerRows = await invocations(stack.admin, { service: WEBHOOK_ROUTER, handler: "onStripeEvent", idempotencyKey: eventId });
  const checks: Check[] = [
    check(`the event reaches ${PAYMENT_TRACKER}/${invoice}`, first.routedTo === `${PAYMENT_TRACKER}/${invoice}/onPaymentSuccess`, `routedTo ${first.routedTo}`),
    check(
      "the same event id POSTed twice is processed once",
      second.duplicate && second.routerInvocationId === first.routerInvocationId && routerRows.length === 1,
      `router invocation ${first.routerInvocationId} both times; invocations with idempotency key ${eventId}: ${routerRows.length}`,
    ),
    check(
      "without the header the router runs again but the tracker still gets the event once",
      third.routerInvocationId !== first.routerInvocationId && (tracker?.length ?? 0) === 1 && tracker?.[0]?.idempotency_key === eventId,
      `3rd router invocation ${third.routerInvocationId}; ${PAYMENT_TRACKER}/${invoice} invocations: ${tracker?.map((r) => `${r.target} key ${r.idempotency_key}`).join(", ") ?? "none completed"}`,
    ),
    check(`${PAYMENT_TRACKER}/${invoice} marked the invoice paid`, paid === "true", `state paid = ${paid ?? "(none)"}`),
  ];
  return { checks, data: { invoice, eventId, routerInvocationId: first.routerInvocationId, trackerInvocationId: tracker?.[0]?.id } };
}

// ---- 4. sync to async ----

async function syncToAsync(ctx: DemoContext): Promise<DemoResult> {
  const { stack } = ctx;
  const fastId = `user-${randomSuffix()}`;
  const slowId = `user-${randomSuffix()}`;
  const email = DEFAULT_EMAIL;
  ctx.say(`slow upload ${slowId}: wait up to 2 s, then ask for the link by e-mail (${email}) and wait until it is sent`);
  const slow = await upload(stack, { id: slowId, slow: true, timeoutMs: 2000, email, waitEmail: true, quiet: true });
  ctx.say(`  ${slow.path === "email" ? `e-mail requested (${slow.emailInvocationId}) and sent` : "it answered in time"}`);
  ctx.say(`fast upload ${fastId}: wait up to 20 s for the URL (the upload takes about 1.5 s)`);
  const fast = await upload(stack, { id: fastId, slow: false, timeoutMs: 20_000, email, waitEmail: false, quiet: true });
  ctx.say(`  ${fast.path === "sync" ? `answered synchronously: ${fast.url}` : "switched to e-mail"}`);
  ctx.say("ask for the e-mail a second time (same recipient = same idempotency key)");
  const rs = ingressClient(stack.ingressUrl);
  const again = (await rs.send({ service: DATA_UPLOADER, handler: "resultAsEmail", key: slowId, parameter: { email }, opts: clients.SendOpts.from({ idempotencyKey: email }) })) as clients.Send<EmailResult>;
  const againResult = await rs.result(again);

  const emailsSlow = readLedger(stack.paths.root, { system: "email", action: "sent", key: slowId });
  const emailsFast = readLedger(stack.paths.root, { system: "email", action: "sent", key: fastId });
  const promise = [await workflowPromise(stack.admin, DATA_UPLOADER, slowId, "url")];
  const emailRows = await invocations(stack.admin, { service: DATA_UPLOADER, handler: "resultAsEmail", key: slowId });
  const buckets = readLedger(stack.paths.root, { system: "s3", action: "bucket created", key: slowId });
  const sendSteps = slow.emailInvocationId ? executions(stack, slow.emailInvocationId).steps["send email"] ?? 0 : 0;
  const checks: Check[] = [
    check("the fast upload answers synchronously", fast.path === "sync" && !!fast.url, `path ${fast.path} after ${fast.waitedMs} ms`),
    check("the fast upload sends no e-mail", emailsFast.length === 0, `ledger e-mails for ${fastId}: ${emailsFast.length}`),
    check("the slow upload switches to e-mail", slow.path === "email", `path ${slow.path} after ${slow.waitedMs} ms`),
    check("its bucket was created once", buckets.length === 1, `[SIMULATED s3] "bucket created" entries for ${slowId}: ${buckets.length}`),
    check(
      "the run resolved the url durable promise",
      promise[0]?.completed === true && (promise[0]?.completion_success_value_utf8 ?? "").includes(slowId),
      `sys_promise ${DATA_UPLOADER}/${slowId}/url: ${promise[0]?.completion_success_value_utf8 ?? "not completed"}`,
    ),
    check(
      "a second e-mail request is the same invocation",
      again.status === "PreviouslyAccepted" && again.invocationId === slow.emailInvocationId && emailRows.length === 1,
      `${again.status}, invocation ${again.invocationId}; resultAsEmail invocations: ${emailRows.length}`,
    ),
    check(
      "the e-mail with the link is sent exactly once",
      emailsSlow.length === 1 && sendSteps === 1 && (emailsSlow[0]?.detail as { url?: string })?.url === againResult.url,
      `[SIMULATED email] ledger entries for ${slowId}: ${emailsSlow.length}; step "send email" ran ${sendSteps}×`,
    ),
  ];
  return { checks, data: { fastId, slowId, runInvocationId: slow.invocationId, emailInvocationId: slow.emailInvocationId, url: againResult.url } };
}

// ---- 5. payment signals ----

const PROVIDER = "payment-provider";

function charges(stack: RunningStack, key: string | undefined): { created: number; replays: number } {
  if (!key) return { created: 0, replays: 0 };
  return {
    created: readLedger(stack.paths.root, { system: PROVIDER, action: "payment intent created", key }).length,
    replays: readLedger(stack.paths.root, { system: PROVIDER, action: "idempotent replay", key }).length,
  };
}

async function paymentSignals(ctx: DemoContext): Promise<DemoResult> {
  const { stack } = ctx;
  const run = `pay-${randomSuffix()}`;
  const pay = async (label: string, request: { amount: number; paymentMethodId: string; delayedStatus?: boolean; loseFirstResponse?: boolean }): Promise<PaySignalsResult> => {
    const requestKey = `${run}-${label}`;
    const r = await paySignals(stack, { request, requestKey, quiet: true });
    ctx.say(`  ${label}: ${r.outcome} via ${r.path} (provider key ${r.providerIdempotencyKey ?? "?"}, charged ${r.providerCharges}×)`);
    return r;
  };
  ctx.say(`payments of run ${run} against the [SIMULATED] provider`);
  const sync = await pay("sync", { amount: 109, paymentMethodId: CARD_OK });
  const delayed = await pay("delayed", { amount: 109, paymentMethodId: CARD_OK, delayedStatus: true });
  const declined = await pay("decline", { amount: 109, paymentMethodId: CARD_DECLINED });
  const delayedDeclined = await pay("delayed-decline", { amount: 109, paymentMethodId: CARD_DECLINED, delayedStatus: true });
  const lost = await pay("lost-response", { amount: 42, paymentMethodId: CARD_OK, loseFirstResponse: true });

  const syncJournal = sync.invocationId ? await journal(stack.admin, [sync.invocationId]) : [];
  const webhookRow = delayed.webhookInvocationId ? await row(stack, delayed.webhookInvocationId) : undefined;
  const declinedRow = declined.invocationId ? await row(stack, declined.invocationId) : undefined;
  const lostCharges = charges(stack, lost.providerIdempotencyKey);
  const lostSteps = lost.invocationId ? executions(stack, lost.invocationId).steps["stripe call"] ?? 0 : 0;
  const lostLedger = lost.providerIdempotencyKey ? readLedger(stack.paths.root, { system: PROVIDER, key: lost.providerIdempotencyKey }) : [];
  const all = [sync, delayed, declined, delayedDeclined, lost];
  const checks: Check[] = [
    check(
      "sync path: the provider's answer is used at once, no signal awaited",
      sync.outcome === "succeeded" && sync.path === "sync" && !syncJournal.some((e) => e.entry_type === "Notification: Signal"),
      `${sync.outcome} via ${sync.path}; journal of ${sync.invocationId}: ${syncJournal.map((e) => e.entry_type).join(", ")}`,
    ),
    check(
      "webhook path: the handler waited on its awakeable until processWebhook resolved it",
      delayed.outcome === "succeeded" && delayed.path === "webhook" && delayed.awakeableCompleted && webhookRow?.completion_result === "success",
      `${delayed.outcome} via ${delayed.path}; journal has Notification: Signal: ${delayed.awakeableCompleted}; processWebhook ${delayed.webhookInvocationId ?? "?"} ${webhookRow?.completion_result ?? "not found"}`,
    ),
    check(
      "a declined card fails terminally (402), not retried",
      declined.outcome === "declined" && /402/.test(declinedRow?.completion_failure ?? ""),
      `${declined.outcome}; completion_failure ${declinedRow?.completion_failure ?? "?"}`,
    ),
    check(
      "a decline reported by webhook fails the same way",
      delayedDeclined.outcome === "declined" && delayedDeclined.path === "webhook" && delayedDeclined.awakeableCompleted,
      `${delayedDeclined.outcome} via ${delayedDeclined.path}`,
    ),
    check(
      "a lost answer is retried with the same idempotency key and charged once",
      lost.outcome === "succeeded" && lostSteps >= 2 && lostCharges.created === 1 && lostCharges.replays >= 1 && lostLedger.every((e) => (e.detail as { invocationId?: string })?.invocationId === lost.invocationId),
      `step "stripe call" ran ${lostSteps}×; provider ledger for key ${lost.providerIdempotencyKey ?? "?"}: created ${lostCharges.created}, replayed ${lostCharges.replays}`,
    ),
    check(
      "every payment was charged exactly once, under a key drawn with ctx.rand",
      all.every((r) => r.providerCharges === 1 && /^[0-9a-f-]{36}$/.test(r.providerIdempotencyKey ?? "")) && new Set(all.map((r) => r.providerIdempotencyKey)).size === all.length,
      all.map((r) => `${r.requestKey.slice(run.length + 1)} ${r.providerCharges}×`).join(", "),
    ),
  ];
  return {
    checks,
    data: { run, invocations: all.map((r) => r.invocationId), paths: Object.fromEntries(all.map((r) => [r.requestKey, `${r.outcome}/${r.path}`])) },
  };
}

/** The crash a tour armed for this run (tours pass it in the context), when it is at `step`. */
function crashArmedAt(ctx: DemoContext, step: string): boolean {
  return (ctx as DemoContext & { crash?: { step: string } }).crash?.step === step;
}

async function guarded(name: string, fn: (ctx: DemoContext) => Promise<DemoResult>, ctx: DemoContext): Promise<DemoResult> {
  try {
    return await fn(ctx);
  } catch (e) {
    return { checks: [check(`the ${name} scenario ran`, false, errorMessage(e))] };
  }
}

export const patterns: PatternEntry[] = [
  {
    name: "durable-rpc",
    title: "Durable RPC + idempotency",
    category: "communication",
    summary: "reserve a product through the typed client; the reservation id is the idempotency key",
    guarantee:
      "A call carrying an idempotency key runs at most once per key: a retry, or a second caller with the same key, gets the first answer from Restate instead of a second execution. The product is a Virtual Object, so reservations of one product run one at a time.",
    services: [PRODUCT],
    verbs: ["rpc reserve <product> <reservation>"],
    demo: (ctx) => guarded("durable-rpc", durableRpc, ctx),
    tour: { look: ["the reserve invocations in `npx patterns invocations`: one per reservation id", "`npx patterns state product <product>`"] },
  },
  {
    name: "message-queue",
    title: "(Delayed) message queue",
    category: "communication",
    summary: "one-way sends to asyncTaskWorker/runTask with a delay and an idempotency key; attach to the result later",
    guarantee:
      "A task sent one-way is stored durably by Restate and runs once, after its delay, even if the worker or the server dies meanwhile. The same idempotency key is accepted once (PreviouslyAccepted), and the result stays attachable by invocation id or key.",
    services: [ASYNC_TASK_WORKER],
    verbs: ["queue submit [task] --delay 10s --id <key>", "queue result <id|key>", "queue list"],
    demo: (ctx) => guarded("message-queue", messageQueue, ctx),
    tour: {
      // "during": the body is its only step, and the handler returns right after it, so an "after" crash would
      // find the invocation already completed
      crash: { step: "run task", when: "during" },
      look: ["the task's invocation: one, completed after the restart; the body ran again because its result was never journaled", "`npx patterns queue list --all`"],
    },
  },
  {
    name: "webhook-callbacks",
    title: "Webhook callbacks",
    category: "communication",
    summary: "a provider's events POSTed to WebhookCallbackRouter/onStripeEvent and routed durably to PaymentTracker/{invoice}",
    guarantee:
      "Any handler is a durable webhook endpoint: once Restate accepted the POST the event is processed, whatever crashes later. With the event id as idempotency key a provider's retry is answered from Restate's store, and the router's send to the tracker carries the same key, so the tracker sees each event once.",
    services: [WEBHOOK_ROUTER, PAYMENT_TRACKER],
    verbs: ["webhook send <invoice> --type failed|succeeded --event-id <id>"],
    demo: (ctx) => guarded("webhook-callbacks", webhookCallbacks, ctx),
    tour: { look: ["`npx patterns invocations` for WebhookCallbackRouter and PaymentTracker: one tracker invocation per event id", "`npx patterns state PaymentTracker <invoice>`"] },
  },
  {
    name: "sync-to-async",
    title: "Convert sync tasks to async",
    category: "communication",
    summary: "wait for an upload's URL; when it is slow, have the workflow e-mail the link instead",
    guarantee:
      "The upload is a workflow that keeps running whether or not anyone waits. A caller that stops waiting asks resultAsEmail, which awaits the same durable promise; the e-mail is a journaled step, sent exactly once even across retries, crashes and repeated requests.",
    services: [DATA_UPLOADER],
    verbs: ["upload [--slow] [--timeout 5s] [--wait-email]"],
    demo: (ctx) => guarded("sync-to-async", syncToAsync, ctx),
    tour: {
      // the slow upload is the first to create a bucket: the worker dies while it uploads, the bucket step is replayed
      crash: { step: "create bucket", when: "after" },
      look: ["the run's journal: \"create bucket\" replayed, \"upload data\" run again in the new worker", "the [SIMULATED email] line in `npx patterns logs worker`: once", "the url promise in sys_promise"],
    },
  },
  {
    name: "payment-signals",
    title: "Payment signals",
    category: "communication",
    summary: "one handler waits for the payment provider's sync answer or its later webhook (awakeable)",
    guarantee:
      "processPayment passes an awakeable id to the provider and suspends on it only when the answer is 'processing'; the webhook resolves it, whichever comes first is handled by the same code. The provider gets an idempotency key drawn with ctx.rand, journaled, so a retried call — even after a crash before its answer was recorded — charges once.",
    services: [SIGNAL_PAYMENTS],
    verbs: ["pay signals --amount 109 [--delayed] [--decline] [--lost-response]"],
    demo: (ctx) => guarded("payment-signals", paymentSignals, ctx),
    tour: {
      // "during": the step's result is not journaled, so the call to the provider really happens again — with the same key
      crash: { step: "stripe call", when: "during" },
      look: ["the [SIMULATED payment-provider] lines in `npx patterns logs worker`: the repeated request is answered from its idempotency store", "the journal of the webhook payment: Notification: Signal"],
    },
  },
];
