// The simulated payment provider's re-arming of undelivered webhooks after a worker restart: each service re-arms only
// the webhooks addressed to it, so the original payment-signals and a copy made by `patterns new --from` (both loaded
// in one worker) do not both re-send every pending webhook.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { recordEffect } from "../../src/services/lib/simulated.js";
import { PROVIDER, resumePendingWebhooks } from "../../src/services/simulations/payment-provider.js";
import { SIGNAL_PAYMENTS } from "../../src/services/payment-signals/api.js";

let dir = "";
const COPY = `trips-${SIGNAL_PAYMENTS}`;

/** A payment intent left "processing", its webhook owed to `webhookService` (absent: an entry written before the field). */
function pending(key: string, webhookService?: string): void {
  const intent = { id: `pi_${key}`, object: "payment_intent", amount: 1, currency: "usd", payment_method: "pm_card_visa", status: "processing", metadata: { restate_callback_id: "cb" } };
  recordEffect(PROVIDER, "payment intent created", key, { intent, finalStatus: "succeeded", invocationId: "inv_x", ...(webhookService ? { webhookService } : {}) }, dir);
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "patterns-provider-"));
  // the re-armed webhooks are timers: fake ones never fire, so nothing is sent
  vi.useFakeTimers({ toFake: ["setTimeout"] });
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe("resumePendingWebhooks", () => {
  it("re-arms only the undelivered webhooks of the service that asks", () => {
    pending("k-legacy");
    pending("k-original", SIGNAL_PAYMENTS);
    pending("k-copy", COPY);
    pending("k-done", COPY);
    recordEffect(PROVIDER, "webhook delivered", "k-done", {}, dir);
    expect(resumePendingWebhooks(dir, SIGNAL_PAYMENTS)).toBe(2);
    expect(resumePendingWebhooks(dir, COPY)).toBe(1);
    expect(resumePendingWebhooks(dir, "nobody")).toBe(0);
  });
});
