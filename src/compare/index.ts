// The comparisons `compare <pattern>` knows: one file each in this folder. Each is loaded when it runs: a comparison
// imports the pattern's worker-side step functions (and with them the SDK and the payload schemas), which `--help`
// and the menu do not need.
import type { Comparison } from "./types.js";

const loaders: Record<string, () => Promise<Comparison>> = {
  sagas: () => import("./sagas.js").then((m) => m.sagas),
  "payment-signals": () => import("./payment-signals.js").then((m) => m.paymentSignals),
  "message-queue": () => import("./message-queue.js").then((m) => m.messageQueue),
  "user-feed": () => import("./user-feed.js").then((m) => m.userFeed),
  "stateful-actors": () => import("./stateful-actors.js").then((m) => m.statefulActors),
};

/** The patterns with a comparison, in the order `compare --help` lists them. */
export const comparedPatterns: readonly string[] = Object.keys(loaders);

export async function findComparison(pattern: string): Promise<Comparison | undefined> {
  return Object.hasOwn(loaders, pattern) ? loaders[pattern]!() : undefined;
}

export async function loadComparisons(): Promise<Comparison[]> {
  return Promise.all(Object.values(loaders).map((load) => load()));
}
