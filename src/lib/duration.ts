// Durations, shown and parsed one way everywhere: "450ms", "2.5s", "12s", "1m30s", "2h5m", "3d4h". What the CLI
// prints (a help default, a result, a summary) can be passed back to any duration option. Pure; no imports.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration for people and for options alike: rounded once, then split, so 599.7 s is "10m", never "9m60s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "-";
  if (ms < 0) return `-${formatDuration(-ms)}`;
  const r = Math.round(ms);
  if (r < 1000) return `${r}ms`;
  if (r < 10_000) {
    const tenths = Math.round(r / 100);
    if (tenths < 100) return `${tenths % 10 === 0 ? tenths / 10 : (tenths / 10).toFixed(1)}s`;
  }
  const s = Math.round(r / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ""}`;
  const min = Math.round(r / 60_000);
  if (min < 24 * 60) return `${Math.floor(min / 60)}h${min % 60 ? `${min % 60}m` : ""}`;
  const h = Math.round(r / 3_600_000);
  return `${Math.floor(h / 24)}d${h % 24 ? `${h % 24}h` : ""}`;
}

const PART = /(\d+(?:\.\d+)?)\s*(ms|min|s|m|h|d)/y;

/**
 * "2s", "500ms", "1m30s", "1.5s", "2h", "1d", also as printed with spaces ("1m 30s"), → milliseconds. A bare number
 * is refused (is 5000 seconds or milliseconds?), except 0. Undefined when the text is not a duration.
 */
export function durationMs(raw: string): number | undefined {
  const text = raw.trim().toLowerCase();
  if (/^0+(\.0+)?$/.test(text)) return 0;
  if (!text || /^\d+(\.\d+)?$/.test(text)) return undefined;
  let total = 0;
  let at = 0;
  while (at < text.length) {
    PART.lastIndex = at;
    const m = PART.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    at = PART.lastIndex;
    while (text[at] === " ") at++;
  }
  return Math.round(total);
}
