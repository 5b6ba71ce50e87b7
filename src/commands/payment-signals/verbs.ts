// `patterns pay signals --amount 109 [--delayed] [--decline]`: one handler that waits for the simulated payment
// provider's synchronous answer or, when it says "processing", for its webhook via an awakeable.
import { type RunningStack } from "../../runtime/stack.js";
import { callOpts, httpStatus, ingress } from "../../runtime/ingress.js";
import { type RawCall } from "../../ui/curl.js";
import { humanDuration } from "../../ui/output.js";
import { spinner } from "../../ui/spinner.js";
import { c, sym } from "../../ui/palette.js";
import { UsageError } from "../../errors.js";
import { readLedger } from "../../services/lib/simulated.js";
import { CARD_DECLINED, CARD_OK, SIGNAL_PAYMENTS, signalPaymentsApi, type PaymentRequest, type PaymentResult } from "../../services/payment-signals/api.js";
import { eventIdFor } from "../../services/simulations/stripe.js";
import { callError, checkKeyArg, ingressPath, randomSuffix } from "../lib/args.js";
import { invocations, journal } from "../../observe/index.js";
import { verb, verbGroup, type Declaration } from "../verb.js";

const PROVIDER = "payment-provider";

export interface PaySignalsResult {
  requestKey: string;
  invocationId?: string;
  request: PaymentRequest;
  outcome: "succeeded" | "declined";
  /** "sync": the provider answered in the call; "webhook": it said processing and the webhook resolved the awakeable */
  path: "sync" | "webhook";
  paymentIntentId?: string;
  /** the key the handler sent to the provider (ctx.rand.uuidv4()) */
  providerIdempotencyKey?: string;
  /** how often the provider created a payment for that key (1 = charged once) */
  providerCharges: number;
  /** requests the provider answered from its idempotency store (a retried "stripe call") */
  providerReplays: number;
  webhookEventId?: string;
  webhookInvocationId?: string;
  /** the processPayment journal has the awakeable's completion (Notification: Signal) */
  awakeableCompleted: boolean;
  tookMs: number;
  error?: string;
}

export function payCall(ingressUrl: string, req: PaymentRequest, key: string): RawCall {
  return { url: `${ingressUrl}${ingressPath(SIGNAL_PAYMENTS, "processPayment")}`, body: req, headers: { "idempotency-key": key } };
}

export async function paySignals(stack: RunningStack, opts: { request: PaymentRequest; requestKey: string; json?: boolean; quiet?: boolean }): Promise<PaySignalsResult> {
  const client = ingress(stack.ingressUrl).serviceClient(signalPaymentsApi);
  const started = Date.now();
  const step = spinner(`paying ${opts.request.amount} with ${opts.request.paymentMethodId}${opts.request.delayedStatus ? " (the provider will answer by webhook)" : ""}`, {
    json: opts.json,
    quiet: opts.quiet,
  });
  let value: PaymentResult | undefined;
  let declined: string | undefined;
  try {
    value = await client.processPayment(opts.request, callOpts({ idempotencyKey: opts.requestKey }));
    step.succeed(`payment ${value.paymentIntentId} ${value.status}`);
  } catch (e) {
    if (httpStatus(e) === 402) {
      declined = "Payment declined";
      step.fail("payment declined");
    } else {
      step.fail();
      throw callError(e, "processPayment");
    }
  }
  const tookMs = Date.now() - started;
  const row = (await invocations(stack.admin, { service: SIGNAL_PAYMENTS, handler: "processPayment", idempotencyKey: opts.requestKey }))[0];
  const entries = row ? await journal(stack.admin, [row.id]) : [];
  const created = readLedger(stack.paths.root, { system: PROVIDER, action: "payment intent created" }).find((e) => (e.detail as { invocationId?: string })?.invocationId === row?.id);
  const providerKey = value?.idempotencyKey ?? created?.key;
  const createdDetail = created?.detail as { intent?: { id?: string; status?: string }; finalStatus?: string } | undefined;
  // The provider derives the event id from the intent and its final status, and POSTs it as the idempotency key:
  // so the webhook's invocation is found in Restate's invocation table without racing the provider's own ledger line.
  const webhookEventId =
    createdDetail?.intent?.id && createdDetail.intent.status === "processing" && createdDetail.finalStatus ? eventIdFor(createdDetail.intent.id, createdDetail.finalStatus) : undefined;
  const webhookRow = webhookEventId ? (await invocations(stack.admin, { service: SIGNAL_PAYMENTS, handler: "processWebhook", idempotencyKey: webhookEventId }))[0] : undefined;
  const awakeableCompleted = entries.some((e) => e.entry_type === "Notification: Signal");
  return {
    requestKey: opts.requestKey,
    invocationId: row?.id,
    request: opts.request,
    outcome: declined ? "declined" : "succeeded",
    path: value?.path ?? (awakeableCompleted ? "webhook" : "sync"),
    paymentIntentId: value?.paymentIntentId ?? createdDetail?.intent?.id,
    providerIdempotencyKey: providerKey,
    providerCharges: providerKey ? readLedger(stack.paths.root, { system: PROVIDER, action: "payment intent created", key: providerKey }).length : 0,
    providerReplays: providerKey ? readLedger(stack.paths.root, { system: PROVIDER, action: "idempotent replay", key: providerKey }).length : 0,
    webhookEventId,
    webhookInvocationId: webhookRow?.id,
    awakeableCompleted,
    tookMs,
    error: declined,
  };
}

