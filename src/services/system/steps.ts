// Step names of the crash demo (playground/recovery), here so the CLI can name them without loading the SDK.
export const RECOVERY_STEPS = { first: "prepare", sleep: "cool-off", second: "commit" } as const;
