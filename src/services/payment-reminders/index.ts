// What the payment-reminders pattern runs in the worker.
import { paymentTracker } from "./payment-tracker.js";

export const services = [paymentTracker];
