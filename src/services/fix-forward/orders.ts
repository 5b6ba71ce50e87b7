// `fixForwardOrders/place`: an order handler with a deliberate bug, for the fix-forward tour and `pause`/`resume`.
// It charges the card, reserves the stock, prints a shipping label and sends a confirmation, each a durable step whose
// effect goes to the simulated ledger. The buggy code assumes every order has a gift note ("print label" throws a
// TypeError without one), so such an order retries forever at that step, after the card was charged and the stock
// reserved. The fix (PATTERNS_ORDER_CODE=fixed, or an edit of this file under `start --watch`) handles a missing note;
// resumed on the fixed deployment, the invocation replays the charge and the reservation from its journal (no second
// charge) and carries on from the label.
import * as restate from "@restatedev/restate-sdk";
import { recordEffect, simLog } from "../lib/simulated.js";
import { FIX_CODE_ENV, FIX_ORDERS, FIX_STEPS, type FixOrder, type FixOrderResult } from "./api.js";

const code: FixOrderResult["code"] = process.env[FIX_CODE_ENV] === "fixed" ? "fixed" : "buggy";

function validOrder(input: unknown): FixOrder {
  const o = input as Partial<FixOrder> | undefined;
  if (!o || typeof o.orderId !== "string" || !o.orderId || !Array.isArray(o.items) || o.items.some((i) => typeof i !== "string")) {
    throw new restate.TerminalError('order is invalid: {"orderId":"o1","items":["book"],"giftNote":"optional"} is expected', { errorCode: 400 });
  }
  return o as FixOrder;
}

function labelFor(order: FixOrder): string {
  if (code === "buggy") {
    // the bug: not every order has a gift note
    return `${order.orderId}: ${order.items.join(", ")} — note: ${order.giftNote!.trim()}`;
  }
  return `${order.orderId}: ${order.items.join(", ")}${order.giftNote?.trim() ? ` — note: ${order.giftNote.trim()}` : ""}`;
}

export const fixForwardOrders = restate.service({
  name: FIX_ORDERS,
  description: "An order handler with a deliberate bug at one step (the fix-forward tour): pause, deploy the fix, resume",
  handlers: {
    place: async (ctx: restate.Context, input: FixOrder): Promise<FixOrderResult> => {
      const order = validOrder(input);
      const invocationId = String(ctx.request().id);
      await ctx.run(FIX_STEPS.charge, () => {
        simLog("payments", `charging the card for ${order.orderId}`);
        recordEffect("payments", "charge", order.orderId, { invocationId });
      });
      await ctx.run(FIX_STEPS.reserve, () => {
        recordEffect("warehouse", "reserve", order.orderId, { items: order.items });
      });
      const label = await ctx.run(FIX_STEPS.label, () => {
        const text = labelFor(order);
        recordEffect("shipping", "label", order.orderId, { code });
        return text;
      });
      await ctx.run(FIX_STEPS.confirm, () => {
        simLog("email", `order ${order.orderId} confirmed`);
        recordEffect("email", "confirm", order.orderId);
      });
      return { orderId: order.orderId, label, code };
    },
  },
});
