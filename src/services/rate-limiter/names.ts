// Names and messages of the rate limiter that the CLI, the scenario and the handlers share (no SDK import).

/** The Go seed's limiter for LimitedTask/RunTask. */
export const DEFAULT_LIMITER = "LimitedTask-RunTask";
/** Ledger system of the rate-limited task; one "run" record per task, keyed by limiter. */
export const RL_SYSTEM = "limited-task";
export const RL_WORK_STEP = "run the task";

export function noRateMessage(name: string): string {
  const flag = name === DEFAULT_LIMITER ? "" : ` --limiter ${name}`;
  return `no rate set for limiter ${name}: call SetRate first (npx patterns ratelimit set 1 1${flag})`;
}
