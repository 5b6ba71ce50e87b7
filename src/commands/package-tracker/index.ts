// What the package-tracker pattern adds to the CLI: how `list`, the menu, the tour and the README present it, its verbs and
// its scenario (demo and tour). Its worker side is src/services/package-tracker/, registered in src/services/registry.ts.
import type { PatternInfo } from "../../tours/types.js";

export const pattern: PatternInfo = {
  title: "Event enrichment / joins (package tracker)",
  category: "events",
  summary: "package-tracker/{id}: registered over RPC, enriched by Kafka location events, read by a shared handler",
  guarantee:
    "One Virtual Object per package joins an RPC registration with a stream of Kafka location events; the joined state is " +
    "queryable at any time through a shared handler. An event for a package that was never registered fails terminally " +
    "(once, no retries, with a clear message) and does not hold up the records behind it.",
  verbs: ['package register <id> --to "<destination>"', 'package move <id> "<location>"', "package show <id> [--json]"],
  tour: { look: ["npx patterns package show <id>: destination and location history"] },
};

export { declarations } from "./verbs.js";
export { demo } from "./tour.js";
