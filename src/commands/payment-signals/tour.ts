// The payment-signals scenario (its demo and tour): run for real through the same runners as the verbs, with run-unique keys;
// the checks come from Restate's records (src/observe), the worker's step log and the simulated-systems ledger.
import { check, type Check, type DemoContext, type DemoResult } from "../../tours/types.js";
import type { RunningStack } from "../../runtime/stack.js";
import { readLedger } from "../../services/lib/simulated.js";
import { CARD_DECLINED, CARD_OK } from "../../services/payment-signals/api.js";
import { executions, randomSuffix } from "../lib/args.js";
import { paySignals, type PaySignalsResult } from "./verbs.js";
import { guarded, row } from "../../tours/scenario.js";
import { claim, journalChecks, runsNamed, waitedOnAwakeable, type JournalClaim } from "../../tours/claims.js";

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

  const webhookRow = delayed.webhookInvocationId ? await row(stack, delayed.webhookInvocationId) : undefined;
  const declinedRow = declined.invocationId ? await row(stack, declined.invocationId) : undefined;
  const lostCharges = charges(stack, lost.providerIdempotencyKey);
  const lostSteps = lost.invocationId ? (executions(stack, lost.invocationId).steps["stripe call"] ?? 0) : 0;
  const lostLedger = lost.providerIdempotencyKey ? readLedger(stack.paths.root, { system: PROVIDER, key: lost.providerIdempotencyKey }) : [];
  const all = [sync, delayed, declined, delayedDeclined, lost];
  const claims: JournalClaim[] = [
    claim("sync path: the provider's answer was used at once, nothing awaited", sync.invocationId, (t) => {
      const waits = t.entries.filter((e) => e.kind === "awakeable" || e.kind === "signal");
      return {
        ok: sync.outcome === "succeeded" && sync.path === "sync" && waits.length === 0,
        detail: `${sync.outcome} via ${sync.path}; ${waits.length ? `${waits.length} signal(s) in the journal` : "no signal in the journal"}: ${t.entries.map((e) => e.kind).join(", ")}`,
      };
    }),
    waitedOnAwakeable(delayed.invocationId, "webhook path: the handler was suspended on its awakeable until the webhook resolved it"),
    claim(`lost answer: "stripe call" is in the journal once, after its first run's answer was lost and the step retried`, lost.invocationId, (t) => {
      const found = runsNamed(t, "stripe call");
      const x = found[0]?.entry.execution;
      return {
        ok: found.length === 1 && !!x && (x.verdict === "retried" || x.verdict === "ran-again") && x.bodyRuns.length >= 2,
        detail: found.length ? `${found.length} entr${found.length === 1 ? "y" : "ies"}; ${x?.summary ?? "no body record"}` : 'no "stripe call" entry',
      };
    }),
  ];
  for (const cl of claims) ctx.say(`  journal: ${cl.says}`);
  const checks: Check[] = [
    ...(await journalChecks(stack, claims)),
    check(
      "webhook path: the provider's webhook (processWebhook) completed and the payment succeeded",
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
      lost.outcome === "succeeded" &&
        lostSteps >= 2 &&
        lostCharges.created === 1 &&
        lostCharges.replays >= 1 &&
        lostLedger.every((e) => (e.detail as { invocationId?: string })?.invocationId === lost.invocationId),
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

export const demo = (ctx: DemoContext): Promise<DemoResult> => guarded("payment-signals", paymentSignals, ctx);