export function renderPay(r: PaySignalsResult): string[] {
  const lines = [
    r.outcome === "succeeded"
      ? `${sym.ok} payment ${c.id(r.paymentIntentId ?? "?")} ${c.ok("succeeded")} ${c.dim(`(${humanDuration(r.tookMs)})`)}`
      : `${sym.fail} payment ${c.id(r.paymentIntentId ?? "?")} ${c.fail("declined")}: TerminalError "Payment declined" (HTTP 402), not retried ${c.dim(`(${humanDuration(r.tookMs)})`)}`,
  ];
  lines.push(
    r.path === "sync"
      ? `  path: the provider answered ${c.info("synchronously")} inside the "stripe call" step`
      : `  path: the provider said ${c.info("processing")}; the handler waited on its awakeable until webhook ${c.id(r.webhookEventId ?? "?")} (processWebhook ${r.webhookInvocationId ?? "?"}) resolved it`,
  );
  lines.push(
    c.dim(
      `  provider idempotency key ${r.providerIdempotencyKey ?? "?"} (ctx.rand.uuidv4): charged ${r.providerCharges} time(s)${r.providerReplays ? `, ${r.providerReplays} retried request(s) answered from the provider's idempotency store` : ""}`,
    ),
  );
  lines.push(c.dim(`  invocation ${r.invocationId ?? "?"}`));
  return lines;
}

function amountOption(v: string): number {
  if (!/^\d+(\.\d+)?$/.test(v.trim()) || Number(v) <= 0) throw new UsageError(`--amount must be a positive number, got "${v}"`, "for example --amount 109");
  return Number(v);
}

export const declarations: Declaration[] = [
  verbGroup({ path: "pay", group: "patterns", summary: "payment signals: sync answer or webhook, joined in one handler" }),
  verb<{ amount: number; delayed?: boolean; decline?: boolean; method?: string; lostResponse?: boolean; id?: string }, PaySignalsResult>({
    path: "pay signals",
    summary: "call signalPayments/processPayment against the simulated payment provider",
    options: [
      { flags: "--amount <n>", description: "amount to pay", parse: amountOption, default: 109 },
      { flags: "--delayed", description: "the provider answers 'processing' and sends the result later by webhook (delayedStatus)" },
      { flags: "--decline", description: `use the declined test card (${CARD_DECLINED})` },
      { flags: "--method <pm>", description: `payment method id (default ${CARD_OK})` },
      { flags: "--lost-response", description: "the provider's first answer is lost on the way back: the retry reuses the same idempotency key" },
      { flags: "--id <key>", description: "idempotency key of the processPayment call (default pay-<random>)" },
    ],
    examples: [
      "npx patterns pay signals --amount 109",
      "npx patterns pay signals --amount 109 --delayed            # answer arrives by webhook",
      "npx patterns pay signals --amount 109 --decline",
      "npx patterns pay signals --amount 109 --lost-response      # retried once, charged once",
    ],
    async run(ctx) {
      const opts = ctx.opts;
      if (opts.decline && opts.method) throw new UsageError("--decline and --method contradict each other", `pass --method ${CARD_DECLINED} or --decline, not both`);
      const paymentMethodId = opts.decline ? CARD_DECLINED : opts.method ? checkKeyArg(opts.method, "--method", `--method ${CARD_OK}`) : CARD_OK;
      const requestKey = opts.id === undefined ? `pay-${randomSuffix()}` : checkKeyArg(opts.id, "--id", "--id pay-1");
      const request: PaymentRequest = { paymentMethodId, amount: opts.amount, ...(opts.delayed ? { delayedStatus: true } : {}), ...(opts.lostResponse ? { loseFirstResponse: true } : {}) };
      const stack = ctx.stack();
      ctx.equivalent(payCall(stack.ingressUrl, request, requestKey));
      return paySignals(stack, { request, requestKey, json: ctx.json });
    },
    render: renderPay,
    // a declined payment is the outcome asked for with --decline, but still a failed payment for scripts
    exitCode: (r) => (r.outcome === "declined" ? 1 : 0),
  }),
];
