// What the durable-rpc pattern adds to the CLI: how `list`, the menu, the tour and the README present it, its verbs and
// its scenario (demo and tour). Its worker side is src/services/durable-rpc/, registered in src/services/registry.ts.
import type { PatternInfo } from "../../tours/types.js";

export const pattern: PatternInfo = {
  title: "Durable RPC + idempotency",
  category: "communication",
  summary: "reserve a product through the typed client; the reservation id is the idempotency key",
  guarantee:
    "A call carrying an idempotency key runs at most once per key: a retry, or a second caller with the same key, gets the first answer from Restate instead of a second execution. The product is a Virtual Object, so reservations of one product run one at a time.",
  verbs: ["rpc reserve <product> <reservation>"],
  tour: { look: ["the reserve invocations in `npx patterns invocations`: one per reservation id", "`npx patterns state product <product>`"] },
};

export { declarations } from "./verbs.js";
export { demo } from "./tour.js";
