// Services of the "custom" group (custom constructs: durable promises, priority queue, rate limiter).
import type { PatternGroup } from "../group.js";

export const group: PatternGroup = { services: [], subscriptions: [] };
