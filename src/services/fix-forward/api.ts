// The fix-forward pattern's names and payloads, shared by the worker, the CLI and the tests (no SDK import).
export const FIX_ORDERS = "fixForwardOrders";
/** The steps of fixForwardOrders/place, in order; "print label" is where the deliberate bug is. */
export const FIX_STEPS = { charge: "charge card", reserve: "reserve stock", label: "print label", confirm: "send confirmation" } as const;
/** The worker environment switch that deploys the fix ("fixed"); without it the handler has the bug. */
export const FIX_CODE_ENV = "PATTERNS_ORDER_CODE";

export interface FixOrder {
  orderId: string;
  items: string[];
  /** the bug: the buggy code expects every order to have a gift note */
  giftNote?: string;
}

export interface FixOrderResult {
  orderId: string;
  label: string;
  code: "buggy" | "fixed";
}
