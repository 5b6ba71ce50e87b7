// What the rate-limiter pattern adds to the CLI: how `list`, the menu, the tour and the README present it, its verbs and
// its scenario (demo and tour). Its worker side is src/services/rate-limiter/, registered in src/services/registry.ts.
import type { PatternInfo } from "../../tours/types.js";

export const pattern: PatternInfo = {
  title: "Rate limiting: token bucket",
  category: "custom",
  summary: "Limiter/{name} is a token bucket (limit per second, burst); LimitedTask/RunTask waits for a token on a durable timer",
  guarantee:
    "The bucket lives in a keyed object, so reservations are taken one at a time; its maths runs inside a journaled step, so a retry " +
    "takes the same decision. A task that has to wait sleeps on a durable timer rather than holding anything. " +
    "Before a rate is set, every call is refused with 429.",
  verbs: ["ratelimit set <limit> <burst>", "ratelimit run --count 10", "ratelimit status"],
};

export { declarations } from "./verbs.js";
export { demo } from "./tour.js";
