// Token-bucket maths of the rate limiter (the semantics of Go's golang.org/x/time/rate, as in the Go seed), as pure
// functions of (state, now). The Limiter object runs them inside ctx.run, so "now" is journaled and a replay takes
// the same decision. Times are epoch milliseconds so the state is plain JSON.

export interface LimiterState {
  /** tokens added per second; 0 allows no events beyond the burst that is already in the bucket */
  limit: number;
  /** bucket size: the most tokens one reservation may take, and the most that can pile up */
  burst: number;
  /** tokens in the bucket at `last` (negative while reservations wait for tokens that are not there yet) */
  tokens: number;
  /** when `tokens` was last brought up to date */
  last: number;
  /** the latest time a reserved event may act (past or future) */
  lastEvent: number;
}

export interface Reservation {
  ok: boolean;
  /** tokens taken (0 when not ok) */
  tokens: number;
  creationTime: number;
  /** when the holder may act (= creationTime when no wait is needed) */
  timeToAct: number;
  /** the limit at reservation time (it may change later) */
  limit: number;
}

export interface RateChange {
  limit?: number;
  burst?: number;
}

/** Milliseconds it takes to accumulate `tokens` at `limit` per second (Infinity at limit 0). */
export function durationFromTokens(limit: number, tokens: number): number {
  if (limit <= 0) return Infinity;
  return (tokens / limit) * 1000;
}

/** Tokens accumulated during `ms` at `limit` per second. */
export function tokensFromDuration(limit: number, ms: number): number {
  if (limit <= 0 || ms <= 0) return 0;
  return (ms / 1000) * limit;
}

/** Tokens in the bucket at `now` (not stored: the caller decides whether to keep it). */
export function advance(s: LimiterState, now: number): number {
  const last = Math.min(s.last, now);
  const tokens = s.tokens + tokensFromDuration(s.limit, now - last);
  return Math.min(tokens, s.burst);
}

/**
 * Apply SetRate at `now`: tokens accrue at the old rate up to now, then the new limit/burst apply.
 * A limiter configured for the first time starts with a full bucket (like Go's rate.NewLimiter).
 */
export function setRate(s: LimiterState | undefined, now: number, change: RateChange): LimiterState {
  if (!s) {
    const burst = change.burst ?? 0;
    return { limit: change.limit ?? 0, burst, tokens: burst, last: now, lastEvent: 0 };
  }
  const burst = change.burst ?? s.burst;
  return { ...s, tokens: Math.min(advance(s, now), burst), last: now, limit: change.limit ?? s.limit, burst };
}

/**
 * Take n tokens at `now`. Not ok when n exceeds the burst or the wait would be longer than maxFutureReserveMs;
 * then the state is unchanged. When ok, the bucket may go negative: later reservations queue up behind this one.
 */
export function reserve(s: LimiterState, now: number, n: number, maxFutureReserveMs = Infinity): { state: LimiterState; reservation: Reservation } {
  const tokens = advance(s, now) - n;
  const waitMs = tokens < 0 ? durationFromTokens(s.limit, -tokens) : 0;
  // at limit 0 a missing token never comes: that is a refusal, not an endless wait (Infinity is not JSON either)
  const ok = n <= s.burst && Number.isFinite(waitMs) && waitMs <= maxFutureReserveMs;
  if (!ok) return { state: s, reservation: { ok: false, tokens: 0, creationTime: now, timeToAct: now, limit: s.limit } };
  const timeToAct = now + waitMs;
  return {
    state: { ...s, tokens, last: now, lastEvent: timeToAct },
    reservation: { ok: true, tokens: n, creationTime: now, timeToAct, limit: s.limit },
  };
}

/** How long the holder of r must still wait at `now` (0: act now; Infinity: never). */
export function delayFrom(r: Reservation, now: number): number {
  if (!r.ok) return Infinity;
  return Math.max(0, r.timeToAct - now);
}

/**
 * Give back what a reservation took, as far as later reservations allow (a holder was cancelled before acting).
 * Tokens that later reservations already counted on are not restored.
 */
export function cancelReservation(s: LimiterState, now: number, r: Reservation): LimiterState {
  if (!r.ok || r.tokens === 0 || r.timeToAct < now) return s;
  const restore = r.tokens - tokensFromDuration(r.limit, s.lastEvent - r.timeToAct);
  if (restore <= 0) return s;
  const tokens = Math.min(advance(s, now) + restore, s.burst);
  let lastEvent = s.lastEvent;
  if (r.timeToAct === s.lastEvent) {
    const prev = r.timeToAct - durationFromTokens(r.limit, r.tokens);
    if (prev >= now) lastEvent = prev;
  }
  return { ...s, tokens, last: now, lastEvent };
}

/**
 * The rate at which events were admitted, from their times (ms, any order): the first `burst` may go at once, so
 * the rate is measured over the events after them: (n - burst) / (last - the burst's last). undefined when there
 * are too few events to say.
 */
export function admittedRate(times: number[], burst: number): { perSecond: number; events: number; spanMs: number } | undefined {
  const t = [...times].sort((a, b) => a - b);
  const b = Math.max(1, Math.min(Math.floor(burst), t.length - 1));
  if (t.length < 2 || b >= t.length) return undefined;
  const spanMs = t[t.length - 1]! - t[b - 1]!;
  const events = t.length - b;
  if (spanMs <= 0) return undefined;
  return { perSecond: (events / spanMs) * 1000, events, spanMs };
}

/** "2/s", "2", "0.5/s", "120/min", "30/m" → tokens per second; undefined when it is not a rate. */
export function parseRate(raw: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(s|sec|second|m|min|minute|h|hour))?\s*$/.exec(raw);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? "s";
  const perSecond = unit.startsWith("s") ? n : unit.startsWith("m") ? n / 60 : n / 3600;
  return Number.isFinite(perSecond) ? perSecond : undefined;
}
