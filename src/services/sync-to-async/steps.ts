// The named ctx.run steps of the data uploader workflow: where `kill-worker --at-step` can arm a crash.
export const steps: readonly string[] = ["create bucket", "upload data", "send email"];
