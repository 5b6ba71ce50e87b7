// The named ctx.run steps of the user feed: where `kill-worker --at-step` can arm a crash.
export const steps: readonly string[] = ["create post", "check moderation", "update feed"];
