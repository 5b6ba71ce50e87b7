// Services of the "communication" group (patterns 1–5 of the catalogue), served by the one worker.
import type { PatternGroup } from "../group.js";
import { product } from "./product.js";
import { asyncTaskWorker } from "./queue.js";
import { webhookCallbackRouter } from "./webhook-router.js";
import { dataUploader } from "./data-upload.js";
import { signalPayments } from "./signal-payments.js";

export const group: PatternGroup = {
  services: [product, asyncTaskWorker, webhookCallbackRouter, dataUploader, signalPayments],
  subscriptions: [],
};
