// Pure decisions of the priority queue (no SDK imports): which waiter gets the next permit, what done/drop do.
// The queue object keeps this state and resolves the awakeables of the waiters these functions pick.

export const DEFAULT_MAX_IN_FLIGHT = 10;
export const DEFAULT_QUEUE = "myService-expensiveMethod";
/** The seed's expensive method works 5 s (scaled by the playground's time scale). */
export const NOMINAL_WORK_MS = 5000;

export interface QueueItem {
  /** the waiter's awakeable: resolving it is the permit */
  awakeableId: string;
  /** lower numbers are served first */
  priority: number;
  /** arrival order, to keep FIFO within a priority */
  seq: number;
  invocationId?: string;
  label?: string;
  enqueuedAt: number;
}

export interface Permit {
  awakeableId: string;
  priority: number;
  invocationId?: string;
  label?: string;
  grantedAt: number;
}

export interface QueueState {
  items: QueueItem[];
  inFlight: Permit[];
  maxInFlight: number;
  seq: number;
  served: number;
  dropped: number;
}

export function emptyQueue(maxInFlight = DEFAULT_MAX_IN_FLIGHT): QueueState {
  return { items: [], inFlight: [], maxInFlight, seq: 0, served: 0, dropped: 0 };
}

export function compareItems(a: QueueItem, b: QueueItem): number {
  return a.priority - b.priority || a.seq - b.seq;
}

export function push(s: QueueState, item: Omit<QueueItem, "seq">): QueueState {
  // a waiter is pushed once; a repeated push (same awakeable) changes nothing
  if (s.items.some((i) => i.awakeableId === item.awakeableId) || s.inFlight.some((p) => p.awakeableId === item.awakeableId)) return s;
  return { ...s, items: [...s.items, { ...item, seq: s.seq + 1 }], seq: s.seq + 1 };
}

/** Hand out permits while there is room: lowest priority number first, FIFO within a priority. */
export function tick(s: QueueState, now: number): { state: QueueState; granted: Permit[] } {
  const items = [...s.items].sort(compareItems);
  const inFlight = [...s.inFlight];
  const granted: Permit[] = [];
  while (inFlight.length < s.maxInFlight && items.length > 0) {
    const next = items.shift()!;
    const permit: Permit = { awakeableId: next.awakeableId, priority: next.priority, invocationId: next.invocationId, label: next.label, grantedAt: now };
    inFlight.push(permit);
    granted.push(permit);
  }
  return { state: { ...s, items, inFlight, served: s.served + granted.length }, granted };
}

/** The holder of a permit finished (successfully or terminally): its slot is free. */
export function release(s: QueueState, awakeableId: string): QueueState {
  return { ...s, inFlight: s.inFlight.filter((p) => p.awakeableId !== awakeableId) };
}

/**
 * A waiter was cancelled: remove it from the queue. If it had already been handed a permit (the cancel raced the
 * grant), the permit is given back, so a cancelled waiter never holds a slot.
 */
export function drop(s: QueueState, awakeableId: string): { state: QueueState; wasQueued: boolean } {
  const wasQueued = s.items.some((i) => i.awakeableId === awakeableId);
  if (wasQueued) return { state: { ...s, items: s.items.filter((i) => i.awakeableId !== awakeableId), dropped: s.dropped + 1 }, wasQueued };
  return { state: release(s, awakeableId), wasQueued };
}

export interface QueueSummary {
  maxInFlight: number;
  inFlight: number;
  queued: number;
  /** queued waiters per priority, lowest number first */
  byPriority: { priority: number; count: number }[];
  served: number;
  dropped: number;
  inFlightItems: Permit[];
  queuedItems: QueueItem[];
}

export function summarize(s: QueueState): QueueSummary {
  const counts = new Map<number, number>();
  for (const i of s.items) counts.set(i.priority, (counts.get(i.priority) ?? 0) + 1);
  return {
    maxInFlight: s.maxInFlight,
    inFlight: s.inFlight.length,
    queued: s.items.length,
    byPriority: [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([priority, count]) => ({ priority, count })),
    served: s.served,
    dropped: s.dropped,
    inFlightItems: s.inFlight,
    queuedItems: [...s.items].sort(compareItems),
  };
}

/**
 * Highest number of overlapping [start, end] intervals (an unfinished one counts until the end of time).
 * Used on the ledger's start/end records to prove the in-flight cap held. At equal times an end counts first.
 */
export function maxConcurrency(events: { at: number; kind: "start" | "end" }[]): number {
  const sorted = [...events].sort((a, b) => a.at - b.at || (a.kind === "end" ? -1 : 1) - (b.kind === "end" ? -1 : 1));
  let cur = 0;
  let max = 0;
  for (const e of sorted) {
    cur += e.kind === "start" ? 1 : -1;
    max = Math.max(max, cur);
  }
  return max;
}
