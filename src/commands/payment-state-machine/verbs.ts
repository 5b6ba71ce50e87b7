// `patterns payment make|cancel|show|storm`: the payment state machine's verbs.
import { UsageError } from "../../errors.js";
import { PAYMENT_EXPIRY_MAX_MS } from "../../services/payment-state-machine/model.js";
import { checkArgs } from "../lib/schema-args.js";
import type { MakePaymentInput } from "../../services/payment-state-machine/api.js";
import { ingressPath } from "../../ui/curl.js";
import { PAYMENTS } from "../../services/payment-state-machine/api.js";
import { durationOption, intOption } from "../common.js";
import { verb, verbGroup, type Declaration } from "../verb.js";
import { balanceOf, cancelPayment, makePayment, paymentStorm, paymentView, renderPaymentAction, renderPaymentStorm, renderPaymentView } from "./run.js";
import { checkKey } from "../lib/calls.js";

function amountOption(raw: string): number {
  if (!/^\d+$/.test(raw.trim())) throw new UsageError(`--amount must be a positive whole number of cents, got "${raw}"`, "for example --amount 100");
  return Number(raw);
}

/** The makePayment input the flags make, checked with the handler's own schema before anything is called. */
async function paymentInput(o: { account: string; amount: number; expireAfter?: number }): Promise<MakePaymentInput> {
  const input: MakePaymentInput = { accountId: o.account, amount: o.amount, ...(o.expireAfter ? { expireAfterMs: o.expireAfter } : {}) };
  const { MakePaymentSchema } = await import("../../services/payment-state-machine/schema.js");
  checkArgs(MakePaymentSchema, input, { accountId: "--account", amount: "--amount", expireAfterMs: "--expire-after" }, { amount: String(o.amount) }, "for example --amount 100");
  return input;
}

const expireOption = durationOption("--expire-after", { min: 1000, max: PAYMENT_EXPIRY_MAX_MS });

export const declarations: Declaration[] = [
  verbGroup({
    path: "payment",
    group: "patterns",
    summary: "payment state machine: payments/{token} makes, cancels (refunds) and expires payments on accounts/{id}",
    examples: [
      "npx patterns payment make my-payment-id --account abc --amount 100",
      "npx patterns payment cancel my-payment-id",
      "npx patterns payment show my-payment-id",
      "npx patterns payment storm --json",
    ],
  }),
  verb<{ account: string; amount: number; expireAfter?: number }, Awaited<ReturnType<typeof makePayment>>>({
    path: "payment make",
    summary: "makePayment: withdraw from the account once per token; the token expires after a (scaled) hour",
    args: [{ name: "<id>", description: "payment id / token (the payments key)" }],
    options: [
      { flags: "--account <id>", description: "account to charge (the accounts key)", default: "abc", parse: (v) => checkKey("--account", v) },
      { flags: "--amount <cents>", description: "amount in cents", default: 100, parse: amountOption },
      { flags: "--expire-after <duration>", description: "token lifetime, e.g. 3s (default: the seed's 1 h, time-scaled, at least 30 s)", parse: expireOption },
    ],
    examples: ["npx patterns payment make my-payment-id", "npx patterns payment make p1 --account abc --amount 250 --json", "npx patterns payment make p2 --expire-after 3s"],
    async run(ctx, idArg: string) {
      const o = ctx.opts;
      const id = checkKey("payment id", idArg);
      const r = await makePayment(ctx.stack(), id, await paymentInput(o));
      ctx.equivalent(r.calls);
      return r;
    },
    render: renderPaymentAction,
  }),
  verb({
    path: "payment cancel",
    summary: "cancelPayment: refund a completed payment, or block a payment that has not arrived yet",
    args: [{ name: "<id>", description: "payment id / token" }],
    examples: ["npx patterns payment cancel my-payment-id", "npx patterns payment cancel p1 --json"],
    async run(ctx, idArg: string) {
      const r = await cancelPayment(ctx.stack(), checkKey("payment id", idArg));
      ctx.equivalent(r.calls);
      return r;
    },
    render: renderPaymentAction,
  }),
  verb<{ account?: string }, Awaited<ReturnType<typeof paymentView>> & { account: { accountId: string; balance: number } | null }>({
    path: "payment show",
    summary: "the payment's state (status, payment, expiry) and its account's balance",
    args: [{ name: "<id>", description: "payment id / token" }],
    options: [{ flags: "--account <id>", description: "also show this account's balance (default: the payment's account)", parse: (v) => checkKey("--account", v) }],
    examples: ["npx patterns payment show my-payment-id", "npx patterns payment show p1 --account abc --json"],
    async run(ctx, idArg: string) {
      const id = checkKey("payment id", idArg);
      const stack = ctx.stack();
      const view = await paymentView(stack, id);
      const accountId = ctx.opts.account ?? view.payment?.accountId;
      ctx.equivalent({ method: "POST", url: `${stack.ingressUrl}${ingressPath(PAYMENTS, id, "getStatus")}` });
      return { ...view, account: accountId ? { accountId, balance: await balanceOf(stack, accountId) } : null };
    },
    render: (v) => renderPaymentView(v, v.account ?? undefined),
  }),
  verb<{ makes: number; cancels: number; amount: number; expireAfter?: number }, Awaited<ReturnType<typeof paymentStorm>> & { passed: boolean }>({
    path: "payment storm",
    summary: "many concurrent makes and cancels on one fresh token; checks the end state and the balance against a one-at-a-time replay",
    options: [
      { flags: "--makes <n>", description: "makePayment requests", parse: intOption("--makes", 1, 200), default: 12 },
      { flags: "--cancels <n>", description: "cancelPayment requests", parse: intOption("--cancels", 0, 200), default: 4 },
      { flags: "--amount <cents>", description: "amount of each payment in cents", default: 100, parse: amountOption },
      { flags: "--expire-after <duration>", description: "token lifetime, e.g. 1s to let expiries happen during the storm", parse: expireOption },
    ],
    examples: ["npx patterns payment storm", "npx patterns payment storm --makes 40 --cancels 10 --json", "npx patterns payment storm --expire-after 1s"],
    async run(ctx) {
      const o = ctx.opts;
      await paymentInput({ account: "storm", amount: o.amount, expireAfter: o.expireAfter });
      const spin = ctx.spinner(`${o.makes} makes and ${o.cancels} cancels on one payment token, all at once`);
      const r = await paymentStorm(ctx.stack(), { makes: o.makes, cancels: o.cancels, amount: o.amount, expireAfterMs: o.expireAfter });
      const ok = r.checks.every((x) => x.ok);
      if (ok) spin.succeed("consistent: linearized per token, balance agrees");
      else spin.fail("the storm's checks failed: see the checks");
      ctx.equivalent(r.calls);
      return { ...r, passed: ok };
    },
    render: renderPaymentStorm,
    exitCode: (r) => (r.passed ? 0 : 1),
  }),
];
