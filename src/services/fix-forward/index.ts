// What the fix-forward pattern runs in the worker.
import { fixForwardOrders } from "./orders.js";

export const services = [fixForwardOrders];
