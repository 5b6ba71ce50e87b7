// The chaos run's seeded plan: which key each event goes to, and when which fault happens. Pure, so the same seed
// always gives the same run (a failing run can be replayed with --seed).

import { rng } from "../lib/rng.js";

export type FaultKind = "kill-worker" | "kill-restate" | "kill-broker" | "stop-worker" | "restart-restate" | "kill-node";

export interface Fault {
  kind: FaultKind;
  /** ms after the start of the run */
  at: number;
  /** how long the component stays down (kill) or frozen (stop), in ms */
  downMs: number;
  /** kill-node: which restate-server node of the cluster */
  node?: number;
}

/**
 * Shares: worker kills 35 %, server kills 25 %, embedded-broker kills 15 % (its log and group offsets persist, so the
 * subscriptions go on from their committed offsets), worker freezes 12.5 %, graceful server restarts 12.5 %.
 */
const MIX: [FaultKind, number][] = [
  ["kill-worker", 0.35],
  ["kill-restate", 0.25],
  ["kill-broker", 0.15],
  ["stop-worker", 0.125],
  ["restart-restate", 0.125],
];

export interface ScheduleOptions {
  seed: number;
  /** the fault window in ms (the production time) */
  windowMs: number;
  /** pause between the end of one fault and the next, in ms */
  gapMs: [number, number];
  /** a freeze lasts beyond restate's inactivity timeout by this much */
  inactivityTimeoutMs: number;
  /** at least this many faults: the gaps shrink until they fit (default 0) */
  minFaults?: number;
  /** restate-server nodes (default 1); in a cluster the server kills become kills of one node at a time */
  nodes?: number;
}

function pick(r: () => number): FaultKind {
  let x = r();
  for (const [k, share] of MIX) {
    if (x < share) return k;
    x -= share;
  }
  return "kill-worker";
}

function downFor(kind: FaultKind, r: () => number, inactivityMs: number): number {
  const between = (lo: number, hi: number) => Math.round(lo + r() * (hi - lo));
  switch (kind) {
    case "kill-worker":
      return between(500, 3000);
    case "kill-restate":
    case "kill-node":
      return between(1000, 5000);
    case "kill-broker":
      return between(500, 3000);
    case "stop-worker":
      return inactivityMs + between(1000, 4000);
    case "restart-restate":
      return between(200, 1000);
  }
}

/** Faults one after another (never two at once), each after a random gap, all starting inside the window. */
export function faultSchedule(o: ScheduleOptions): Fault[] {
  let gap = o.gapMs;
  for (let i = 0; ; i++) {
    const faults = oneSchedule({ ...o, gapMs: gap });
    if (faults.length >= (o.minFaults ?? 0) || i >= 20 || gap[1] < 500) return faults;
    gap = [Math.round(gap[0] * 0.85), Math.round(gap[1] * 0.85)];
  }
}

function oneSchedule(o: ScheduleOptions): Fault[] {
  const r = rng(o.seed ^ 0x5eed);
  const faults: Fault[] = [];
  let t = Math.round(o.gapMs[0] / 2);
  for (;;) {
    t += Math.round(o.gapMs[0] + r() * (o.gapMs[1] - o.gapMs[0]));
    if (t >= o.windowMs) break;
    const picked = pick(r);
    const nodes = o.nodes ?? 1;
    // a single node keeps its exact seeded plan; a cluster's server kills hit one node, picked by the same seed
    const kind: FaultKind = picked === "kill-restate" && nodes > 1 ? "kill-node" : picked;
    const downMs = downFor(kind, r, o.inactivityTimeoutMs);
    faults.push(kind === "kill-node" ? { kind, at: t, downMs, node: 1 + Math.floor(r() * nodes) } : { kind, at: t, downMs });
    t += downMs;
  }
  return faults;
}

export interface PlannedEvent {
  eventId: string;
  key: string;
  seq: number;
  amount: number;
  rpc: boolean;
}

/** N events over K keys: random key, per-key sequence numbers from 1, 5 % also exercise idempotent RPC. */
export function eventPlan(o: { seed: number; events: number; keys: number; runId: string }): PlannedEvent[] {
  const r = rng(o.seed);
  const seqs = new Map<string, number>();
  const out: PlannedEvent[] = [];
  for (let i = 0; i < o.events; i++) {
    const key = `k${String(Math.floor(r() * o.keys)).padStart(3, "0")}`;
    const seq = (seqs.get(key) ?? 0) + 1;
    seqs.set(key, seq);
    out.push({ eventId: `${o.runId}-${i}`, key: `${o.runId}-${key}`, seq, amount: 1 + Math.floor(r() * 100), rpc: r() < 0.05 });
  }
  return out;
}
