// The chaos run's effect sink: a SQLite file in the state dir, outside Restate, so the proof does not rest on the
// system under test. Every body execution of the effect step writes an `attempts` row; the effect itself is an
// insert keyed by the event id (the idempotent write a real consumer would do), so a body that runs again after a
// crash finds its row and is counted as a `dedup` instead of a second effect.
import path from "node:path";
import { createRequire } from "node:module";
import type { DatabaseSync } from "node:sqlite";

// node:sqlite is loaded lazily: only the chaos services use it, and only when an event arrives.
const require = createRequire(import.meta.url);

export const SINK_FILE = "chaos-sink.db";

export interface EffectRow {
  event_id: string;
  key: string;
  seq: number;
  amount: number;
  pid: number;
  at: number;
}

export interface AttemptRow {
  event_id: string;
  step: string;
  pid: number;
  at: number;
}

export function openSink(file: string): DatabaseSync {
  const { DatabaseSync: Db } = require("node:sqlite") as typeof import("node:sqlite");
  const db = new Db(file);
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = NORMAL;
    PRAGMA busy_timeout = 5000;
    CREATE TABLE IF NOT EXISTS attempts (event_id TEXT NOT NULL, step TEXT NOT NULL, pid INTEGER NOT NULL, at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS effects (event_id TEXT PRIMARY KEY, key TEXT NOT NULL, seq INTEGER NOT NULL, amount INTEGER NOT NULL, pid INTEGER NOT NULL, at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS dedups (event_id TEXT NOT NULL, step TEXT NOT NULL, pid INTEGER NOT NULL, at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS rpc_calls (event_id TEXT PRIMARY KEY, executions INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS violations (event_id TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL, expected INTEGER NOT NULL, at INTEGER NOT NULL);
  `);
  return db;
}

let shared: DatabaseSync | undefined;

/** The worker's connection (one per process). */
export function workerSink(): DatabaseSync {
  if (!shared) {
    const dir = process.env.PATTERNS_STATE_DIR;
    if (!dir) throw new Error("PATTERNS_STATE_DIR is not set: the chaos sink needs the state dir");
    shared = openSink(path.join(dir, SINK_FILE));
  }
  return shared;
}

/** One execution of the effect step: an attempt row, then the idempotent effect. Returns whether it was new. */
export function applyEffect(db: DatabaseSync, e: Omit<EffectRow, "pid" | "at">): boolean {
  const at = Date.now();
  db.prepare("INSERT INTO attempts (event_id, step, pid, at) VALUES (?, 'effect', ?, ?)").run(e.event_id, process.pid, at);
  const r = db.prepare("INSERT OR IGNORE INTO effects (event_id, key, seq, amount, pid, at) VALUES (?, ?, ?, ?, ?, ?)").run(e.event_id, e.key, e.seq, e.amount, process.pid, at);
  if (Number(r.changes) === 0) db.prepare("INSERT INTO dedups (event_id, step, pid, at) VALUES (?, 'effect', ?, ?)").run(e.event_id, process.pid, at);
  return Number(r.changes) === 1;
}

/** One execution of the idempotent RPC's step: counts executions per event id. */
export function recordRpc(db: DatabaseSync, eventId: string): number {
  db.prepare("INSERT INTO attempts (event_id, step, pid, at) VALUES (?, 'rpc', ?, ?)").run(eventId, process.pid, Date.now());
  db.prepare("INSERT INTO rpc_calls (event_id, executions) VALUES (?, 1) ON CONFLICT(event_id) DO UPDATE SET executions = executions + 1").run(eventId);
  const row = db.prepare("SELECT executions FROM rpc_calls WHERE event_id = ?").get(eventId) as { executions: number } | undefined;
  return row?.executions ?? 0;
}

export function recordViolation(db: DatabaseSync, v: { event_id: string; key: string; seq: number; expected: number }): void {
  db.prepare("INSERT INTO violations (event_id, key, seq, expected, at) VALUES (?, ?, ?, ?, ?)").run(v.event_id, v.key, v.seq, v.expected, Date.now());
}
