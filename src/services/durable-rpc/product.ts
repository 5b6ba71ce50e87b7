// Pattern 1, durable RPC + idempotency: `product/{productId}/reserve`. A Virtual Object runs one reservation per
// product at a time, and the caller's reservation id travels as the idempotency key, so a retried request gets the
// first answer back instead of running again. Driven by `patterns rpc reserve <product> <reservation>`.
import * as restate from "@restatedev/restate-sdk";
import { PRODUCT } from "./api.js";

export const product = restate.object({
  name: PRODUCT,
  description: "Durable RPC + idempotency: a product can be reserved once (seed: durablerpc/product_service.ts)",
  handlers: {
    reserve: async (ctx: restate.ObjectContext): Promise<boolean> => {
      if (await ctx.get<boolean>("reserved")) {
        ctx.console.info(`product ${ctx.key} is already reserved`);
        return false;
      }
      ctx.set("reserved", true);
      ctx.console.info(`product ${ctx.key} reserved`);
      return true;
    },
  },
});

export type ProductService = typeof product;
