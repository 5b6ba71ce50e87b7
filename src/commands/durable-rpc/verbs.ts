// `patterns rpc reserve <product> <reservation>`: durable RPC through @restatedev/restate-sdk-clients, with the
// reservation id as idempotency key.
import type { RunningStack } from "../../runtime/stack.js";
import { callOpts, ingress } from "../../runtime/ingress.js";
import type { RawCall } from "../../ui/curl.js";
import { c, sym } from "../../ui/palette.js";
import { PRODUCT, productApi } from "../../services/durable-rpc/api.js";
import { callError, checkKeyArg, executions, ingressPath } from "../lib/args.js";
import { invocations } from "../../observe/index.js";
import { verb, verbGroup, type Declaration } from "../verb.js";

export interface ReserveResult {
  product: string;
  reservation: string;
  reserved: boolean;
  invocationId?: string;
  /** the same reservation id was seen before: the answer came from Restate's idempotency store */
  deduplicated: boolean;
  /** invocations Restate holds for this product + reservation id (1 = ran once) */
  invocationsForReservation: number;
  /** handler attempts the worker logged for that invocation */
  handlerRuns: number;
}

export function reserveCall(ingressUrl: string, product: string, reservation: string): RawCall {
  return { method: "POST", url: `${ingressUrl}${ingressPath(PRODUCT, product, "reserve")}`, headers: { "idempotency-key": reservation } };
}

export async function reserve(stack: RunningStack, product: string, reservation: string): Promise<ReserveResult> {
  const filter = { service: PRODUCT, handler: "reserve", key: product, idempotencyKey: reservation };
  const before = await invocations(stack.admin, filter);
  const client = ingress(stack.ingressUrl).objectClient(productApi, product);
  let reserved: boolean;
  try {
    reserved = await client.reserve(callOpts({ idempotencyKey: reservation }));
  } catch (e) {
    throw callError(e, `reserving ${product}`);
  }
  const rows = await invocations(stack.admin, filter);
  const invocationId = rows[0]?.id;
  return {
    product,
    reservation,
    reserved,
    invocationId,
    deduplicated: before.length > 0,
    invocationsForReservation: rows.length,
    handlerRuns: invocationId ? executions(stack, invocationId).attempts : 0,
  };
}

export function renderReserve(r: ReserveResult): string[] {
  const answer = r.reserved ? c.ok("true") : c.warn("false");
  const lines = [`${r.reserved ? sym.ok : sym.warn} reserve ${c.id(r.product)} for ${c.id(r.reservation)} ${sym.arrow} ${answer}${r.reserved ? "" : c.dim(" (the product is already reserved)")}`];
  lines.push(`  invocation ${c.id(r.invocationId ?? "?")}`);
  if (r.deduplicated) lines.push(`  ${c.info("deduplicated")}: reservation id ${r.reservation} was seen before, so Restate returned the first answer without running the handler again`);
  lines.push(c.dim(`  Restate holds ${r.invocationsForReservation} invocation(s) for this reservation id; the handler ran ${r.handlerRuns} time(s)`));
  return lines;
}

export const declarations: Declaration[] = [
  verbGroup({ path: "rpc", group: "patterns", summary: "durable RPC + idempotency: reserve a product through the typed client" }),
  verb({
    path: "rpc reserve",
    summary: "call product/{product}/reserve with the reservation id as idempotency key; repeat it to see the first answer come back",
    args: [
      { name: "<product>", description: "product id (the Virtual Object key)" },
      { name: "<reservation>", description: "reservation id, sent as the idempotency key" },
    ],
    examples: [
      "npx patterns rpc reserve product1 reservation1   # true",
      "npx patterns rpc reserve product1 reservation2   # false: already reserved",
      "npx patterns rpc reserve product1 reservation1   # true again: the first answer, not a second run",
    ],
    async run(ctx, productArg: string, reservationArg: string) {
      const product = checkKeyArg(productArg, "<product>", "product1");
      const reservation = checkKeyArg(reservationArg, "<reservation>", "reservation1");
      const stack = ctx.stack();
      ctx.equivalent(reserveCall(stack.ingressUrl, product, reservation));
      return reserve(stack, product, reservation);
    },
    render: renderReserve,
  }),
];
