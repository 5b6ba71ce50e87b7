// The fix-forward tour: an order whose handler has a deliberate bug at "print label" retries after charging the card
// and reserving the stock. The tour shows the retries, pauses the invocation, deploys the fix as a new deployment
// (an environment switch read when the worker loads, as the versioning tour does; under `start --watch` it would be a
// saved edit), resumes it on that deployment, and checks from the journal and the simulated ledger that the charge
// and the reservation happened exactly once and the order completed. It leaves the stack on the default code.
import { randomBytes } from "node:crypto";
import { check, type Check, type DemoContext, type DemoResult } from "../../tours/types.js";
import { journalChecks, replayed } from "../../tours/claims.js";
import { pinnedDeployments } from "../../observe/deployments.js";
import { completed, eventually, invocation, type InvocationRow } from "../../observe/index.js";
import { invocationTimeline } from "../../observe/timeline.js";
import { calling, ingress } from "../../runtime/ingress.js";
import { control, type RunningStack } from "../../runtime/stack.js";
import { readState } from "../../runtime/state.js";
import type { ReloadOutcome } from "../../runtime/watch.js";
import { readLedger } from "../../services/lib/simulated.js";
import { FIX_CODE_ENV, FIX_ORDERS, FIX_STEPS, fixOrdersApi, type FixOrder } from "../../services/fix-forward/api.js";
import { curlFor } from "../../ui/curl.js";
import { errorMessage } from "../../errors.js";
import { pause, resume } from "./run.js";

const MIN_FAILED_ATTEMPTS = 3;

function currentEnv(stack: RunningStack): Record<string, string> {
  return readState(stack.paths.stateFile)?.deployments?.find((d) => d.phase === "current")?.env ?? {};
}

function reload(stack: RunningStack, env: Record<string, string>): Promise<ReloadOutcome> {
  return control<ReloadOutcome>(stack.paths, "POST", "/reload", { env }, 60_000);
}

function withoutFix(env: Record<string, string>): Record<string, string> {
  const { [FIX_CODE_ENV]: _fix, ...rest } = env;
  return rest;
}

async function placeOrder(stack: RunningStack, order: FixOrder, say: (l: string) => void): Promise<string> {
  const path = `/${FIX_ORDERS}/place/send`;
  say(`  same with curl: ${curlFor({ url: `${stack.ingressUrl}${path}`, body: order })}`);
  return (await calling(`sending ${FIX_ORDERS}/place`, () => ingress(stack.ingressUrl).serviceSendClient(fixOrdersApi).place(order))).invocationId;
}

/** Wait until the order has failed at the buggy step on enough attempts to see the retries. */
function stuckAtBug(stack: RunningStack, id: string): Promise<InvocationRow> {
  return eventually(
    `${id} failing ${MIN_FAILED_ATTEMPTS}× at "${FIX_STEPS.label}"`,
    async () => {
      const r = await invocation(stack.admin, id);
      return r && (r.retry_count ?? 0) >= MIN_FAILED_ATTEMPTS && r.last_failure_related_command_name === FIX_STEPS.label ? r : undefined;
    },
    { timeoutMs: 30_000 },
  );
}

function ledgerChecks(stack: RunningStack, orderId: string): Check[] {
  const count = (system: string, action: string) => readLedger(stack.paths.root, { system, action, key: orderId }).length;
  const effects = [
    ["payments", "charge", FIX_STEPS.charge],
    ["warehouse", "reserve", FIX_STEPS.reserve],
    ["shipping", "label", FIX_STEPS.label],
    ["email", "confirm", FIX_STEPS.confirm],
  ] as const;
  const counts = effects.map(([s, a, step]) => `${step}: ${count(s, a)}`).join(", ");
  return [
    check(
      "every side effect of the order happened exactly once (simulated ledger)",
      effects.every(([s, a]) => count(s, a) === 1),
      `${orderId}: ${counts}`,
    ),
  ];
}

