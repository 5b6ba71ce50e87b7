// The named ctx.run steps of the chaos run's services: where `kill-worker --at-step` can arm a crash.
export const steps: readonly string[] = ["record rpc", "record order violation", "apply effect"];
