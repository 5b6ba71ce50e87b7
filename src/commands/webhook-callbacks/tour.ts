// The webhook-callbacks scenario (its demo and tour): run for real through the same runners as the verbs, with run-unique keys;
// the checks come from Restate's records (src/observe), the worker's step log and the simulated-systems ledger.
import { check, type Check, type DemoContext, type DemoResult } from "../../tours/types.js";
import { WEBHOOK_ROUTER } from "../../services/webhook-callbacks/api.js";
import { invoiceEvent } from "../../services/simulations/stripe.js";
import { PAYMENT_TRACKER } from "../../services/payment-reminders/api.js";
import { randomSuffix } from "../lib/args.js";
import { eventually, invocations } from "../../observe/index.js";
import { SEED_CUSTOMER, sendWebhook, trackerMissing } from "./verbs.js";
import { guarded, stateValue } from "../../tours/scenario.js";

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

export const demo = (ctx: DemoContext): Promise<DemoResult> => guarded("webhook-callbacks", webhookCallbacks, ctx);
