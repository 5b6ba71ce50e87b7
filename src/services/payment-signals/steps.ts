// The named ctx.run step of the payment-signals handler: where `kill-worker --at-step` can arm a crash.
export const steps: readonly string[] = ["stripe call"];
