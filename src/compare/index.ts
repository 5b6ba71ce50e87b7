// The comparisons `compare <pattern>` knows: one file each in this folder.
import type { Comparison } from "./types.js";
import { sagas } from "./sagas.js";
import { paymentSignals } from "./payment-signals.js";
import { messageQueue } from "./message-queue.js";
import { userFeed } from "./user-feed.js";
import { statefulActors } from "./stateful-actors.js";

export const comparisons: Comparison[] = [sagas, paymentSignals, messageQueue, userFeed, statefulActors];

export function findComparison(pattern: string): Comparison | undefined {
  return comparisons.find((c) => c.pattern === pattern);
}
