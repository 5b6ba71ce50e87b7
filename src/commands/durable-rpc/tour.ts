// The durable-rpc scenario (its demo and tour): run for real through the same runners as the verbs, with run-unique keys;
// the checks come from Restate's records (src/observe), the worker's step log and the simulated-systems ledger.
import { check, type Check, type DemoContext, type DemoResult } from "../../tours/types.js";
import { callOpts, ingress } from "../../runtime/ingress.js";
import { PRODUCT, productApi } from "../../services/durable-rpc/api.js";
import { executions, randomSuffix } from "../lib/args.js";
import { invocations } from "../../observe/index.js";
import { reserve } from "./verbs.js";
import { guarded, stateValue } from "../../tours/scenario.js";

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
  const client = ingress(stack.ingressUrl).objectClient(productApi, other);
  const both = await Promise.all([0, 1].map(() => client.reserve(callOpts({ idempotencyKey: r3 }))));

  const rows = await invocations(stack.admin, { service: PRODUCT, handler: "reserve", key: product });
  const concurrentRows = await invocations(stack.admin, { service: PRODUCT, handler: "reserve", key: other });
  const runsR1 = a.invocationId ? executions(stack, a.invocationId).attempts : 0;
  const runsR2 = b.invocationId ? executions(stack, b.invocationId).attempts : 0;
  const reserved = await stateValue(stack, PRODUCT, product, "reserved");
  const checks: Check[] = [
    check(`the first reservation (${r1}) gets true`, a.reserved === true, `answer ${a.reserved}`),
    check(`a second reservation (${r2}) gets false`, b.reserved === false, `answer ${b.reserved}`),
    check(
      `${r1} again gets the first answer, true`,
      again.reserved === true && again.invocationId === a.invocationId,
      `answer ${again.reserved}, invocation ${again.invocationId} (first was ${a.invocationId})`,
    ),
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

export const demo = (ctx: DemoContext): Promise<DemoResult> => guarded("durable-rpc", durableRpc, ctx);
