// payment-signals without Restate: the same call to the simulated payment provider, but with an idempotency key drawn
// fresh on each run (nothing durable holds it). Killed right after the provider charged and before the answer was
// kept, the retry asks with a new key, and the provider charges a second time.
import { randomUUID } from "node:crypto";
import { createPaymentIntent, PROVIDER } from "../services/simulations/payment-provider.js";
import { compareKey, times, type Comparison, type RunFacts, type Verdict } from "./types.js";
import { signalPaymentsApi } from "../services/payment-signals/api.js";

const AMOUNT = 109;
const METHOD = "pm_card_visa";

/** The payment's ledger: how many payment intents the provider created (charges), and whether the caller got an answer. */
export function paymentVerdict(facts: Pick<RunFacts, "entries" | "key" | "answers">, callers: string[]): Verdict {
  const mine = facts.entries.filter((e) => e.system === PROVIDER && callers.includes(String((e.detail as { invocationId?: string } | undefined)?.invocationId)));
  const charges = mine.filter((e) => e.action === "payment intent created");
  const replays = mine.filter((e) => e.action === "idempotent replay");
  const keys = [...new Set(charges.map((e) => e.key))];
  const answered = facts.answers.filter((a) => a.ok).length;
  const effects = [
    times(charges.length, `payment intent created (charged ${AMOUNT})`),
    ...(replays.length ? [times(replays.length, "repeated request answered from the provider's idempotency store")] : []),
  ];
  const leftBehind = charges.slice(1).map((e) => `a second charge of ${AMOUNT} under a new idempotency key ${e.key.slice(0, 8)}: the customer paid ${charges.length} times for one payment`);
  const consistent = charges.length === 1 && answered >= 1;
  const why = consistent
    ? `one charge: the idempotency key was drawn with ctx.rand and journaled, so the repeated call${replays.length ? " (the step ran again after the crash)" : ""} carried the same key`
    : charges.length > 1
      ? `${charges.length} charges for one payment: the key lived only in the killed process, so the retry drew a new one (${keys.length} keys)`
      : charges.length === 0
        ? "no charge at all"
        : "charged, but the caller never got an answer";
  return {
    consistent,
    why,
    effects,
    compensations: [],
    finalState: `${times(charges.length, `charge of ${AMOUNT}`)} for one payment; ${answered ? "the caller got an answer" : "no answer to the caller"}`,
    leftBehind,
  };
}

export const paymentSignals: Comparison = {
  pattern: "payment-signals",
  scenario: `pay ${AMOUNT} with ${METHOD} and kill the process during the call to the payment provider (it charged; its answer is not kept)`,
  crash: { step: "stripe call", when: "during" },
  invariant: "one payment, one charge: a repeated request reaches the provider with the same idempotency key",
  retry: "the same payment requested again, as a caller that got no answer would",
  key: () => compareKey("pay"),

  async withRestate(io) {
    return [await io.send("signalPayments/processPayment", (ingress) => ingress.serviceSendClient(signalPaymentsApi).processPayment({ amount: AMOUNT, paymentMethodId: METHOD }))];
  },

  async plain(io) {
    // the only place a key could live is this process's memory: a new run draws a new one
    const idempotencyKey = randomUUID();
    const caller = `plain:${io.key}`;
    const intent = await io.step("stripe call", () =>
      createPaymentIntent({ amount: AMOUNT, paymentMethodId: METHOD, idempotencyKey, callbackId: "none", delayedStatus: false, loseFirstResponse: false, invocationId: caller }),
    );
    io.answer(caller, intent.status === "succeeded", { paymentIntentId: intent.id, status: intent.status });
  },

  // Restate's calls are known by invocation id; the plain run's by its caller name
  verdict: (facts) => paymentVerdict(facts, [...facts.answers.map((a) => a.id), `plain:${facts.key}`]),
};
