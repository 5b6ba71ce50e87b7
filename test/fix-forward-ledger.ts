// What the fix-forward e2e files check at the end: an order that got through charged, reserved, labelled and
// confirmed once each, whatever crashed, retried, paused or was fixed on the way (the simulated systems' ledger).
import { expect } from "vitest";
import { readLedger } from "../src/services/lib/simulated.js";

/** Each of the order's four effects happened exactly once. */
export function expectEachEffectOnce(stateDir: string, orderId: string): void {
  for (const [system, action] of [
    ["payments", "charge"],
    ["warehouse", "reserve"],
    ["shipping", "label"],
    ["email", "confirm"],
  ] as const) {
    expect(readLedger(stateDir, { system, action, key: orderId }), `${system} ${action}`).toHaveLength(1);
  }
}
