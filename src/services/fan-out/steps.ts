// The named ctx.run steps of the fan-out worker: where `kill-worker --at-step` or `fanout --crash-after` can arm a crash.
export const steps: readonly string[] = ["split task", "finish subtask"];
