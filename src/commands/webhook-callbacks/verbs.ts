// `patterns webhook send <invoice> --type failed|succeeded`: POST a Stripe-like event to
// WebhookCallbackRouter/onStripeEvent like a payment provider would, with the event id as idempotency key.
import { type RunningStack } from "../../runtime/stack.js";
import { ingress, sendOpts } from "../../runtime/ingress.js";
import { sendAndAttach } from "../lib/calls.js";
import { type RawCall } from "../../ui/curl.js";
import { c, sym } from "../../ui/palette.js";
import { PlaygroundError, UsageError } from "../../errors.js";
import { WEBHOOK_ROUTER, webhookRouterApi, type RouteResult, type StripeInvoiceEvent } from "../../services/webhook-callbacks/api.js";
import { invoiceEvent } from "../../services/simulations/stripe.js";
import { ON_PAYMENT_FAILURE, ON_PAYMENT_SUCCESS, PAYMENT_TRACKER } from "../../services/payment-reminders/api.js";
import { checkKeyArg, ingressPath, randomSuffix } from "../lib/args.js";
import { invocations } from "../../observe/index.js";
import { verb, verbGroup, type Declaration } from "../verb.js";

export const SEED_CUSTOMER = "cus_J5K2Y4F2eZvKYlo2";

export interface WebhookSendResult {
  invoice: string;
  eventId: string;
  type: string;
  routedTo: string | null;
  routerInvocationId?: string;
  /** the POST carried the event id as idempotency-key header */
  idempotencyKeySent: boolean;
  /** the event id had been POSTed before (with the idempotency key): Restate answered from its store */
  duplicate: boolean;
  /** router invocations Restate holds for this event id as idempotency key */
  routerInvocations: number;
  /** PaymentTracker/{invoice} invocations created for this event (the router sends with the event id as key) */
  trackerInvocations: number;
  trackerInvocationId?: string;
  trackerStatus?: string;
}

export function webhookCall(ingressUrl: string, event: StripeInvoiceEvent, withKey = true): RawCall {
  return { url: `${ingressUrl}${ingressPath(WEBHOOK_ROUTER, "onStripeEvent")}`, body: event, headers: withKey ? { "idempotency-key": event.id } : {} };
}

/** A send to an unregistered handler would retry forever, so check before POSTing. */
export async function trackerMissing(stack: RunningStack): Promise<string | undefined> {
  const services = (await stack.admin.services()).services;
  const tracker = services.find((s) => s.name === PAYMENT_TRACKER);
  if (!tracker) return `${PAYMENT_TRACKER} is not registered (it is the scheduling pattern's object)`;
  const names = tracker.handlers.map((h) => h.name);
  const missing = [ON_PAYMENT_FAILURE, ON_PAYMENT_SUCCESS].filter((h) => !names.includes(h));
  if (missing.length) return `${PAYMENT_TRACKER} has no handler ${missing.join(", ")} (it has ${names.join(", ")})`;
  return undefined;
}

export async function sendWebhook(stack: RunningStack, event: StripeInvoiceEvent, opts: { idempotencyKey: boolean }): Promise<WebhookSendResult> {
  const problem = await trackerMissing(stack);
  if (problem)
    throw new PlaygroundError(
      `cannot route webhooks yet: ${problem}`,
      "the router's one-way send to an unregistered handler would retry forever; wait until the scheduling group's PaymentTracker is served (`npx patterns status`)",
    );
  const routerFilter = { service: WEBHOOK_ROUTER, handler: "onStripeEvent", idempotencyKey: event.id };
  const before = opts.idempotencyKey ? await invocations(stack.admin, routerFilter) : [];
  const router = ingress(stack.ingressUrl).serviceSendClient(webhookRouterApi);
  const res = await sendAndAttach<RouteResult>(stack, `POST ${WEBHOOK_ROUTER}/onStripeEvent`, () =>
    router.onStripeEvent(event, sendOpts({ idempotencyKey: opts.idempotencyKey ? event.id : undefined })),
  );
  const routerRows = await invocations(stack.admin, routerFilter);
  const invoice = event.data.object.id;
  const trackerRows = await invocations(stack.admin, { service: PAYMENT_TRACKER, key: invoice, idempotencyKey: event.id });
  return {
    invoice,
    eventId: event.id,
    type: event.type,
    routedTo: res.body?.routedTo ?? null,
    routerInvocationId: res.invocationId,
    idempotencyKeySent: opts.idempotencyKey,
    duplicate: before.length > 0,
    routerInvocations: routerRows.length,
    trackerInvocations: trackerRows.length,
    trackerInvocationId: trackerRows[0]?.id,
    trackerStatus: trackerRows[0]?.status,
  };
}

