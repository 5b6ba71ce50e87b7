// Step names of the crash demo (playground/recovery), here so the CLI can name them without loading the SDK.
export const RECOVERY_STEPS = { first: "prepare", sleep: "cool-off", second: "commit" } as const;

/** The versioning tour's service: two versions of one handler (src/services/system/versioning.ts). */
export const VERSION_SERVICE = "playgroundVersion";
export const VERSION_STEPS = { fraud: "check fraud", reserve: "reserve stock", wait: "wait for the courier", ship: "ship" } as const;
/** The worker environment switch that picks the handler's code. */
export const CODE_VARIANT_ENV = "PATTERNS_CODE_VARIANT";

export interface VersionInput {
  /** the durable sleep between the steps, in ms (default 0) */
  holdMs?: number;
}

export interface VersionResult {
  version: "v1" | "v2";
  steps: string[];
  finishedBy: number;
}

/** Every name the playground's own handlers give ctx.run: where `kill-worker --at-step` can arm a crash. */
export const steps: readonly string[] = [RECOVERY_STEPS.first, RECOVERY_STEPS.second, "hold the key", "read worker clock", VERSION_STEPS.fraud, VERSION_STEPS.reserve, VERSION_STEPS.ship];
