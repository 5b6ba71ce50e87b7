// Helpers shared by the communication verbs and demos: argument checks, step-log counts.
export { ingressPath } from "../../ui/curl.js";
import { randomBytes } from "node:crypto";
import type { RunningStack } from "../../runtime/stack.js";
import { UsageError } from "../../errors.js";
import { readStepLog } from "../../observe/sources.js";
import { formatDuration } from "../../lib/duration.js";
export { callError } from "../../runtime/ingress.js";

/** A run-unique suffix for keys, so repeated runs on one stack never collide. */
export function randomSuffix(n = 6): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(randomBytes(n), (b) => alphabet[b % alphabet.length]).join("");
}

/** Object keys, idempotency keys, ids typed on the command line: printable, no spaces, not absurdly long. */
export function checkKeyArg(raw: string | undefined, what: string, example: string): string {
  const v = (raw ?? "").trim();
  if (!v) throw new UsageError(`${what} is missing`, `for example ${example}`);
  if (v.length > 200) throw new UsageError(`${what} is too long (${v.length} characters, at most 200)`, `for example ${example}`);
  if (/[\s\p{Cc}]/u.test(v)) throw new UsageError(`${what} must not contain spaces or control characters, got ${JSON.stringify(v)}`, `for example ${example}`);
  return v;
}

/** How often the worker really ran an invocation's handler (attempts) and each named step's body. */
export function executions(stack: RunningStack, invocationId: string): { attempts: number; steps: Record<string, number> } {
  const steps: Record<string, number> = {};
  let attempts = 0;
  for (const l of readStepLog(stack.paths.stepLog, [invocationId])) {
    if (l.kind === "attempt") attempts++;
    else if (l.kind === "run-start" && l.step) steps[l.step] = (steps[l.step] ?? 0) + 1;
  }
  return { attempts, steps };
}

/** "in 8.0 s" / "2.1 s ago" relative to now */
export function relative(iso: string | undefined, now = Date.now()): string {
  if (!iso) return "-";
  const ms = Date.parse(iso) - now;
  const abs = Math.abs(ms);
  const s = formatDuration(abs);
  return ms >= 0 ? `in ${s}` : `${s} ago`;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
