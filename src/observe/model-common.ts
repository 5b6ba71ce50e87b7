// What the timeline model's parts share: time parsing, the clock format, and the slack and lateness thresholds.
export const ms = (iso: string | undefined): number => (iso ? Date.parse(iso) : NaN);

/** Clock slack between the worker's and the server's timestamps (same machine, different processes). */
export const CLOCK_SLACK_MS = 50;

/** Sleeps later than this (ms) are "late"; below it is scheduling noise. */
export const LATE_MS = 250;

/** A time of day as the timelines print it: 24-hour UTC with milliseconds. */
export function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(11, 23);
}
