// Access to the shared test stack from inside a test file.
import { inject } from "vitest";
import { randomUUID } from "node:crypto";
import { AdminClient } from "../../src/runtime/admin.js";
import { runCli, type CliResult } from "./cli.js";

export function stack() {
  const info = inject("stack");
  return { ...info, admin: new AdminClient(info.adminUrl) };
}

/** Run a CLI verb against the shared stack. */
export function patterns(args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<CliResult> {
  return runCli([...args, "--state-dir", inject("stack").stateDir], opts);
}

/** A key unique to this test, so tests sharing the stack never touch each other's objects. */
export function uniqueKey(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Poll until fn returns a truthy value, or fail with what was awaited. */
export async function eventually<T>(what: string, fn: () => Promise<T | undefined | false | null>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}`);
}

/** POST to the ingress like curl --json would. */
export async function ingress(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown; text: string; headers: Headers }> {
  const res = await fetch(`${inject("stack").ingressUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(180_000),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}
