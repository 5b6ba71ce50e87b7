// Services of the "scheduling" group, served by the one worker: payment reminders (PaymentTracker) and
// fan-out / fan-in (FanOutWorker).
import type { PatternGroup } from "../group.js";
import { paymentTracker } from "./payment-tracker.js";
import { fanOutWorker } from "./fan-out.js";

export const group: PatternGroup = { services: [paymentTracker, fanOutWorker], subscriptions: [] };
