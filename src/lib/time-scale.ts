// The playground-wide time scale, shared by the CLI and the worker (pure; no imports).
/**
 * Durable timers from the seeds (5 s moderation, 1 day reminders, 1 h token expiry) are scaled so a tour takes seconds.
 * The scale is "nominal seconds per real second"; the default turns a day into about 5 s.
 */
export const DEFAULT_TIME_SCALE = 17280;

/**
 * Nominal duration → the real duration the playground waits. Divided by the scale, but never below one second
 * (unless the nominal wait is already shorter), so the seeds' short polls stay watchable while days become seconds.
 */
export function scaleDuration(nominalMs: number, timeScale: number): number {
  if (nominalMs <= 1000) return Math.max(0, Math.round(nominalMs));
  return Math.max(1000, Math.round(nominalMs / timeScale));
}
