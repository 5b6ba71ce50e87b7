// CLI verbs of the "communication" group (patterns 1–5): rpc, queue, webhook, upload, pay.
import type { Declaration } from "./verb.js";
import * as rpc from "./communication/rpc.js";
import * as queue from "./communication/queue.js";
import * as webhook from "./communication/webhook.js";
import * as upload from "./communication/upload.js";
import * as pay from "./communication/pay.js";

export const declarations: Declaration[] = [rpc, queue, webhook, upload, pay].flatMap((m) => m.declarations);
