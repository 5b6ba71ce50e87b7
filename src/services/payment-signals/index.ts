// What the payment-signals pattern runs in the worker.
import { signalPayments } from "./signal-payments.js";

export const services = [signalPayments];
