// The chaos run's verdict, computed from three independent records: what the broker acknowledged (the producer's
// ledger), what the worker did outside Restate (the SQLite sink) and what Restate kept (each key's state).
import type { Fault } from "./schedule.js";

export type FaultRecord = Fault & { startedAt: number; endedAt: number };

export interface LedgerEntry {
  eventId: string;
  key: string;
  seq: number;
  amount: number;
  rpc: boolean;
}

export interface SinkEffect {
  event_id: string;
  key: string;
  seq: number;
  amount: number;
  /** sink insertion order */
  rowid: number;
}

export interface SinkAttempt {
  event_id: string;
  step: string;
  at: number;
}

export interface KeyState {
  lastSeq: number;
  count: number;
  sum: number;
  violations: number;
  redelivered: number;
}

export interface Evidence {
  ledger: LedgerEntry[];
  effects: SinkEffect[];
  attempts: SinkAttempt[];
  rpcExecutions: Map<string, number>;
  states: Map<string, KeyState>;
  /** the faults as they happened, in ms since epoch */
  faults: FaultRecord[];
}

export interface Verdict {
  eventsProduced: number;
  effectsCommitted: number;
  lost: number;
  duplicatedEffects: number;
  stateMismatches: number;
  orderViolations: number;
  bodyExecutions: number;
  duplicateBodyExecutions: number;
  duplicatesOutsideFaultWindow: number;
  rpcEvents: number;
  rpcExtraExecutions: number;
}

/** Duplicate body executions are allowed only while a fault is fresh: within this long after a fault started. */
export const DUPLICATE_WINDOW_MS = 60_000;

export function verdict(ev: Evidence): Verdict {
  const produced = new Map(ev.ledger.map((e) => [e.eventId, e]));
  const effectIds = new Set(ev.effects.map((e) => e.event_id));
  const lost = [...produced.keys()].filter((id) => !effectIds.has(id)).length;

  // Restate's state must count each produced event exactly once: per key, count and sum equal the ledger's.
  const perKey = new Map<string, { n: number; sum: number; maxSeq: number }>();
  for (const e of ev.ledger) {
    const k = perKey.get(e.key) ?? { n: 0, sum: 0, maxSeq: 0 };
    k.n += 1;
    k.sum += e.amount;
    k.maxSeq = Math.max(k.maxSeq, e.seq);
    perKey.set(e.key, k);
  }
  let duplicatedEffects = 0;
  let stateMismatches = 0;
  for (const [key, want] of perKey) {
    const got = ev.states.get(key);
    if (!got || got.count !== want.n || got.sum !== want.sum || got.lastSeq !== want.maxSeq) stateMismatches += 1;
    if (got && got.count > want.n) duplicatedEffects += got.count - want.n;
  }
  // The sink's own view: an effect row whose event was never produced, or a count above one per event id.
  duplicatedEffects += ev.effects.filter((e) => !produced.has(e.event_id)).length;

  // Per-key order, from the sink's insertion order and from the violations the handler counted in its state.
  let orderViolations = 0;
  const lastByKey = new Map<string, number>();
  for (const e of [...ev.effects].sort((a, b) => a.rowid - b.rowid)) {
    const prev = lastByKey.get(e.key) ?? 0;
    if (e.seq !== prev + 1) orderViolations += 1;
    lastByKey.set(e.key, e.seq);
  }
  for (const s of ev.states.values()) orderViolations += s.violations;

  // Body executions of both steps (the effect and the RPC's); a second execution of the same step for the same
  // event is the at-least-once body after a crash, allowed only shortly after a fault.
  const effectAttempts = ev.attempts.filter((a) => a.step === "effect");
  const seen = new Set<string>();
  const duplicates: SinkAttempt[] = [];
  for (const a of [...ev.attempts].sort((x, y) => x.at - y.at)) {
    const id = `${a.step}:${a.event_id}`;
    if (seen.has(id)) duplicates.push(a);
    else seen.add(id);
  }
  const outside = duplicates.filter((d) => !ev.faults.some((f) => d.at >= f.startedAt && d.at <= f.endedAt + DUPLICATE_WINDOW_MS)).length;

  const rpcIds = ev.ledger.filter((e) => e.rpc).map((e) => e.eventId);
  const rpcExtra = rpcIds.reduce((n, id) => n + Math.max(0, (ev.rpcExecutions.get(id) ?? 0) - 1), 0);
  const rpcMissing = rpcIds.filter((id) => !ev.rpcExecutions.has(id)).length;

  return {
    eventsProduced: produced.size,
    effectsCommitted: effectIds.size,
    lost: lost + rpcMissing,
    duplicatedEffects,
    stateMismatches,
    orderViolations,
    bodyExecutions: effectAttempts.length,
    duplicateBodyExecutions: duplicates.length,
    duplicatesOutsideFaultWindow: outside,
    rpcEvents: rpcIds.length,
    rpcExtraExecutions: rpcExtra,
  };
}
