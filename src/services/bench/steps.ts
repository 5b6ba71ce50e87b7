// The named ctx.run steps of the benchmark's recovery service (not a pattern): where a crash can be armed by name.
export const steps: readonly string[] = ["before sleep", "after sleep"];
