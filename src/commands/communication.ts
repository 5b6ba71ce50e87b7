// CLI verbs of the "communication" group (patterns 1–5): rpc, queue, webhook, upload, pay.
import type { Command } from "commander";
import * as rpc from "./communication/rpc.js";
import * as queue from "./communication/queue.js";
import * as webhook from "./communication/webhook.js";
import * as upload from "./communication/upload.js";
import * as pay from "./communication/pay.js";

export function register(program: Command): void {
  for (const m of [rpc, queue, webhook, upload, pay]) m.register(program);
}