async function scenario(ctx: DemoContext): Promise<DemoResult> {
  const { stack, say } = ctx;
  const checks: Check[] = [];
  const base = withoutFix(currentEnv(stack));
  if (currentEnv(stack)[FIX_CODE_ENV]) {
    say("the current deployment runs the fixed code (an earlier run was interrupted): deploying the default, buggy code first");
    await reload(stack, base);
  }
  const orderId = `order-${randomBytes(3).toString("hex")}`;
  say(`place order ${orderId} without a gift note: the handler's "${FIX_STEPS.label}" assumes every order has one (the bug)`);
  const id = await placeOrder(stack, { orderId, items: ["book", "lamp"] }, say);
  const stuck = await stuckAtBug(stack, id);
  const before = (await pinnedDeployments(stack.admin, [id])).get(id)?.deployment;
  say(`${id} is ${stuck.status}: ${stuck.retry_count} attempts so far, each failing at "${FIX_STEPS.label}": ${(stuck.last_failure ?? "").split("\n")[0]}`);
  checks.push(
    check(
      `the order retried at the buggy step "${FIX_STEPS.label}"`,
      (stuck.retry_count ?? 0) >= MIN_FAILED_ATTEMPTS && /TypeError|trim/.test(stuck.last_failure ?? ""),
      `${stuck.retry_count} attempts; last failure at "${stuck.last_failure_related_command_name}": ${(stuck.last_failure ?? "").split("\n")[0]}`,
    ),
  );

  say("pause it: it stops retrying and keeps its journal (npx patterns pause)");
  const paused = await pause(stack, id, () => {});
  checks.push(check("the invocation was paused while stuck", paused.status === "paused", `${id}: ${paused.before} → ${paused.status}`));

  say(`deploy the fix: a new worker with ${FIX_CODE_ENV}=fixed, registered as a new deployment (what start --watch does when you save the fix)`);
  const fixed = await reload(stack, { ...base, [FIX_CODE_ENV]: "fixed" });
  say(`resume it on the new deployment ${fixed.deployment} (npx patterns resume ${id} --on latest)`);
  await resume(stack, id, "latest", () => {});
  const [done] = await completed(stack.admin, [id], { timeoutMs: 30_000 });
  const after = (await pinnedDeployments(stack.admin, [id])).get(id)?.deployment;
  const t = await invocationTimeline(stack, id, { children: false });
  const pausedMarker = t.markers.some((m) => m.kind === "paused");
  checks.push(
    check("it resumed on the fixed deployment", !!before && after === fixed.deployment && after !== before, `pinned to ${before ?? "?"} before, ${after ?? "?"} after; the fix is ${fixed.deployment}`),
    check("the order completed", done?.completion_result === "success", `${id}: ${done?.completion_result ?? done?.status}${done?.completion_failure ? ` ${done.completion_failure}` : ""}`),
    check(
      "its timeline shows the pause between the attempts on the old code and the new",
      pausedMarker,
      t.markers
        .filter((m) => m.kind === "paused" || m.kind === "attempt")
        .map((m) => m.text)
        .join(" | "),
    ),
  );
  checks.push(
    ...(await journalChecks(stack, [
      replayed(id, FIX_STEPS.charge, `"${FIX_STEPS.charge}" was replayed from the journal on the fixed code, not charged again`),
      replayed(id, FIX_STEPS.reserve, `"${FIX_STEPS.reserve}" was replayed from the journal on the fixed code, not reserved again`),
    ])),
    ...ledgerChecks(stack, orderId),
  );
  say("put the default code back as a new deployment (the fixed one drains)");
  await reload(stack, base);
  return { checks, data: { keyInvocation: id, orderId, deployments: { buggy: before, fixed: fixed.deployment } } };
}

export async function demo(ctx: DemoContext): Promise<DemoResult> {
  try {
    return await scenario(ctx);
  } catch (e) {
    return { checks: [check("the fix-forward scenario ran", false, errorMessage(e))] };
  }
}
