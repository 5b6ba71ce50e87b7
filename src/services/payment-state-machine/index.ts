// What the payment-state-machine pattern runs in the worker.
import { payments, accounts } from "./payments.js";

export const services = [payments, accounts];
