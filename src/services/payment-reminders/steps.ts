// The named ctx.run steps of the payment tracker: where `kill-worker --at-step` can arm a crash.
export const steps: readonly string[] = ["send reminder email", "escalate to support"];
