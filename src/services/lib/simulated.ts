// Simulated external systems (payment provider, moderation, flights, e-mail, S3…) are part of the product, and
// say so: every line they log names [SIMULATED <system>] after its time and level, and every effect they commit is appended to a
// ledger in the state dir (outside Restate), so scenarios and tests can count what really happened outside —
// "the e-mail was sent exactly once" is checked against this ledger, not against Restate's own view.
import { appendFileSync } from "node:fs";
import { readNdjson } from "../../lib/ndjson.js";
import path from "node:path";
import { logLine } from "../../lib/log-line.js";

export interface LedgerEntry {
  system: string;
  action: string;
  /** business key of the effect: invoice id, booking id, e-mail address… */
  key: string;
  detail?: unknown;
  at: string;
  pid: number;
  /** set for effects of a run outside the playground's stack (`compare`'s plain Node runs): the playground's own
   *  checks never see them, and those runs see only their own */
  run?: string;
}

/** The run this process records under (PATTERNS_LEDGER_RUN); undefined for the playground's own worker and CLI. */
export function ledgerRun(): string | undefined {
  return process.env.PATTERNS_LEDGER_RUN || undefined;
}

export function ledgerPath(stateDir = process.env.PATTERNS_STATE_DIR): string | undefined {
  return stateDir ? path.join(stateDir, "simulated.ndjson") : undefined;
}

export function simLog(system: string, message: string): void {
  process.stdout.write(`${logLine("info", `[SIMULATED ${system}] ${message}`)}\n`);
}

/** Record an effect of a simulated system (call it inside ctx.run, where the effect happens). */
export function recordEffect(system: string, action: string, key: string, detail?: unknown, stateDir?: string): void {
  const file = ledgerPath(stateDir);
  const run = ledgerRun();
  const entry: LedgerEntry = { system, action, key, detail, at: new Date().toISOString(), pid: process.pid, ...(run ? { run } : {}) };
  if (file) appendFileSync(file, JSON.stringify(entry) + "\n");
}

/** Read the ledger (CLI and tests): the entries of one run, by default this process's own (the playground's). */
export function readLedger(stateDir: string, filter: Partial<Pick<LedgerEntry, "system" | "action" | "key" | "run">> = {}): LedgerEntry[] {
  const run = "run" in filter ? filter.run : ledgerRun();
  return readNdjson<LedgerEntry>(ledgerPath(stateDir)!, {
    keep: (e) => e.run === run && (!filter.system || e.system === filter.system) && (!filter.action || e.action === filter.action) && (!filter.key || e.key === filter.key),
  });
}