export function renderWebhook(r: WebhookSendResult): string[] {
  const lines = [`${sym.ok} ${r.type} ${c.id(r.eventId)} for invoice ${c.id(r.invoice)} ${sym.arrow} ${r.routedTo ? c.info(r.routedTo) : c.dim("not routed")}`];
  if (r.duplicate) lines.push(`  ${c.info("duplicate")}: event ${r.eventId} was delivered before; Restate answered from its idempotency store and did not route it again`);
  const router = r.idempotencyKeySent
    ? `router invocations for this event id: ${r.routerInvocations}`
    : "no idempotency-key header: the router ran again, but its send to the tracker carries the event id as key";
  lines.push(
    c.dim(
      `  router invocation ${r.routerInvocationId ?? "?"}; ${router}; ${PAYMENT_TRACKER}/${r.invoice} invocations for this event: ${r.trackerInvocations}${r.trackerStatus ? ` (${r.trackerStatus})` : ""}`,
    ),
  );
  return lines;
}

export const declarations: Declaration[] = [
  verbGroup({ path: "webhook", group: "patterns", summary: "webhook callbacks: a provider's events routed durably to PaymentTracker" }),
  verb<{ type: string; eventId?: string; customer: string; idempotencyKey: boolean }, WebhookSendResult>({
    path: "webhook send",
    summary: "POST a Stripe-like invoice event to WebhookCallbackRouter/onStripeEvent, like the payment provider would",
    args: [{ name: "<invoice>", description: "invoice id (the PaymentTracker key)" }],
    options: [
      { flags: "--type <type>", description: "failed (invoice.payment_failed) or succeeded (invoice.payment_succeeded)", required: true },
      { flags: "--event-id <id>", description: "the provider's event id, sent as idempotency key (default evt_<random>); repeat it to see the dedup" },
      { flags: "--customer <id>", description: "customer id in the event", default: SEED_CUSTOMER },
      { flags: "--no-idempotency-key", description: "POST without the idempotency-key header (a careless provider retry)" },
    ],
    examples: [
      "npx patterns webhook send invoice-1 --type failed --event-id evt_1",
      "npx patterns webhook send invoice-1 --type failed --event-id evt_1   # processed once",
      "npx patterns webhook send invoice-1 --type succeeded",
    ],
    async run(ctx, invoiceArg: string) {
      const opts = ctx.opts;
      const invoice = checkKeyArg(invoiceArg, "<invoice>", "invoice-1");
      if (opts.type !== "failed" && opts.type !== "succeeded") throw new UsageError(`--type must be failed or succeeded, got "${opts.type}"`, "for example --type failed");
      const eventId = opts.eventId === undefined ? `evt_${randomSuffix(16)}` : checkKeyArg(opts.eventId, "--event-id", "--event-id evt_1JH2Y4F2eZvKYlo2C8b9");
      const customer = checkKeyArg(opts.customer, "--customer", `--customer ${SEED_CUSTOMER}`);
      const event = invoiceEvent(invoice, opts.type, { eventId, customer, created: Math.floor(Date.now() / 1000) });
      const stack = ctx.stack();
      ctx.equivalent(webhookCall(stack.ingressUrl, event, opts.idempotencyKey));
      return sendWebhook(stack, event, { idempotencyKey: opts.idempotencyKey });
    },
    render: renderWebhook,
  }),
];
