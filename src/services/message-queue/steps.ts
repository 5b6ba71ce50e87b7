// The named ctx.run steps of the message queue's task worker: where `kill-worker --at-step` can arm a crash.
export const steps: readonly string[] = ["run task"];
