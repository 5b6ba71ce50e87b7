// Small rendering helpers shared by the playground verbs (pure, so unit-tested on fixed inputs).
import { humanDuration } from "../../ui/output.js";
import { c } from "../../ui/palette.js";

/** "3 s ago" from an ISO timestamp; "-" when missing or unparsable. */
export function ago(iso: string | undefined, now = Date.now()): string {
  if (!iso) return "-";
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return "-";
  const d = now - t;
  if (d < 0) return `in ${humanDuration(-d)}`;
  return `${humanDuration(d)} ago`;
}

/** Milliseconds between two ISO timestamps, or undefined. */
export function between(fromIso: string | undefined, toIso: string | undefined): number | undefined {
  if (!fromIso || !toIso) return undefined;
  const a = Date.parse(fromIso);
  const b = Date.parse(toIso);
  return Number.isFinite(a) && Number.isFinite(b) ? b - a : undefined;
}

/** One line, at most max visible characters. */
export function oneLine(s: string, max = 200): string {
  const flat = s.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1))}…`;
}

/** Colour an invocation status the same way everywhere. */
export function paintStatus(status: string, result?: string): string {
  if (status === "completed") return result === "failure" ? c.fail("failed") : c.ok("completed");
  if (status === "backing-off" || status === "paused") return c.warn(status);
  if (status === "running") return c.info(status);
  return status;
}
