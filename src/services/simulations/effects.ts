// The simulated systems of the orchestration patterns keep their "database" in the shared ledger
// (src/services/lib/simulated.ts): an effect is committed by appending it, and a system asks the ledger what it
// already did (was this booking reserved? was this payment charged?). Without a state dir (a bare worker) an
// in-process tally stands in, so the services still work.
import { readLedger, recordEffect } from "../lib/simulated.js";

const memory = new Map<string, number>();
const tallyKey = (system: string, action: string, key: string) => `${system}\u0000${action}\u0000${key}`;

export function effect(system: string, action: string, key: string, detail?: unknown): void {
  recordEffect(system, action, key, detail);
  const k = tallyKey(system, action, key);
  memory.set(k, (memory.get(k) ?? 0) + 1);
}

/** How many times the system already committed `action` for `key`. */
export function effectCount(system: string, action: string, key: string): number {
  const dir = process.env.PATTERNS_STATE_DIR;
  if (dir) return readLedger(dir, { system, action, key }).length;
  return memory.get(tallyKey(system, action, key)) ?? 0;
}
