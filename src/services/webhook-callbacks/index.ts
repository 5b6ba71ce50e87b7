// What the webhook-callbacks pattern runs in the worker.
import { webhookCallbackRouter } from "./router.js";

export const services = [webhookCallbackRouter];
