// Services of the "custom" group (custom constructs built from Restate primitives):
// durable promises (./durable-promise.ts), the priority queue (./priority-queue.ts), the rate limiter (./rate-limiter.ts).
import type { PatternGroup } from "../group.js";
import { durablePromiseServer, durablePromises } from "./durable-promise.js";
import { myService, priorityQueue } from "./priority-queue.js";
import { Limiter, LimitedTask } from "./rate-limiter.js";

export const group: PatternGroup = {
  services: [durablePromiseServer, durablePromises, myService, priorityQueue, Limiter, LimitedTask],
  subscriptions: [],
};
