// The simulated systems of the orchestration patterns keep their "database" in the shared ledger
// (src/services/lib/simulated.ts): an effect is committed by appending it, and a system asks the ledger what it
// already did (was this booking reserved? was this payment charged?). Without a state dir (a bare worker) an
// in-process tally stands in, so the services still work.
import * as restate from "@restatedev/restate-sdk";
import { readLedger, recordEffect } from "../lib/simulated.js";
import { InputError } from "../lib/input.js";

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

/** Parse a handler input; a bad field becomes a TerminalError 400 that names it (never a retry loop). */
export function validated<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof InputError) throw new restate.TerminalError(e.message, { errorCode: 400 });
    throw e;
  }
}
